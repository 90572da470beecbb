// Writes the made-up corpus of a large model (tests/helpers/largeCorpus.ts): thousands of distinct
// words, the same for a seed on every machine. Usage:
//   node scripts/make-large-corpus.mjs OUT [--words 4080] [--lines 6000] [--seed 1]
// then, for example: node dist/cli.js train --corpus OUT --embedding 32 --epochs 1 --out large.slm.json
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { build } from 'esbuild';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const [out, ...rest] = process.argv.slice(2);
if (!out) {
  console.error('usage: node scripts/make-large-corpus.mjs OUT [--words N] [--lines N] [--seed S]');
  process.exit(2);
}
const option = (name, fallback) => {
  const at = rest.indexOf(`--${name}`);
  return at >= 0 ? Number(rest[at + 1]) : fallback;
};
const folder = mkdtempSync(join(tmpdir(), 'slm-large-corpus-'));
try {
  const bundle = join(folder, 'largeCorpus.mjs');
  await build({ entryPoints: [join(root, 'tests', 'helpers', 'largeCorpus.ts')], bundle: true, format: 'esm', platform: 'node', outfile: bundle, logLevel: 'warning' });
  const { largeCorpus } = await import(pathToFileURL(bundle).href);
  const { text, words } = largeCorpus({ words: option('words', 4080), lines: option('lines', 6000), seed: option('seed', 1) });
  writeFileSync(out, text);
  console.log(`${out}: ${text.split('\n').length - 1} lines, ${text.length} characters, ${words.length} invented words`);
} finally {
  rmSync(folder, { recursive: true, force: true });
}
