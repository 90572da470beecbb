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
    expect(fake.sent.filter((m: { channel: string }) => m.channel === 'slm:event').length).toBeGreaterThan(0);
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
});
