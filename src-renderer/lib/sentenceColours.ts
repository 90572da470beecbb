import { schemeCategory10, schemeDark2, schemeTableau10 } from 'd3-scale-chromatic';

/**
 * Sixteen colours, one for each sentence a comparison can hold: Tableau's ten, then six from Dark2 and
 * Category10 that none of those ten is close to.
 */
const SENTENCE_COLOURS = [...schemeTableau10, ...[0, 2, 3, 7].map((i) => schemeDark2[i]), schemeCategory10[8], schemeCategory10[9]];

/** Letters naming the sentences of a comparison: A, B, C, ... */
export function sentenceLetter(index: number): string {
  return String.fromCharCode(65 + index);
}

/**
 * A colour telling one sentence's path from another's. These name sentences, not values: values keep
 * to the scales in colours.ts.
 */
export function sentenceColour(index: number): string {
  return SENTENCE_COLOURS[index % SENTENCE_COLOURS.length];
}
