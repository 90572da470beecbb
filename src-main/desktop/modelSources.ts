import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { inputError } from '../model/errors.ts';
import { modelNameFromPath } from '../files/modelFiles.ts';
import { writeFileAtomic } from '../files/atomicWrite.ts';
import type { ModelSource } from '../service/protocol.ts';

/**
 * Turns a path a person picked in a dialog into a model source for the service: an `*.slm.json`
 * file, the original's `weights.npz` (with `wordmap.json` beside it), or a folder holding both.
 */
export async function modelSourceFromPath(path: string): Promise<ModelSource> {
  const info = await stat(path).catch(() => {
    throw inputError(`${path} does not exist`);
  });
  if (info.isDirectory()) return originalSource(join(path, 'weights.npz'), join(path, 'wordmap.json'), basename(path));
  if (extname(path).toLowerCase() === '.npz') return originalSource(path, join(dirname(path), 'wordmap.json'), modelNameFromPath(path));
  return { kind: 'modelFile', name: basename(path), text: await readFile(path, 'utf8') };
}

async function originalSource(weightsPath: string, wordmapPath: string, name: string): Promise<ModelSource> {
  const [weights, wordmap] = await Promise.all([
    readFile(weightsPath).catch(() => {
      throw inputError(`${weightsPath} cannot be read`);
    }),
    readFile(wordmapPath, 'utf8').catch(() => {
      throw inputError(`the original's weights need wordmap.json beside them, and ${wordmapPath} cannot be read`);
    }),
  ]);
  return { kind: 'original', name, weights: new Uint8Array(weights), wordmap };
}

/** Writes the original's two files into a folder, each atomically. */
export async function writeOriginalFiles(folder: string, files: { weights: Uint8Array; wordmap: string }): Promise<void> {
  await writeFileAtomic(join(folder, 'weights.npz'), files.weights);
  await writeFileAtomic(join(folder, 'wordmap.json'), files.wordmap);
}
