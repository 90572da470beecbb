import { schemeTableau10 } from 'd3-scale-chromatic';

/** Letters naming the sentences of a comparison: A, B, C, ... */
export function sentenceLetter(index: number): string {
  return String.fromCharCode(65 + index);
}

/**
 * A colour telling one sentence's path from another's. These name sentences, not values: values keep
 * to the scales in colours.ts.
 */
export function sentenceColour(index: number): string {
  return schemeTableau10[index % schemeTableau10.length];
}
