#!/usr/bin/env node
// The `slm` command. The TypeScript source is src-main/cli.ts, bundled into dist/ by `npm run build:node`.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const bundle = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
if (!existsSync(bundle)) {
  process.stderr.write('slm: the command is not built yet; run `npm run build:node` in the project folder.\n');
  process.exit(1);
}
await import(pathToFileURL(bundle).href);
