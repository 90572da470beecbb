import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nearestWords, sentenceDistance } from '../src-main/model/geometry.ts';
import { Conversation } from '../src-main/model/generation.ts';
import { readNpz } from '../src-main/model/npz.ts';
import { exportOriginal, importOriginal } from '../src-main/model/original.ts';
import { createRng } from '../src-main/model/rng.ts';

/**
 * Checks against the original project's own trained model (`../shared/seed-data/`, never committed).
 * Skipped where that folder is not present.
 */
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const seedDir = join(repoRoot, '..', 'shared', 'seed-data');
const weightsPath = join(seedDir, 'weights.npz');
const wordmapPath = join(seedDir, 'wordmap.json');
const present = existsSync(weightsPath) && existsSync(wordmapPath);

type Matrix = number[][];

/** A float64 reference written from DESIGN.md with nested arrays, independent of the engine. */
class NaiveModel {
  readonly W0: Matrix;
  readonly W1: Matrix;
  readonly W2: Matrix;
  readonly E: number;
  readonly V: number;

  constructor(
    arrays: Map<string, { shape: number[]; data: Float64Array }>,
    readonly wordmap: Record<string, number>,
  ) {
    const nested = (name: string): Matrix => {
      const { shape, data } = arrays.get(name)!;
      return Array.from({ length: shape[0] }, (_, r) => Array.from(data.subarray(r * shape[1], (r + 1) * shape[1])));
    };
    this.W0 = nested('w0');
    this.W1 = nested('w1');
    this.W2 = nested('w2');
    this.E = this.W0.length;
    this.V = this.W0[0].length;
  }

  static matVec(m: Matrix, x: readonly number[]): number[] {
    return m.map((row) => {
      let sum = 0;
      for (let j = 0; j < row.length; j++) sum += row[j] * x[j];
      return sum;
    });
  }

  h1(row: number): number[] {
    const onehot = Array.from({ length: this.V }, (_, j) => (j === row ? 1 : 0));
    return NaiveModel.matVec(this.W0, onehot).map(Math.tanh);
  }

  finalContext(sentence: string): number[] {
    const words = sentence.toLowerCase().match(/[a-z0-9']+|[-.,!?;]/g) ?? [];
    const rows = [0, ...words.map((w) => this.wordmap[w] ?? 1)];
    let c = new Array<number>(this.E).fill(0);
    for (const row of rows) c = NaiveModel.matVec(this.W1, [...this.h1(row), ...c]).map(Math.tanh);
    return c;
  }

  static euclidean(a: readonly number[], b: readonly number[]): number {
    let sum = 0;
    for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
    return Math.sqrt(sum);
  }

  neighbours(word: string, k: number): { word: string; distance: number }[] {
    const tokens = Object.keys(this.wordmap).sort((a, b) => this.wordmap[a] - this.wordmap[b]);
    const row = this.wordmap[word];
    const mine = this.h1(row);
    const found = tokens
      .map((token, other) => ({ word: token, other, distance: NaiveModel.euclidean(mine, this.h1(other)) }))
      .filter((n) => n.other !== row && n.other !== 0);
    found.sort((a, b) => a.distance - b.distance || a.other - b.other);
    return found.slice(0, k).map(({ word: w, distance }) => ({ word: w, distance }));
  }
}

describe.skipIf(!present)('the original project seed data (../shared/seed-data)', () => {
  const weightBytes = present ? new Uint8Array(readFileSync(weightsPath)) : new Uint8Array();
  const wordmapText = present ? readFileSync(wordmapPath, 'utf8') : '{}';
  const model = present ? importOriginal({ weights: weightBytes, wordmap: wordmapText }) : null!;
  const naive = present ? new NaiveModel(readNpz(weightBytes), JSON.parse(wordmapText)) : null!;

  it('imports with the original sampling temperature and the original shapes', () => {
    expect(model.defaultTemperature).toBe(0.5);
    expect(model.weights.embedding).toBe(naive.E);
    expect(model.weights.vocabulary).toBe(naive.V);
    expect(model.vocabulary.tokens.length).toBe(Object.keys(JSON.parse(wordmapText)).length);
    expect(model.vocabulary.tokens[0]).toBe('');
    expect(model.vocabulary.tokens[1]).toBe('-');
  });

  it('sentence distances equal the naive reference and the values the original README quotes', () => {
    const cases: [string, string, number][] = [
      ['i am good', 'i am nice', 1.3235389881128539],
      ['i am good', 'i am bad', 1.9960487879227995],
    ];
    for (const [a, b, quoted] of cases) {
      const ours = sentenceDistance(model.weights, model.vocabulary, a, b);
      const reference = NaiveModel.euclidean(naive.finalContext(a), naive.finalContext(b));
      expect(Math.abs(ours - reference)).toBeLessThanOrEqual(1e-12);
      expect(Math.abs(ours - quoted)).toBeLessThanOrEqual(1e-9);
    }
  });

  it('nearest words of "good" and "who" equal the naive reference (h1, Euclidean)', () => {
    for (const word of ['good', 'who']) {
      const ours = nearestWords(model.weights, model.vocabulary, word);
      const reference = naive.neighbours(word, 5);
      expect(ours.map((n) => n.word)).toEqual(reference.map((n) => n.word));
      ours.forEach((n, i) => expect(Math.abs(n.distance - reference[i].distance)).toBeLessThanOrEqual(1e-12));
    }
    expect(nearestWords(model.weights, model.vocabulary, 'good')[0].word).toBe('nice');
    expect(nearestWords(model.weights, model.vocabulary, 'who')[0].word).toBe('?');
  });

  it('answers as the original README shows, greedily', () => {
    const conversation = new Conversation(model.weights, model.vocabulary);
    expect(conversation.say('who are you?', { temperature: 0, rng: createRng(1) }).text).toBe('i am boris.');
    conversation.reset();
    expect(conversation.say('what do you love?', { temperature: 0, rng: createRng(1) }).text).toBe('frogs.');
  });

  it('exporting the imported model gives the original arrays bit for bit', () => {
    const files = exportOriginal(model);
    const original = readNpz(weightBytes);
    const exported = readNpz(files.weights);
    expect([...exported.keys()].sort()).toEqual(['w0', 'w1', 'w2']);
    for (const name of ['w0', 'w1', 'w2']) {
      const a = original.get(name)!;
      const b = exported.get(name)!;
      expect(b.shape).toEqual(a.shape);
      expect(Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength).equals(Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength))).toBe(
        true,
      );
    }
    expect(JSON.parse(files.wordmap)).toEqual(JSON.parse(wordmapText));
  });
});
