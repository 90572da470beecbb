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

export function numberOption(value: string | boolean | undefined, name: string, fallback: number, check: { min?: number; integer?: boolean } = {}): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (typeof value !== 'string' || value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${name} needs a number, not ${JSON.stringify(value)}`);
  if (check.integer && !Number.isInteger(n)) throw new UsageError(`${name} needs a whole number, not ${value}`);
  if (check.min !== undefined && n < check.min) throw new UsageError(`${name} must be at least ${check.min}, not ${value}`);
  return n;
}

export function stringOption(value: string | boolean | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
