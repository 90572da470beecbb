/**
 * A naive implementation of the model's maths, for the benchmark's baseline: nested arrays, the
 * token embedding as a matrix product with a one-hot vector, fresh arrays at every step, and
 * training (BPTT, cross-entropy, clipping, Adam) written the way a first version in numpy would be.
 */
type Matrix = number[][];

const matVec = (m: Matrix, v: number[]): number[] => m.map((row) => row.reduce((sum, w, j) => sum + w * v[j], 0));
const transpose = (m: Matrix): Matrix => m[0].map((_, j) => m.map((row) => row[j]));
const outer = (a: number[], b: number[]): Matrix => a.map((x) => b.map((y) => x * y));
const add = (a: Matrix, b: Matrix): Matrix => a.map((row, i) => row.map((x, j) => x + b[i][j]));
const zeros = (rows: number, cols: number): Matrix => Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
const oneHot = (row: number, size: number): number[] => Array.from({ length: size }, (_, i) => (i === row ? 1 : 0));

function softmax(logits: number[]): number[] {
  const max = Math.max(...logits);
  const e = logits.map((x) => Math.exp(x - max));
  const total = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / total);
}

export interface NaiveModel {
  w0: Matrix;
  w1: Matrix;
  w2: Matrix;
}

export function naiveFrom(weights: { embedding: number; vocabulary: number; w0: Float64Array; w1: Float64Array; w2: Float64Array }): NaiveModel {
  const E = weights.embedding;
  const V = weights.vocabulary;
  const rows = (data: Float64Array, r: number, c: number): Matrix => Array.from({ length: r }, (_, i) => Array.from(data.subarray(i * c, (i + 1) * c)));
  return { w0: rows(weights.w0, E, V), w1: rows(weights.w1, E, 2 * E), w2: rows(weights.w2, V, E) };
}

export function naiveStep(model: NaiveModel, token: number, context: number[]): { h1: number[]; h2: number[]; probs: number[] } {
  const V = model.w2.length;
  const h1 = matVec(model.w0, oneHot(token, V)).map(Math.tanh);
  const h2 = matVec(model.w1, [...h1, ...context]).map(Math.tanh);
  return { h1, h2, probs: softmax(matVec(model.w2, h2)) };
}

export class NaiveTrainer {
  private m: NaiveModel;
  private v: NaiveModel;
  private t = 0;

  constructor(
    readonly model: NaiveModel,
    private readonly learningRate: number,
    private readonly clipNorm = 5,
  ) {
    const z = (m: Matrix) => zeros(m.length, m[0].length);
    this.m = { w0: z(model.w0), w1: z(model.w1), w2: z(model.w2) };
    this.v = { w0: z(model.w0), w1: z(model.w1), w2: z(model.w2) };
  }

  /** One line, fed as [0, tokens...], predicting [tokens..., 0]; returns the mean loss. */
  trainLine(line: number[]): number {
    const { w0, w1, w2 } = this.model;
    const E = w1.length;
    const V = w2.length;
    const inputs = [0, ...line];
    const targets = [...line, 0];
    const xs: number[][] = [];
    const h1s: number[][] = [];
    const h2s: number[][] = [new Array<number>(E).fill(0)];
    const ps: number[][] = [];
    let loss = 0;
    inputs.forEach((token, s) => {
      const x = oneHot(token, V);
      const h1 = matVec(w0, x).map(Math.tanh);
      const h2 = matVec(w1, [...h1, ...h2s[s]]).map(Math.tanh);
      const p = softmax(matVec(w2, h2));
      xs.push(x);
      h1s.push(h1);
      h2s.push(h2);
      ps.push(p);
      loss -= Math.log(p[targets[s]]);
    });
    const n = inputs.length;
    let g0 = zeros(E, V);
    let g1 = zeros(E, 2 * E);
    let g2 = zeros(V, E);
    let carry = new Array<number>(E).fill(0);
    for (let s = n - 1; s >= 0; s--) {
      const dOut = ps[s].map((p, k) => (p - (k === targets[s] ? 1 : 0)) / n);
      g2 = add(g2, outer(dOut, h2s[s + 1]));
      const dH2 = matVec(transpose(w2), dOut).map((d, i) => d + carry[i]);
      const dZ = dH2.map((d, i) => d * (1 - h2s[s + 1][i] ** 2));
      g1 = add(g1, outer(dZ, [...h1s[s], ...h2s[s]]));
      const dJoint = matVec(transpose(w1), dZ);
      const dZ1 = dJoint.slice(0, E).map((d, i) => d * (1 - h1s[s][i] ** 2));
      g0 = add(g0, outer(dZ1, xs[s]));
      carry = dJoint.slice(E);
    }
    const grads = { w0: g0, w1: g1, w2: g2 };
    const norm = Math.sqrt([g0, g1, g2].flat(2).reduce((sum, g) => sum + g * g, 0));
    const scale = norm > this.clipNorm ? this.clipNorm / norm : 1;
    this.t++;
    for (const key of ['w0', 'w1', 'w2'] as const) {
      this.model[key] = this.model[key].map((row, i) =>
        row.map((w, j) => {
          const g = grads[key][i][j] * scale;
          this.m[key][i][j] = 0.9 * this.m[key][i][j] + 0.1 * g;
          this.v[key][i][j] = 0.999 * this.v[key][i][j] + 0.001 * g * g;
          // Adam as its paper's efficient form writes it: the bias corrections folded into the step size.
          const stepSize = (this.learningRate * Math.sqrt(1 - 0.999 ** this.t)) / (1 - 0.9 ** this.t);
          return w - (stepSize * this.m[key][i][j]) / (Math.sqrt(this.v[key][i][j]) + 1e-8);
        }),
      );
    }
    return loss / n;
  }
}
