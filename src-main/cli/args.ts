import { parseArgs, type ParseArgsConfig } from 'node:util';
import { MAX_WORD_CHARACTERS } from '../model/network/limits.ts';

/** A mistake in how the command was called: exit code 2 and a hint at `slm help`. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

export function parse(args: string[], options: Options, positionals: { min: number; max: number; names: string }): Parsed {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]);
  }
  const count = parsed.positionals.length;
  if (count < positionals.min) throw new UsageError(`missing ${positionals.names}`);
  if (count > positionals.max) throw new UsageError(`too many arguments: ${parsed.positionals.slice(positionals.max).join(' ')}`);
  return { values: parsed.values as Parsed['values'], positionals: parsed.positionals };
}

export function numberOption(
  value: string | boolean | undefined,
  name: string,
  fallback: number,
  check: { min?: number; above?: number; max?: number; integer?: boolean } = {},
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (typeof value !== 'string' || value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${name} needs a number, not ${printable(JSON.stringify(value))}`);
  if (check.integer && !Number.isInteger(n)) throw new UsageError(`${name} needs a whole number, not ${value}`);
  if (check.min !== undefined && n < check.min) throw new UsageError(`${name} must be at least ${check.min}, not ${value}`);
  if (check.above !== undefined && !(n > check.above)) throw new UsageError(`${name} must be more than ${check.above}, not ${value}`);
  if (check.max !== undefined && n > check.max) throw new UsageError(`${name} must be at most ${check.max.toLocaleString('en')}, not ${value}`);
  return n;
}

/** What a terminal acts on instead of showing: C0 and C1 controls (ESC starts its sequences), DEL, and
 * the marks, overrides and isolates that reorder text (bidi), and the Unicode line separators. */
const TERMINAL_CONTROLS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from a file, an argument or a model, safe to print on a terminal: control characters (escape
 * sequences that could recolour, retitle or rewrite the terminal) and bidirectional overrides are
 * removed, and very long text is cut. Every name, token and reply the command line prints as text
 * goes through it (shownToken for a vocabulary's tokens); --json prints exact strings (jsonLine).
 */
export function printable(text: string, max = 200): string {
  const clean = text.replace(TERMINAL_CONTROLS, '');
  return clean.length > max ? `${clean.slice(0, max)}...` : clean;
}

/**
 * A token of the model's vocabulary as the terminal shows it: printable (a model file may hold any
 * string as a token), `empty` for the line boundary, and "?" for a token that is nothing but controls.
 */
export function shownToken(token: string, empty = '<end>'): string {
  if (token === '') return empty;
  return printable(token, MAX_WORD_CHARACTERS) || '?';
}

/**
 * A value as one line of JSON for --json: every string exact, and every character a terminal acts on
 * written as a \u escape (JSON.stringify escapes C0 controls; C1, bidi and line separators too here).
 */
export function jsonLine(value: unknown): string {
  const json = JSON.stringify(value).replace(TERMINAL_CONTROLS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return json + '\n';
}

export function stringOption(value: string | boolean | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
