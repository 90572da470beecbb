// Bundles the Node-side entry points: the `slm` command and the benchmark into dist/, and Electron's
// main, preload and model-service scripts into dist/electron/.
// Run by `npm ci` (prepare) so that `npx slm` works straight after installing.
import { build } from 'esbuild';

const common = { bundle: true, target: 'node20', sourcemap: true, logLevel: 'warning' };
const requireShim = "import { createRequire as __slmRequire } from 'node:module'; const require = __slmRequire(import.meta.url);";

await Promise.all([
  build({
    ...common,
    platform: 'node',
    entryPoints: { cli: 'src-main/cli.ts', bench: 'scripts/bench.ts' },
    outdir: 'dist',
    format: 'esm',
    banner: { js: requireShim },
  }),
  // Electron's main process and the utility process's service: CommonJS with all of Node.
  build({
    ...common,
    platform: 'node',
    entryPoints: { main: 'src-main/main.ts', service: 'src-main/service/nodeEntry.ts' },
    outdir: 'dist/electron',
    outExtension: { '.js': '.cjs' },
    format: 'cjs',
    external: ['electron'],
    define: { 'import.meta.url': '__slmModuleUrl' },
    banner: { js: "const __slmModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  }),
  // The preload runs as a SANDBOXED preload: one CommonJS file whose `require` knows only electron's
  // renderer modules, `events`, `timers` and `url`, with no __filename or __dirname. So it is built on
  // its own, for the browser, with nothing added: no banner, no import.meta shim, no Node built-in.
  // tests/preload-contract.test.ts runs the result exactly that way.
  build({
    ...common,
    platform: 'browser',
    target: 'chrome120',
    entryPoints: { preload: 'src-main/preload.ts' },
    outdir: 'dist/electron',
    outExtension: { '.js': '.cjs' },
    format: 'cjs',
    external: ['electron'],
  }),
]);
