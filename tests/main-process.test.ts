import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * dist/electron/main.cjs, the real bundle, run under Node against a stand-in `electron` module
 * (tests/fakes/electron.cjs): the window's settings, the app:// protocol, the IPC checks and the
 * supervised model service in a real child process. Needs `npm run build` (npm test does it).
 */
const require = createRequire(import.meta.url);
const { loadDesktopMain } = require('./fakes/desktopMain.cjs');
let electron: any;
let fake: any;

beforeAll(async () => {
  electron = await loadDesktopMain();
  fake = electron.fake;
});

afterAll(() => {
  electron.app.emit('will-quit');
  rmSync(fake.userData, { recursive: true, force: true });
});

/** A corpus a run of one epoch trains on in a moment. */
const TINY_CORPUS = 'hello there frog\nhi there\nhello frog\nhi frog\nthere there\nhello hi';

/** What `find` finds, once it does (for at most 20 s). */
async function until<T>(find: () => T | undefined): Promise<T> {
  for (const started = Date.now(); Date.now() - started < 20_000; await new Promise((resolve) => setTimeout(resolve, 10))) {
    const found = find();
    if (found !== undefined) return found;
  }
  throw new Error('it never came');
}

function event(url: string, sender = fake.windows[0].webContents) {
  return { sender, senderFrame: { url } };
}

describe('the Electron main process (with a stand-in electron module)', () => {
  it('opens one hardened window on app://slm/', () => {
    expect(fake.windows).toHaveLength(1);
    const { webPreferences } = fake.windows[0].options;
    expect(webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
    expect(webPreferences.preload).toMatch(/dist[\\/]electron[\\/]preload\.cjs$/);
    expect(fake.windows[0].webContents.getURL()).toBe('app://slm/index.html?shell=desktop');
    expect(fake.windows[0].webContents.windowOpenHandler()).toEqual({ action: 'deny' });
    expect(fake.privilegedSchemes.map((s: { scheme: string }) => s.scheme)).toEqual(['app']);
  });

  it('refuses permissions and blocks navigation away from the app', () => {
    let granted: boolean | undefined;
    fake.permissionRequest({}, 'media', (answer: boolean) => (granted = answer));
    expect(granted).toBe(false);
    expect(fake.permissionCheck()).toBe(false);
    let prevented = false;
    fake.windows[0].webContents.emit('will-navigate', { preventDefault: () => (prevented = true) }, 'https://example.com/');
    expect(prevented).toBe(true);
  });

  it('serves the renderer with its Content-Security-Policy, and nothing outside it', async () => {
    const handler = fake.protocolHandlers.get('app');
    const page = await handler({ url: 'app://slm/index.html' });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect(await page.text()).toBe(readFileSync(join(root, 'dist', 'renderer', 'index.html'), 'utf8'));
    expect((await handler({ url: 'app://slm/../../package.json' })).status).not.toBe(200);
    expect((await handler({ url: 'app://evil/index.html' })).status).toBe(404);
    let headers: Record<string, string[]> = {};
    fake.headersHandler({ responseHeaders: { a: ['b'] } }, (result: { responseHeaders: Record<string, string[]> }) => (headers = result.responseHeaders));
    expect(headers['Content-Security-Policy'][0]).toMatch(/object-src 'none'/);
  });

  it('copied Boris into the model store on the first run', () => {
    expect(existsSync(join(fake.userData, 'models', 'boris.slm.json'))).toBe(true);
  });

  it("answers the app's own page through the supervised utility process", async () => {
    const request = fake.handlers.get('slm:request');
    const opened = await request(event('app://slm/index.html'), { type: 'open', source: { kind: 'bundled' } });
    expect(opened.ok).toBe(true);
    expect(opened.result.name).toBe('Boris');
    const reply = await request(event('app://slm/index.html'), { type: 'generate', prompt: 'who are you?', temperature: 0, topK: 0, seed: 1 });
    expect(reply.ok).toBe(true);
    expect(reply.result.reply).toBe('i am boris.');
    // The service's events reach the page on slm:event: a short training run's end.
    const trained = await request(event('app://slm/index.html'), { type: 'train', settings: { corpus: TINY_CORPUS, embedding: 2, epochs: 1, learningRate: 0.01, seed: 1 } });
    expect(trained.ok).toBe(true);
    const trainDone = await until(() => fake.sent.find((m: { channel: string; payload: { event?: string } }) => m.channel === 'slm:event' && m.payload.event === 'trainDone'));
    expect(trainDone.payload).toMatchObject({ event: 'trainDone', status: 'completed' });
    const bad = await request(event('app://slm/index.html'), { type: 'neighbours', word: 'zebra', k: 3, metric: 'euclidean' });
    expect(bad).toMatchObject({ ok: false, kind: 'input' });
    expect(fake.utilityProcesses).toHaveLength(1);
  });

  it("refuses IPC from anything but the app's own page", async () => {
    const request = fake.handlers.get('slm:request');
    await expect(request(event('https://example.com/'), { type: 'listModels' })).rejects.toThrow(/refused/);
    await expect(request(event('app://slm/index.html', { other: true }), { type: 'listModels' })).rejects.toThrow(/refused/);
    for (const channel of ['slm:choose-model', 'slm:save-model-as', 'slm:export-original', 'slm:about']) {
      await expect(fake.handlers.get(channel)(event('file:///tmp/x.html'))).rejects.toThrow(/refused/);
    }
  });

  it('tells the About box its name, version and runtime', async () => {
    const about = await fake.handlers.get('slm:about')(event('app://slm/index.html?shell=desktop'));
    expect(about).toMatchObject({ name: 'slm studio', version: JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version, node: process.versions.node });
  });

  it('sets its own application menu', () => {
    expect(fake.menu.map((item: { label?: string; role?: string }) => item.label ?? item.role)).toContain('File');
  });

  it('refuses reports of unsaved work and save answers that are malformed or from another page', async () => {
    const report = fake.handlers.get('slm:unsaved-work');
    const saved = fake.handlers.get('slm:work-saved');
    await expect(report(event('https://example.com/'), 'x is not saved')).rejects.toThrow(/refused/);
    await expect(saved(event('https://example.com/'), 1, true)).rejects.toThrow(/refused/);
    await expect(report(event('app://slm/index.html'), 'x'.repeat(301))).rejects.toThrow();
    await expect(report(event('app://slm/index.html'), { words: 'x' })).rejects.toThrow();
    await expect(saved(event('app://slm/index.html'), 'one', true)).rejects.toThrow();
    await expect(saved(event('app://slm/index.html'), 1, 'yes')).rejects.toThrow();
  });
});

describe('unsaved work is never dropped without asking (main, with a stand-in electron module)', () => {
  const app = () => event('app://slm/index.html');
  const commandsSent = () => fake.sent.filter((m: { channel: string }) => m.channel === 'slm:command').map((m: { payload: any }) => m.payload);
  const questions = () => fake.dialogCalls.filter((call: { kind: string }) => call.kind === 'message');
  const settle = () => new Promise((done) => setTimeout(done, 20));

  it('with nothing unsaved, a second launch opens its file without a question', async () => {
    await fake.handlers.get('slm:unsaved-work')(app(), null);
    const asked = questions().length;
    electron.app.emit('second-instance', {}, ['slm-studio', join(root, 'resources', 'models', 'boris.slm.json')], root);
    await expect.poll(() => commandsSent().at(-1)?.command).toBe('openSource');
    expect(questions()).toHaveLength(asked);
  });

  it("a second launch's file with work unsaved asks first: Cancel keeps the open model, Save opens it once the page saved", async () => {
    await fake.handlers.get('slm:unsaved-work')(app(), 'the weights were edited and not saved');
    const sentBefore = commandsSent().length;
    fake.dialogAnswers.push({ response: 2 });
    electron.app.emit('second-instance', {}, ['slm-studio', join(root, 'resources', 'models', 'boris.slm.json')], root);
    await expect.poll(() => questions().length).toBeGreaterThan(0);
    const question = questions().at(-1).options;
    expect(question.buttons).toEqual(['Save', "Don't save", 'Cancel']);
    expect(question.cancelId).toBe(2);
    expect(question.message).toBe('Save your work before opening boris.slm.json?');
    expect(question.detail).toMatch(/^The weights were edited and not saved\. Save keeps it among your models/);
    await settle();
    expect(commandsSent().slice(sentBefore)).toEqual([]);

    fake.dialogAnswers.push({ response: 0 });
    electron.app.emit('open-file', { preventDefault() {} }, join(root, 'resources', 'models', 'boris.slm.json'));
    await expect.poll(() => commandsSent().slice(sentBefore).map((c: { command: string }) => c.command)).toEqual(['saveWork']);
    const { request } = commandsSent().at(-1);
    // The page could not save: nothing is opened.
    await fake.handlers.get('slm:work-saved')(app(), request, false);
    await settle();
    expect(commandsSent().slice(sentBefore).map((c: { command: string }) => c.command)).toEqual(['saveWork']);
    // Asked again, saved this time: the file is opened.
    fake.dialogAnswers.push({ response: 0 });
    electron.app.emit('open-file', { preventDefault() {} }, join(root, 'resources', 'models', 'boris.slm.json'));
    await expect.poll(() => commandsSent().slice(sentBefore).length).toBe(2);
    const second = commandsSent().at(-1).request;
    expect(second).not.toBe(request);
    await fake.handlers.get('slm:work-saved')(app(), second, true);
    expect(commandsSent().at(-1)).toMatchObject({ command: 'openSource', source: { kind: 'modelFile' } });
    // An answer for a request already settled changes nothing.
    await fake.handlers.get('slm:work-saved')(app(), second, true);
    expect(commandsSent().slice(sentBefore)).toHaveLength(3);
  });

  it('closing the window with work unsaved asks first: Cancel keeps it open; a quit asks too; Don\'t save closes', async () => {
    const window = fake.windows[0];
    await fake.handlers.get('slm:unsaved-work')(app(), 'Frog is not saved');
    const asked = questions().length;
    fake.dialogAnswers.push({ response: 2 });
    window.close();
    await expect.poll(() => questions().length).toBe(asked + 1);
    expect(questions().at(-1).options.message).toBe('Save your work before closing?');
    await settle();
    expect(window.isDestroyed()).toBe(false);

    fake.quitCalled = false;
    fake.dialogAnswers.push({ response: 2 });
    electron.app.emit('before-quit');
    window.close();
    await expect.poll(() => questions().length).toBe(asked + 2);
    expect(questions().at(-1).options.message).toBe('Save your work before quitting?');
    await settle();
    expect(window.isDestroyed()).toBe(false);
    expect(fake.quitCalled).toBeFalsy();

    fake.dialogAnswers.push({ response: 1 });
    window.close();
    await expect.poll(() => window.isDestroyed()).toBe(true);
    expect(questions()).toHaveLength(asked + 3);
  });
});
