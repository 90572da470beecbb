import { CONTINUES_DIALOGUE, tokenize, tokenizeCorpusSteps } from '../network/tokenizer.ts';
import { type Sliced, finish } from '../network/slices.ts';
import { TRAINING_DEFAULTS, trainLineCount } from './setup.ts';
import { buildCappedVocabulary, capCounts } from '../network/vocabulary.ts';
import { VOCABULARY_CAP } from '../network/limits.ts';

/**
 * What training would make of a corpus, before it starts: the vocabulary it would build (in row order,
 * with counts), how its dialogues split into training and held-out ones, and the lines it cannot use or
 * only partly reads. Tokenizing is the model's business, so the training studio asks for this rather
 * than splitting text itself.
 */
export interface CorpusReport {
  /** Lines of text, blank ones included. */
  lines: number;
  blankLines: number;
  /** Lines with at least one token: the ones training uses. */
  usableLines: number;
  /**
   * The dialogues those lines make: a line starting with `+` continues the one above, any other
   * starts one. Training splits the corpus by dialogue, so `trainLines` and `heldOutLines` count
   * texts: single lines and dialogues alike (in a corpus without `+`, every line is one).
   */
  dialogues: number;
  trainLines: number;
  heldOutLines: number;
  /** How many of the held-out texts are dialogues of several lines (heldOut.ts says it in words). */
  heldOutDialogues: number;
  tokens: number;
  /** Every row of the vocabulary training would build, in row order; empty when there are no words. */
  vocabulary: { token: string; count: number }[];
  /** The vocabulary cap it was read under, and the distinct words of the corpus (boundary and `-` aside). */
  maxVocabulary: number;
  words: number;
  /** Words the cap leaves out (read as the unknown word), and their tokens and share of all the tokens. */
  droppedWords: number;
  droppedTokens: number;
  droppedShare: number;
  /** The most frequent of the left-out words, most frequent first (at most MAX_LISTED_DROPPED). */
  dropped: { token: string; count: number }[];
  /** Lines with text but no token in them (emoji, symbols, letters the tokenizer does not read). */
  unusable: CorpusLineNote[];
  /** Usable lines that lose some characters to the tokenizer (it keeps a-z, 0-9, ' and - . , ! ? ;). */
  partlyRead: CorpusLineNote[];
  /** Notes beyond this many of each kind are counted, not listed. */
  unusableTotal: number;
  partlyReadTotal: number;
}

export interface CorpusLineNote {
  /** 1-based line number in the text. */
  line: number;
  text: string;
  reason: string;
}

export const MAX_LISTED_NOTES = 100;
/** Left-out words beyond this many are counted, not listed. */
export const MAX_LISTED_DROPPED = 200;
const MAX_NOTE_TEXT = 120;
/** Everything the tokenizer reads, once lower-cased; the rest of a line is dropped. */
const READ = /[a-z0-9'\-.,!?;\s]/;

export function inspectCorpus(text: string, heldOutFraction: number = TRAINING_DEFAULTS.heldOutFraction, maxVocabulary: number = VOCABULARY_CAP.default): CorpusReport {
  return finish(inspectCorpusSteps(text, heldOutFraction, maxVocabulary));
}

/** `inspectCorpus` in steps: yields after every 256 lines. */
export function* inspectCorpusSteps(
  text: string,
  heldOutFraction: number = TRAINING_DEFAULTS.heldOutFraction,
  maxVocabulary: number = VOCABULARY_CAP.default,
): Sliced<CorpusReport> {
  const lines = text.split(/\r?\n/);
  // A final newline does not start another line.
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  const usable: string[][] = [];
  const unusable: CorpusLineNote[] = [];
  const partlyRead: CorpusLineNote[] = [];
  let unusableTotal = 0;
  let partlyReadTotal = 0;
  let blankLines = 0;
  let tokens = 0;
  for (const [i, line] of lines.entries()) {
    if (i % 256 === 255) yield;
    if (line.trim() === '') {
      blankLines++;
      continue;
    }
    // The dialogue mark is read, not dropped.
    const trimmed = line.trimStart();
    const read = trimmed.startsWith(CONTINUES_DIALOGUE) ? trimmed.slice(CONTINUES_DIALOGUE.length) : line;
    const words = tokenize(read);
    const dropped = droppedCharacters(read);
    const shown = line.length > MAX_NOTE_TEXT ? `${line.slice(0, MAX_NOTE_TEXT)}…` : line;
    if (words.length === 0) {
      unusableTotal++;
      if (unusable.length < MAX_LISTED_NOTES) {
        unusable.push({ line: i + 1, text: shown, reason: `no words: the model reads only a-z, 0-9, ' and - . , ! ? ; (this line has ${describe(dropped)})` });
      }
      continue;
    }
    usable.push(words);
    tokens += words.length;
    if (dropped.length > 0) {
      partlyReadTotal++;
      if (partlyRead.length < MAX_LISTED_NOTES) partlyRead.push({ line: i + 1, text: shown, reason: `drops ${describe(dropped)}` });
    }
  }
  const texts = yield* tokenizeCorpusSteps(text);
  const dialogues = texts.length;
  const trainLines = dialogues < 2 ? dialogues : trainLineCount(dialogues, heldOutFraction);
  // A dialogue of several lines carries the boundary "" between them.
  const heldOutDialogues = texts.slice(trainLines).filter((tokens) => tokens.includes('')).length;
  return {
    lines: lines.length,
    blankLines,
    usableLines: usable.length,
    dialogues,
    trainLines,
    heldOutLines: dialogues - trainLines,
    heldOutDialogues,
    tokens,
    ...vocabularyWithCounts(usable, maxVocabulary),
    unusable,
    partlyRead,
    unusableTotal,
    partlyReadTotal,
  };
}

function vocabularyWithCounts(lines: string[][], cap: number): Pick<CorpusReport, 'vocabulary' | 'maxVocabulary' | 'words' | 'droppedWords' | 'droppedTokens' | 'droppedShare' | 'dropped'> {
  const counts = new Map<string, number>();
  for (const line of lines) for (const token of line) counts.set(token, (counts.get(token) ?? 0) + 1);
  if (lines.length === 0 || [...counts.keys()].every((t) => t === '-')) {
    return { vocabulary: [], maxVocabulary: cap, words: 0, droppedWords: 0, droppedTokens: 0, droppedShare: 0, dropped: [] };
  }
  // The same rows training builds; the boundary counts one per line, the unknown token its '-'s and the words the cap left out.
  const capped = buildCappedVocabulary(lines, cap);
  const countOf = (token: string) => (token === '' ? lines.length : token === '-' ? (counts.get(token) ?? 0) + capped.droppedTokens : (counts.get(token) ?? 0));
  return {
    vocabulary: capped.vocabulary.tokens.map((token) => ({ token, count: countOf(token) })),
    maxVocabulary: cap,
    words: capped.words,
    droppedWords: capped.dropped.length,
    droppedTokens: capped.droppedTokens,
    droppedShare: capCounts(capped).share,
    dropped: capped.dropped.slice(0, MAX_LISTED_DROPPED),
  };
}

/** The distinct characters of a line the tokenizer drops (spaces aside), in order of appearance. */
function droppedCharacters(line: string): string[] {
  const seen = new Set<string>();
  for (const char of line.toLowerCase()) if (!READ.test(char)) seen.add(char);
  return [...seen];
}

function describe(characters: string[]): string {
  if (characters.length === 0) return 'only spaces';
  const listed = characters.slice(0, 8).map((c) => `“${c}”`).join(' ');
  return characters.length > 8 ? `${listed} and ${characters.length - 8} more` : listed;
}
