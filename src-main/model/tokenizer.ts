/**
 * Tokenizing as the original project did: lower-case the text, then take words `[a-z0-9']+` and the
 * punctuation tokens `- . , ! ? ;` in order, dropping everything else.
 */
import { inputError } from './errors.ts';
import { MAX_PROMPT_CHARACTERS, MAX_PROMPT_TOKENS } from './limits.ts';

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
  if (text.length > MAX_PROMPT_CHARACTERS) {
    throw inputError(`${what} has ${text.length.toLocaleString('en')} characters; at most ${MAX_PROMPT_CHARACTERS.toLocaleString('en')} are read at once`);
  }
  const tokens = tokenize(text);
  if (tokens.length > MAX_PROMPT_TOKENS) {
    throw inputError(`${what} has ${tokens.length.toLocaleString('en')} words and marks; at most ${MAX_PROMPT_TOKENS} are read at once`);
  }
  return tokens;
}

/** The characters of a text that tokenizing drops (everything but tokens and white space), in order. */
export function droppedCharacters(text: string): string[] {
  return [...text.toLowerCase().replace(TOKEN_PATTERN, ' ').replace(/\s+/g, '')];
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

/** Splits a corpus into its lines of tokens, dropping lines that hold no token at all. */
export function tokenizeCorpus(text: string): string[][] {
  const lines: string[][] = [];
  for (const line of text.split(/\r?\n/)) {
    const tokens = tokenize(line);
    if (tokens.length > 0) lines.push(tokens);
  }
  return lines;
}
