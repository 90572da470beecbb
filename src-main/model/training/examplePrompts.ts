/**
 * Example messages for the chat, taken from a model's own corpus: the question of each line written
 * "question? answer." (up to and with its first "?"), or else the line's first sentence, an opening.
 * Lines that continue a dialogue ("+ ...") are skipped, and so are the held-out texts at the end when
 * there are training lines enough, because a model answers best what it was trained on. The prompts
 * are spread evenly over the corpus, in its order, each written exactly as the corpus has it.
 */
import { CONTINUES_DIALOGUE, tokenize } from '../network/tokenizer.ts';

/** How many example prompts the chat offers. */
export const EXAMPLE_PROMPT_COUNT = 5;

/** A prompt longer than this many characters is cut at a word boundary. */
const MAX_PROMPT_LENGTH = 48;

/** The question (or opening) of one corpus line, as written, or null for a line without words. */
export function openingOf(line: string): string | null {
  const text = line.trim();
  if (text === '' || text.startsWith(CONTINUES_DIALOGUE)) return null;
  const question = text.indexOf('?');
  const sentence = text.search(/[.!]/);
  let end = question >= 0 ? question + 1 : sentence >= 0 ? sentence + 1 : text.length;
  if (end > MAX_PROMPT_LENGTH) {
    const cut = text.lastIndexOf(' ', MAX_PROMPT_LENGTH);
    end = cut > 0 ? cut : MAX_PROMPT_LENGTH;
  }
  const opening = text.slice(0, end).trim();
  return tokenize(opening).some((t) => /[a-z0-9]/.test(t)) ? opening : null;
}

/** Up to `count` distinct openings of the corpus's lines, spread over its trained part. */
export function examplePrompts(corpus: string, count = EXAMPLE_PROMPT_COUNT, heldOutFraction = 0.1): string[] {
  const lines = corpus.split(/\r?\n/).map(openingOf).filter((o): o is string => o !== null);
  const trained = lines.length >= 2 * count ? lines.slice(0, Math.max(count, Math.floor(lines.length * (1 - heldOutFraction)))) : lines;
  // Questions first (what a chat asks), then openings, each kind spread evenly over the corpus.
  const questions = trained.filter((o) => o.endsWith('?'));
  const pool = questions.length >= count ? questions : [...questions, ...trained.filter((o) => !o.endsWith('?'))];
  const seen = new Set<string>();
  const distinct = pool.filter((o) => {
    const key = tokenize(o).join(' ');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (distinct.length <= count) return distinct;
  return Array.from({ length: count }, (_, i) => distinct[Math.floor((i * distinct.length) / count)]);
}
