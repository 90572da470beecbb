// The integrated-gradient path's arithmetic, in AssemblyScript (compiled to its own WebAssembly module
// by `npm run build:kernel`): the forward pass of one text with every input scaled by alpha, the
// target's log-probability L(alpha), and the backward pass that gives each step's d_s(alpha) =
// dL/d(pre-activation of c_s), each step's u_s . d_s, and dL/dalpha. integratedGradients.ts states the maths and keeps the
// adaptive rule; this module does a whole panel's quadrature points in one call.
//
// For the text's steps s = 0..n-1, with u_s = W1[:, :E] . h1_s given by the host:
//   c_s = tanh(alpha u_s + R . c_{s-1}),  c_{-1} = the starting context,  R = W1[:, E:]
//   L(alpha) = log softmax(W2 . c_{n-1})[target]
// Matrices are row-major float64; tanh and exp are kernelMath's (exp bit for bit the library's).
import { accumulateRows, dot, dots, exp2Lanes, f, reserve, setF, tanhInPlace, throughTanh, zeroDoubles } from './kernelMath';

let E: i32 = 0;
let V: i32 = 0;
let steps: i32 = 0;

let pInputs: usize = 0;
let pRecurrent: usize = 0;
let pW2: usize = 0;
let pStart: usize = 0;
let pValues: usize = 0;
let pNodes: usize = 0;
let pWeights: usize = 0;
let pContexts: usize = 0;
let pLogits: usize = 0;
let pDContext: usize = 0;
let pDPre: usize = 0;
let pEnd: usize = 0;

/** The largest number of points in one panel (the host's rule has at most this many). */
const MAX_ORDER = 16;

/** Lays the arrays out for sizes E, V and a text of `count` steps; returns the bytes used. */
export function layout(embedding: i32, vocabulary: i32, count: i32): usize {
  E = embedding;
  V = vocabulary;
  steps = count;
  let at = (__heap_base + 15) & ~(<usize>15);
  pInputs = at; at = reserve(at, steps * E);
  pRecurrent = at; at = reserve(at, E * E);
  pW2 = at; at = reserve(at, V * E);
  pStart = at; at = reserve(at, E);
  pValues = at; at = reserve(at, steps);
  pNodes = at; at = reserve(at, MAX_ORDER);
  pWeights = at; at = reserve(at, MAX_ORDER);
  pContexts = at; at = reserve(at, steps * E);
  pLogits = at; at = reserve(at, V);
  pDContext = at; at = reserve(at, E);
  pDPre = at; at = reserve(at, E);
  pEnd = at;
  return pEnd;
}

/**
 * Byte offsets of what the host writes or reads: 0 the inputs u (steps x E), 1 R (E x E), 2 W2
 * (V x E), 3 the starting context, 4 the panel's integrated gradient of every step (steps values), 5
 * the rule's nodes on [0, 1], 6 its weights (summing to 1).
 */
export function offset(which: i32): usize {
  switch (which) {
    case 0: return pInputs;
    case 1: return pRecurrent;
    case 2: return pW2;
    case 3: return pStart;
    case 4: return pValues;
    case 5: return pNodes;
    case 6: return pWeights;
    default: return pEnd;
  }
}

/** The contexts at alpha, and the logits after the last; returns L(alpha). */
export function loss(alpha: f64, target: i32): f64 {
  const rowBytes = <usize>E << 3;
  const scale = f64x2.splat(alpha);
  for (let s = 0; s < steps; s++) {
    const context = pContexts + <usize>(s * E) * 8;
    const before = s > 0 ? context - rowBytes : pStart;
    dots(context, pRecurrent, rowBytes, before, E, E);
    const input = pInputs + <usize>(s * E) * 8;
    let i = 0;
    for (; i + 1 < E; i += 2) {
      const at = <usize>i << 3;
      v128.store(context + at, f64x2.add(f64x2.mul(scale, v128.load(input + at)), v128.load(context + at)));
    }
    if (i < E) setF(context, i, alpha * f(input, i) + f(context, i));
    tanhInPlace(context, E);
  }
  const last = pContexts + <usize>((steps - 1) * E) * 8;
  dots(pLogits, pW2, rowBytes, last, E, V);
  let max = -Infinity;
  for (let k = 0; k < V; k++) if (f(pLogits, k) > max) max = f(pLogits, k);
  const top = f64x2.splat(max);
  let totals = f64x2.splat(0);
  let k = 0;
  for (; k + 1 < V; k += 2) totals = f64x2.add(totals, exp2Lanes(f64x2.sub(v128.load(pLogits + (<usize>k << 3)), top)));
  let total = f64x2.extract_lane(totals, 0) + f64x2.extract_lane(totals, 1);
  if (k < V) total += f64x2.extract_lane(exp2Lanes(f64x2.splat(f(pLogits, k) - max)), 0);
  return f(pLogits, target) - max - Math.log(total);
}

/** Adds weight . d_s(alpha) . u_s into every step's value; returns dL/dalpha at alpha (their sum over s). */
function accumulate(alpha: f64, weight: f64, target: i32): f64 {
  const value = loss(alpha, target);
  const rowBytes = <usize>E << 3;
  // dL/dlogit_k = [k = target] - p_k, with p_k = exp(logit_k - logit_target + L); written over the logits.
  const shift = f(pLogits, target) - value;
  const shifts = f64x2.splat(shift);
  let k = 0;
  for (; k + 1 < V; k += 2) {
    const at = pLogits + (<usize>k << 3);
    v128.store(at, f64x2.neg(exp2Lanes(f64x2.sub(v128.load(at), shifts))));
  }
  if (k < V) setF(pLogits, k, -f64x2.extract_lane(exp2Lanes(f64x2.splat(f(pLogits, k) - shift)), 0));
  setF(pLogits, target, f(pLogits, target) + 1);
  zeroDoubles(pDContext, E);
  accumulateRows(pDContext, pW2, rowBytes, pLogits, V, E);
  let slope: f64 = 0;
  for (let s = steps - 1; s >= 0; s--) {
    const here = <usize>(s * E) * 8;
    throughTanh(pDPre, pDContext, pContexts + here, E);
    const change = dot(pDPre, pInputs + here, E);
    setF(pValues, s, f(pValues, s) + weight * change);
    slope += change;
    if (s > 0) {
      // dL/dc_{s-1} = R^T dPre: R's rows, each scaled by its dPre, summed.
      zeroDoubles(pDContext, E);
      accumulateRows(pDContext, pRecurrent, rowBytes, pDPre, E, E);
    }
  }
  return slope;
}

/**
 * One panel [a, b] of the rule whose `order` nodes and weights (on [0, 1]) the host wrote: every
 * step's value becomes u_s . (the panel's quadrature of d_s), its share of the integrated gradient,
 * and the return value is the panel's quadrature of dL/dalpha.
 */
export function integratePanel(a: f64, b: f64, order: i32, target: i32): f64 {
  zeroDoubles(pValues, steps);
  const width = b - a;
  let slope: f64 = 0;
  for (let i = 0; i < order; i++) {
    const weight = width * f(pWeights, i);
    slope += weight * accumulate(a + width * f(pNodes, i), weight, target);
  }
  return slope;
}
