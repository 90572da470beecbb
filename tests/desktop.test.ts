import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { modelSourceFromPath } from '../src-main/desktop/modelSources.ts';
import { writeOriginalPair } from '../src-main/files/modelPaths.ts';
import { prepareModelStore } from '../src-main/desktop/modelStoreSetup.ts';
import { APP_ENTRY, CONTENT_SECURITY_POLICY, contentType, isAppUrl, resolveAppUrl } from '../src-main/desktop/rendererFiles.ts';
import { importOriginal } from '../src-main/model/formats/original.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fixture = join(root, 'tests', 'fixtures', 'original');

describe('serving the renderer from app://slm/', () => {
  const folder = '/opt/slm/renderer';
  it('maps app URLs into the renderer folder', () => {
    expect(resolveAppUrl(APP_ENTRY, folder)).toBe('/opt/slm/renderer/index.html');
    expect(resolveAppUrl('app://slm/', folder)).toBe('/opt/slm/renderer/index.html');
    expect(resolveAppUrl('app://slm/assets/app-1.js?x=1', folder)).toBe('/opt/slm/renderer/assets/app-1.js');
  });

  it('refuses other origins and paths that leave the folder', () => {
    for (const url of [
      'app://slm/../secrets.txt',
      'app://slm/%2e%2e/%2e%2e/etc/passwd',
      'app://slm/assets/..%2f..%2f..%2fetc/passwd',
      'app://other/index.html',
      'https://slm/index.html',
      'file:///etc/passwd',
      'app://slm/%00.js',
      'not a url',
    ]) {
      const resolved = resolveAppUrl(url, folder);
      if (resolved !== null) expect(resolved.startsWith('/opt/slm/renderer/')).toBe(true);
    }
    expect(resolveAppUrl('app://other/index.html', folder)).toBeNull();
    expect(resolveAppUrl('file:///etc/passwd', folder)).toBeNull();
    expect(resolveAppUrl('not a url', folder)).toBeNull();
  });

  it("tells the app's own pages from anything else", () => {
    expect(isAppUrl(APP_ENTRY)).toBe(true);
    expect(isAppUrl('app://slm/other.html')).toBe(true);
    expect(isAppUrl('https://example.com/')).toBe(false);
    expect(isAppUrl('app://evil/index.html')).toBe(false);
    expect(isAppUrl(undefined)).toBe(false);
    expect(isAppUrl('')).toBe(false);
  });

  it('has a policy that allows nothing from the network and no eval', () => {
    expect(CONTENT_SECURITY_POLICY).toMatch(/default-src 'self'/);
    expect(CONTENT_SECURITY_POLICY).toMatch(/object-src 'none'/);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/'unsafe-eval'|wasm-unsafe-eval|https?:|\*/);
    expect(contentType('a/b.js')).toMatch(/javascript/);
    expect(contentType('a/b.wasm')).toBe('application/wasm');
  });
});

describe('the model store in the user-data folder', () => {
  it('copies the bundled Boris on the first run only', () => {
    const userData = mkdtempSync(join(tmpdir(), 'slm-userdata-'));
    try {
      const bundled = join(userData, 'bundled.slm.json');
      writeFileSync(bundled, '{"boris": true}');
      const folder = prepareModelStore(userData, bundled);
      expect(readFileSync(join(folder, 'boris.slm.json'), 'utf8')).toBe('{"boris": true}');
      rmSync(join(folder, 'boris.slm.json'));
      prepareModelStore(userData, bundled);
      expect(readdirSync(folder).filter((f) => f.endsWith('.slm.json'))).toEqual([]);
    } finally {
      rmSync(userData, { recursive: true, force: true });
    }
  });
});

describe('files picked in dialogs', () => {
  it("reads the original's weights with the wordmap beside them, and a folder holding both", async () => {
    for (const path of [join(fixture, 'weights.npz'), fixture]) {
      const source = await modelSourceFromPath(path);
      expect(source.kind).toBe('original');
      if (source.kind !== 'original') return;
      const model = importOriginal({ weights: source.weights, wordmap: source.wordmap });
      expect(model.vocabulary.tokens).toEqual(['', '-', 'i', 'am', 'frogs', '.']);
    }
  });

  it('reads a model file as text, and says when a wordmap is missing', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'slm-pick-'));
    try {
      writeFileSync(join(folder, 'm.slm.json'), '{}');
      expect(await modelSourceFromPath(join(folder, 'm.slm.json'))).toEqual({ kind: 'modelFile', name: 'm.slm.json', text: '{}' });
      mkdirSync(join(folder, 'lonely'));
      copyFileSync(join(fixture, 'weights.npz'), join(folder, 'lonely', 'weights.npz'));
      await expect(modelSourceFromPath(join(folder, 'lonely', 'weights.npz'))).rejects.toThrow(/wordmap\.json beside them/);
      await expect(modelSourceFromPath(join(folder, 'nothing.npz'))).rejects.toThrow(/does not exist/);
      await writeOriginalPair(join(folder, 'out'), { weights: new Uint8Array([1, 2, 3]), wordmap: '{}' });
      expect([...readFileSync(join(folder, 'out', 'weights.npz'))]).toEqual([1, 2, 3]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
