import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from './helpers.ts';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspectCorpus } from '../src-main/model/training/corpusReport.ts';
import { parseModel } from '../src-main/model/formats/slmJson.ts';
import { splitCorpus } from '../src-main/model/training/setup.ts';
import { tokenizeCorpus } from '../src-main/model/network/tokenizer.ts';
import { buildVocabulary } from '../src-main/model/network/vocabulary.ts';
import { forkService } from '../src-main/service/forkConnection.ts';
import type { ServiceEvent } from '../src-main/service/protocol.ts';
import { ServiceSupervisor } from '../src-main/service/supervisor.ts';

/** What the training studio asks of the model service: the bundled corpus, corpus reports, runs that diverge. */
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'dist', 'electron', 'service.cjs');
const scratch = mkdtempSync(join(tmpdir(), 'slm-studio-'));
const resources = join(scratch, 'resources');
const borisModel = readFileSync(join(root, 'resources', 'models', 'boris.slm.json'), 'utf8');
const borisCorpus = readFileSync(join(root, 'resources', 'corpus', 'boris.txt'), 'utf8');

beforeAll(() => {
  mkdirSync(join(resources, 'corpus'), { recursive: true });
  mkdirSync(join(resources, 'models'), { recursive: true });
  writeFileSync(join(resources, 'corpus', 'boris.txt'), borisCorpus);
  writeFileSync(join(resources, 'models', 'boris.slm.json'), borisModel);
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function startService(store: string) {
  const supervisor = new ServiceSupervisor(() => forkService(entry, ['--store', store, '--resources', resources]));
  const events: ServiceEvent[] = [];
  supervisor.onEvent((event) => events.push(event));
  return { supervisor, events };
}

describe('inspectCorpus', () => {
  it('builds the vocabulary training would build, with counts, and the same split', () => {
    const report = inspectCorpus(borisCorpus);
    // Training's units: dialogues, each of one line or of several joined by the boundary "".
    const lines = tokenizeCorpus(borisCorpus);
    const textLines = borisCorpus.split('\n').filter((line) => line.trim() !== '').length;
    const words = lines.flat().filter((t) => t !== '');
    expect(report.vocabulary.map((v) => v.token)).toEqual(buildVocabulary(lines).tokens);
    // The boundary counts once per line of text, as before dialogues.
    expect(report.vocabulary[0]).toEqual({ token: '', count: textLines });
    const frogs = words.filter((t) => t === 'frogs').length;
    expect(report.vocabulary.find((v) => v.token === 'frogs')?.count).toBe(frogs);
    const split = splitCorpus(lines.map((line) => line.map(() => 0)));
    expect([report.usableLines, report.dialogues, report.trainLines, report.heldOutLines]).toEqual([textLines, lines.length, split.train.length, split.test.length]);
    expect(report.tokens).toBe(words.length);
    expect(report.unusable).toEqual([]);
  });

  it('flags lines with no words and lines that lose characters, by line number', () => {
    const report = inspectCorpus('hello boris.\n\n★ ☆ ★\ncafé is nice!\n123\n🐸🐸\n');
    expect(report.lines).toBe(6);
    expect(report.blankLines).toBe(1);
    expect(report.usableLines).toBe(3);
    expect(report.unusable.map((n) => n.line)).toEqual([3, 6]);
    expect(report.unusable[0].reason).toMatch(/^no words/);
    expect(report.unusable[0].reason).toContain('“★”');
    expect(report.partlyRead).toEqual([{ line: 4, text: 'café is nice!', reason: 'drops “é”' }]);
    expect(report.unusableTotal).toBe(2);
  });

  it('has an empty vocabulary for a corpus without words', () => {
    const report = inspectCorpus('   \n\n');
    expect(report.usableLines).toBe(0);
    expect(report.vocabulary).toEqual([]);
  });
});

describe('the service for the training studio', () => {
  it('hands out the bundled corpus and reports on any corpus', async () => {
    const { supervisor } = startService(join(scratch, 'store-corpus'));
    try {
      expect((await supervisor.request({ type: 'bundledCorpus' })).text).toBe(borisCorpus);
      const report = await supervisor.request({ type: 'inspectCorpus', corpus: 'frogs are nice.\n%%%\nhi boris' });
      expect(report.unusable).toEqual([{ line: 2, text: '%%%', reason: expect.stringMatching(/no words/) }]);
      expect(report.vocabulary.map((v) => v.token)).toEqual(['', '-', 'frogs', 'are', 'nice', '.', 'hi', 'boris']);
    } finally {
      supervisor.dispose();
    }
  });

  it('a diverged run reports why, keeps its last good weights and leaves the open model alone', async () => {
    const { supervisor, events } = startService(join(scratch, 'store-diverge'));
    try {
      const before = await supervisor.request({ type: 'open', source: { kind: 'bundled' } });
      const reply = await supervisor.request({ type: 'generate', prompt: 'who are you?', temperature: 0, topK: 0, seed: 1 });
      await supervisor.request({ type: 'train', settings: { corpus: borisCorpus, embedding: 6, epochs: 5, learningRate: 1e6, seed: 2 } });
      const done = await until(() => events.find((e) => e.event === 'trainDone'), 'the end of the run');
      if (done.event !== 'trainDone') throw new Error('unreachable');
      expect(done.status).toBe('diverged');
      expect(done.message).toMatch(/training diverged: .* Try a smaller learning rate than 1000000\. The best weights so far \(epoch 0,/);
      expect(done.model).toBeNull();
      // The last progress event carries the last good weights: all finite.
      const progress = events.filter((e) => e.event === 'trainProgress');
      const last = progress[progress.length - 1];
      if (last?.event !== 'trainProgress') throw new Error('no progress event');
      for (const matrix of [last.weights.w0, last.weights.w1, last.weights.w2]) expect(matrix.every(Number.isFinite)).toBe(true);
      // Boris is still open, weights and conversation as they were.
      const exported = await supervisor.request({ type: 'exportModelFile' });
      const open = parseModel(exported.text);
      expect(open.name).toBe(before.name);
      expect(Array.from(open.weights.w1)).toEqual(before.weights.w1);
      const again = await supervisor.request({ type: 'replay', turns: [{ prompt: 'who are you?', temperature: 0, topK: 0, seed: 1 }] });
      expect(again[0].reply).toBe(reply.reply);
    } finally {
      supervisor.dispose();
    }
  });

  it('a completed run opens the trained model', async () => {
    const { supervisor, events } = startService(join(scratch, 'store-complete'));
    try {
      await supervisor.request({ type: 'open', source: { kind: 'bundled' } });
      await supervisor.request({ type: 'train', settings: { corpus: borisCorpus, embedding: 4, epochs: 2, learningRate: 0.01, seed: 2 } });
      const done = await until(() => events.find((e) => e.event === 'trainDone'), 'the end of the run');
      if (done.event !== 'trainDone') throw new Error('unreachable');
      expect(done.status).toBe('completed');
      expect(done.model?.embeddingSize).toBe(4);
      expect((await supervisor.request({ type: 'exportModelFile' })).name).toBe('Trained model');
    } finally {
      supervisor.dispose();
    }
  });
});
