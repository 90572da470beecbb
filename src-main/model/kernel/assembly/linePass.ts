// The training kernel, in AssemblyScript (compiled to WebAssembly by `npm run build:kernel`).
// It does exactly what DESIGN.md's maths says for one line fed as [boundary, tokens...]:
//   h1 = tanh(W0[:, token]),  h2 = tanh(W1 . [h1 ; c]),  p = softmax(W2 . h2)
// then back-propagates the mean cross-entropy through time, clips the gradient's norm and takes
// one Adam step. All arrays live in linear memory at offsets laid out by `layout`; the host reads
// and writes the weights through views onto that memory. Matrices are row-major float64.

let E: i32 = 0;
let V: i32 = 0;
let capacity: i32 = 0;

let pTokens: usize = 0;
let pW0: usize = 0;
let pW1: usize = 0;
let pW2: usize = 0;
let pG0: usize = 0;
let pG1: usize = 0;
let pG2: usize = 0;
let pM0: usize = 0;
let pM1: usize = 0;
let pM2: usize = 0;
let pV0: usize = 0;
let pV1: usize = 0;
let pV2: usize = 0;
let pJoint: usize = 0;
let pContexts: usize = 0;
let pProbs: usize = 0;
let pDContext: usize = 0;
let pDJoint: usize = 0;
let pDZ: usize = 0;
let pCarried: usize = 0;
let pEnd: usize = 0;

let lastSteps: i32 = 1;
let lastNorm: f64 = 0;

@inline function f(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}

@inline function setF(p: usize, i: i32, value: f64): void {
  store<f64>(p + (<usize>i << 3), value);
}

@inline function token(i: i32): i32 {
  return load<i32>(pTokens + (<usize>i << 2));
}

/**
 * tanh through one exp: (1 - e) / (1 + e) with e = exp(-2|x|). Its absolute error stays below 4e-16
 * (relative error grows only where tanh itself is tiny), well inside what training needs, and it
 * costs a third of the library's tanh. Inference, in network.ts, uses Math.tanh.
 */
@inline function tanh(x: f64): f64 {
  const e = Math.exp(-2 * Math.abs(x));
  return copysign<f64>((1 - e) / (1 + e), x);
}

/** a . b over n doubles, two lanes at a time. */
@inline function dot(a: usize, b: usize, n: i32): f64 {
  let acc = f64x2.splat(0);
  let j = 0;
  for (; j + 1 < n; j += 2) {
    const at = <usize>j << 3;
    acc = f64x2.add(acc, f64x2.mul(v128.load(a + at), v128.load(b + at)));
  }
  let sum = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  if (j < n) sum += load<f64>(a + (<usize>j << 3)) * load<f64>(b + (<usize>j << 3));
  return sum;
}

/** Both halves of a back-propagation row at once: g += alpha * x, and acc += w * alpha, over n doubles. */
@inline function backRow(g: usize, x: usize, acc: usize, w: usize, alpha: f64, n: i32): void {
  const a = f64x2.splat(alpha);
  let j = 0;
  for (; j + 1 < n; j += 2) {
    const at = <usize>j << 3;
    v128.store(g + at, f64x2.add(v128.load(g + at), f64x2.mul(a, v128.load(x + at))));
    v128.store(acc + at, f64x2.add(v128.load(acc + at), f64x2.mul(a, v128.load(w + at))));
  }
  if (j < n) {
    const at = <usize>j << 3;
    store<f64>(g + at, load<f64>(g + at) + alpha * load<f64>(x + at));
    store<f64>(acc + at, load<f64>(acc + at) + alpha * load<f64>(w + at));
  }
}

function reserve(at: usize, doubles: i32): usize {
  return (at + (<usize>doubles << 3) + 15) & ~(<usize>15);
}

/** Lays the arrays out for sizes E, V and lines of up to `maxSteps` steps; returns the bytes used. */
export function layout(embedding: i32, vocabulary: i32, maxSteps: i32): usize {
  E = embedding;
  V = vocabulary;
  capacity = maxSteps;
  const width = 2 * E;
  pTokens = (__heap_base + 15) & ~(<usize>15);
  let at = (pTokens + (<usize>maxSteps << 2) + 15) & ~(<usize>15);
  pW0 = at; at = reserve(at, E * V);
  pW1 = at; at = reserve(at, E * width);
  pW2 = at; at = reserve(at, V * E);
  pG0 = at; at = reserve(at, E * V);
  pG1 = at; at = reserve(at, E * width);
  pG2 = at; at = reserve(at, V * E);
  pM0 = at; at = reserve(at, E * V);
  pM1 = at; at = reserve(at, E * width);
  pM2 = at; at = reserve(at, V * E);
  pV0 = at; at = reserve(at, E * V);
  pV1 = at; at = reserve(at, E * width);
  pV2 = at; at = reserve(at, V * E);
  pJoint = at; at = reserve(at, maxSteps * width);
  pContexts = at; at = reserve(at, maxSteps * E);
  pProbs = at; at = reserve(at, maxSteps * V);
  pDContext = at; at = reserve(at, E);
  pDJoint = at; at = reserve(at, width);
  pDZ = at; at = reserve(at, E);
  pCarried = at; at = reserve(at, E);
  pEnd = at;
  lastSteps = 1;
  return pEnd;
}

/** Byte offsets of the arrays the host reads or writes: 0 tokens, 1-3 W0..W2, 4-6 gradients, 7 probs. */
export function offset(which: i32): usize {
  switch (which) {
    case 0: return pTokens;
    case 1: return pW0;
    case 2: return pW1;
    case 3: return pW2;
    case 4: return pG0;
    case 5: return pG1;
    case 6: return pG2;
    case 7: return pProbs;
    case 8: return pM0;
    case 9: return pV0;
    default: return pEnd;
  }
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
  const steps = n + 1;
  const width = 2 * E;
  if (carry) {
    const last = (lastSteps - 1) * E;
    for (let i = 0; i < E; i++) setF(pCarried, i, f(pContexts, last + i));
  } else {
    for (let i = 0; i < E; i++) setF(pCarried, i, 0);
  }
  lastSteps = steps;
  let loss: f64 = 0;
  for (let s = 0; s < steps; s++) {
    const x = inputAt(n, s);
    const y = targetAt(n, s);
    const jo = s * width;
    const co = s * E;
    for (let i = 0; i < E; i++) setF(pJoint, jo + i, tanh(f(pW0, i * V + x)));
    if (s == 0) {
      for (let i = 0; i < E; i++) setF(pJoint, jo + E + i, f(pCarried, i));
    } else {
      for (let i = 0; i < E; i++) setF(pJoint, jo + E + i, f(pContexts, co - E + i));
    }
    const joint = pJoint + (<usize>jo << 3);
    for (let i = 0; i < E; i++) {
      setF(pContexts, co + i, tanh(dot(pW1 + (<usize>(i * width) << 3), joint, width)));
    }
    const context = pContexts + (<usize>co << 3);
    const po = s * V;
    let max: f64 = -Infinity;
    for (let k = 0; k < V; k++) {
      const o = dot(pW2 + (<usize>(k * E) << 3), context, E);
      setF(pProbs, po + k, o);
      if (o > max) max = o;
    }
    let total: f64 = 0;
    for (let k = 0; k < V; k++) {
      const e = Math.exp(f(pProbs, po + k) - max);
      setF(pProbs, po + k, e);
      total += e;
    }
    const inverse = 1.0 / total;
    for (let k = 0; k < V; k++) setF(pProbs, po + k, f(pProbs, po + k) * inverse);
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

/** Gradients of the last forward pass's mean loss, into G0..G2. */
export function backward(n: i32): void {
  const steps = n + 1;
  const width = 2 * E;
  const scale: f64 = 1.0 / <f64>steps;
  memory.fill(pG0, 0, <usize>(E * V) << 3);
  memory.fill(pG1, 0, <usize>(E * width) << 3);
  memory.fill(pG2, 0, <usize>(V * E) << 3);
  for (let j = 0; j < width; j++) setF(pDJoint, j, 0);
  for (let s = steps - 1; s >= 0; s--) {
    const x = inputAt(n, s);
    const y = targetAt(n, s);
    const jo = s * width;
    const co = s * E;
    const po = s * V;
    const context = pContexts + (<usize>co << 3);
    for (let j = 0; j < E; j++) setF(pDContext, j, f(pDJoint, E + j));
    for (let k = 0; k < V; k++) {
      const p = f(pProbs, po + k);
      const dOut = (k == y ? p - 1 : p) * scale;
      backRow(pG2 + (<usize>(k * E) << 3), context, pDContext, pW2 + (<usize>(k * E) << 3), dOut, E);
    }
    for (let i = 0; i < E; i++) {
      const c = f(pContexts, co + i);
      setF(pDZ, i, f(pDContext, i) * (1 - c * c));
    }
    for (let j = 0; j < width; j++) setF(pDJoint, j, 0);
    const joint = pJoint + (<usize>jo << 3);
    for (let i = 0; i < E; i++) {
      const dz = f(pDZ, i);
      backRow(pG1 + (<usize>(i * width) << 3), joint, pDJoint, pW1 + (<usize>(i * width) << 3), dz, width);
    }
    for (let j = 0; j < E; j++) {
      const a = f(pJoint, jo + j);
      const at = j * V + x;
      setF(pG0, at, f(pG0, at) + f(pDJoint, j) * (1 - a * a));
    }
  }
}

function sumOfSquares(p: usize, count: i32): f64 {
  let sum: f64 = 0;
  for (let i = 0; i < count; i++) {
    const g = f(p, i);
    sum += g * g;
  }
  return sum;
}

/** The norm of the whole gradient. */
export function gradientNorm(): f64 {
  const width = 2 * E;
  return Math.sqrt(sumOfSquares(pG0, E * V) + sumOfSquares(pG1, E * width) + sumOfSquares(pG2, V * E));
}

function adamStep(w: usize, g: usize, m: usize, v: usize, count: i32, stepSize: f64, gradScale: f64): void {
  const scale = f64x2.splat(gradScale);
  const b1 = f64x2.splat(0.9);
  const c1 = f64x2.splat(0.1);
  const b2 = f64x2.splat(0.999);
  const c2 = f64x2.splat(0.001);
  const step = f64x2.splat(stepSize);
  const eps = f64x2.splat(1e-8);
  let i = 0;
  for (; i + 1 < count; i += 2) {
    const at = <usize>i << 3;
    const gi = f64x2.mul(v128.load(g + at), scale);
    const mi = f64x2.add(f64x2.mul(b1, v128.load(m + at)), f64x2.mul(c1, gi));
    const vi = f64x2.add(f64x2.mul(b2, v128.load(v + at)), f64x2.mul(f64x2.mul(c2, gi), gi));
    v128.store(m + at, mi);
    v128.store(v + at, vi);
    v128.store(w + at, f64x2.sub(v128.load(w + at), f64x2.div(f64x2.mul(step, mi), f64x2.add(f64x2.sqrt(vi), eps))));
  }
  for (; i < count; i++) {
    const gi = f(g, i) * gradScale;
    const mi = 0.9 * f(m, i) + 0.1 * gi;
    const vi = 0.999 * f(v, i) + 0.001 * gi * gi;
    setF(m, i, mi);
    setF(v, i, vi);
    setF(w, i, f(w, i) - (stepSize * mi) / (Math.sqrt(vi) + 1e-8));
  }
}

/**
 * One training step on the line in the token array: forward, backward, clip, Adam. Returns the line's
 * mean loss; when the loss or the gradient is not finite the weights are left untouched (the host
 * reads `lastGradientNorm` to tell which).
 */
export function trainLine(n: i32, carry: bool, clipNorm: f64, stepSize: f64): f64 {
  const loss = forward(n, carry);
  if (!isFinite(loss)) {
    lastNorm = 0;
    return loss;
  }
  backward(n);
  const norm = gradientNorm();
  lastNorm = norm;
  if (!isFinite(norm)) return loss;
  const gradScale: f64 = norm > clipNorm ? clipNorm / norm : 1.0;
  const width = 2 * E;
  adamStep(pW0, pG0, pM0, pV0, E * V, stepSize, gradScale);
  adamStep(pW1, pG1, pM1, pV1, E * width, stepSize, gradScale);
  adamStep(pW2, pG2, pM2, pV2, V * E, stepSize, gradScale);
  return loss;
}

export function lastGradientNorm(): f64 {
  return lastNorm;
}
