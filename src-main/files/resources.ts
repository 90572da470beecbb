import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder holding the app's bundled resources (Boris's corpus and model). `SLM_RESOURCES` names it
 * outright; otherwise it is the nearest `resources/` above this module, which holds both in a source
 * checkout, in `dist/` bundles and in an installed package.
 */
export function resourcesFolder(): string {
  const named = process.env.SLM_RESOURCES;
  if (named) return resolve(named);
  let folder = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 6; depth++) {
    const candidate = join(folder, 'resources');
    if (existsSync(join(candidate, 'corpus', 'boris.txt'))) return candidate;
    folder = dirname(folder);
  }
  return resolve('resources');
}

export function bundledModelPath(): string {
  return join(resourcesFolder(), 'models', 'boris.slm.json');
}

export function bundledCorpusPath(): string {
  return join(resourcesFolder(), 'corpus', 'boris.txt');
}

export function bundledChecksPath(): string {
  return join(resourcesFolder(), 'corpus', 'boris-checks.json');
}

/** Boris's follow-up checks: turns whose right answer depends on the turn before (`slm eval --follow-ups`). */
export function bundledFollowUpsPath(): string {
  return join(resourcesFolder(), 'corpus', 'boris-follow-ups.json');
}
