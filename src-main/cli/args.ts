import { parseArgs, type ParseArgsConfig } from 'node:util';

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

/**
 * Text from a file or an argument, safe to print on a terminal: control characters (escape
 * sequences that could recolour, retitle or rewrite the terminal) and bidirectional overrides are
 * removed, and very long text is cut.
 */
export function printable(text: string, max = 200): string {
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '');
  return clean.length > max ? `${clean.slice(0, max)}...` : clean;
}

export function stringOption(value: string | boolean | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
