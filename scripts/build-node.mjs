// Bundles the Node-side entry points (the `slm` command and the benchmark) into dist/.
// Run by `npm ci` (prepare) so that `npx slm` works straight after installing.
import { build } from 'esbuild';

await build({
  entryPoints: { cli: 'src-main/cli.ts', bench: 'scripts/bench.ts', service: 'src-main/service/nodeEntry.ts' },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  banner: { js: "import { createRequire as __slmRequire } from 'node:module'; const require = __slmRequire(import.meta.url);" },
});
