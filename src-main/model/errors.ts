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
