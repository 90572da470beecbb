/**
 * vitest's global setup (vitest.config.ts): builds, once before the run, the files that tests run or
 * read as built, so that `npx vitest run tests/one.test.ts` works on its own as well as in `npm test`.
 *
 * - The Node bundles (dist/cli.js, dist/bench.js, dist/electron/main, preload and service .cjs) are
 *   built every time: about a second, and the tests that start a service or the `slm` command then
 *   always run the code as it is now.
 * - The renderer (dist/renderer/, about ten seconds with vite) is read by the desktop-shell,
 *   main-process and packaging tests. It is built only when it is missing or older than a file it is
 *   built from; `npm test` has just built it, so there it is never built twice.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** What the renderer is built from: its own sources, the service it runs in a worker, the bundled model. */
const RENDERER_INPUTS = ['src-renderer', 'src-main', 'resources', 'vite.config.ts', 'package.json'];
const RENDERER_PAGE = join(root, 'dist', 'renderer', 'index.html');

/** The latest modification time of a file, or of any file under a folder. */
function newestChange(path: string): number {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestChange(join(path, entry)));
  return newest;
}

function rendererIsCurrent(): boolean {
  if (!existsSync(RENDERER_PAGE)) return false;
  const built = statSync(RENDERER_PAGE).mtimeMs;
  return RENDERER_INPUTS.every((input) => newestChange(join(root, input)) <= built);
}

function runNode(args: string[]): void {
  execFileSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
}

export default function setup(): void {
  runNode([join(root, 'scripts', 'build-node.mjs')]);
  if (!rendererIsCurrent()) {
    console.log('Building the renderer: dist/renderer is missing or older than its sources.');
    runNode([join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn']);
  }
}
