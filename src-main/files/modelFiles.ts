import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { SlmError, formatError, inputError } from '../model/errors.ts';
import type { Model } from '../model/model.ts';
import { parseModel, serializeModel } from '../model/modelFile.ts';
import { readNpz } from '../model/npz.ts';
import { exportOriginal, importOriginal } from '../model/original.ts';
import { writeFileAtomic } from './atomicWrite.ts';

export const MODEL_EXTENSION = '.slm.json';

async function readBytes(path: string, what: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    throw fileError(error, path, what);
  }
}

export async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw fileError(error, path, what);
  }
}

function fileError(error: unknown, path: string, what: string): SlmError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return inputError(`${what} ${path} does not exist`);
  if (code === 'EACCES' || code === 'EPERM') return inputError(`${what} ${path} cannot be read (permission denied)`);
  if (code === 'EISDIR') return inputError(`${what} ${path} is a folder, not a file`);
  return inputError(`${what} ${path} cannot be read (${(error as Error).message})`);
}

/** A model's name from its file name: `boris.slm.json` -> `boris`. */
export function modelNameFromPath(path: string): string {
  const name = basename(path);
  if (name.endsWith(MODEL_EXTENSION)) return name.slice(0, -MODEL_EXTENSION.length);
  return name.slice(0, name.length - extname(name).length) || name;
}

/**
 * Loads a model from any of the forms a person may point at: an `*.slm.json` file, a folder holding
 * the original's `weights.npz` + `wordmap.json`, or a `.npz` with `wordmap.json` beside it.
 */
export async function loadModel(path: string): Promise<Model> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw fileError(error, path, 'the model');
  }
  if (info.isDirectory()) {
    return importOriginalFiles(join(path, 'weights.npz'), join(path, 'wordmap.json'), basename(path));
  }
  if (extname(path).toLowerCase() === '.npz') {
    return importOriginalFiles(path, join(dirname(path), 'wordmap.json'), modelNameFromPath(path));
  }
  return parseModel(await readText(path, 'the model file'), path);
}

export async function importOriginalFiles(weightsPath: string, wordmapPath: string, name: string): Promise<Model> {
  const weights = await readBytes(weightsPath, 'the weights file');
  let wordmap: string;
  try {
    wordmap = await readText(wordmapPath, 'the wordmap');
  } catch (missing) {
    // A broken weights file is the bigger problem: name it first.
    try {
      readNpz(weights);
    } catch (error) {
      throw formatError(`${weightsPath}: ${(error as Error).message}`);
    }
    throw missing;
  }
  try {
    return importOriginal({ weights, wordmap }, name);
  } catch (error) {
    if (error instanceof SlmError) throw formatError(`${weightsPath}: ${error.message}`);
    throw error;
  }
}

export async function saveModel(model: Model, path: string): Promise<void> {
  await writeFileAtomic(path, serializeModel(model));
}

/** Writes `weights.npz` and `wordmap.json` into a folder, each atomically. */
export async function exportOriginalFiles(model: Model, folder: string): Promise<{ weights: string; wordmap: string }> {
  const files = exportOriginal(model);
  const paths = { weights: join(folder, 'weights.npz'), wordmap: join(folder, 'wordmap.json') };
  await writeFileAtomic(paths.weights, files.weights);
  await writeFileAtomic(paths.wordmap, files.wordmap);
  return paths;
}
