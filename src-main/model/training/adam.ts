/** Adam's moment decay rates; its epsilon (1e-8) is in the kernel with them. */
export const BETA1 = 0.9;
export const BETA2 = 0.999;

/**
 * Adam's step size at step t, its bias corrections folded in: lr . sqrt(1 - beta2^t) / (1 - beta1^t).
 * The powers are taken by repeated squaring, in multiplications only, never with `**` (Math.pow):
 * engines round Math.pow differently in the last bit (Node 20's and Chromium's do), and a run must
 * give the same weights, bit for bit, in the app's Web Worker, in its desktop service and in Node.
 */
export function adamStepSize(learningRate: number, t: number): number {
  return (learningRate * Math.sqrt(1 - powerOf(BETA2, t))) / (1 - powerOf(BETA1, t));
}

/** base^n for a whole n >= 0, by repeated squaring: IEEE multiplications only, the same on every engine. */
function powerOf(base: number, n: number): number {
  let result = 1;
  let square = base;
  for (let k = n; k > 0; k = Math.floor(k / 2)) {
    if (k % 2 === 1) result *= square;
    square *= square;
  }
  return result;
}
