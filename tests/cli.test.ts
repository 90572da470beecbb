import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { USAGE } from '../src-main/cli/commands.ts';
import { loadModel } from '../src-main/files/modelPaths.ts';
import { Conversation } from '../src-main/model/network/generation.ts';
import { nearestWords, sentenceDistance } from '../src-main/model/geometry/geometry.ts';
import { run } from '../src-main/model/network/network.ts';
import { readNpz } from '../src-main/model/formats/npz.ts';
import { createRng } from '../src-main/model/network/rng.ts';
import { BOUNDARY, encode } from '../src-main/model/network/vocabulary.ts';
import { tokenize } from '../src-main/model/network/tokenizer.ts';
import { MAX_PROMPT_TOKENS } from '../src-main/model/network/limits.ts';
import { slm } from './helpers/slm.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fixture = join(root, 'tests', 'fixtures', 'original');
const scratch = mkdtempSync(join(tmpdir(), 'slm-cli-'));

/** Runs a command in-process and collects what it printed. */

/** Runs the built `slm` command as a real process. */
function slmProcess(args: string[], input?: string) {
  const result = spawnSync(process.execPath, [join(root, 'bin', 'slm.js'), ...args], { input, encoding: 'utf8', cwd: scratch });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

const corpusLines = ['who are you? i am boris.', 'what do you love? frogs.', 'how are you? i am good.', 'are frogs nice? frogs are very nice.'];
const tinyCorpus = join(scratch, 'tiny.txt');
writeFileSync(tinyCorpus, Array.from({ length: 20 }, (_, i) => corpusLines[i % corpusLines.length]).join('\n') + '\n');

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('slm in a pipeline', () => {
  it('stops quietly when the reader closes the pipe early (slm history | head -1)', () => {
    const result = spawnSync('bash', ['-o', 'pipefail', '-c', `"${process.execPath}" "${join(root, 'bin', 'slm.js')}" history | head -1`], { encoding: 'utf8', cwd: scratch });
    expect(result.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});

describe('slm on the original-format fixture', () => {
  it('chat --json gives the greedy reply the engine gives', async () => {
    const model = await loadModel(fixture);
    const expected = new Conversation(model.weights, model.vocabulary).say('i am', { temperature: 0, rng: createRng(0) });
    const { code, out } = await slm('chat', 'i am', '--model', fixture, '--temperature', '0', '--json');
    expect(code).toBe(0);
    const reply = JSON.parse(out);
    expect(reply.reply).toBe(expected.text);
    expect(reply.tokens).toEqual(expected.tokens.map((row) => model.vocabulary.tokens[row]));
  });

  it("neighbours --json lists the engine's nearest words, itself excluded", async () => {
    const model = await loadModel(fixture);
    const { code, out } = await slm('neighbours', 'frogs', '-k', '3', '--model', fixture, '--json');
    expect(code).toBe(0);
    const found = JSON.parse(out);
    expect(found).toEqual(nearestWords(model.weights, model.vocabulary, 'frogs', 3));
    expect(found.map((n: { word: string }) => n.word)).not.toContain('frogs');
    const cosine = JSON.parse((await slm('neighbours', 'frogs', '--metric', 'cosine', '--model', fixture, '--json')).out);
    expect(cosine).toEqual(nearestWords(model.weights, model.vocabulary, 'frogs', 5, 'cosine'));
  });

  it("compare --json gives the engine's distance", async () => {
    const model = await loadModel(fixture);
    const { code, out } = await slm('compare', 'i am frogs', 'frogs am i', '--model', fixture, '--json');
    expect(code).toBe(0);
    expect(JSON.parse(out).distance).toBe(sentenceDistance(model.weights, model.vocabulary, 'i am frogs', 'frogs am i'));
  });

  it('trace --json gives every step of [boundary, tokens...]', async () => {
    const model = await loadModel(fixture);
    const { code, out } = await slm('trace', 'I am frogs.', '--model', fixture, '--temperature', '1', '--json');
    expect(code).toBe(0);
    const records = JSON.parse(out);
    const steps = run(model.weights, [BOUNDARY, ...encode(model.vocabulary, tokenize('i am frogs.'))]);
    expect(records.map((r: { token: string }) => r.token)).toEqual(['', 'i', 'am', 'frogs', '.']);
    records.forEach((record: { h1: number[]; h2: number[]; probs: number[] }, i: number) => {
      expect(record.h1).toEqual(Array.from(steps[i].h1));
      expect(record.h2).toEqual(Array.from(steps[i].h2));
      expect(record.probs).toEqual(Array.from(steps[i].probs));
    });
  });

  it('import then export gives back the same arrays and wordmap', async () => {
    const modelFile = join(scratch, 'imported.slm.json');
    const imported = await slm('import', join(fixture, 'weights.npz'), '--out', modelFile);
    expect(imported.code).toBe(0);
    const model = await loadModel(modelFile);
    expect(model.defaultTemperature).toBe(0.5);
    const outDir = join(scratch, 'exported');
    expect((await slm('export', '--model', modelFile, '--out-dir', outDir)).code).toBe(0);
    const before = readNpz(new Uint8Array(readFileSync(join(fixture, 'weights.npz'))));
    const after = readNpz(new Uint8Array(readFileSync(join(outDir, 'weights.npz'))));
    for (const key of ['w0', 'w1', 'w2']) {
      expect(after.get(key)!.shape).toEqual(before.get(key)!.shape);
      expect(Buffer.from(after.get(key)!.data.buffer).equals(Buffer.from(before.get(key)!.data.buffer))).toBe(true);
    }
    expect(JSON.parse(readFileSync(join(outDir, 'wordmap.json'), 'utf8'))).toEqual(JSON.parse(readFileSync(join(fixture, 'wordmap.json'), 'utf8')));
  });
});

describe('slm train', () => {
  it('writes one JSON object per epoch, then a summary, and a model the other commands open', async () => {
    const out = join(scratch, 'tiny.slm.json');
    const result = await slm('train', '--corpus', tinyCorpus, '--embedding', '6', '--epochs', '4', '--seed', '3', '--out', out, '--json');
    expect(result.code).toBe(0);
    const lines = result.out.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines.slice(0, 4).map((l) => l.epoch)).toEqual([1, 2, 3, 4]);
    for (const l of lines.slice(0, 4)) expect(Object.keys(l).sort()).toEqual(['epoch', 'seconds', 'testAccuracy', 'testLoss', 'trainLoss']);
    const done = lines[4];
    expect(done.done).toBe(true);
    expect(done.bestEpoch).toBeGreaterThanOrEqual(0);
    expect(done.tokensPerSecond).toBeGreaterThan(0);
    const model = await loadModel(out);
    expect(model.name).toBe('Tiny');
    expect(model.training!.history).toHaveLength(5);
    expect(model.training!.bestEpoch).toBe(done.bestEpoch);
    expect((await slm('chat', 'who are you?', '--model', out)).code).toBe(0);
  });

  it('is reproducible: the same seed writes the same file, byte for byte', async () => {
    const a = join(scratch, 'a.slm.json');
    const b = join(scratch, 'b.slm.json');
    for (const out of [a, b]) expect((await slm('train', '--corpus', tinyCorpus, '--epochs', '3', '--seed', '9', '--name', 'Same', '--out', out)).code).toBe(0);
    expect(readFileSync(a, 'utf8')).toBe(readFileSync(b, 'utf8'));
  });

  it('trains on a given wordmap with --vocab', async () => {
    const out = join(scratch, 'vocab.slm.json');
    expect((await slm('train', '--corpus', tinyCorpus, '--vocab', join(fixture, 'wordmap.json'), '--epochs', '2', '--out', out)).code).toBe(0);
    expect((await loadModel(out)).vocabulary.tokens).toEqual(['', '-', 'i', 'am', 'frogs', '.']);
  });
});

describe('bad input ends in a clear message, never a stack trace', () => {
  const garbage = join(scratch, 'garbage.npz');
  writeFileSync(garbage, 'this is not a zip file at all');
  const truncated = join(scratch, 'truncated.npz');
  writeFileSync(truncated, readFileSync(join(fixture, 'weights.npz')).subarray(0, 300));
  const wrongWordmap = join(scratch, 'wrong');
  const emptyCorpus = join(scratch, 'empty.txt');
  writeFileSync(emptyCorpus, '\n  \n@@@\n');

  beforeAll(() => {
    execFileSync('mkdir', ['-p', wrongWordmap]);
    writeFileSync(join(wrongWordmap, 'weights.npz'), readFileSync(join(fixture, 'weights.npz')));
    writeFileSync(join(wrongWordmap, 'wordmap.json'), JSON.stringify({ '': 0, '-': 1, frogs: 2 }));
  });

  const cases: [string, string[], number, RegExp][] = [
    ['no command', [], 2, /slm chat/],
    ['an unknown command', ['fly'], 2, /unknown command "fly"/],
    ['a missing argument', ['neighbours'], 2, /missing WORD/],
    ['an unknown option', ['compare', 'a', 'b', '--colour'], 2, /--colour/],
    ['a non-number', ['chat', 'hi', '--model', fixture, '--top-k', 'many'], 2, /--top-k needs a number/],
    ['a non-zip npz', ['chat', 'hi', '--model', garbage], 1, /not an \.npz file/],
    ['a truncated npz', ['chat', 'hi', '--model', truncated], 1, /truncated/],
    ['a wordmap that disagrees with the weights', ['chat', 'hi', '--model', wrongWordmap], 1, /disagree/],
    ['a missing model', ['chat', 'hi', '--model', join(scratch, 'nope.slm.json')], 1, /does not exist/],
    ['an empty corpus', ['train', '--corpus', emptyCorpus, '--out', join(scratch, 'x.slm.json')], 1, /no lines with words/],
    ['a missing corpus', ['train', '--corpus', join(scratch, 'nope.txt'), '--out', join(scratch, 'x.slm.json')], 1, /does not exist/],
    ['an empty prompt', ['chat', '   ', '--model', fixture], 1, /no words/],
    ['a word not in the vocabulary', ['neighbours', 'zebra', '--model', fixture], 1, /not in the model's vocabulary/],
  ];

  for (const [what, args, code, message] of cases) {
    it(`${what}: exit ${code}`, () => {
      const result = slmProcess(args);
      expect(result.code).toBe(code);
      expect(result.err).toMatch(message);
      // With no command, the usage: one line (or two) per command and a note on --model; otherwise one line.
      expect(result.err.trim().split('\n').length).toBeLessThanOrEqual(code === 2 && args.length === 0 ? USAGE.split('\n').length : 1);
      expect(result.err).not.toMatch(/\n\s+at /);
      expect(result.out).toBe('');
    });
  }

  it('a prompt of the longest length allowed gets a reply; a 100,000-word one is refused, saying why', async () => {
    const words = (n: number) => Array.from({ length: n }, (_, i) => ['frogs', 'am', 'i', 'zebra'][i % 4]).join(' ');
    const { code, out } = await slm('chat', words(MAX_PROMPT_TOKENS), '--model', fixture, '--temperature', '0', '--json');
    expect(code).toBe(0);
    expect(typeof JSON.parse(out).reply).toBe('string');
    const long = await slm('chat', words(100_000), '--model', fixture, '--temperature', '0', '--json');
    expect(long.code).toBe(1);
    expect(long.err).toMatch(/^slm: the message has [\d,]+ characters; at most [\d,]+ are read at once\n$/);
  });

  it('an interrupted save leaves the previous model file readable', async () => {
    const path = join(scratch, 'kept.slm.json');
    expect((await slm('import', join(fixture, 'weights.npz'), '--out', path)).code).toBe(0);
    const before = readFileSync(path, 'utf8');
    // A corpus whose training diverges at once still saves its best (initial) weights atomically;
    // a failed import must not touch the file at all.
    expect((await slm('import', garbage, join(fixture, 'wordmap.json'), '--out', path)).code).toBe(1);
    expect(readFileSync(path, 'utf8')).toBe(before);
  });
});

describe('interactive chat', () => {
  it('answers each line, carries the context and resets on /reset', async () => {
    const model = await loadModel(fixture);
    const conversation = new Conversation(model.weights, model.vocabulary);
    const options = { temperature: 0, rng: createRng(0) };
    const first = conversation.say('i am', options).text;
    const second = conversation.say('frogs', options).text;
    conversation.reset();
    const third = conversation.say('frogs', options).text;
    const result = slmProcess(['chat', '--model', fixture, '--temperature', '0', '--json'], 'i am\nfrogs\n/reset\nfrogs\n');
    expect(result.code).toBe(0);
    expect(result.out.trim().split('\n').map((line) => JSON.parse(line).reply)).toEqual([first, second, third]);
  });
});
