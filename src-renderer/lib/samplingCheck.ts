import * as v from 'valibot';
import { TurnSchema, limits } from '../../src-main/service/protocol.ts';

/**
 * The chat's sampling fields, checked as they are typed against the very schemas the model service
 * checks a turn with (the protocol's `generate` request), and their bounds read from the limits those
 * schemas are built from, so that the two can never disagree. What is wrong is said in a person's
 * words; the protocol's own text never reaches the screen.
 */
export type SamplingField = 'temperature' | 'topK' | 'seed';

interface Rule {
  min: number;
  max: number;
  whole: boolean;
}

/** Each field's range (model/network/limits.ts) and whether it wants a whole number. */
export const SAMPLING_RULES: Record<SamplingField, Rule> = {
  temperature: { ...limits.TEMPERATURE, whole: false },
  topK: { ...limits.TOP_K, whole: true },
  seed: { ...limits.SEED, whole: true },
};

const NAMES: Record<SamplingField, string> = { temperature: 'Temperature', topK: 'Top-k', seed: 'Seed' };

const number = (n: number) => n.toLocaleString('en');

/** The rule in words: "a whole number from 0 to 4,294,967,295", "a number from 0 to 10". */
function wanted({ min, max, whole }: Rule): string {
  return `${whole ? 'a whole number' : 'a number'} from ${number(min)} to ${number(max)}`;
}

/** What is wrong with a typed value, in words, or null when the service will take it. */
export function samplingProblem(field: SamplingField, value: unknown): string | null {
  if (v.safeParse(TurnSchema.entries[field], value).success) return null;
  const shown = typeof value === 'number' && Number.isFinite(value) ? ` (not ${number(value)})` : '';
  return `${NAMES[field]} must be ${wanted(SAMPLING_RULES[field])}${shown}.`;
}
