import { clip, formatError, inputError, quote } from './errors.ts';
import { MAX_QUOTED_CHARACTERS, VOCABULARY, VOCABULARY_CAP } from './limits.ts';

/** Row 0: the line boundary (start and end of a line). Written as `""` in the original's wordmap. */
export const BOUNDARY = 0;
/** Row 1: where words the model does not know go. The original project names it `-`. */
export const UNKNOWN = 1;
export const BOUNDARY_TOKEN = '';
export const UNKNOWN_TOKEN = '-';

export interface Vocabulary {
  /** Token text by row; row 0 is `""` (boundary), row 1 the unknown token. */
  readonly tokens: readonly string[];
  readonly rows: ReadonlyMap<string, number>;
}

/** A vocabulary from its tokens in row order, checked: `""` first, at least 3 rows, no repeats. */
export function vocabularyFromTokens(tokens: readonly string[]): Vocabulary {
  if (tokens.length < VOCABULARY.min) {
    throw formatError(`a vocabulary needs at least ${VOCABULARY.min} tokens (boundary, unknown and one word); this one has ${tokens.length}`);
  }
  if (tokens.length > VOCABULARY.max) {
    throw formatError(`a vocabulary has at most ${VOCABULARY.max.toLocaleString('en')} tokens; this one has ${tokens.length.toLocaleString('en')}`);
  }
  if (tokens[BOUNDARY] !== BOUNDARY_TOKEN) {
    throw formatError(`row 0 of a vocabulary must be the line boundary "" but is ${typeof tokens[0] === 'string' ? quote(tokens[0]) : 'missing'}`);
  }
  const rows = new Map<string, number>();
  tokens.forEach((token, row) => {
    if (typeof token !== 'string') throw formatError(`vocabulary row ${row} is not a string`);
    if (rows.has(token)) {
      throw formatError(`the token ${quote(token)} appears twice in the vocabulary (rows ${rows.get(token)} and ${row})`);
    }
    rows.set(token, row);
  });
  return { tokens: [...tokens], rows };
}

/**
 * Builds a vocabulary from tokenized corpus lines: boundary, unknown, then every other token,
 * most frequent first (ties in order of first appearance), so the same corpus gives the same rows.
 * Only the `cap` most frequent words are kept; the others are read as the unknown word.
 */
export function buildVocabulary(lines: readonly (readonly string[])[], cap: number = VOCABULARY_CAP.default): Vocabulary {
  return buildCappedVocabulary(lines, cap).vocabulary;
}

/** A vocabulary built under a cap, and what the cap left out. */
export interface CappedVocabulary {
  vocabulary: Vocabulary;
  /** The cap it was built under: the most words (boundary and unknown aside) it may keep. */
  cap: number;
  /** Distinct words in the corpus (the boundary and the unknown token `-` aside). */
  words: number;
  /** The words left out, most frequent first (ties in order of first appearance), with their counts. */
  dropped: { token: string; count: number }[];
  /** How many of the corpus's tokens are dropped words, now read as the unknown word. */
  droppedTokens: number;
  /** Every token of the corpus but the boundaries between a dialogue's lines (`-` included). */
  tokens: number;
}

/**
 * `buildVocabulary` with its account: a corpus with more distinct words than `cap` keeps its most
 * frequent ones, ties broken by first appearance; the rest are counted, with their share of the tokens.
 */
export function buildCappedVocabulary(lines: readonly (readonly string[])[], cap: number = VOCABULARY_CAP.default): CappedVocabulary {
  if (!Number.isInteger(cap) || cap < VOCABULARY_CAP.min || cap > VOCABULARY_CAP.max) {
    throw inputError(`the vocabulary cap must be a whole number from ${VOCABULARY_CAP.min} to ${VOCABULARY_CAP.max.toLocaleString('en')}, not ${cap}`);
  }
  const counts = new Map<string, number>();
  let tokens = 0;
  for (const line of lines) {
    for (const token of line) {
      // Row 0 and row 1 are there already; "" is the boundary between a dialogue's lines.
      if (token === BOUNDARY_TOKEN) continue;
      tokens++;
      if (token === UNKNOWN_TOKEN) continue;
      counts.set(token, (counts.get(token) ?? 0) + 1);
    }
  }
  if (counts.size === 0) throw inputError('the corpus has no words to build a vocabulary from');
  // A Map keeps insertion order: its keys are already in order of first appearance, and sort is stable.
  const order = [...counts.keys()].sort((a, b) => counts.get(b)! - counts.get(a)!);
  const dropped = order.slice(cap).map((token) => ({ token, count: counts.get(token)! }));
  return {
    vocabulary: vocabularyFromTokens([BOUNDARY_TOKEN, UNKNOWN_TOKEN, ...order.slice(0, cap)]),
    cap,
    words: counts.size,
    dropped,
    droppedTokens: dropped.reduce((sum, d) => sum + d.count, 0),
    tokens,
  };
}

/** How many words a capped vocabulary kept and left out, and the left-out words' share of the tokens. */
export function capCounts(capped: CappedVocabulary): { kept: number; dropped: number; share: number } {
  return { kept: capped.words - capped.dropped.length, dropped: capped.dropped.length, share: capped.tokens > 0 ? capped.droppedTokens / capped.tokens : 0 };
}

/** "kept 4,094 of 11,527 words; the other 7,433 are 9.8% of the tokens, read as '-'", or null when none was left out. */
export function describeCap({ kept, dropped, share }: { kept: number; dropped: number; share: number }): string | null {
  if (dropped === 0) return null;
  const words = kept + dropped;
  return `kept ${kept.toLocaleString('en')} of ${words.toLocaleString('en')} words; the other ${dropped.toLocaleString('en')} ${dropped === 1 ? 'is' : 'are'} ${sharePercent(share)} of the tokens, read as '${UNKNOWN_TOKEN}'`;
}

/** A share as a percentage to at most 4 significant figures: "9.8%", "0.01234%". */
export function sharePercent(share: number): string {
  return `${Number((share * 100).toPrecision(4))}%`;
}

/** Rows of the tokens; tokens the vocabulary does not hold go to the unknown row. */
export function encode(vocabulary: Vocabulary, tokens: readonly string[]): number[] {
  return tokens.map((token) => vocabulary.rows.get(token) ?? UNKNOWN);
}

export function tokenText(vocabulary: Vocabulary, row: number): string {
  return vocabulary.tokens[row] ?? UNKNOWN_TOKEN;
}

/** Reads the original project's `wordmap.json` value: `{token: row}` with rows 0..V-1, `""` at 0. */
export function vocabularyFromWordmap(wordmap: unknown): Vocabulary {
  if (typeof wordmap !== 'object' || wordmap === null || Array.isArray(wordmap)) {
    throw formatError('wordmap.json must hold one object mapping each token to its row, like {"": 0, "-": 1, "frogs": 2}');
  }
  const entries = Object.entries(wordmap as Record<string, unknown>);
  if (entries.length > VOCABULARY.max) {
    throw formatError(`wordmap.json lists ${entries.length.toLocaleString('en')} tokens; a model can have at most ${VOCABULARY.max.toLocaleString('en')}`);
  }
  const tokens = new Array<string | undefined>(entries.length);
  for (const [token, row] of entries) {
    if (typeof row !== 'number' || !Number.isInteger(row) || row < 0 || row >= entries.length) {
      throw formatError(
        `wordmap.json gives the token ${quote(token)} the row ${clip(String(JSON.stringify(row)), MAX_QUOTED_CHARACTERS)}; rows must be whole numbers from 0 to ${entries.length - 1}`,
      );
    }
    if (tokens[row] !== undefined) {
      throw formatError(`wordmap.json gives row ${row} to both ${quote(tokens[row]!)} and ${quote(token)}`);
    }
    tokens[row] = token;
  }
  return vocabularyFromTokens(tokens as string[]);
}

/** The original project's `wordmap.json` value for a vocabulary. */
export function toWordmap(vocabulary: Vocabulary): Record<string, number> {
  // No prototype: a token named "__proto__" (or "constructor") is an own key like any other.
  const wordmap: Record<string, number> = Object.create(null);
  vocabulary.tokens.forEach((token, row) => {
    wordmap[token] = row;
  });
  return wordmap;
}
