import { interpolateBlues, interpolatePuOr } from 'd3-scale-chromatic';
import { scaleDiverging, scaleSequential } from 'd3-scale';

/**
 * The one colour configuration every view uses: a diverging purple-orange scale for tanh values in
 * [-1, 1] (colour-blind safe; purple for negative, orange for positive), and a sequential blue scale
 * for probabilities. The darkest ends are trimmed so that text and outlines on them stay readable.
 */
export const activationScale = scaleDiverging<string>([-1, 0, 1], (t) => interpolatePuOr(0.04 + 0.92 * t)).clamp(true);
export const probabilityScale = scaleSequential<string>([0, 1], (t) => interpolateBlues(0.15 + 0.85 * t)).clamp(true);

/**
 * Views colour hundreds of cells on every animation frame, so the scales are read through tables of
 * 1,025 colours each: finer than the eye can tell apart, and a lookup instead of an interpolation.
 */
const STEPS = 1024;
const activationTable = Array.from({ length: STEPS + 1 }, (_, i) => activationScale(-1 + (2 * i) / STEPS));
const probabilityTable = Array.from({ length: STEPS + 1 }, (_, i) => probabilityScale(i / STEPS));

export function activationColour(value: number): string {
  const i = Math.round(((value + 1) / 2) * STEPS);
  return activationTable[i < 0 ? 0 : i > STEPS ? STEPS : i] ?? activationTable[STEPS / 2];
}

export function probabilityColour(p: number): string {
  const i = Math.round(p * STEPS);
  return probabilityTable[i < 0 ? 0 : i > STEPS ? STEPS : i] ?? probabilityTable[0];
}

const POSITIVE = activationScale(0.85);
const NEGATIVE = activationScale(-0.85);

/** The colour of a weight's sign, from the same diverging scale: positive orange, negative purple. */
export function signColour(weight: number): string {
  return weight >= 0 ? POSITIVE : NEGATIVE;
}
