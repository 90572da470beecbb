import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The preload's contract, checked on the built dist/electron/preload.cjs run exactly as Electron runs
 * a sandboxed preload (tests/fakes/sandboxedPreload.cjs): it must start, expose one object of
 * functions, and send every call on a channel that the real main.cjs handles (loaded here under the
 * stand-in electron module). Needs `npm run build` (npm test does it).
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { runSandboxedPreload, requiredModules, SANDBOX_MODULES } = require('./fakes/sandboxedPreload.cjs');
const { loadDesktopMain } = require('./fakes/desktopMain.cjs');
const preloadPath = join(root, 'dist', 'electron', 'preload.cjs');

interface Recorded {
  exposed: [string, unknown][];
  invoked: { channel: string; args: unknown[] }[];
  listening: Map<string, Set<(...args: unknown[]) => void>>;
}

function standInRenderer(): { electron: object; recorded: Recorded } {
  const recorded: Recorded = { exposed: [], invoked: [], listening: new Map() };
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => recorded.exposed.push([key, api]) },
    ipcRenderer: {
      invoke: async (channel: string, ...args: unknown[]) => {
        recorded.invoked.push({ channel, args });
        return null;
      },
      on(channel: string, listener: (...args: unknown[]) => void) {
        if (!recorded.listening.has(channel)) recorded.listening.set(channel, new Set());
        recorded.listening.get(channel)!.add(listener);
        return this;
      },
      removeListener(channel: string, listener: (...args: unknown[]) => void) {
        recorded.listening.get(channel)?.delete(listener);
        return this;
      },
    },
  };
  return { electron, recorded };
}

let electronMain: any;
/** The channels main.cjs answers (ipcMain.handle) and the ones it sends the page messages on. */
let handled: string[];
let sentOn: string[];

beforeAll(async () => {
  electronMain = await loadDesktopMain();
  const { fake } = electronMain;
  handled = [...fake.handlers.keys()];
  // Make main send everything it sends: a service event (a short training run's) and every menu command.
  const event = { sender: fake.windows[0].webContents, senderFrame: { url: fake.windows[0].webContents.getURL() } };
  const request = fake.handlers.get('slm:request');
  await request(event, { type: 'open', source: { kind: 'bundled' } });
  expect((await request(event, { type: 'generate', prompt: 'who are you?', temperature: 0, topK: 0, seed: 1 })).ok).toBe(true);
  const settings = { corpus: 'hello there frog\nhi there\nhello frog\nhi frog\nthere there\nhello hi', embedding: 2, epochs: 1, learningRate: 0.01, seed: 1 };
  expect((await request(event, { type: 'train', settings })).ok).toBe(true);
  for (const started = Date.now(); !fake.sent.some((m: { channel: string }) => m.channel === 'slm:event') && Date.now() - started < 20_000; ) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const clickAll = (items: any[]) => items.forEach((item) => (item.click?.(), Array.isArray(item.submenu) && clickAll(item.submenu)));
  clickAll(fake.menu);
  sentOn = [...new Set<string>(fake.sent.map((m: { channel: string }) => m.channel))];
});

afterAll(() => {
  electronMain.app.emit('will-quit');
  rmSync(electronMain.fake.userData, { recursive: true, force: true });
});

describe('the built preload, run as a sandboxed preload', () => {
  it('asks only for modules a sandboxed preload has, and for no file paths', () => {
    const source = readFileSync(preloadPath, 'utf8');
    for (const name of requiredModules(source)) expect(SANDBOX_MODULES, `require('${name}')`).toContain(name);
    expect(source).not.toMatch(/__filename|__dirname|import\.meta/);
  });

  it('starts, and exposes exactly one object whose members are all functions', () => {
    const { electron, recorded } = standInRenderer();
    const preloadGlobal = runSandboxedPreload(readFileSync(preloadPath, 'utf8'), electron);
    expect(recorded.exposed.map(([key]) => key)).toEqual(['slm']);
    const api = recorded.exposed[0][1] as Record<string, unknown>;
    expect(Object.getPrototypeOf(api)).toBe(preloadGlobal.Object.prototype);
    expect(Object.keys(api).length).toBeGreaterThan(0);
    for (const [name, member] of Object.entries(api)) expect(typeof member, name).toBe('function');
  });

  it('sends every call on a channel that main.cjs handles, and listens only where main sends', async () => {
    const { electron, recorded } = standInRenderer();
    runSandboxedPreload(readFileSync(preloadPath, 'utf8'), electron);
    const api = recorded.exposed[0][1] as Record<string, (...args: unknown[]) => unknown>;
    const listenerNames = Object.keys(api).filter((name) => /^on[A-Z]/.test(name));
    const callNames = Object.keys(api).filter((name) => !listenerNames.includes(name));
    expect(callNames.length).toBeGreaterThan(0);
    for (const name of callNames) {
      const before = recorded.invoked.length;
      await api[name]({ type: 'listModels' }, 'text');
      expect(recorded.invoked.length, `${name} sends one message`).toBe(before + 1);
      expect(handled, `${name} sends on ${recorded.invoked[before].channel}`).toContain(recorded.invoked[before].channel);
    }
    expect(listenerNames.length).toBeGreaterThan(0);
    for (const name of listenerNames) {
      const heard: unknown[][] = [];
      const stop = api[name]((...args: unknown[]) => heard.push(args)) as () => void;
      const channels = [...recorded.listening].filter(([, set]) => set.size > 0).map(([channel]) => channel);
      expect(channels, name).toHaveLength(1);
      expect(sentOn, `${name} listens on ${channels[0]}`).toContain(channels[0]);
      // The listener gets the message alone, never Electron's event object (which reaches main's APIs).
      for (const listener of recorded.listening.get(channels[0])!) listener({ sender: 'ipc event' }, { hello: 1 });
      expect(heard).toEqual([[{ hello: 1 }]]);
      stop();
      expect(recorded.listening.get(channels[0])!.size, `${name}'s stop removes its listener`).toBe(0);
    }
  });
});
