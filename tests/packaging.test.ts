import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractFile, listPackage } from '@electron/asar';

/**
 * electron-builder's `--linux dir` build against a stand-in Electron folder (the real binary cannot be
 * downloaded here): the packed app.asar must hold the main, preload, service and renderer bundles and
 * Boris. Needs `npm run build` first (npm test does it).
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

describe('the packaged app', () => {
  it('packs every bundle and the bundled model into app.asar', { timeout: 180_000 }, () => {
    expect(existsSync(join(root, 'dist', 'renderer', 'index.html')), 'run npm run build first').toBe(true);
    const work = mkdtempSync(join(tmpdir(), 'slm-dist-'));
    try {
      const standIn = join(work, 'electron');
      mkdirSync(standIn);
      writeFileSync(join(standIn, 'electron'), '#!/bin/sh\necho stand-in\n');
      chmodSync(join(standIn, 'electron'), 0o755);
      const output = join(work, 'out');
      execFileSync(
        join(root, 'node_modules', '.bin', 'electron-builder'),
        ['--config', 'electron.config.ts', '--linux', 'dir', `--config.directories.output=${output}`],
        { cwd: root, env: { ...process.env, ELECTRON_DIST: standIn }, stdio: 'pipe' },
      );
      const asar = join(output, 'linux-unpacked', 'resources', 'app.asar');
      const files = listPackage(asar, { isPack: false }).map((f) => f.replace(/\\/g, '/'));
      for (const wanted of [
        '/dist/electron/main.cjs',
        '/dist/electron/preload.cjs',
        '/dist/electron/service.cjs',
        '/dist/renderer/index.html',
        '/resources/models/boris.slm.json',
        '/resources/corpus/boris.txt',
      ]) {
        expect(files, wanted).toContain(wanted);
      }
      expect(files.some((f) => /^\/dist\/renderer\/assets\/index-.*\.js$/.test(f))).toBe(true);
      expect(files.some((f) => /^\/dist\/renderer\/assets\/serviceWorker-.*\.js$/.test(f))).toBe(true);
      expect(files.some((f) => f.startsWith('/src-main') || f.startsWith('/tests') || f.endsWith('.map'))).toBe(false);
      const packed = JSON.parse(extractFile(asar, 'package.json').toString('utf8'));
      expect(packed.main).toBe('dist/electron/main.cjs');
      const model = extractFile(asar, 'resources/models/boris.slm.json').toString('utf8');
      expect(model).toBe(readFileSync(join(root, 'resources', 'models', 'boris.slm.json'), 'utf8'));
      expect(existsSync(join(output, 'linux-unpacked', 'slm-studio'))).toBe(true);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
