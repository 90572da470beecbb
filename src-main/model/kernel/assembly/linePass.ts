// The training kernel, in AssemblyScript (compiled to WebAssembly by `npm run build:kernel`).
// It does exactly what the maths in README.md ("The model") says for one line fed as [boundary, tokens...]:
//   h1 = tanh(W0[:, token]),  h2 = tanh(W1 . [h1 ; c]),  p = softmax(W2 . h2)
// then back-propagates the mean cross-entropy through time, clips the gradient's norm and takes
// one Adam step (its 1 / (sqrt(v) + 1e-8) in float32, everything else float64); `trainLines` does
// that for a whole slice of an epoch over a corpus held in memory. All arrays live in linear memory
// at offsets laid out by `layout` (and `layoutCorpus`); the host reads and writes the weights through
// views onto that memory. Matrices are row-major float64. The slices train bit for bit as the same
// lines one call each would (tests/kernel.test.ts), and the kernel matches the naive reference in the
// tests to 1e-12 (tests/kernel.test.ts, tests/training.test.ts).
import { accumulateRows, copyDoubles, dots, exp2Lanes, f, outerSum, setF, tanh, tanh2Lanes, tanhInPlace, throughTanh, zeroDoubles } from './kernelMath';
import { E, V, arrange, capacity, pCarried, pCarry, pContexts, pCorpus, pDContext, pDJoint, pDZs, pEnd, pG0, pG1, pG2, pJoint, pLosses, pMarks, pM0, pM1, pM2, pOrder, pProbs, pStarts, pStepSizes, pTargetProbs, pTokens, pTouched, pV0, pV1, pV2, pW0, pW1, pW2 } from './memoryLayout';
export { layoutCorpus, offset } from './memoryLayout';

/** The tokens of the line being run: the token array, or a line of the corpus (`trainLines`). */
let pLine: usize = 0;

let lastSteps: i32 = 1;
let lastNorm: f64 = 0;
/** How many W0 columns the last backward pass wrote (each once, in the touched array). */
let touchedCount: i32 = 0;
/** G1's and G2's squared norm as the last backward pass summed them (in its own order). */
let quickSquares: f64 = 0;

@inline function token(i: i32): i32 {
  return load<i32>(pLine + (<usize>i << 2));
}

/**
 * For tests: into the probabilities' first eight cells, the two-lane exp and tanh of (a, b), then
 * Math.exp and the one-lane tanh of a and of b, which they must equal bit for bit.
 */
export function checkLanes(a: f64, b: f64): void {
  const x = f64x2.replace_lane(f64x2.splat(a), 1, b);
  v128.store(pProbs, exp2Lanes(x));
  v128.store(pProbs, tanh2Lanes(x), 16);
  setF(pProbs, 4, Math.exp(a));
  setF(pProbs, 5, Math.exp(b));
  setF(pProbs, 6, tanh(a));
  setF(pProbs, 7, tanh(b));
}

/** Lays the arrays out for sizes E, V and lines of up to `maxSteps` steps; returns the bytes used. */
export function layout(embedding: i32, vocabulary: i32, maxSteps: i32): usize {
  const end = arrange(embedding, vocabulary, maxSteps);
  pLine = pTokens;
  lastSteps = 1;
  touchedCount = 0;
  return end;
}

@inline function inputAt(n: i32, s: i32): i32 {
  return s == 0 ? 0 : token(s - 1);
}

@inline function targetAt(n: i32, s: i32): i32 {
  return s == n ? 0 : token(s);
}

/**
 * Runs the line of `n` tokens (already in the token array) from a zero context, or with `carry` from
 * the context the previous call ended with. Returns the mean cross-entropy of its predictions.
 */
export function forward(n: i32, carry: bool): f64 {
  pLine = pTokens;
  return forwardLine(n, carry);
}

function forwardLine(n: i32, carry: bool): f64 {
  const steps = n + 1;
  const width = 2 * E;
  if (carry) {
    const last = (lastSteps - 1) * E;
    copyDoubles(pCarried, pContexts + (<usize>last << 3), E);
  } else {
    zeroDoubles(pCarried, E);
  }
  lastSteps = steps;
  let loss: f64 = 0;
  for (let s = 0; s < steps; s++) {
    const x = inputAt(n, s);
    const y = targetAt(n, s);
    const jo = s * width;
    const co = s * E;
    for (let i = 0; i < E; i++) setF(pJoint, jo + i, f(pW0, i * V + x));
    tanhInPlace(pJoint + (<usize>jo << 3), E);
    if (s == 0) {
      copyDoubles(pJoint + (<usize>(jo + E) << 3), pCarried, E);
    } else {
      copyDoubles(pJoint + (<usize>(jo + E) << 3), pContexts + (<usize>(co - E) << 3), E);
    }
    const joint = pJoint + (<usize>jo << 3);
    const context = pContexts + (<usize>co << 3);
    dots(context, pW1, <usize>width << 3, joint, width, E);
    tanhInPlace(context, E);
    const po = s * V;
    dots(pProbs + (<usize>po << 3), pW2, <usize>E << 3, context, E, V);
    // The largest score, four lanes at a time in two accumulators (two chains of comparisons in
    // flight): pmax keeps its first argument unless the second is larger, as `if (o > max) max = o`
    // does (NaN never wins), so the largest is the same whatever the order; only which zero wins a tie
    // of +0 and -0 can differ, and exp(o - max) is then the same number.
    let lanes = f64x2.splat(-Infinity);
    let more = f64x2.splat(-Infinity);
    let k = 0;
    for (; k + 3 < V; k += 4) {
      lanes = f64x2.pmax(lanes, v128.load(pProbs + (<usize>(po + k) << 3)));
      more = f64x2.pmax(more, v128.load(pProbs + (<usize>(po + k) << 3), 16));
    }
    lanes = f64x2.pmax(lanes, more);
    for (; k + 1 < V; k += 2) lanes = f64x2.pmax(lanes, v128.load(pProbs + (<usize>(po + k) << 3)));
    let max = f64x2.extract_lane(lanes, 0);
    const other = f64x2.extract_lane(lanes, 1);
    if (other > max) max = other;
    if (k < V && f(pProbs, po + k) > max) max = f(pProbs, po + k);
    const probs = pProbs + (<usize>po << 3);
    const top = f64x2.splat(max);
    // The total is summed in two lanes (even and odd k) as the exps are made, then the lanes added:
    // half the chain of dependent additions that one running sum in k order would make.
    let totals = f64x2.splat(0);
    k = 0;
    for (; k + 1 < V; k += 2) {
      const at = probs + (<usize>k << 3);
      const e = exp2Lanes(f64x2.sub(v128.load(at), top));
      v128.store(at, e);
      totals = f64x2.add(totals, e);
    }
    let total = f64x2.extract_lane(totals, 0) + f64x2.extract_lane(totals, 1);
    if (k < V) {
      const e = f64x2.extract_lane(exp2Lanes(f64x2.splat(f(pProbs, po + k) - max)), 0);
      setF(pProbs, po + k, e);
      total += e;
    }
    const inverse = 1.0 / total;
    const scale = f64x2.splat(inverse);
    k = 0;
    for (; k + 1 < V; k += 2) {
      const at = probs + (<usize>k << 3);
      v128.store(at, f64x2.mul(v128.load(at), scale));
    }
    if (k < V) setF(pProbs, po + k, f(pProbs, po + k) * inverse);
    loss -= Math.log(f(pProbs, po + y));
  }
  return loss / <f64>steps;
}

/** How many of the last forward pass's predictions have their argmax on the right token. */
export function correct(n: i32): i32 {
  let right = 0;
  for (let s = 0; s <= n; s++) {
    const po = s * V;
    let best = 0;
    for (let k = 1; k < V; k++) if (f(pProbs, po + k) > f(pProbs, po + best)) best = k;
    if (best == targetAt(n, s)) right++;
  }
  return right;
}

/**
 * Gradients of the last forward pass's mean loss, into G0..G2. The probabilities are turned into the
 * output's gradient in place. The recursion through time runs first and keeps each step's dz; G1 and
 * G2 are then summed over the steps in the same order (last step first) with their sums in registers.
 * Only the W0 columns this line (or the line before) touched are cleared and written: W0's gradient is
 * zero everywhere else.
 */
export function backward(n: i32): void {
  const steps = n + 1;
  const width = 2 * E;
  const scale: f64 = 1.0 / <f64>steps;
  for (let t = 0; t < touchedCount; t++) {
    const x = load<i32>(pTouched + (<usize>t << 2));
    for (let j = 0; j < E; j++) setF(pG0, j * V + x, 0);
  }
  // The columns this line reads, each once (the marks are V bytes, cleared again below).
  touchedCount = 0;
  for (let s = 0; s < steps; s++) {
    const x = inputAt(n, s);
    if (load<u8>(pMarks + <usize>x) != 0) continue;
    store<u8>(pMarks + <usize>x, 1);
    store<i32>(pTouched + (<usize>touchedCount << 2), x);
    touchedCount++;
    for (let j = 0; j < E; j++) setF(pG0, j * V + x, 0);
  }
  for (let t = 0; t < touchedCount; t++) store<u8>(pMarks + <usize>load<i32>(pTouched + (<usize>t << 2)), 0);
  // The output's gradient, (p - onehot(y)) / steps: every probability of every step scaled two at a
  // time, then each step's target set to (p - 1) / steps from its probability (kept aside meanwhile).
  for (let s = 0; s < steps; s++) setF(pTargetProbs, s, f(pProbs, s * V + targetAt(n, s)));
  const cells = steps * V;
  const scales = f64x2.splat(scale);
  let k = 0;
  for (; k + 1 < cells; k += 2) {
    const at = pProbs + (<usize>k << 3);
    v128.store(at, f64x2.mul(v128.load(at), scales));
  }
  if (k < cells) setF(pProbs, k, f(pProbs, k) * scale);
  for (let s = 0; s < steps; s++) setF(pProbs, s * V + targetAt(n, s), (f(pTargetProbs, s) - 1) * scale);
  zeroDoubles(pDJoint, width);
  for (let s = steps - 1; s >= 0; s--) {
    const x = inputAt(n, s);
    const jo = s * width;
    const co = s * E;
    copyDoubles(pDContext, pDJoint + (<usize>E << 3), E);
    accumulateRows(pDContext, pW2, <usize>E << 3, pProbs + (<usize>(s * V) << 3), V, E);
    throughTanh(pDZs + (<usize>co << 3), pDContext, pContexts + (<usize>co << 3), E);
    zeroDoubles(pDJoint, width);
    accumulateRows(pDJoint, pW1, <usize>width << 3, pDZs + (<usize>co << 3), E, width);
    for (let j = 0; j < E; j++) {
      const a = f(pJoint, jo + j);
      const at = j * V + x;
      setF(pG0, at, f(pG0, at) + f(pDJoint, j) * (1 - a * a));
    }
  }
  quickSquares = outerSum(pG2, V, E, pProbs, <usize>V << 3, pContexts, <usize>E << 3, steps);
  quickSquares += outerSum(pG1, E, width, pDZs, <usize>E << 3, pJoint, <usize>width << 3, steps);
}

function sumOfSquares(p: usize, count: i32): f64 {
  let sum: f64 = 0;
  for (let i = 0; i < count; i++) {
    const g = f(p, i);
    sum += g * g;
  }
  return sum;
}

/** The norm of the whole gradient, summed in index order. */
export function gradientNorm(): f64 {
  const width = 2 * E;
  return Math.sqrt(sumOfSquares(pG0, E * V) + sumOfSquares(pG1, E * width) + sumOfSquares(pG2, V * E));
}

/**
 * The gradient's squared norm summed in a quicker order: W0's part over the touched columns only
 * (zero elsewhere), the rest as the backward pass wrote it. It differs from the index-order sum only
 * by rounding, a relative 1e-12 at most for these sizes.
 */
function quickSquaredNorm(): f64 {
  let sum: f64 = 0;
  for (let t = 0; t < touchedCount; t++) {
    const x = load<i32>(pTouched + (<usize>t << 2));
    for (let j = 0; j < E; j++) {
      const g = f(pG0, j * V + x);
      sum += g * g;
    }
  }
  return sum + quickSquares;
}

/**
 * Adam's 1 / (sqrt(v) + 1e-8), in float32 (each operation correctly rounded, so the same bits on every
 * machine). The square root and the division were most of Adam's cost; float32 does four of each for
 * the cost of two, and a relative 3e-7 in a step's size is far below what training can notice. The
 * moments and the weights stay float64.
 */
@inline function inverseRootOne(v: f64): f64 {
  return <f64>(<f32>1 / (Mathf.sqrt(<f32>v) + <f32>1e-8));
}

/** `inverseRootOne` of the four numbers in v01's and v23's lanes, as four float32 lanes. */
@inline function inverseRootFour(v01: v128, v23: v128): v128 {
  const packed = v128.shuffle<f32>(f32x4.demote_f64x2_zero(v01), f32x4.demote_f64x2_zero(v23), 0, 1, 4, 5);
  return f32x4.div(f32x4.splat(1), f32x4.add(f32x4.sqrt(packed), f32x4.splat(<f32>1e-8)));
}

/** One Adam update of four weights at `at` bytes into W0..W2 (and the same into G, M and V). */
@inline function adamFour(at: usize, scale: v128, scaled: bool, step: v128): void {
  const g0 = scaled ? f64x2.mul(v128.load(pG0 + at), scale) : v128.load(pG0 + at);
  const g1 = scaled ? f64x2.mul(v128.load(pG0 + at, 16), scale) : v128.load(pG0 + at, 16);
  const m0 = f64x2.add(f64x2.mul(f64x2.splat(0.9), v128.load(pM0 + at)), f64x2.mul(f64x2.splat(0.1), g0));
  const m1 = f64x2.add(f64x2.mul(f64x2.splat(0.9), v128.load(pM0 + at, 16)), f64x2.mul(f64x2.splat(0.1), g1));
  const v0 = f64x2.add(f64x2.mul(f64x2.splat(0.999), v128.load(pV0 + at)), f64x2.mul(f64x2.mul(f64x2.splat(0.001), g0), g0));
  const v1 = f64x2.add(f64x2.mul(f64x2.splat(0.999), v128.load(pV0 + at, 16)), f64x2.mul(f64x2.mul(f64x2.splat(0.001), g1), g1));
  v128.store(pM0 + at, m0);
  v128.store(pM0 + at, m1, 16);
  v128.store(pV0 + at, v0);
  v128.store(pV0 + at, v1, 16);
  const inverse = inverseRootFour(v0, v1);
  const low = f64x2.promote_low_f32x4(inverse);
  const high = f64x2.promote_low_f32x4(v128.shuffle<f32>(inverse, inverse, 2, 3, 2, 3));
  const w = pW0 + at;
  v128.store(w, f64x2.sub(v128.load(w), f64x2.mul(f64x2.mul(step, m0), low)));
  v128.store(w, f64x2.sub(v128.load(w, 16), f64x2.mul(f64x2.mul(step, m1), high)), 16);
}

/** `adamFour` for the one weight `at` bytes into W0..W2, with the same operations in the same order. */
@inline function adamOne(at: usize, gradScale: f64, scaled: bool, stepSize: f64): void {
  const g = scaled ? load<f64>(pG0 + at) * gradScale : load<f64>(pG0 + at);
  const m = 0.9 * load<f64>(pM0 + at) + 0.1 * g;
  const v = 0.999 * load<f64>(pV0 + at) + 0.001 * g * g;
  store<f64>(pM0 + at, m);
  store<f64>(pV0 + at, v);
  store<f64>(pW0 + at, load<f64>(pW0 + at) - stepSize * m * inverseRootOne(v));
}

/**
 * Adam on every weight: W0, W1 and W2 lie one after another (so do their gradients and moments, at
 * the same distances), so one loop takes them all, four at a time, padding included (which stays
 * zero). Without clipping the gradient is used as it is: multiplying by 1 changes no bit, so it is
 * skipped. (Adam lazily on W0, moving only the columns a line reads, was tried: a few per cent faster,
 * but Boris's held-out loss and check-set score came out lower over five seeds, so every weight moves.)
 */
function adamStep(stepSize: f64, gradScale: f64): void {
  const scaled = gradScale != 1.0;
  const bytes = pG0 - pW0;
  const scale = f64x2.splat(gradScale);
  const step = f64x2.splat(stepSize);
  let at: usize = 0;
  if (scaled) {
    for (; at + 32 <= bytes; at += 32) adamFour(at, scale, true, step);
  } else {
    for (; at + 32 <= bytes; at += 32) adamFour(at, scale, false, step);
  }
  for (; at < bytes; at += 8) adamOne(at, gradScale, scaled, stepSize);
}

/**
 * One training step on the line in the token array: forward, backward, clip, Adam. Returns the line's
 * mean loss; when the loss or the gradient is not finite the weights are left untouched (the host
 * reads `lastGradientNorm` to tell which).
 */
export function trainLine(n: i32, carry: bool, clipNorm: f64, stepSize: f64): f64 {
  pLine = pTokens;
  return trainCurrentLine(n, carry, clipNorm, stepSize);
}

/**
 * Trains `count` lines of the corpus one after another: for slot i from `from` on, the line numbered
 * order[i], carrying its context if carry[i] is 1, with Adam's step size stepSizes[i]; its loss goes
 * to losses[i]. Stops after the first line whose loss or gradient is not finite (that line leaves the
 * weights untouched) and returns how many lines trained cleanly, so `count` when all did.
 */
export function trainLines(from: i32, count: i32, clipNorm: f64): i32 {
  for (let i = from; i < from + count; i++) {
    const line = load<i32>(pOrder + (<usize>i << 2));
    const start = load<i32>(pStarts + (<usize>line << 2));
    const n = load<i32>(pStarts + (<usize>(line + 1) << 2)) - start;
    pLine = pCorpus + (<usize>start << 2);
    const carry = load<i32>(pCarry + (<usize>i << 2)) != 0;
    const loss = trainCurrentLine(n, carry, clipNorm, f(pStepSizes, i));
    setF(pLosses, i, loss);
    if (!isFinite(loss) || !isFinite(lastNorm)) {
      pLine = pTokens;
      return i - from;
    }
  }
  pLine = pTokens;
  return count;
}

function trainCurrentLine(n: i32, carry: bool, clipNorm: f64, stepSize: f64): f64 {
  const loss = forwardLine(n, carry);
  if (!isFinite(loss)) {
    lastNorm = 0;
    return loss;
  }
  backward(n);
  // Clipping needs the exact norm (its bits set the scale) only when the norm may be above the clip;
  // below it, with a margin far wider than any rounding, the scale is exactly 1 either way.
  let norm = Math.sqrt(quickSquaredNorm());
  if (!(norm < clipNorm * (1 - 1e-9))) norm = gradientNorm();
  lastNorm = norm;
  if (!isFinite(norm)) return loss;
  const gradScale: f64 = norm > clipNorm ? clipNorm / norm : 1.0;
  adamStep(stepSize, gradScale);
  return loss;
}

export function lastGradientNorm(): f64 {
  return lastNorm;
}
