import { interpolateBlues, interpolatePuOr } from 'd3-scale-chromatic';
import { scaleDiverging, scaleSequential } from 'd3-scale';

/**
 * The one colour configuration every view uses: a diverging purple-orange scale for tanh values in
 * [-1, 1] (colour-blind safe; orange for positive), and a sequential blue scale for probabilities.
 */
export const activationColour = scaleDiverging<string>([-1, 0, 1], interpolatePuOr).clamp(true);
export const probabilityColour = scaleSequential<string>([0, 1], interpolateBlues).clamp(true);
