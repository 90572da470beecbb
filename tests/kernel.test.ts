import { describe, expect, it } from 'vitest';
import { Trainer } from '../src-main/model/training/training.ts';
import { initialWeights } from '../src-main/model/training/setup.ts';
import { adamStepSize } from '../src-main/model/training/adam.ts';
import { vocabularyFromTokens } from '../src-main/model/network/vocabulary.ts';
import { NaiveTrainer, naiveModel, naiveRun } from './reference/naive.ts';
import { KernelPass } from '../src-main/model/kernel/linePass.ts';
import { LINE_PASS_WASM_BASE64 } from '../src-main/model/kernel/linePassWasm.ts';
import { createRng } from '../src-main/model/network/rng.ts';

/**
 * The WebAssembly training kernel against the naive nested-array implementation of the same update
 * (BPTT, mean cross-entropy, gradient-norm clipping, Adam with bias correction).
 */
const vocabulary = vocabularyFromTokens(['', '-', 'who', 'are', 'you', '?', 'boris', '.']);
// Two lines: the first trains, the second is held out, so every epoch is one update on line one.
const lines = [
  [2, 3, 4, 5, 6, 7],
  [2, 5, 6],
];

function trainBoth(clipNorm: number, epochs: number) {
  const start = initialWeights(5, vocabulary.tokens.length, 11);
  const trainer = new Trainer(lines, vocabulary, { embedding: 5, epochs, learningRate: 0.05, seed: 11, clipNorm, samplesPerEpoch: 0 });
  while (!trainer.done) trainer.runLines(100);
  const naive = new NaiveTrainer(naiveModel(start), 0.05, clipNorm);
  for (let e = 0; e < epochs; e++) naive.trainLine(lines[0]);
  return { trainer, naive };
}

function maxDifference(trainer: Trainer, naive: NaiveTrainer): number {
  let worst = 0;
  for (const key of ['w0', 'w1', 'w2'] as const) {
    const flat = naive.model[key].flat();
    trainer.weights[key].forEach((w, i) => (worst = Math.max(worst, Math.abs(w - flat[i]))));
  }
  return worst;
}

describe('the training kernel', () => {
  it('takes the same Adam steps as the naive reference, without clipping', () => {
    const { trainer, naive } = trainBoth(1e9, 12);
    expect(maxDifference(trainer, naive)).toBeLessThan(1e-12);
  });

  it('takes the same Adam steps as the naive reference when clipping is active', () => {
    const { trainer, naive } = trainBoth(0.05, 12);
    expect(maxDifference(trainer, naive)).toBeLessThan(1e-12);
    // and the clip really changed the run
    const unclipped = trainBoth(1e9, 12).trainer;
    let moved = 0;
    trainer.weights.w1.forEach((w, i) => (moved = Math.max(moved, Math.abs(w - unclipped.weights.w1[i]))));
    expect(moved).toBeGreaterThan(1e-6);
  });
});

describe("the kernel's Adam", () => {
  const V = vocabulary.tokens.length;
  const corpus = [[2, 3, 4, 5, 6, 7], [2, 5, 6], [4, 4, 3, 2, 7, 7, 6, 5, 1], [7]];
  const stepSize = (t: number) => adamStepSize(0.05, t);

  it('matches the naive reference over different lines, its denominator in float32', () => {
    const start = initialWeights(5, V, 7);
    const pass = new KernelPass(5, V, 16);
    for (const key of ['w0', 'w1', 'w2'] as const) pass.weights[key].set(start[key]);
    const naive = new NaiveTrainer(naiveModel(start), 0.05, 5);
    let t = 0;
    for (const line of [...corpus, ...corpus]) {
      pass.trainLine(line, false, 5, stepSize(++t));
      naive.trainLine(line);
    }
    let worst = 0;
    for (const key of ['w0', 'w1', 'w2'] as const) {
      const flat = naive.model[key].flat();
      pass.weights[key].forEach((w, i) => (worst = Math.max(worst, Math.abs(w - flat[i]))));
    }
    expect(worst).toBeLessThan(1e-12);
  });
});

describe("the kernel's count of right predictions", () => {
  it('counts the steps whose first most likely token is the target, as the naive forward pass does', () => {
    const rng = createRng(77);
    for (const [E, V] of [[4, 7], [5, 8], [3, 27]]) {
      const weights = initialWeights(E, V, 5 + E);
      const naive = naiveModel(weights);
      const pass = new KernelPass(E, V, 16);
      for (const key of ['w0', 'w1', 'w2'] as const) pass.weights[key].set(weights[key]);
      for (let trial = 0; trial < 40; trial++) {
        const line = Array.from({ length: 1 + rng.below(12) }, () => 1 + rng.below(V - 1));
        const targets = [...line, 0];
        const expected = naiveRun(naive, [0, ...line]).filter((step, s) => step.probs.indexOf(Math.max(...step.probs)) === targets[s]).length;
        pass.forward(line);
        expect(pass.correctPredictions(line)).toBe(expected);
      }
    }
  });
});

describe("the kernel's two-lane exp and tanh", () => {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(LINE_PASS_WASM_BASE64, 'base64')), { env: { abort() {} } });
  const kernel = instance.exports as unknown as {
    memory: WebAssembly.Memory;
    layout(e: number, v: number, steps: number): number;
    offset(which: number): number;
    checkLanes(a: number, b: number): void;
  };
  const end = kernel.layout(4, 8, 4);
  if (end > kernel.memory.buffer.byteLength) kernel.memory.grow(Math.ceil((end - kernel.memory.buffer.byteLength) / 65536));
  const cells = new Float64Array(kernel.memory.buffer, kernel.offset(7), 8);
  const bits = (x: number) => new BigUint64Array(new Float64Array([x]).buffer)[0];

  /** Pairs whose lanes must equal Math.exp and the one-lane tanh bit for bit; the count of mismatches. */
  function mismatches(values: number[]): number {
    let wrong = 0;
    for (let i = 0; i + 1 < values.length; i += 2) {
      kernel.checkLanes(values[i], values[i + 1]);
      const [e0, e1, t0, t1, me0, me1, mt0, mt1] = cells;
      for (const [got, want] of [[e0, me0], [e1, me1], [t0, mt0], [t1, mt1]]) {
        if (!(Number.isNaN(got) && Number.isNaN(want)) && bits(got) !== bits(want)) wrong++;
      }
    }
    return wrong;
  }

  it('equals Math.exp and tanh bit for bit over the ranges training meets', () => {
    const rng = createRng(12345);
    const values: number[] = [];
    for (let i = 0; i < 200_000; i++) {
      const scale = [1e-3, 0.1, 1, 5, 40, 700][i % 6];
      values.push((rng.next() * 2 - 1) * scale);
    }
    expect(mismatches(values)).toBe(0);
    kernel.checkLanes(1, -0.5);
    expect([cells[0], cells[3]]).toEqual([cells[4], cells[7]]);
    expect(Math.abs(cells[0] - Math.E)).toBeLessThan(1e-15);
    expect(Math.abs(cells[3] - Math.tanh(-0.5))).toBeLessThan(1e-15);
  });

  it('agrees at the edges: zero, tiny, huge, infinite and NaN, in either lane', () => {
    const edges = [0, -0, 5e-324, 1e-300, -1e-17, 2 ** -55, -(2 ** -54), 2 ** -54, 2 ** -53, 511.9, -511.9, 512, -745.2, 709.8, 1e10, -1e10, Infinity, -Infinity, NaN, 0.5];
    const pairs: number[] = [];
    for (const a of edges) for (const b of edges) pairs.push(a, b);
    expect(mismatches(pairs)).toBe(0);
  });
});

describe('training slices of an epoch in one kernel call', () => {
  const V = vocabulary.tokens.length;
  const corpus = [[2, 3, 4, 5, 6, 7], [2, 5, 6], [4, 4, 3, 2, 7, 7, 6, 5, 1], [7]];
  const order = [2, 0, 3, 1];
  const carry = [0, 1, 1, 0];

  function passes(rate: number) {
    const start = initialWeights(5, V, 4);
    const make = () => {
      const pass = new KernelPass(5, V, 16, corpus);
      for (const key of ['w0', 'w1', 'w2'] as const) pass.weights[key].set(start[key]);
      return pass;
    };
    return { sliced: make(), byLine: make(), steps: order.map((_, i) => rate / (i + 1)) };
  }

  it('gives the same weights and losses, bit for bit, as training the same lines one call each', () => {
    const { sliced, byLine, steps } = passes(0.05);
    sliced.corpus!.order.set(order);
    sliced.corpus!.carry.set(carry);
    sliced.corpus!.stepSizes.set(steps);
    expect(sliced.trainSlots(0, 3, 5)).toBe(3);
    expect(sliced.trainSlots(3, 1, 5)).toBe(1);
    const losses = order.map((line, i) => byLine.trainLine(corpus[line], carry[i] === 1, 5, steps[i]).loss);
    expect([...sliced.corpus!.losses]).toEqual(losses);
    for (const key of ['w0', 'w1', 'w2'] as const) expect([...sliced.weights[key]]).toEqual([...byLine.weights[key]]);
  });

  it('stops at the first line whose loss is not finite and leaves the weights as they were before it', () => {
    const { sliced } = passes(0.05);
    sliced.corpus!.order.set(order);
    sliced.corpus!.stepSizes.set(order.map(() => 0.01));
    expect(sliced.trainSlots(0, 2, 5)).toBe(2);
    const before = Float64Array.from(sliced.weights.w2);
    sliced.weights.w2[3] = Number.NaN;
    before[3] = Number.NaN;
    expect(sliced.trainSlots(2, 2, 5)).toBe(0);
    expect(Number.isFinite(sliced.corpus!.losses[2])).toBe(false);
    expect([...sliced.weights.w2]).toEqual([...before]);
  });
});
