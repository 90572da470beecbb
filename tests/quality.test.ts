import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseChecks, scoreChecks } from '../src-main/model/training/checks.ts';
import { parseFollowUps, scoreFollowUps } from '../src-main/model/training/followUps.ts';
import { tokenizeCorpus } from '../src-main/model/network/tokenizer.ts';
import { Trainer } from '../src-main/model/training/training.ts';
import { encode, vocabularyFromWordmap } from '../src-main/model/network/vocabulary.ts';
import { corpusQuestions } from './helpers.ts';
import { boris, borisText } from './helpers/boris.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const seedData = join(root, '..', 'shared', 'seed-data');
const hasSeedData = existsSync(join(seedData, 'sentences.txt')) && existsSync(join(seedData, 'wordmap.json'));

describe.skipIf(!hasSeedData)('on the original corpus (../shared/seed-data)', () => {
  it('reaches at least 80% held-out accuracy at E = 10 with the original vocabulary, and keeps that epoch', { timeout: 120_000 }, () => {
    const vocabulary = vocabularyFromWordmap(JSON.parse(readFileSync(join(seedData, 'wordmap.json'), 'utf8')));
    const lines = tokenizeCorpus(readFileSync(join(seedData, 'sentences.txt'), 'utf8')).map((line) => encode(vocabulary, line));
    const trainer = new Trainer(lines, vocabulary, { embedding: 10, epochs: 300, learningRate: 0.005, seed: 1, samplesPerEpoch: 0 });
    while (!trainer.done) trainer.runLines(10_000);
    const accuracies = trainer.history.map((h) => h.testAccuracy);
    const best = Math.max(...accuracies);
    expect(best).toBeGreaterThanOrEqual(0.8);
    expect(trainer.history[trainer.bestEpoch].testAccuracy).toBe(best);
    expect(trainer.evaluate(trainer.split.test, trainer.best).accuracy).toBe(best);
  });
});

describe('the bundled Boris', () => {
  it('answers at least 90% of the check set with greedy decoding', () => {
    const model = boris;
    const checks = parseChecks(readFileSync(join(root, 'resources', 'corpus', 'boris-checks.json'), 'utf8'));
    const score = scoreChecks(model, checks);
    const missed = score.results.filter((r) => !r.right).map((r) => `${r.prompt} -> ${r.reply}`);
    expect(score.share, missed.join('\n')).toBeGreaterThanOrEqual(0.9);
  });

  it('answers at least 80% of the follow-ups that need the turn before (docs/boris.md, "Memory across turns")', () => {
    const model = boris;
    const score = scoreFollowUps(model, parseFollowUps(readFileSync(join(root, 'resources', 'corpus', 'boris-follow-ups.json'), 'utf8')));
    const missed = score.results.filter((r) => !r.right).map((r) => `${r.history.join(' / ')} / ${r.prompt} -> ${r.reply}`);
    // Measured on the bundled Boris: 43 of 48 (89.6%).
    expect(score.share, missed.join('\n')).toBeGreaterThanOrEqual(0.8);
  });

  it('no check prompt is a question of the corpus', () => {
    const questions = corpusQuestions(readFileSync(join(root, 'resources', 'corpus', 'boris.txt'), 'utf8'));
    const checks = parseChecks(readFileSync(join(root, 'resources', 'corpus', 'boris-checks.json'), 'utf8'));
    expect(checks.filter((c) => questions.has(c.prompt.trim()))).toEqual([]);
  });

  it('is exactly what `npm run train:boris` makes, byte for byte', { timeout: 300_000 }, () => {
    const script: string = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts['train:boris'];
    const command = script.split('&&').pop()!.trim().split(/\s+/);
    expect(command.slice(0, 2)).toEqual(['node', 'dist/cli.js']);
    const out = command.indexOf('--out');
    expect(command[out + 1]).toBe('resources/models/boris.slm.json');
    const folder = mkdtempSync(join(tmpdir(), 'slm-boris-'));
    try {
      const args = command.slice(1);
      args.splice(out - 1, 2, '--out', join(folder, 'boris.slm.json'));
      execFileSync(process.execPath, args, { cwd: root, stdio: 'pipe' });
      expect(readFileSync(join(folder, 'boris.slm.json'), 'utf8')).toBe(borisText);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
