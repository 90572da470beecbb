/**
 * vitest's global setup (vitest.config.ts): builds, once before the run, the files that tests run or
 * read as built, so that `npx vitest run tests/one.test.ts` works on its own as well as in `npm test`.
 *
 * - The Node bundles (dist/cli.js, dist/bench.js, dist/electron/main, preload and service .cjs), which
 *   the tests that start a service or the `slm` command run, and the renderer (dist/renderer/), which
 *   the desktop-shell, main-process and packaging tests read, are each built when missing or older than
 *   a file they are built from, so that those tests always run the code as it is now. `npm test` has
 *   just built both, so there neither is built twice.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** What the renderer is built from: its own sources, the service it runs in a worker, the bundled model. */
const RENDERER_INPUTS = ['src-renderer', 'src-main', 'resources', 'vite.config.ts', 'package.json'];
const RENDERER_PAGE = join(root, 'dist', 'renderer', 'index.html');
/** What the Node bundles are built from: the benchmark (scripts/) also bundles test helpers and the naive reference. */
const NODE_INPUTS = ['src-main', 'scripts', 'tests/helpers', 'tests/reference', 'package.json'];
const NODE_BUNDLES = ['cli.js', 'bench.js', 'electron/main.cjs', 'electron/preload.cjs', 'electron/service.cjs'].map((file) => join(root, 'dist', file));

/** The latest modification time of a file, or of any file under a folder. */
function newestChange(path: string): number {
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestChange(join(path, entry)));
  return newest;
}

/** Whether every output exists and is newer than every input. */
function isCurrent(outputs: string[], inputs: string[]): boolean {
  if (!outputs.every((output) => existsSync(output))) return false;
  const built = Math.min(...outputs.map((output) => statSync(output).mtimeMs));
  return inputs.every((input) => newestChange(join(root, input)) <= built);
}

function runNode(args: string[]): void {
  execFileSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
}

export default function setup(): void {
  if (!isCurrent(NODE_BUNDLES, NODE_INPUTS)) runNode([join(root, 'scripts', 'build-node.mjs')]);
  if (!isCurrent([RENDERER_PAGE], RENDERER_INPUTS)) {
    console.log('Building the renderer: dist/renderer is missing or older than its sources.');
    // For production even under vitest's NODE_ENV=test: vite.config.ts sees to it.
    runNode([join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn']);
  }
}
