import { inputError } from '../network/errors.ts';
import type { Weights } from '../network/network.ts';
import { LINE_PASS_WASM_BASE64 } from './linePassWasm.ts';
import { kernelInstance, reserveMemory } from './wasmInstance.ts';

/** The compiled kernel's exports (see assembly/linePass.ts). */
interface KernelExports {
  memory: WebAssembly.Memory;
  layout(embedding: number, vocabulary: number, maxSteps: number): number;
  layoutCorpus(tokens: number, lines: number): number;
  offset(which: number): number;
  forward(n: number, carry: number): number;
  correct(n: number): number;
  backward(n: number): void;
  gradientNorm(): number;
  trainLine(n: number, carry: number, clipNorm: number, stepSize: number): number;
  lastGradientNorm(): number;
  trainLines(from: number, count: number, clipNorm: number): number;
}

/** A corpus held in the kernel's memory, for training whole slices of an epoch in one call. */
export interface KernelCorpus {
  /** Per slot of an epoch: the line's number, to be written by the host. */
  readonly order: Int32Array;
  /** Per slot: 1 if the line starts from the previous line's final context. */
  readonly carry: Int32Array;
  /** Per slot: Adam's step size for that line. */
  readonly stepSizes: Float64Array;
  /** Per slot: the line's mean loss, written by the kernel. */
  readonly losses: Float64Array;
}

/**
 * One line's forward and backward passes and the Adam step, run by the WebAssembly kernel. The
 * weights, gradients and Adam moments live in the kernel's memory; `weights` and `gradients` are
 * views onto it, so the host reads and writes them without copying.
 */
export class KernelPass {
  readonly capacity: number;
  readonly weights: Weights;
  readonly gradients: Weights;
  private readonly kernel: KernelExports;
  private readonly tokens: Int32Array;

  /** The corpus given to the constructor, in the kernel's memory (null without one). */
  readonly corpus: KernelCorpus | null = null;

  constructor(embedding: number, vocabulary: number, capacity: number, corpus?: readonly (readonly number[])[]) {
    this.kernel = kernelInstance(LINE_PASS_WASM_BASE64, 'training kernel') as unknown as KernelExports;
    this.capacity = capacity;
    let end = this.kernel.layout(embedding, vocabulary, capacity);
    const tokenCount = corpus ? corpus.reduce((sum, line) => sum + line.length, 0) : 0;
    if (corpus) end = this.kernel.layoutCorpus(tokenCount, corpus.length);
    const buffer = reserveMemory(this.kernel.memory, end);
    const view = (which: number, length: number) => new Float64Array(buffer, this.kernel.offset(which), length);
    const E = embedding;
    const V = vocabulary;
    this.weights = { embeddingSize: E, vocabularySize: V, w0: view(1, E * V), w1: view(2, 2 * E * E), w2: view(3, V * E) };
    this.gradients = { embeddingSize: E, vocabularySize: V, w0: view(4, E * V), w1: view(5, 2 * E * E), w2: view(6, V * E) };
    this.tokens = new Int32Array(buffer, this.kernel.offset(0), capacity);
    if (corpus) {
      const lines = corpus.length;
      const tokens = new Int32Array(buffer, this.kernel.offset(10), tokenCount);
      const starts = new Int32Array(buffer, this.kernel.offset(11), lines + 1);
      let at = 0;
      corpus.forEach((line, i) => {
        if (line.length + 1 > capacity) throw inputError(`a line of ${line.length} tokens is longer than this pass was sized for`);
        starts[i] = at;
        tokens.set(line, at);
        at += line.length;
      });
      starts[lines] = at;
      this.corpus = {
        order: new Int32Array(buffer, this.kernel.offset(12), lines),
        carry: new Int32Array(buffer, this.kernel.offset(13), lines),
        stepSizes: new Float64Array(buffer, this.kernel.offset(14), lines),
        losses: new Float64Array(buffer, this.kernel.offset(15), lines),
      };
    }
  }

  /**
   * Trains the corpus's lines in slots `from` to `from + count - 1` of `corpus` (order, carry, step
   * size), each as `trainLine` would, all in one call. Returns how many trained cleanly; when that is
   * fewer than `count`, the next slot's line had a loss or gradient that is not finite (its loss is in
   * `corpus.losses`, its norm in `lastGradientNorm`) and left the weights as they were.
   */
  trainSlots(from: number, count: number, clipNorm: number): number {
    return this.kernel.trainLines(from, count, clipNorm);
  }

  lastGradientNorm(): number {
    return this.kernel.lastGradientNorm();
  }

  private load(line: readonly number[]): number {
    if (line.length + 1 > this.capacity) throw inputError(`a line of ${line.length} tokens is longer than this pass was sized for`);
    for (let i = 0; i < line.length; i++) this.tokens[i] = line[i];
    return line.length;
  }

  /** Runs the line from zeros (or from the last line's final context with `carry`); the mean loss. */
  forward(line: readonly number[], carry = false): number {
    return this.kernel.forward(this.load(line), carry ? 1 : 0);
  }

  /** Right argmax predictions of the last forward pass over `line`. */
  correctPredictions(line: readonly number[]): number {
    return this.kernel.correct(line.length);
  }

  /** Gradients of the last forward pass's mean loss, into `gradients`. */
  backward(line: readonly number[]): void {
    this.kernel.backward(line.length);
  }

  /**
   * Forward, backward, gradient clipping and one Adam step of size `stepSize`. Returns the loss and
   * the gradient's norm; when either is not finite the weights are left as they were.
   */
  trainLine(line: readonly number[], carry: boolean, clipNorm: number, stepSize: number): { loss: number; norm: number } {
    const loss = this.kernel.trainLine(this.load(line), carry ? 1 : 0, clipNorm, stepSize);
    return { loss, norm: this.kernel.lastGradientNorm() };
  }
}
