import { clip, formatError, inputError, quote } from './errors.ts';
import { MAX_QUOTED_CHARACTERS, VOCABULARY } from './limits.ts';

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
 */
export function buildVocabulary(lines: readonly (readonly string[])[]): Vocabulary {
  const counts = new Map<string, number>();
  for (const line of lines) {
    for (const token of line) {
      // Row 0 and row 1 are there already; "" is the boundary between a dialogue's lines.
      if (token === UNKNOWN_TOKEN || token === BOUNDARY_TOKEN) continue;
      counts.set(token, (counts.get(token) ?? 0) + 1);
    }
  }
  if (counts.size === 0) throw inputError('the corpus has no words to build a vocabulary from');
  if (counts.size + 2 > VOCABULARY.max) {
    throw inputError(
      `the corpus has ${counts.size.toLocaleString('en')} different words, but a model can have at most ${(VOCABULARY.max - 2).toLocaleString('en')} (plus the line boundary and the unknown token)`,
    );
  }
  const order = [...counts.keys()];
  const firstSeen = new Map(order.map((token, i) => [token, i]));
  order.sort((a, b) => counts.get(b)! - counts.get(a)! || firstSeen.get(a)! - firstSeen.get(b)!);
  return vocabularyFromTokens([BOUNDARY_TOKEN, UNKNOWN_TOKEN, ...order]);
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
