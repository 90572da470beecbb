/**
 * Tokenizing as the original project did: lower-case the text, then take words `[a-z0-9']+` and the
 * punctuation tokens `- . , ! ? ;` in order, dropping everything else.
 */
import { inputError } from './errors.ts';
import { MAX_PROMPT_CHARACTERS, MAX_PROMPT_TOKENS } from './limits.ts';
import { type Sliced, finish } from './slices.ts';

const TOKEN_PATTERN = /[a-z0-9']+|[-.,!?;]/g;

/** Punctuation that is written against the word before it when a reply is turned back into text. */
const ATTACHED_PUNCTUATION = new Set(['.', ',', '!', '?', ';']);

export function tokenize(text: string): string[] {
  return text.toLowerCase().match(TOKEN_PATTERN) ?? [];
}

/**
 * Tokenizes one message, sentence or text to trace, refusing one longer than the limits (checked on
 * its characters before any work is done). `what` names it in the message: "the message".
 */
export function tokenizeBounded(text: string, what: string): string[] {
  return checkedTokens(text, what, () => tokenize(text));
}

/** A message read once: its tokens (bounded as tokenizeBounded) and the characters tokenizing dropped. */
export function readMessage(text: string, what: string): { tokens: string[]; dropped: string[] } {
  let dropped: string[] = [];
  const tokens = checkedTokens(text, what, () => {
    const read = split(text);
    dropped = read.dropped;
    return read.tokens;
  });
  return { tokens, dropped };
}

function checkedTokens(text: string, what: string, read: () => string[]): string[] {
  if (text.length > MAX_PROMPT_CHARACTERS) {
    throw inputError(`${what} has ${text.length.toLocaleString('en')} characters; at most ${MAX_PROMPT_CHARACTERS.toLocaleString('en')} are read at once`);
  }
  const tokens = read();
  if (tokens.length > MAX_PROMPT_TOKENS) {
    throw inputError(`${what} has ${tokens.length.toLocaleString('en')} words and marks; at most ${MAX_PROMPT_TOKENS} are read at once`);
  }
  return tokens;
}

/** The characters of a text that tokenizing drops (everything but tokens and white space), in order. */
export function droppedCharacters(text: string): string[] {
  return split(text).dropped;
}

/** One pass over a text: its tokens, and what lies between them that is not white space. */
function split(text: string): { tokens: string[]; dropped: string[] } {
  const lower = text.toLowerCase();
  const tokens: string[] = [];
  let between = '';
  let end = 0;
  for (const match of lower.matchAll(TOKEN_PATTERN)) {
    between += lower.slice(end, match.index);
    tokens.push(match[0]);
    end = match.index + match[0].length;
  }
  between += lower.slice(end);
  return { tokens, dropped: [...between.replace(/\s+/g, '')] };
}

/** Joins tokens into text: words separated by spaces, `. , ! ? ;` attached to the word before. */
export function detokenize(tokens: readonly string[]): string {
  let text = '';
  for (const token of tokens) {
    if (token === '') continue;
    if (text === '' || ATTACHED_PUNCTUATION.has(token)) text += token;
    else text += ' ' + token;
  }
  return text;
}

/**
 * Marks a corpus line that continues the dialogue of the line above it: `+ why? frogs are green.`
 * Any other line with words starts a new dialogue, and a blank line ends one, so a corpus without
 * the mark is read as before: every line a dialogue of its own.
 */
export const CONTINUES_DIALOGUE = '+';

/**
 * Splits a corpus into its dialogues of tokens, dropping lines that hold no token at all. A dialogue
 * of several lines is one sequence with the boundary token `""` between its lines, exactly as the
 * chat feeds a conversation: after a reply, the next turn starts with the boundary, from the context
 * the reply left. Training runs it as one line, back-propagating through the boundaries.
 */
export function tokenizeCorpus(text: string): string[][] {
  return finish(tokenizeCorpusSteps(text));
}

/** `tokenizeCorpus` in steps: yields after every 256 lines. */
export function* tokenizeCorpusSteps(text: string): Sliced<string[][]> {
  const dialogues: string[][] = [];
  let open = false;
  let read = 0;
  for (const line of text.split(/\r?\n/)) {
    if (++read % 256 === 0) yield;
    const trimmed = line.trimStart();
    const continues = trimmed.startsWith(CONTINUES_DIALOGUE);
    const tokens = tokenize(continues ? trimmed.slice(CONTINUES_DIALOGUE.length) : line);
    if (tokens.length === 0) {
      if (line.trim() === '') open = false;
      continue;
    }
    if (continues && open) dialogues[dialogues.length - 1].push('', ...tokens);
    else dialogues.push(tokens);
    open = true;
  }
  return dialogues;
}
