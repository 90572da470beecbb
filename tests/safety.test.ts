/**
 * Issue 10, "Nothing lost, nothing hangs": every case it lists for the command line, the file
 * writers and the file readers, each run the way a person (or a hostile file) would.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';
import { SlmError } from '../src-main/model/network/errors.ts';
import { parseModel, serializeModel } from '../src-main/model/formats/slmJson.ts';
import { readNpz, writeNpz } from '../src-main/model/formats/npz.ts';
import { Trainer } from '../src-main/model/training/training.ts';
import { vocabularyFromTokens } from '../src-main/model/network/vocabulary.ts';
import { RequestSchema } from '../src-main/service/protocol.ts';
import * as v from 'valibot';
import { randomWeights } from './helpers.ts';
import { scratchFolders } from './helpers/scratch.ts';
import { slmTyping as slm } from './helpers/slm.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fixture = join(root, 'tests', 'fixtures', 'original');
const { folder } = scratchFolders('slm-safety-');


const corpusLines = ['who are you? i am boris.', 'what do you love? frogs.', 'how are you? i am good.', 'are frogs nice? frogs are very nice.'];
function corpusFile(dir: string): string {
  const path = join(dir, 'c.txt');
  writeFileSync(path, Array.from({ length: 20 }, (_, i) => corpusLines[i % 4]).join('\n') + '\n');
  return path;
}

/** A small model file named `name`, from random weights over Boris-like words. */
function modelFile(dir: string, name: string, file = 'm.slm.json'): string {
  const vocabulary = vocabularyFromTokens(['', '-', 'i', 'am', 'boris', 'frogs', '.', '?']);
  const text = serializeModel({ name, vocabulary, weights: randomWeights(4, 8, 3), defaultTemperature: 0.5, training: null });
  const path = join(dir, file);
  writeFileSync(path, text);
  return path;
}

function expectNoUnexpected(err: string): void {
  expect(err).not.toMatch(/unexpected error/);
  expect(err.split('\n').filter(Boolean)).toHaveLength(1);
}

describe('files destroyed or half-written', () => {
  it('`slm import weights.npz wordmap.json --out weights.npz` refuses and keeps its input', async () => {
    const dir = folder();
    const weights = join(dir, 'weights.npz');
    const wordmap = join(dir, 'wordmap.json');
    writeFileSync(weights, readFileSync(join(fixture, 'weights.npz')));
    writeFileSync(wordmap, readFileSync(join(fixture, 'wordmap.json')));
    const before = readFileSync(weights);
    const result = await slm(['import', weights, wordmap, '--out', weights]);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/--out .*weights\.npz is the weights file being imported; writing there would destroy it/);
    expect(readFileSync(weights).equals(before)).toBe(true);
    // The wordmap, and a link to an input, are inputs too.
    expect((await slm(['import', weights, wordmap, '--out', wordmap])).code).toBe(2);
    expect(JSON.parse(readFileSync(wordmap, 'utf8'))).toEqual(JSON.parse(readFileSync(join(fixture, 'wordmap.json'), 'utf8')));
  });

  it('`slm train --corpus c.txt --out c.txt` refuses and keeps the corpus', async () => {
    const dir = folder();
    const corpus = corpusFile(dir);
    const before = readFileSync(corpus, 'utf8');
    const result = await slm(['train', '--corpus', corpus, '--epochs', '1', '--out', corpus]);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/is the corpus; writing there would destroy it/);
    expect(readFileSync(corpus, 'utf8')).toBe(before);
  });

  it('a diverged run (--lr 1e9) leaves an existing model file as it was', async () => {
    const dir = folder();
    const corpus = corpusFile(dir);
    const out = modelFile(dir, 'Keep me');
    const before = readFileSync(out, 'utf8');
    const result = await slm(['train', '--corpus', corpus, '--epochs', '3', '--lr', '1e9', '--out', out]);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/training diverged/);
    expect(result.err).toMatch(/nothing was written; .* is left as it was/);
    expect(readFileSync(out, 'utf8')).toBe(before);
  });

  it('a run in which no epoch beats the untrained weights writes nothing', async () => {
    const dir = folder();
    const corpus = join(dir, 'bad.txt');
    writeFileSync(corpus, [...Array<string>(18).fill('a b'), 'c d', 'c d'].join('\n') + '\n');
    const out = modelFile(dir, 'Keep me');
    const before = readFileSync(out, 'utf8');
    const result = await slm(['train', '--corpus', corpus, '--epochs', '2', '--lr', '0.05', '--seed', '2', '--out', out]);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/no epoch improved on the untrained weights, so nothing was written/);
    expect(readFileSync(out, 'utf8')).toBe(before);
  });

  it('a target that is not a regular file (a named pipe, as /dev/full is a device) is refused and left alone', async () => {
    const dir = folder();
    const corpus = corpusFile(dir);
    const pipe = join(dir, 'pipe');
    execFileSync('mkfifo', [pipe]);
    const result = await slm(['train', '--corpus', corpus, '--epochs', '1', '--out', pipe]);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/cannot write .*pipe: it is a device or other special file, not a regular file/);
    expect(lstatSync(pipe).isFIFO()).toBe(true);
  });

  it('`slm export --out-dir D` where D/wordmap.json cannot be written writes neither file', async () => {
    const dir = folder();
    mkdirSync(join(dir, 'wordmap.json'));
    const result = await slm(['export', '--model', fixture, '--out-dir', dir]);
    expect(result.code).toBe(1);
    expectNoUnexpected(result.err);
    expect(result.err).toMatch(/cannot write .*wordmap\.json: it is a folder, not a regular file/);
    expect(existsSync(join(dir, 'weights.npz'))).toBe(false);
    expect(readdirSync(dir)).toEqual(['wordmap.json']);
  });

  it('an export over an existing pair replaces both, leaving no temporary files', async () => {
    const dir = folder();
    writeFileSync(join(dir, 'weights.npz'), 'old');
    writeFileSync(join(dir, 'wordmap.json'), 'old');
    expect((await slm(['export', '--model', fixture, '--out-dir', dir])).code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['weights.npz', 'wordmap.json']);
    expect([...readNpz(readFileSync(join(dir, 'weights.npz'))).keys()].sort()).toEqual(['w0', 'w1', 'w2']);
    expect(readFileSync(join(dir, 'wordmap.json'), 'utf8')).not.toBe('old');
  });

  it('a write in a chosen folder leaves no temporary file of its own and removes nobody else\'s', async () => {
    const dir = folder();
    const stale = join(dir, '.m.slm.json.0123456789ab.tmp');
    const foreign = join(dir, 'notes.tmp');
    for (const path of [stale, foreign]) writeFileSync(path, 'half a model');
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    utimesSync(stale, twoHoursAgo, twoHoursAgo);
    expect((await slm(['import', join(fixture, 'weights.npz'), '--out', join(dir, 'm.slm.json')])).code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['.m.slm.json.0123456789ab.tmp', 'm.slm.json', 'notes.tmp']);
  });

  it('the folder is flushed to disk after the rename (fsync on the folder, seen by strace)', async (context) => {
    try {
      execFileSync('strace', ['-V'], { stdio: 'ignore' });
    } catch {
      context.skip();
    }
    const dir = folder();
    const log = join(dir, 'trace.txt');
    execFileSync('strace', ['-f', '-e', 'trace=openat,fsync,rename,link', '-o', log, process.execPath, join(root, 'bin', 'slm.js'), 'import', join(fixture, 'weights.npz'), '--out', join(dir, 'm.slm.json')]);
    const lines = readFileSync(log, 'utf8').split('\n');
    const renamed = lines.findIndex((line) => /rename\(.*m\.slm\.json"\) = 0/.test(line));
    expect(renamed).toBeGreaterThan(-1);
    // After the rename: the folder is opened (O_DIRECTORY or read-only on the folder's path) and fsynced.
    const folderOpen = lines.slice(renamed).find((line) => line.includes(`openat(AT_FDCWD, "${dir}", O_RDONLY`));
    expect(folderOpen, 'the folder is opened after the rename').toBeDefined();
    const fd = /= (\d+)$/.exec(folderOpen!)![1];
    expect(lines.slice(renamed).some((line) => new RegExp(`fsync\\(${fd}\\)\\s+= 0`).test(line))).toBe(true);
  });

  it('errno codes reach the person as plain words, never as "unexpected error: EISDIR"', async () => {
    const dir = folder();
    const corpus = corpusFile(dir);
    const isDir = await slm(['train', '--corpus', corpus, '--epochs', '1', '--out', dir]);
    expect(isDir.code).toBe(1);
    expectNoUnexpected(isDir.err);
    expect(isDir.err).toMatch(/cannot write .*: it is a folder/);
    const notDir = await slm(['export', '--model', fixture, '--out-dir', join(corpus, 'sub')]);
    expect(notDir.code).toBe(1);
    expectNoUnexpected(notDir.err);
    expect(notDir.err).toMatch(/cannot write .*: a part of the path is a file, not a folder/);
    const missing = await slm(['chat', 'hi', '--model', join(dir, 'nothing.slm.json')]);
    expect(missing.err).toMatch(/does not exist/);
    const { fileError } = await import('../src-main/files/atomicWrite.ts');
    const denied = Object.assign(new Error("EACCES: permission denied, open '/x'"), { code: 'EACCES' });
    expect(fileError(denied, 'write', '/x').message).toBe('cannot write /x: permission denied');
    expect(fileError(Object.assign(new Error('EISDIR'), { code: 'EISDIR' }), 'read', '/y').message).toBe('cannot read /y: it is a folder, not a file');
  });
});

/** A zip holding one deflated member whose header declares `declared` bytes. */
function zipWithDeclaredSize(name: string, data: Uint8Array, declared: number): Uint8Array {
  const zip = zipSync({ [name]: [data, { level: 1 }] });
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  // Patch the uncompressed size in the local header (offset 22) and the central directory (offset 24).
  view.setUint32(22, declared, true);
  for (let p = zip.length - 22; p >= 0; p--) {
    if (view.getUint32(p, true) === 0x02014b50) {
      view.setUint32(p + 24, declared, true);
      break;
    }
  }
  return zip;
}

describe('readers with bounds', () => {
  it('an npz member declaring more than any model needs is refused before it is inflated', () => {
    const zip = zipWithDeclaredSize('w0.npy', new Uint8Array(1 << 20), 600_000_000);
    expect(() => readNpz(zip)).toThrow(/declares 600000000 bytes of data, more than the \d+ bytes the largest model's weights need/);
  });

  it('an npz member that inflates to more than it declares stops at the declared size', () => {
    const zip = zipWithDeclaredSize('w0.npy', new Uint8Array(8 << 20), 1000);
    expect(() => readNpz(zip)).toThrow(/inflates to more than the 1000 bytes it declares/);
  });

  it("an npz declaring w0 of 100000 x 3 is refused by its E, not with 'Invalid typed array length'", async () => {
    const dir = folder();
    const weights = join(dir, 'weights.npz');
    writeFileSync(weights, writeNpz({ w0: { shape: [100_000, 3], data: new Float64Array(300_000) }, w1: { shape: [1, 2], data: new Float64Array(2) }, w2: { shape: [3, 1], data: new Float64Array(3) } }));
    writeFileSync(join(dir, 'wordmap.json'), JSON.stringify({ '': 0, '-': 1, frogs: 2 }));
    const result = await slm(['import', weights, '--out', join(dir, 'm.slm.json')]);
    expect(result.code).toBe(1);
    expectNoUnexpected(result.err);
    // Its 2.4 MB of data is already more than any model's W0 holds.
    expect(result.err).toMatch(/The array 'w0' in the \.npz file declares 2400128 bytes of data, more than the \d+ bytes the largest model's weights need/);
    // A smaller one that does fit is refused by its E, before the weights are allocated.
    writeFileSync(weights, writeNpz({ w0: { shape: [1000, 3], data: new Float64Array(3000) }, w1: { shape: [1, 2], data: new Float64Array(2) }, w2: { shape: [3, 1], data: new Float64Array(3) } }));
    const smaller = await slm(['import', weights, '--out', join(dir, 'm.slm.json')]);
    expect(smaller.err).toMatch(/w0 in weights\.npz has 1,000 rows, so E = 1,000; E must be from 1 to 64/);
  });

  it('1e400 in a model file is called too large, not "null"', () => {
    const dir = folder();
    const text = readFileSync(modelFile(dir, 'Big'), 'utf8').replace(/("w1": \[\s*\[)[^,]+/, '$11e400');
    expect(() => parseModel(text, 'big.slm.json')).toThrow(/"w1"\[0\]\[0\] is a number too large to read \(it overflows to Infinity\), not a finite number/);
  });
});

describe('small but real', () => {
  it('a wordmap token named __proto__ survives export and re-import', async () => {
    const dir = folder();
    const text = `{"": 0, "-": 1, "__proto__": 2, "frogs": 3}`;
    mkdirSync(join(dir, 'in'));
    const w = randomWeights(3, 4, 1);
    writeFileSync(join(dir, 'in', 'weights.npz'), writeNpz({ w0: { shape: [3, 4], data: w.w0 }, w1: { shape: [3, 6], data: w.w1 }, w2: { shape: [4, 3], data: w.w2 } }));
    writeFileSync(join(dir, 'in', 'wordmap.json'), text);
    expect((await slm(['export', '--model', join(dir, 'in'), '--out-dir', join(dir, 'out')])).code).toBe(0);
    expect(Object.keys(JSON.parse(readFileSync(join(dir, 'out', 'wordmap.json'), 'utf8')))).toEqual(['', '-', '__proto__', 'frogs']);
    const again = await slm(['import', join(dir, 'out', 'weights.npz'), '--out', join(dir, 'again.slm.json')]);
    expect(again.err).toBe('');
    expect(again.code).toBe(0);
  });

  it('`slm constructor` and `slm __proto__` are unknown commands (exit 2)', async () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const result = await slm([name]);
      expect(result.code, name).toBe(2);
      expect(result.err).toBe(`slm: unknown command "${name}"; run \`slm help\` for the list\n`);
    }
  });

  it('bad option values are usage errors (exit 2) before any work', async () => {
    const dir = folder();
    const corpus = corpusFile(dir);
    const out = join(dir, 'never.slm.json');
    for (const [option, value] of [
      ['--embedding', '1e9'],
      ['--embedding', '65'],
      ['--carry', '5'],
      ['--lr', '0'],
      ['--lr', '1e10'],
      ['--seed', '1e20'],
      ['--epochs', '100001'],
    ]) {
      const result = await slm(['train', '--corpus', corpus, option, value, '--out', out]);
      expect(result.code, `${option} ${value}`).toBe(2);
      expect(result.err).toMatch(new RegExp(`^slm train: ${option} must be`));
    }
    expect((await slm(['neighbours', 'frogs', '-k', '101', '--model', fixture])).code).toBe(2);
    expect((await slm(['chat', 'hi', '--temperature', '11', '--model', fixture])).code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });

  it('model names are printed with control characters stripped', async () => {
    const dir = folder();
    const path = modelFile(dir, 'Evil\u001b]0;pwned\u0007\u001b[31mRed\u202e');
    const result = await slm(['chat', '--model', path, '--temperature', '0'], ['i am boris']);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^Evil\]0;pwned\[31mRed: /);
    expect(result.out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
  });

  it('messages name the model that is open, not always "Boris"', async () => {
    const dir = folder();
    const path = modelFile(dir, 'Froggy');
    const result = await slm(['chat', '@@@', '--model', path]);
    expect(result.code).toBe(1);
    expect(result.err).toBe('slm: the message has no words Froggy can read: write some letters or numbers\n');
  });

  it('the limits agree: the protocol, training and the model-file parser take the same E, epochs and k', () => {
    const vocabulary = vocabularyFromTokens(['', '-', 'a', 'b']);
    const lines = [[2, 3], [3, 2], [2, 2]];
    const trainer = (options: { embedding: number; epochs: number }) => () => new Trainer(lines, vocabulary, { ...options, learningRate: 0.01, seed: 1, samplesPerEpoch: 0 });
    const request = (settings: { embedding: number; epochs: number }) =>
      v.safeParse(RequestSchema, { id: 1, type: 'train', settings: { corpus: 'a b', learningRate: 0.01, seed: 1, ...settings } }).success;
    const file = (E: number) => () =>
      parseModel(serializeModel({ name: 'x', vocabulary, weights: randomWeights(E, 4, 1), defaultTemperature: 0.5, training: null }), 'x');
    // At the limits: accepted everywhere.
    expect(request({ embedding: 64, epochs: 100_000 })).toBe(true);
    expect(trainer({ embedding: 64, epochs: 1 })).not.toThrow();
    expect(file(64)).not.toThrow();
    // Past them: refused everywhere, with a message.
    expect(request({ embedding: 65, epochs: 1 })).toBe(false);
    expect(trainer({ embedding: 65, epochs: 1 })).toThrow(SlmError);
    expect(file(65)).toThrow(/"embedding" 65; it must be a whole number from 1 to 64/);
    expect(request({ embedding: 4, epochs: 100_001 })).toBe(false);
    expect(trainer({ embedding: 4, epochs: 100_001 })).toThrow(/epochs must be a whole number from 1 to 100000/);
    const neighbours = (k: number) => v.safeParse(RequestSchema, { id: 1, type: 'neighbours', word: 'frogs', k, metric: 'euclidean' }).success;
    expect(neighbours(100)).toBe(true);
    expect(neighbours(101)).toBe(false);
  });
});
