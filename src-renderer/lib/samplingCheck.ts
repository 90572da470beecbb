import * as v from 'valibot';
import { RequestSchema } from '../../src-main/service/protocol.ts';

/**
 * The chat's sampling fields, checked as they are typed against the very schemas the model service
 * checks a turn with (the protocol's `generate` request), so that the two can never disagree. What is
 * wrong is said in a person's words; the protocol's own text never reaches the screen.
 */
export type SamplingField = 'temperature' | 'topK' | 'seed';

const generate = RequestSchema.options.find((option) => option.entries.type.literal === 'generate') as
  | { entries: Record<SamplingField, v.GenericSchema> }
  | undefined;
if (!generate) throw new Error('the protocol has no generate request');

interface Rule {
  min: number | null;
  max: number | null;
  whole: boolean;
}

type Piece = { type?: string; requirement?: unknown; pipe?: readonly Piece[] };

/** Reads a schema's bounds and whether it wants a whole number, from its pipe (nested pipes included). */
function ruleOf(schema: Piece, rule: Rule = { min: null, max: null, whole: false }): Rule {
  for (const piece of schema.pipe ?? []) {
    if (piece.pipe) ruleOf(piece, rule);
    else if (piece.type === 'min_value' && typeof piece.requirement === 'number') rule.min = piece.requirement;
    else if (piece.type === 'max_value' && typeof piece.requirement === 'number') rule.max = piece.requirement;
    else if (piece.type === 'integer') rule.whole = true;
  }
  return rule;
}

const NAMES: Record<SamplingField, string> = { temperature: 'Temperature', topK: 'Top-k', seed: 'Seed' };

export const SAMPLING_RULES = Object.fromEntries(
  (Object.keys(NAMES) as SamplingField[]).map((field) => [field, ruleOf(generate.entries[field] as Piece)]),
) as Record<SamplingField, Rule>;

const number = (n: number) => n.toLocaleString('en');

/** The rule in words: "a whole number from 0 to 4,294,967,295", "a number from 0 to 10", "a whole number, 0 or more". */
function wanted({ min, max, whole }: Rule): string {
  const kind = whole ? 'a whole number' : 'a number';
  if (min !== null && max !== null) return `${kind} from ${number(min)} to ${number(max)}`;
  if (min !== null) return `${kind}, ${number(min)} or more`;
  if (max !== null) return `${kind}, ${number(max)} or less`;
  return kind;
}

/** What is wrong with a typed value, in words, or null when the service will take it. */
export function samplingProblem(field: SamplingField, value: unknown): string | null {
  if (v.safeParse(generate!.entries[field], value).success) return null;
  const shown = typeof value === 'number' && Number.isFinite(value) ? ` (not ${number(value)})` : '';
  return `${NAMES[field]} must be ${wanted(SAMPLING_RULES[field])}${shown}.`;
}
