/**
 * Views are functions of (step, t): the clock's eased position lies between two steps of the
 * timeline, `from` and `to`, a fraction `t` of the way. Values drawn are mixed between the two.
 */
export interface Frame {
  from: number;
  to: number;
  t: number;
}

export function frameAt(position: number, steps: number): Frame | null {
  if (steps === 0 || position < 0) return null;
  const clamped = Math.min(position, steps - 1);
  const from = Math.floor(clamped);
  const to = Math.min(from + 1, steps - 1);
  return { from, to, t: to === from ? 0 : clamped - from };
}

export function lerp(a: number, b: number, t: number): number {
  return a + (b - a) * t;
}

/** Element-wise mix of two equally long vectors. */
export function mix(a: readonly number[], b: readonly number[], t: number): number[] {
  if (t === 0) return a as number[];
  return a.map((x, i) => x + (b[i] - x) * t);
}
