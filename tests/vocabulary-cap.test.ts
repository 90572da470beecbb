import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VOCABULARY_CAP } from '../src-main/model/network/limits.ts';
import { createRng, shuffle } from '../src-main/model/network/rng.ts';
import { tokenizeCorpus } from '../src-main/model/network/tokenizer.ts';
import { UNKNOWN, buildCappedVocabulary, buildVocabulary, capCounts, describeCap, encode } from '../src-main/model/network/vocabulary.ts';
import { Trainer, trainingRecord } from '../src-main/model/training/training.ts';
import { inspectCorpus } from '../src-main/model/training/corpusReport.ts';
import { parseModel, serializeModel } from '../src-main/model/formats/slmJson.ts';
import { slm } from './helpers/slm.ts';

/**
 * A corpus of 5,000 distinct words whose counts and order of first appearance are known by
 * construction: word k first appears k-th (the first lines name every word once, in a shuffled
 * order), and then appears `extra(k)` more times, so that many words tie on their count.
 */
const WORDS = 5000;
const CAP = 1000;
const names = Array.from({ length: WORDS }, (_, i) => `w${i}`);
shuffle(names, createRng(7));
/** How many more times the k-th word to appear comes back: 0 to 6, in runs, so counts tie often. */
const extra = (k: number) => (k * 37) % 7;
function corpusText(): string {
  const lines: string[] = [];
  for (let k = 0; k < WORDS; k += 10) lines.push(names.slice(k, k + 10).join(' '));
  const repeats: string[] = [];
  for (let k = 0; k < WORDS; k++) for (let r = 0; r < extra(k); r++) repeats.push(names[k]);
  shuffle(repeats, createRng(11));
  for (let i = 0; i < repeats.length; i += 12) lines.push(repeats.slice(i, i + 12).join(' '));
  return lines.join('\n');
}
const corpus = corpusText();
/** The expected order: most frequent first, ties by first appearance (k). */
const byRank = Array.from({ length: WORDS }, (_, k) => k).sort((a, b) => extra(b) - extra(a) || a - b);
const totalTokens = WORDS + Array.from({ length: WORDS }, (_, k) => extra(k)).reduce((a, b) => a + b, 0);
const droppedTokens = byRank.slice(CAP).reduce((sum, k) => sum + 1 + extra(k), 0);

const scratch = mkdtempSync(join(tmpdir(), 'slm-cap-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the vocabulary cap', () => {
  it('keeps the most frequent words of a 5,000-word corpus under a cap of 1,000, ties broken by first appearance', () => {
    const capped = buildCappedVocabulary(tokenizeCorpus(corpus), CAP);
    expect(capped.words).toBe(WORDS);
    expect(capped.vocabulary.tokens).toEqual(['', '-', ...byRank.slice(0, CAP).map((k) => names[k])]);
    expect(capped.dropped.map((d) => d.token)).toEqual(byRank.slice(CAP).map((k) => names[k]));
    expect(capped.dropped[0].count).toBe(1 + extra(byRank[CAP]));
    // The boundary between lines is not a token; every word is.
    expect(capped.tokens).toBe(totalTokens);
    expect(capped.droppedTokens).toBe(droppedTokens);
    const counts = capCounts(capped);
    expect(counts).toEqual({ kept: CAP, dropped: WORDS - CAP, share: droppedTokens / totalTokens });
    expect(describeCap(counts)).toBe(
      `kept 1,000 of 5,000 words; the other 4,000 are ${Number(((100 * droppedTokens) / totalTokens).toPrecision(4))}% of the tokens, read as '-'`,
    );
  });

  it('trains with the dropped words read as the unknown word, and the model file records the cap and what it left out', () => {
    const lines = tokenizeCorpus(corpus);
    const capped = buildCappedVocabulary(lines, CAP);
    const encoded = lines.map((line) => encode(capped.vocabulary, line));
    const unknowns = encoded.flat().filter((row) => row === UNKNOWN).length;
    expect(unknowns).toBe(droppedTokens);
    const options = { embedding: 4, epochs: 1, learningRate: 0.01, seed: 1 };
    const trainer = new Trainer(encoded, capped.vocabulary, options);
    while (!trainer.done) trainer.runLines(10_000);
    expect(trainer.status).toBe('completed');
    expect(trainer.weights.vocabularySize).toBe(CAP + 2);
    const text = serializeModel({ name: 'Capped', vocabulary: capped.vocabulary, weights: trainer.weights, defaultTemperature: 0.5, training: trainingRecord(trainer, options, 'words.txt', capped) });
    const file = JSON.parse(text);
    expect(file.training.maxVocabulary).toBe(CAP);
    expect(file.training.droppedWords).toBe(WORDS - CAP);
    expect(file.training.droppedShare).toBe(droppedTokens / totalTokens);
    const read = parseModel(text);
    expect(read.training).toMatchObject({ maxVocabulary: CAP, droppedWords: WORDS - CAP, droppedShare: droppedTokens / totalTokens });
  });

  it('reports the same counts before training, in the Train view’s corpus report', () => {
    const report = inspectCorpus(corpus, undefined, CAP);
    expect(report).toMatchObject({ maxVocabulary: CAP, words: WORDS, droppedWords: WORDS - CAP, droppedTokens, droppedShare: droppedTokens / totalTokens });
    expect(report.vocabulary).toHaveLength(CAP + 2);
    // The list of dropped words is bounded, most frequent first.
    expect(report.dropped.length).toBeLessThan(WORDS - CAP);
    expect(report.dropped.map((d) => d.token)).toEqual(byRank.slice(CAP, CAP + report.dropped.length).map((k) => names[k]));
  });

  it('leaves a corpus under the cap whole, and old model files without a cap open with the largest', () => {
    const lines = tokenizeCorpus('frogs are nice\nwho are you?');
    const capped = buildCappedVocabulary(lines);
    expect(capped.cap).toBe(VOCABULARY_CAP.default);
    expect(capped.dropped).toEqual([]);
    expect(describeCap(capCounts(capped))).toBeNull();
    expect(buildVocabulary(lines).tokens).toEqual(capped.vocabulary.tokens);
    const old = parseModel(readFileSync(join('tests', 'fixtures', 'v1', 'boris-v1.slm.json'), 'utf8'));
    expect(old.training?.maxVocabulary).toBe(4094);
    expect(old.training?.droppedWords).toBeUndefined();
  });

  it('refuses a cap outside 1 to 4,094', () => {
    const lines = tokenizeCorpus('frogs are nice\nwho are you?');
    for (const bad of [0, 4095, 2.5]) expect(() => buildCappedVocabulary(lines, bad)).toThrow(/cap must be a whole number from 1 to 4,094/);
  });
});

describe('slm train --max-vocabulary', () => {
  it('says what the cap kept and left out, records it, and slm history says it', async () => {
    const path = join(scratch, 'small.txt');
    writeFileSync(path, 'frogs frogs frogs are nice\nfrogs are green\nponds are wet\nwho are you and\n');
    const out = join(scratch, 'small.slm.json');
    const trained = await slm('train', '--corpus', path, '--max-vocabulary', '3', '--epochs', '2', '--embedding', '3', '--out', out);
    expect(trained.code).toBe(0);
    // frogs 4, are 4, nice/green/ponds/wet/who/you/and 1 each: "nice" is first of the ties; 6 of 15 tokens go.
    expect(trained.out).toMatch(/^Vocabulary: kept 3 of 9 words; the other 6 are 40% of the tokens, read as '-'\.\n/);
    expect(JSON.parse(readFileSync(out, 'utf8')).vocabulary).toEqual(['', '-', 'frogs', 'are', 'nice']);
    const history = await slm('history', '--model', out);
    expect(history.out.split('\n')[1]).toBe("vocabulary cap 3 words: kept 3 of 9 words; the other 6 are 40% of the tokens, read as '-'");
    const json = await slm('train', '--corpus', path, '--max-vocabulary', '3', '--epochs', '2', '--embedding', '3', '--out', out, '--json');
    expect(JSON.parse(json.out.trim().split('\n').at(-1)!)).toMatchObject({ done: true, keptWords: 3, droppedWords: 6, droppedShare: 0.4 });
    expect((await slm('train', '--corpus', path, '--max-vocabulary', '0', '--out', out)).code).toBe(2);
  });
});
