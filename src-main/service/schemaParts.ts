/**
 * The protocol's building blocks (protocol.ts and explanationProtocol.ts use them): numbers that must
 * be finite or whole, ranges from the limits, and a request: an id, a type and its entries.
 */
import * as v from 'valibot';

export const finite = v.pipe(v.number(), v.finite());
export const whole = v.pipe(v.number(), v.integer());
export const vector = v.array(finite);
export const within = (range: { min: number; max: number }) => v.pipe(whole, v.minValue(range.min), v.maxValue(range.max));

export const request = <T extends string, E extends v.ObjectEntries>(type: T, entries: E) =>
  v.object({ id: v.pipe(whole, v.minValue(0)), type: v.literal(type), ...entries });
