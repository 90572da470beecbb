import { MAX_QUOTED_CHARACTERS } from './limits.ts';

/**
 * Errors the engine reports to a person. Every message says what is wrong and, where it can,
 * what to do about it; callers (the CLI, the model service) show `message` as it is.
 */
export type SlmErrorKind =
  | 'format' // a file that is not what it claims to be: truncated, wrong shapes, bad JSON
  | 'input' // text or arguments the model cannot use: an empty prompt, an empty corpus
  | 'training' // a run that cannot go on: NaN or Inf in the loss or the weights
  | 'cancelled'; // stopped on request

export class SlmError extends Error {
  readonly kind: SlmErrorKind;

  constructor(kind: SlmErrorKind, message: string) {
    super(message);
    this.name = 'SlmError';
    this.kind = kind;
  }
}

export function formatError(message: string): SlmError {
  return new SlmError('format', message);
}

export function inputError(message: string): SlmError {
  return new SlmError('input', message);
}

/**
 * Text a message quotes from its input, as a JSON string: cut to MAX_QUOTED_CHARACTERS (then "...")
 * and with control characters escaped, so a hostile or huge input is never echoed whole.
 */
export function quote(text: string): string {
  const cut = text.length > MAX_QUOTED_CHARACTERS ? text.slice(0, MAX_QUOTED_CHARACTERS) : text;
  return JSON.stringify(cut).replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) + (cut === text ? '' : '...');
}

/** Cuts a message to a length a person can read, marking the cut. */
export function clip(message: string, max = 4 * MAX_QUOTED_CHARACTERS): string {
  return message.length > max ? `${message.slice(0, max)}...` : message;
}
