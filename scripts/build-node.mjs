// Bundles the Node-side entry points: the `slm` command and the benchmark into dist/, and Electron's
// main, preload and model-service scripts into dist/electron/.
// Run by `npm ci` (prepare) so that `npx slm` works straight after installing.
import { build } from 'esbuild';

const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning' };
const requireShim = "import { createRequire as __slmRequire } from 'node:module'; const require = __slmRequire(import.meta.url);";

await Promise.all([
  build({
    ...common,
    entryPoints: { cli: 'src-main/cli.ts', bench: 'scripts/bench.ts' },
    outdir: 'dist',
    format: 'esm',
    banner: { js: requireShim },
  }),
  // Electron: main, preload (a sandboxed preload must be CommonJS) and the utility process's service,
  // all CommonJS, which every Electron process loads.
  build({
    ...common,
    entryPoints: { main: 'src-main/main.ts', preload: 'src-main/preload.ts', service: 'src-main/service/nodeEntry.ts' },
    outdir: 'dist/electron',
    outExtension: { '.js': '.cjs' },
    format: 'cjs',
    external: ['electron'],
    define: { 'import.meta.url': '__slmModuleUrl' },
    banner: { js: "const __slmModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  }),
]);
