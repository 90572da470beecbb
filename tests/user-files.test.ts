/**
 * What the command line and the file readers and writers may do with a person's files and terminal:
 * a write removes nothing but its own temporary file; only regular files are read, within their size,
 * and the model store never reads through a link; every token printed is text, never a control code.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../src-main/files/atomicWrite.ts';
import { readModelFiles, writeOriginalPair } from '../src-main/files/modelPaths.ts';
import { serializeModel } from '../src-main/model/formats/slmJson.ts';
import { createWeights } from '../src-main/model/network/network.ts';
import { vocabularyFromTokens } from '../src-main/model/network/vocabulary.ts';
import { FileStore } from '../src-main/service/fileStore.ts';
import { randomWeights } from './helpers.ts';
import { scratchFolders } from './helpers/scratch.ts';
import { slmTyping as slm } from './helpers/slm.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fixture = join(root, 'tests', 'fixtures', 'original');
const { folder } = scratchFolders('slm-user-files-');


function modelText(name = 'm', tokens = ['', '-', 'i', 'am', 'boris', 'frogs', '.', '?']): string {
  return serializeModel({ name, vocabulary: vocabularyFromTokens(tokens), weights: randomWeights(4, tokens.length, 3), defaultTemperature: 0.5, training: null });
}

/** Two hours ago: older than any write still going. */
function ageTwoHours(path: string): void {
  const then = new Date(Date.now() - 2 * 3600_000);
  utimesSync(path, then, then);
}

/** A file of the person's that merely looks like one of the app's temporary files. */
function lookAlike(dir: string): string {
  const path = join(dir, '.notes.0123456789ab.tmp');
  writeFileSync(path, 'my notes, not a half-written model');
  ageTwoHours(path);
  return path;
}

describe('a write removes nothing but its own temporary file', () => {
  it('a two-hour-old .notes.0123456789ab.tmp survives Save as (writeFileAtomic), as main writes it', async () => {
    const dir = folder();
    const notes = lookAlike(dir);
    await writeFileAtomic(join(dir, 'boris.slm.json'), modelText());
    expect(readFileSync(notes, 'utf8')).toBe('my notes, not a half-written model');
    expect(readdirSync(dir).sort()).toEqual(['.notes.0123456789ab.tmp', 'boris.slm.json']);
  });

  it('it survives Export (the original pair written into a chosen folder)', async () => {
    const dir = folder();
    const notes = lookAlike(dir);
    await writeOriginalPair(dir, { weights: readFileSync(join(fixture, 'weights.npz')), wordmap: readFileSync(join(fixture, 'wordmap.json'), 'utf8') });
    expect(existsSync(notes)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['.notes.0123456789ab.tmp', 'weights.npz', 'wordmap.json']);
  });

  it('it survives `slm import --out` and `slm export --out-dir`', async () => {
    const dir = folder();
    const notes = lookAlike(dir);
    // A stale look-alike named after the very file written, too.
    const namesake = join(dir, '.m.slm.json.0123456789ab.tmp');
    writeFileSync(namesake, 'also mine');
    ageTwoHours(namesake);
    expect((await slm(['import', join(fixture, 'weights.npz'), '--out', join(dir, 'm.slm.json')])).code).toBe(0);
    expect((await slm(['export', '--model', join(dir, 'm.slm.json'), '--out-dir', dir])).code).toBe(0);
    expect(existsSync(notes)).toBe(true);
    expect(existsSync(namesake)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['.m.slm.json.0123456789ab.tmp', '.notes.0123456789ab.tmp', 'm.slm.json', 'weights.npz', 'wordmap.json']);
  });

  it('the store stages its writes in its own folder and clears only what a crashed write left there', async () => {
    const dir = folder();
    const notes = lookAlike(dir);
    const staging = join(dir, '.staging');
    mkdirSync(staging);
    const crashed = join(staging, '.m.slm.json.0123456789ab.tmp');
    const going = join(staging, '.m.slm.json.ba9876543210.tmp');
    writeFileSync(crashed, 'half a model');
    writeFileSync(going, 'a write still going');
    ageTwoHours(crashed);
    const store = new FileStore(dir);
    const id = await store.create('m', modelText());
    await store.write(id, modelText('m again'));
    expect(existsSync(crashed)).toBe(false);
    expect(existsSync(going)).toBe(true);
    expect(existsSync(notes)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['.notes.0123456789ab.tmp', '.staging', 'm.slm.json']);
    expect((await store.list()).map((file) => file.id)).toEqual(['m']);
  });
});

describe('only regular files are read, within their size', () => {
  /** Runs `slm` in a child process, so that a read that hangs fails the test instead of stalling it. */
  function slmChild(args: string[], timeoutMs = 10_000): Promise<{ code: number | null; err: string; timedOut: boolean }> {
    return new Promise((done) => {
      const child = spawn(process.execPath, [join(root, 'bin', 'slm.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      child.stderr.on('data', (chunk) => (err += chunk));
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        done({ code: null, err, timedOut: true });
      }, timeoutMs);
      child.on('exit', (code) => {
        clearTimeout(timer);
        done({ code, err, timedOut: false });
      });
    });
  }

  it('a named pipe given to `slm chat --model` is refused at once, in words', async () => {
    const dir = folder();
    const pipe = join(dir, 'x.slm.json');
    execFileSync('mkfifo', [pipe]);
    const started = performance.now();
    const result = await slmChild(['chat', 'hello', '--model', pipe]);
    expect(result.timedOut, 'the read hung').toBe(false);
    expect(performance.now() - started).toBeLessThan(8000);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/x\.slm\.json is a named pipe, not a regular file/);
  });

  it('the desktop reads a picked or given file the same way: a pipe, a folder named like a model, a device', async () => {
    const dir = folder();
    const pipe = join(dir, 'x.slm.json');
    execFileSync('mkfifo', [pipe]);
    await expect(readModelFiles(pipe)).rejects.toThrow(/is a named pipe, not a regular file/);
    await expect(readModelFiles('/dev/zero')).rejects.toThrow(/\/dev\/zero is a device, not a regular file/);
  });

  it('the store never follows a link: one to /etc/hostname shows none of its content, one to /dev/zero is refused at once', async () => {
    const dir = folder();
    symlinkSync('/etc/hostname', join(dir, 'host.slm.json'));
    symlinkSync('/dev/zero', join(dir, 'zero.slm.json'));
    const store = new FileStore(dir);
    const hostname = readFileSync('/etc/hostname', 'utf8').trim();
    const read = store.read('host').then(
      () => 'read',
      (error: Error) => error.message,
    );
    const message = await read;
    expect(message).toMatch(/is a link, which is not followed here/);
    if (hostname.length > 2) expect(message).not.toContain(hostname);
    const started = performance.now();
    await expect(store.read('zero')).rejects.toThrow(/is a link, which is not followed here/);
    expect(performance.now() - started).toBeLessThan(500);
    const listed = await store.list();
    expect(listed.map((file) => [file.id, file.text, file.problem?.replace(/^.*? is /, 'is ')])).toEqual([
      ['host', null, 'is a link, which is not followed here'],
      ['zero', null, 'is a link, which is not followed here'],
    ]);
  });

  it('a folder or a named pipe in the store is reported in words, never read or waited on', async () => {
    const dir = folder();
    mkdirSync(join(dir, 'folder.slm.json'));
    execFileSync('mkfifo', [join(dir, 'pipe.slm.json')]);
    writeFileSync(join(dir, 'good.slm.json'), modelText('good'));
    const store = new FileStore(dir);
    await expect(store.read('folder')).rejects.toThrow(/folder\.slm\.json is a folder, not a file/);
    await expect(store.read('folder')).rejects.not.toThrow(/ERR_FS_EISDIR|EISDIR/);
    await expect(store.read('pipe')).rejects.toThrow(/pipe\.slm\.json is a named pipe, not a regular file/);
    expect(await store.read('good')).toBe(modelText('good'));
    const listed = await store.list();
    expect(listed.map((file) => [file.id, file.text === null ? file.problem?.replace(/^.*? is /, 'is ') : 'text'])).toEqual([
      ['folder', 'is a folder, not a file'],
      ['good', 'text'],
      ['pipe', 'is a named pipe, not a regular file'],
    ]);
  });
});

describe('the terminal shows text, never control codes', () => {
  const TITLE = '\u001b]0;PWNED\u0007';
  const RED = '\u001b[31m';
  const CONTROLS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

  /**
   * A model whose two hostile tokens are its likeliest next tokens from any context: every h1 and h2
   * unit saturates near 1, and W2 leans on the title token, then the red one.
   */
  function hostileModel(dir: string): string {
    const tokens = ['', '-', 'i', 'am', TITLE, RED, 'frogs'];
    const E = 4;
    const V = tokens.length;
    const weights = createWeights(E, V);
    weights.w0.fill(5);
    for (let i = 0; i < E; i++) weights.w1[i * 2 * E + i] = 5;
    for (let j = 0; j < E; j++) {
      weights.w2[4 * E + j] = 3;
      weights.w2[5 * E + j] = 2.9;
    }
    const path = join(dir, 'hostile.slm.json');
    writeFileSync(path, serializeModel({ name: 'Hostile', vocabulary: vocabularyFromTokens(tokens), weights, defaultTemperature: 0.5, training: null }));
    return path;
  }

  it('chat, neighbours, trace, tree, explain and unit print the tokens without their control codes', async () => {
    const model = hostileModel(folder());
    const runs = {
      chat: await slm(['chat', 'i am', '--model', model, '--temperature', '0']),
      chatSession: await slm(['chat', '--model', model, '--temperature', '0'], ['i am']),
      neighbours: await slm(['neighbours', 'i', '-k', '5', '--model', model]),
      trace: await slm(['trace', 'i am', '--model', model]),
      tree: await slm(['tree', 'i am', '--depth', '2', '--min-probability', '0.001', '--model', model]),
      explain: await slm(['explain', 'i am', '--model', model]),
    };
    for (const [command, result] of Object.entries(runs)) {
      expect(result.code, `${command}: ${result.err}`).toBe(0);
      expect(result.out, command).not.toMatch(CONTROLS);
      expect(result.err, command).not.toMatch(CONTROLS);
    }
    // The tokens are still shown, as text.
    for (const command of ['chat', 'chatSession', 'neighbours', 'trace', 'tree', 'explain'] as const) {
      expect(runs[command].out, command).toContain(']0;PWNED');
    }
    for (const command of ['neighbours', 'trace', 'tree'] as const) expect(runs[command].out, command).toContain('[31m');
  });

  it('--json keeps the exact strings, escaped as JSON escapes them', async () => {
    const model = hostileModel(folder());
    const chat = await slm(['chat', 'i am', '--model', model, '--temperature', '0', '--json']);
    expect(chat.out).not.toMatch(CONTROLS);
    expect(chat.out).toContain('\\u001b]0;PWNED\\u0007');
    expect(JSON.parse(chat.out).tokens).toContain(TITLE);
    const neighbours = await slm(['neighbours', 'i', '-k', '5', '--model', model, '--json']);
    expect(neighbours.out).not.toMatch(CONTROLS);
    expect(JSON.parse(neighbours.out).map((found: { word: string }) => found.word)).toEqual(expect.arrayContaining([TITLE, RED]));
    const tree = await slm(['tree', 'i am', '--depth', '1', '--min-probability', '0.001', '--model', model, '--json']);
    expect(tree.out).not.toMatch(CONTROLS);
    expect(JSON.parse(tree.out).children.map((node: { token: string }) => node.token)).toEqual(expect.arrayContaining([TITLE, RED]));
  });

  it('C1 controls and bidi overrides in a token are escaped in --json too, and still read back exactly', async () => {
    const dir = folder();
    const csi = '\u009b31m';
    const flip = 'frog\u202e';
    const path = join(dir, 'c1.slm.json');
    writeFileSync(path, modelText('c1', ['', '-', 'i', csi, flip]));
    const result = await slm(['neighbours', 'i', '-k', '3', '--model', path, '--json']);
    expect(result.out).not.toMatch(CONTROLS);
    expect(JSON.parse(result.out).map((found: { word: string }) => found.word)).toEqual(expect.arrayContaining([csi, flip]));
    const plain = await slm(['neighbours', 'i', '-k', '3', '--model', path]);
    expect(plain.out).not.toMatch(CONTROLS);
    expect(plain.out).toContain('31m');
  });
});
