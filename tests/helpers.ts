/** Helpers the unit tests share, written for them and independent of the engine. */
import { expect } from 'vitest';
import { SlmError, type SlmErrorKind } from '../src-main/model/network/errors.ts';
import { type Weights, createWeights } from '../src-main/model/network/network.ts';

/** mulberry32: a tiny seeded generator used only to make test data. */
export function testRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The questions of a corpus (each line's text up to its first "?", a dialogue's "+" mark taken off). */
export function corpusQuestions(corpus: string): Set<string> {
  return new Set(
    corpus
      .split('\n')
      .map((line) => line.replace(/^\s*\+/, ''))
      .map((line) => line.slice(0, line.indexOf('?') + 1).trim())
      .filter(Boolean),
  );
}

export function randomWeights(E: number, V: number, seed: number, scale = 1): Weights {
  const random = testRandom(seed);
  const w = createWeights(E, V);
  for (const m of [w.w0, w.w1, w.w2]) for (let i = 0; i < m.length; i++) m[i] = (random() * 2 - 1) * scale;
  return w;
}

/** Asserts that `fn` throws an SlmError of `kind` whose message matches `pattern`. */
export function expectSlmError(fn: () => unknown, kind: SlmErrorKind, pattern?: RegExp): SlmError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught, 'expected an SlmError to be thrown').toBeInstanceOf(SlmError);
  const error = caught as SlmError;
  expect(error.kind).toBe(kind);
  if (pattern) expect(error.message).toMatch(pattern);
  return error;
}

export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  expect(worst).toBeLessThanOrEqual(tolerance);
}

export function bitsOf(data: Float64Array): Buffer {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/** True when two sets of weights have the same sizes and the same bits. */
export function sameBits(a: Weights, b: Weights): boolean {
  return (
    a.embeddingSize === b.embeddingSize &&
    a.vocabularySize === b.vocabularySize &&
    (['w0', 'w1', 'w2'] as const).every((name) => bitsOf(a[name]).equals(bitsOf(b[name])))
  );
}

export function expectSameBits(a: Weights, b: Weights): void {
  expect(a.embeddingSize).toBe(b.embeddingSize);
  expect(a.vocabularySize).toBe(b.vocabularySize);
  for (const name of ['w0', 'w1', 'w2'] as const) expect(bitsOf(a[name]).equals(bitsOf(b[name])), `${name} differs`).toBe(true);
}

/** Polls `find` until it returns something, or fails after the timeout naming what it waited for. */
export function until<T>(find: () => T | undefined, what: string, timeoutMs = 20_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const began = Date.now();
    const poll = () => {
      const found = find();
      if (found !== undefined) resolve(found);
      else if (Date.now() - began > timeoutMs) reject(new Error(`timed out waiting for ${what}`));
      else setTimeout(poll, 5);
    };
    poll();
  });
}
