import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nearestWords, sentenceDistance } from '../src-main/model/geometry/geometry.ts';
import { Conversation } from '../src-main/model/network/generation.ts';
import { readNpz } from '../src-main/model/formats/npz.ts';
import { exportOriginal, importOriginal } from '../src-main/model/formats/original.ts';
import { createRng } from '../src-main/model/network/rng.ts';
import { embeddingSize, naiveDistance, naiveFeed, naiveModel, naiveNeighbours, naiveRun, vocabularySize } from './reference/naive.ts';

/**
 * Checks against the original project's own trained model (`../shared/seed-data/`, never committed).
 * Skipped where that folder is not present.
 */
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const seedDir = join(repoRoot, '..', 'shared', 'seed-data');
const weightsPath = join(seedDir, 'weights.npz');
const wordmapPath = join(seedDir, 'wordmap.json');
const present = existsSync(weightsPath) && existsSync(wordmapPath);

/** The reference model of the original's arrays, with its tokens in row order. */
function naiveOriginal(arrays: Map<string, { shape: number[]; data: Float64Array }>, wordmap: Record<string, number>) {
  const [embedding, vocabulary] = arrays.get('w0')!.shape;
  const model = naiveModel({ embeddingSize: embedding, vocabularySize: vocabulary, w0: arrays.get('w0')!.data, w1: arrays.get('w1')!.data, w2: arrays.get('w2')!.data });
  const tokens = Object.keys(wordmap).sort((x, y) => wordmap[x] - wordmap[y]);
  return {
    E: embeddingSize(model),
    V: vocabularySize(model),
    finalContext: (sentence: string) => naiveRun(model, naiveFeed(tokens, sentence)).at(-1)!.h2,
    neighbours: (word: string, k: number) => naiveNeighbours(model, tokens, word, k),
  };
}

describe.skipIf(!present)('the original project seed data (../shared/seed-data)', () => {
  const weightBytes = present ? new Uint8Array(readFileSync(weightsPath)) : new Uint8Array();
  const wordmapText = present ? readFileSync(wordmapPath, 'utf8') : '{}';
  const model = present ? importOriginal({ weights: weightBytes, wordmap: wordmapText }) : null!;
  const naive = present ? naiveOriginal(readNpz(weightBytes), JSON.parse(wordmapText)) : null!;

  it('imports with the original sampling temperature and the original shapes', () => {
    expect(model.defaultTemperature).toBe(0.5);
    expect(model.weights.embeddingSize).toBe(naive.E);
    expect(model.weights.vocabularySize).toBe(naive.V);
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
      const reference = naiveDistance(naive.finalContext(a), naive.finalContext(b));
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
