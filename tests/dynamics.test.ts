import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type Complex,
  FIXED_POINT_MAX_STEPS,
  FIXED_POINT_TOLERANCE,
  contextJacobian,
  eigenvalues,
  fixedPoint,
  largestSingularValue,
  stepSpectrum,
  trainingDynamics,
} from '../src-main/model/dynamics/dynamics.ts';
import { Conversation } from '../src-main/model/network/generation.ts';
import { compareMemory } from '../src-main/model/dynamics/memory.ts';
import { createRng } from '../src-main/model/network/rng.ts';
import type { Checkpoint } from '../src-main/model/network/model.ts';
import { type Weights, cloneWeights, nextContext, recurrentWeights, run, tokenEmbedding } from '../src-main/model/network/network.ts';
import { tokenize, tokenizeCorpus } from '../src-main/model/network/tokenizer.ts';
import { Trainer } from '../src-main/model/training/training.ts';
import { BOUNDARY, encode } from '../src-main/model/network/vocabulary.ts';
import { expectSlmError, randomWeights } from './helpers.ts';
import { boris } from './helpers/boris.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const E = boris.weights.embeddingSize;
const row = (word: string) => boris.vocabulary.rows.get(word)!;

/** A complex matrix-vector product, written here independently of ml-matrix. */
function applyComplex(matrix: Float64Array, n: number, v: Complex[]): Complex[] {
  return Array.from({ length: n }, (_, i) => {
    let re = 0;
    let im = 0;
    for (let k = 0; k < n; k++) {
      re += matrix[i * n + k] * v[k][0];
      im += matrix[i * n + k] * v[k][1];
    }
    return [re, im];
  });
}

/**
 * An eigenvector for lambda found independently: the null vector of (A - lambda I), by complex
 * Gaussian elimination with full pivoting (the last pivot is ~0; its free variable is set to 1).
 */
function nullVector(matrix: Float64Array, n: number, [lr, li]: Complex): Complex[] {
  const a: Complex[][] = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, k): Complex => [matrix[i * n + k] - (i === k ? lr : 0), i === k ? -li : 0]));
  const abs = ([r, i]: Complex) => Math.hypot(r, i);
  const mul = ([a1, b1]: Complex, [a2, b2]: Complex): Complex => [a1 * a2 - b1 * b2, a1 * b2 + b1 * a2];
  const div = ([a1, b1]: Complex, [a2, b2]: Complex): Complex => {
    const d = a2 * a2 + b2 * b2;
    return [(a1 * a2 + b1 * b2) / d, (b1 * a2 - a1 * b2) / d];
  };
  const columns = Array.from({ length: n }, (_, k) => k);
  for (let p = 0; p < n - 1; p++) {
    let best = [p, p];
    for (let i = p; i < n; i++) for (let k = p; k < n; k++) if (abs(a[i][k]) > abs(a[best[0]][best[1]])) best = [i, k];
    [a[p], a[best[0]]] = [a[best[0]], a[p]];
    for (const r of a) [r[p], r[best[1]]] = [r[best[1]], r[p]];
    [columns[p], columns[best[1]]] = [columns[best[1]], columns[p]];
    for (let i = p + 1; i < n; i++) {
      const f = div(a[i][p], a[p][p]);
      for (let k = p; k < n; k++) {
        const t = mul(f, a[p][k]);
        a[i][k] = [a[i][k][0] - t[0], a[i][k][1] - t[1]];
      }
    }
  }
  const x: Complex[] = Array.from({ length: n }, () => [0, 0]);
  x[n - 1] = [1, 0];
  for (let p = n - 2; p >= 0; p--) {
    let s: Complex = [0, 0];
    for (let k = p + 1; k < n; k++) {
      const t = mul(a[p][k], x[k]);
      s = [s[0] + t[0], s[1] + t[1]];
    }
    x[p] = div([-s[0], -s[1]], a[p][p]);
  }
  const out: Complex[] = Array.from({ length: n }, () => [0, 0]);
  columns.forEach((c, p) => (out[c] = x[p]));
  const norm = Math.hypot(...out.flat());
  return out.map(([r, i]) => [r / norm, i / norm]);
}

/** Pairs each expected eigenvalue with the nearest unused actual one; the largest distance. */
function worstPairing(actual: readonly Complex[], expected: readonly Complex[]): number {
  const left = [...actual];
  let worst = 0;
  for (const [er, ei] of expected) {
    let best = 0;
    for (let k = 1; k < left.length; k++) if (Math.hypot(left[k][0] - er, left[k][1] - ei) < Math.hypot(left[best][0] - er, left[best][1] - ei)) best = k;
    worst = Math.max(worst, Math.hypot(left[best][0] - er, left[best][1] - ei));
    left.splice(best, 1);
  }
  return worst;
}

const hasNumpy = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;

/** The contexts of a few Boris lines: the steps whose Jacobians are checked. */
const contexts = ['do you like frogs?', 'who are you?', 'why?', 'tell me about the pond.']
  .map((text) => run(boris.weights, [BOUNDARY, ...encode(boris.vocabulary, tokenize(text))]))
  .flat()
  .map((s) => s.h2);

describe('the dynamics of the context', () => {
  it('the Jacobian is diag(1 - h2^2) . W1[:, E:2E], equal to finite differences of the step', () => {
    const h1 = tokenEmbedding(boris.weights, row('frogs'));
    const c = contexts[3];
    const h2 = nextContext(boris.weights, h1, c);
    const j = contextJacobian(boris.weights, h2);
    const step = 1e-6;
    let worst = 0;
    for (let k = 0; k < E; k++) {
      const up = c.slice();
      const down = c.slice();
      up[k] += step;
      down[k] -= step;
      const a = nextContext(boris.weights, h1, up);
      const b = nextContext(boris.weights, h1, down);
      for (let i = 0; i < E; i++) worst = Math.max(worst, Math.abs((a[i] - b[i]) / (2 * step) - j[i * E + k]));
    }
    expect(worst).toBeLessThan(1e-8);
    // W1[:, E:2E] is the right half of each row of W1.
    const r = recurrentWeights(boris.weights);
    expect(r[3 * E + 5]).toBe(boris.weights.w1[3 * 2 * E + E + 5]);
  });

  it('every eigenvalue has an eigenvector with J.v = lambda.v (checked independently of the solver)', () => {
    for (const weights of [boris.weights, randomWeights(7, 5, 11, 1.5), randomWeights(3, 4, 2, 2)]) {
      const e = weights.embeddingSize;
      const h2 = weights === boris.weights ? contexts[5] : run(weights, [0, 2, 3])[2].h2;
      const j = contextJacobian(weights, h2);
      const { eigenvalues, spectralRadius } = stepSpectrum(weights, h2);
      expect(eigenvalues).toHaveLength(e);
      expect(spectralRadius).toBe(Math.hypot(...eigenvalues[0]));
      for (const lambda of eigenvalues) {
        const v = nullVector(j, e, lambda);
        const jv = applyComplex(j, e, v);
        const lv = v.map(([r, i]): Complex => [lambda[0] * r - lambda[1] * i, lambda[0] * i + lambda[1] * r]);
        expect(Math.max(...jv.map(([r, i], k) => Math.hypot(r - lv[k][0], i - lv[k][1])))).toBeLessThan(1e-8);
      }
      // The eigenvalues of a real matrix come in conjugate pairs; their sum is the trace.
      let trace = 0;
      for (let i = 0; i < e; i++) trace += j[i * e + i];
      expect(eigenvalues.reduce((s, [r]) => s + r, 0)).toBeCloseTo(trace, 10);
      expect(Math.abs(eigenvalues.reduce((s, [, i]) => s + i, 0))).toBeLessThan(1e-10);
    }
  });

  it.skipIf(!hasNumpy)('eigenvalues equal numpy.linalg.eigvals to 1e-9 (skipped where python3 has no numpy)', () => {
    const matrices = [...contexts.slice(0, 8).map((c) => contextJacobian(boris.weights, c)), contextJacobian(boris.weights, fixedPoint(boris.weights, BOUNDARY).point)];
    const script = 'import json,sys,numpy as np\nfor m in json.load(sys.stdin):\n  e=np.linalg.eigvals(np.array(m,dtype=np.float64))\n  print(json.dumps([[float(z.real),float(z.imag)] for z in e]))';
    const input = JSON.stringify(matrices.map((m) => Array.from({ length: E }, (_, i) => Array.from(m.subarray(i * E, (i + 1) * E)))));
    const lines = execFileSync('python3', ['-c', script], { input, encoding: 'utf8' }).trim().split('\n');
    expect(lines).toHaveLength(matrices.length);
    lines.forEach((line, k) => {
      const numpy = JSON.parse(line) as Complex[];
      const ours = stepSpectrum(boris.weights, k < 8 ? contexts[k] : fixedPoint(boris.weights, BOUNDARY).point).eigenvalues;
      expect(ours).toHaveLength(numpy.length);
      expect(worstPairing(ours, numpy)).toBeLessThan(1e-9);
    });
  });

  it('huge weights neither overflow nor hang the eigenvalues; a value that is not finite is refused', () => {
    const weights = randomWeights(6, 4, 9, 1);
    const h2 = run(weights, [0, 2, 3])[2].h2;
    const small = stepSpectrum(weights, h2);
    const huge = { ...weights, w1: weights.w1.map((x) => x * 2 ** 1000) };
    const big = stepSpectrum(huge, h2);
    // Scaling W1 by 2^1000 scales J, and so every eigenvalue, by exactly 2^1000.
    expect(big.eigenvalues).toEqual(small.eigenvalues.map(([re, im]) => [re * 2 ** 1000, im * 2 ** 1000]));
    expect(Number.isFinite(big.spectralRadius)).toBe(true);
    // A fixed point on such weights is still an answer: a finite point, and whether it was found.
    for (const row of [0, 1, 2, 3]) {
      const found = fixedPoint(huge, row);
      expect(found.point.every(Number.isFinite)).toBe(true);
      expect(found.converged).toBe(found.residual <= FIXED_POINT_TOLERANCE);
    }
    expect(() => eigenvalues(new Float64Array([1, Number.NaN, 0, 1]), 2)).toThrow(/not a finite number/);
    expect(() => eigenvalues(new Float64Array([1, Infinity, 0, 1]), 2)).toThrow(/not a finite number/);
  });

  it('a fixed point satisfies c = tanh(W1 . [h1(w); c]), and its stability is its spectral radius below 1', () => {
    for (const word of ['', 'frogs', 'why', '?']) {
      const found = fixedPoint(boris.weights, row(word));
      expect(found.converged).toBe(true);
      const again = nextContext(boris.weights, tokenEmbedding(boris.weights, row(word)), found.point);
      expect(Math.max(...found.point.map((x, i) => Math.abs(x - again[i])))).toBeLessThanOrEqual(FIXED_POINT_TOLERANCE);
      expect(found.residual).toBeLessThanOrEqual(FIXED_POINT_TOLERANCE);
      expect(found.iterations).toBeLessThanOrEqual(FIXED_POINT_MAX_STEPS);
      expect(found.spectralRadius).toBe(stepSpectrum(boris.weights, found.point).spectralRadius);
      expect(found.stable).toBe(found.spectralRadius < 1);
      // The trajectory starts at zeros and its second point is the context after the word once.
      expect(Array.from(found.trajectory[0])).toEqual(new Array(E).fill(0));
      expect(Array.from(found.trajectory[1])).toEqual(Array.from(run(boris.weights, [row(word)])[0].h2));
    }
  });

  it("Newton's method finds the fixed point when iterating from zeros circles for ever", () => {
    // One unit with a strong negative self-weight: c <- tanh(-3c + 0.5) flips back and forth round its fixed point.
    const weights: Weights = { embeddingSize: 1, vocabularySize: 3, w0: new Float64Array([0, 0, 10]), w1: new Float64Array([0.5 / Math.tanh(10), -3]), w2: new Float64Array(3) };
    const found = fixedPoint(weights, 2);
    expect(found.method).toBe('newton');
    expect(found.converged).toBe(true);
    expect(Math.abs(found.point[0] - Math.tanh(0.5 - 3 * found.point[0]))).toBeLessThanOrEqual(FIXED_POINT_TOLERANCE);
    expect(found.stable).toBe(false);
    expect(found.spectralRadius).toBeGreaterThan(1);
  });

  it('the largest singular value of W1[:, E:2E] bounds every |J.x| / |x|', () => {
    const sigma = largestSingularValue(boris.weights);
    const r = recurrentWeights(boris.weights);
    // sigma^2 is the largest eigenvalue of R^T R: power iteration, by hand.
    let x = new Float64Array(E).fill(1);
    let estimate = 0;
    for (let k = 0; k < 500; k++) {
      const rx = new Float64Array(E);
      for (let i = 0; i < E; i++) for (let j = 0; j < E; j++) rx[i] += r[i * E + j] * x[j];
      const rtrx = new Float64Array(E);
      for (let i = 0; i < E; i++) for (let j = 0; j < E; j++) rtrx[j] += r[i * E + j] * rx[i];
      estimate = Math.hypot(...rtrx) / Math.hypot(...x);
      x = rtrx.map((value) => value / Math.hypot(...rtrx));
    }
    expect(sigma).toBeCloseTo(Math.sqrt(estimate), 9);
    expect(stepSpectrum(boris.weights, contexts[2]).spectralRadius).toBeLessThanOrEqual(sigma);
  });

  it('over training: one figure per checkpoint, each equal to the checkpoint examined on its own', () => {
    const lines = tokenizeCorpus(readFileSync(join(root, 'resources', 'corpus', 'boris.txt'), 'utf8'))
      .slice(0, 40)
      .map((line) => encode(boris.vocabulary, line));
    const trainer = new Trainer(lines, boris.vocabulary, { embedding: 6, epochs: 4, learningRate: 0.01, seed: 5, samplesPerEpoch: 0 });
    const checkpoints: Checkpoint[] = [{ epoch: 0, weights: cloneWeights(trainer.weights) }];
    let seen = trainer.history.length;
    while (!trainer.done) {
      trainer.runLines(5);
      if (trainer.history.length > seen) {
        seen = trainer.history.length;
        checkpoints.push({ epoch: trainer.history[seen - 1].epoch, weights: cloneWeights(trainer.weights) });
      }
    }
    const curve = trainingDynamics(checkpoints);
    expect(curve.map((c) => c.epoch)).toEqual(checkpoints.map((c) => c.epoch));
    expect(new Set(curve.map((c) => c.largestSingularValue)).size).toBe(curve.length);
    curve.forEach((point, k) => {
      expect(point.boundarySpectralRadius).toBe(fixedPoint(checkpoints[k].weights, BOUNDARY).spectralRadius);
      expect(point.largestSingularValue).toBe(largestSingularValue(checkpoints[k].weights));
    });
    expect(trainingDynamics([])).toEqual([]);
  });

  it('memory: the same last turn after two histories, its distance step by step and each step spectral radius', () => {
    const memory = compareMemory(boris, [['do you like frogs?'], []], 'why?');
    expect(memory.steps.map((s) => s.token)).toEqual(['', 'why', '?']);
    expect(memory.startDistance).toBeGreaterThan(0);
    const fromZero = run(boris.weights, [BOUNDARY, row('why'), row('?')]);
    memory.steps.forEach((s, i) => {
      const a = memory.paths[0][i + 1];
      expect(Array.from(memory.paths[1][i + 1])).toEqual(Array.from(fromZero[i].h2));
      expect(s.distance).toBeCloseTo(Math.hypot(...a.map((x, k) => x - fromZero[i].h2[k])), 14);
      expect(s.spectralRadius[1]).toBe(stepSpectrum(boris.weights, fromZero[i].h2).spectralRadius);
    });
    expect(memory.historyReplies[0]).toHaveLength(1);
    expect(memory.historyReplies[1]).toEqual([]);
    // Same history, no difference at all.
    const same = compareMemory(boris, [['hi'], ['hi']], 'why?');
    expect(same.steps.every((s) => s.distance === 0)).toBe(true);
    expect(same.replies[0]).toBe(same.replies[1]);
    expectSlmError(() => compareMemory(boris, [[], []], '  ~~ '), 'input', /no words/);
  });

  it("memory: both conversations' replies are the engine's, greedy by default or sampled with one seed for every line; the share kept is the last distance over the first", () => {
    /** A conversation said directly: each line answered with a generator seeded `seed`. */
    const say = (lines: string[], last: string, temperature: number, topK: number, seed: number) => {
      const conversation = new Conversation(boris.weights, boris.vocabulary);
      const replies = lines.map((line) => conversation.say(line, { temperature, topK, rng: createRng(seed) }).text);
      return { replies, reply: conversation.say(last, { temperature, topK, rng: createRng(seed) }).text };
    };
    const greedy = compareMemory(boris, [['do you like frogs?'], []], 'why?');
    expect(greedy.replies).toEqual([say(['do you like frogs?'], 'why?', 0, 0, 0).reply, say([], 'why?', 0, 0, 0).reply]);
    expect(greedy.replies).toEqual(['frogs are my best friend.', 'i am boris.']);
    expect(greedy.sampling).toEqual({ temperature: 0, topK: 0, seed: 0 });
    expect(greedy.keptShare).toBe(greedy.steps[greedy.steps.length - 1].distance / greedy.startDistance);
    const sampling = { temperature: 1.5, topK: 0, seed: 11 };
    const sampled = compareMemory(boris, [['hello', 'do you like frogs?'], ['who are you?']], 'why?', sampling);
    const a = say(['hello', 'do you like frogs?'], 'why?', 1.5, 0, 11);
    const b = say(['who are you?'], 'why?', 1.5, 0, 11);
    expect(sampled.historyReplies).toEqual([a.replies, b.replies]);
    expect(sampled.replies).toEqual([a.reply, b.reply]);
    expect(sampled.sampling).toEqual(sampling);
    expect(compareMemory(boris, [['hi'], ['hi']], 'why?').keptShare).toBeNull();
  });
});
