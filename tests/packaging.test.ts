import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractFile, listPackage } from '@electron/asar';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';

/**
 * electron-builder's `--linux dir` build against a stand-in Electron folder (the real binary cannot be
 * downloaded here): the packed app.asar must hold the main, preload, service and renderer bundles and
 * Boris. Needs `npm run build` first (npm test does it).
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { writeStandInElectron, SHIPPED_FUSES } = createRequire(import.meta.url)('./fakes/electronBinary.cjs');

describe('the packaged app', () => {
  it('packs every bundle and the bundled model into app.asar, with the fuses set', { timeout: 180_000 }, async () => {
    expect(existsSync(join(root, 'dist', 'renderer', 'index.html')), 'run npm run build first').toBe(true);
    const work = mkdtempSync(join(tmpdir(), 'slm-dist-'));
    try {
      const standIn = join(work, 'electron');
      mkdirSync(standIn);
      writeStandInElectron(join(standIn, 'electron'));
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
      const executable = join(output, 'linux-unpacked', 'slm-studio');
      expect(existsSync(executable)).toBe(true);

      // The fuses as electron.config.ts sets them, read back from the packed executable.
      // A fuse is a byte: '1' on, '0' off.
      const wire = async (path: string) => {
        const fuses = (await getCurrentFuseWire(path)) as unknown as Record<number, number>;
        return (option: FuseV1Options) => String.fromCharCode(fuses[option]);
      };
      const shipped = await wire(join(standIn, 'electron'));
      expect(shipped(FuseV1Options.RunAsNode)).toBe(SHIPPED_FUSES[FuseV1Options.RunAsNode]);
      const fuse = await wire(executable);
      expect({
        runAsNode: fuse(FuseV1Options.RunAsNode),
        nodeOptions: fuse(FuseV1Options.EnableNodeOptionsEnvironmentVariable),
        inspectArguments: fuse(FuseV1Options.EnableNodeCliInspectArguments),
        asarIntegrity: fuse(FuseV1Options.EnableEmbeddedAsarIntegrityValidation),
        onlyAsar: fuse(FuseV1Options.OnlyLoadAppFromAsar),
        cookieEncryption: fuse(FuseV1Options.EnableCookieEncryption),
        fileProtocolExtraPrivileges: fuse(FuseV1Options.GrantFileProtocolExtraPrivileges),
      }).toEqual({ runAsNode: '0', nodeOptions: '0', inspectArguments: '0', asarIntegrity: '1', onlyAsar: '1', cookieEncryption: '1', fileProtocolExtraPrivileges: '0' });
      // Electron ships that fuse on: it is the configuration that turned it off.
      expect(shipped(FuseV1Options.GrantFileProtocolExtraPrivileges)).toBe('1');
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
