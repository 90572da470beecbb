import { buildSync } from 'esbuild';
import { fileURLToPath } from 'node:url';

/**
 * Bundles engine code (src-main/model) into one script to load into the page under test, so that
 * the numbers a test expects come from the same JavaScript engine as the app's: Node 20's V8 and
 * Chromium's give Math.exp results that differ in the last bit for about one input in ten.
 * `source` imports what it needs (paths from the repository's root) and puts it on globalThis.
 */
export function pageBundle(source: string): string {
  return buildSync({
    stdin: { contents: source, resolveDir: fileURLToPath(new URL('../..', import.meta.url)), loader: 'ts' },
    bundle: true,
    format: 'iife',
    write: false,
    target: 'es2022',
    logLevel: 'warning',
  }).outputFiles[0].text;
}
