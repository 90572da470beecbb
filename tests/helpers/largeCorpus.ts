/**
 * A made-up corpus with thousands of distinct words, the same for a seed on every machine: the size
 * real text reaches (V near the largest allowed), for the tests, the benchmark and the screenshots of
 * a large model. Words are invented syllable by syllable and fall in four kinds (things, doings,
 * qualities, manners) that take their own places in a few sentence shapes, with common words far more
 * common than rare ones, as in real text, so a short run already learns which kind comes where.
 * Pure: no Node or DOM import (scripts/make-large-corpus.mjs bundles it to write a file).
 */
import { createRng } from '../../src-main/model/network/rng.ts';

export interface LargeCorpusOptions {
  /** Distinct invented words (the function words below come on top): every one appears at least once. */
  words: number;
  /** Lines of the corpus. */
  lines: number;
  seed?: number;
}

/** The small words every shape uses. */
const FUNCTION_WORDS = ['the', 'a', 'and', 'of', 'to', 'is', 'do', 'you', 'i', 'it', 'with', 'very'];

const ONSETS = ['b', 'd', 'f', 'g', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'z', 'br', 'dr', 'gl', 'pl', 'st', 'tr', 'sh', 'ch'];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'ai', 'ou', 'ee'];
const CODAS = ['', '', 'n', 'r', 'l', 'm', 's', 'k', 't'];
/** Endings that mark a word's kind, so the kinds can be told apart by eye too. */
const ENDINGS = { thing: ['', 'o', 'a'], doing: ['es', 'ed', 'ing'], quality: ['y', 'ish', 'ful'], manner: ['ly'] } as const;
type Kind = keyof typeof ENDINGS;
/** The share of the invented words of each kind. */
const SHARES: [Kind, number][] = [
  ['thing', 0.45],
  ['doing', 0.25],
  ['quality', 0.2],
  ['manner', 0.1],
];

/** The words, their kinds and the corpus text (lines joined by "\n"). */
export function largeCorpus({ words, lines, seed = 1 }: LargeCorpusOptions): { text: string; words: string[] } {
  const rng = createRng(seed);
  const pick = <T>(list: readonly T[]): T => list[rng.below(list.length)];
  const taken = new Set(FUNCTION_WORDS);
  const byKind: Record<Kind, string[]> = { thing: [], doing: [], quality: [], manner: [] };
  const all: string[] = [];
  for (const [kind, share] of SHARES) {
    const count = kind === 'manner' ? words - all.length : Math.round(words * share);
    while (byKind[kind].length < count) {
      const syllables = 1 + rng.below(3);
      let stem = '';
      for (let s = 0; s < syllables; s++) stem += pick(ONSETS) + pick(VOWELS) + (s === syllables - 1 ? pick(CODAS) : '');
      const word = stem + pick(ENDINGS[kind]);
      if (taken.has(word)) continue;
      taken.add(word);
      byKind[kind].push(word);
      all.push(word);
    }
  }
  // Each kind's words in a fixed order of commonness: the n-th is drawn about 1/n as often (Zipf).
  const cumulative = (n: number) => {
    const sums = new Float64Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) sums[i] = total += 1 / (i + 1);
    return sums.map((s) => s / total);
  };
  const weights = Object.fromEntries(Object.entries(byKind).map(([kind, list]) => [kind, cumulative(list.length)])) as Record<Kind, Float64Array>;
  // Every word appears once (in order of its kind's list), then the draws follow the Zipf weights.
  const unseen: Record<Kind, number> = { thing: 0, doing: 0, quality: 0, manner: 0 };
  const word = (kind: Kind): string => {
    const list = byKind[kind];
    if (unseen[kind] < list.length) return list[unseen[kind]++];
    const u = rng.next();
    let lo = 0;
    let hi = list.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (weights[kind][mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return list[lo];
  };
  const shapes: (() => string)[] = [
    () => `the ${word('quality')} ${word('thing')} ${word('doing')} the ${word('thing')} .`,
    () => `a ${word('thing')} ${word('doing')} ${word('manner')} with the ${word('thing')} .`,
    () => `do you ${word('doing')} the ${word('thing')} ? i ${word('doing')} it ${word('manner')} .`,
    () => `the ${word('thing')} of the ${word('thing')} is very ${word('quality')} .`,
    () => `i ${word('doing')} a ${word('quality')} ${word('thing')} and a ${word('quality')} ${word('thing')} .`,
    () => `you ${word('doing')} to the ${word('thing')} ${word('manner')} .`,
  ];
  const text: string[] = [];
  for (let i = 0; i < lines; i++) text.push(shapes[rng.below(shapes.length)]());
  return { text: text.join('\n') + '\n', words: all };
}
