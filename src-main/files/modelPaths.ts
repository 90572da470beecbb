import { stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { SlmError, formatError, inputError } from '../model/network/errors.ts';
import type { Model } from '../model/network/model.ts';
import { parseModel, serializeModel } from '../model/formats/slmJson.ts';
import { readNpz } from '../model/formats/npz.ts';
import { exportOriginal, importOriginal } from '../model/formats/original.ts';
import { MAX_MODEL_FILE_CHARACTERS, MAX_WEIGHTS_FILE_BYTES, MAX_WORDMAP_CHARACTERS } from '../model/network/limits.ts';
import { errnoWords, writeFileAtomic, writeFilesAtomic } from './atomicWrite.ts';
import { readRegularFile, readRegularText } from './regularFile.ts';

export const MODEL_EXTENSION = '.slm.json';

/** Reads a regular file of at most `maxBytes` bytes (files/regularFile.ts), its problems in words. */
async function readBytes(path: string, what: string, maxBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  try {
    return await readRegularFile(path, { what, maxBytes });
  } catch (error) {
    throw fileError(error, path, what);
  }
}

/** Reads a regular UTF-8 text file of at most `maxCharacters` characters (counted as bytes first). */
export async function readText(path: string, what: string, maxCharacters: number): Promise<string> {
  try {
    return await readRegularText(path, { what, maxCharacters });
  } catch (error) {
    throw fileError(error, path, what);
  }
}

function fileError(error: unknown, path: string, what: string): SlmError {
  if (error instanceof SlmError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return inputError(`${what} ${path} does not exist`);
  if (code === 'EISDIR') return inputError(`${what} ${path} is a folder, not a file`);
  return inputError(`cannot read ${what} ${path}: ${errnoWords(error)}`);
}

/** A model's name from its file name: `boris.slm.json` -> `boris`. */
export function modelNameFromPath(path: string): string {
  const name = basename(path);
  if (name.endsWith(MODEL_EXTENSION)) return name.slice(0, -MODEL_EXTENSION.length);
  return name.slice(0, name.length - extname(name).length) || name;
}

/**
 * A model as files on disk hold it, read but not yet parsed: the text of an `*.slm.json`, or the
 * original's two files. It is what the desktop's dialogs hand the model service (a ModelSource of
 * kind 'modelFile' or 'original'), and what the command line parses.
 */
export type ModelFiles =
  | { kind: 'modelFile'; name: string; text: string }
  | { kind: 'original'; name: string; weights: Uint8Array<ArrayBuffer>; wordmap: string };

/**
 * Reads a model from any of the forms a person may point at: an `*.slm.json` file, a folder holding
 * the original's `weights.npz` + `wordmap.json`, or a `.npz` with `wordmap.json` beside it. Every
 * read is bounded by the limits.
 */
export async function readModelFiles(path: string): Promise<ModelFiles> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw fileError(error, path, 'the model');
  }
  if (info.isDirectory()) return readOriginalFiles(join(path, 'weights.npz'), join(path, 'wordmap.json'), basename(path));
  if (extname(path).toLowerCase() === '.npz') return readOriginalFiles(path, join(dirname(path), 'wordmap.json'), modelNameFromPath(path));
  return { kind: 'modelFile', name: basename(path), text: await readText(path, 'the model file', MAX_MODEL_FILE_CHARACTERS) };
}

async function readOriginalFiles(weightsPath: string, wordmapPath: string, name: string): Promise<ModelFiles & { kind: 'original' }> {
  const weights = await readBytes(weightsPath, 'the weights file', MAX_WEIGHTS_FILE_BYTES);
  try {
    return { kind: 'original', name, weights, wordmap: await readText(wordmapPath, 'the wordmap', MAX_WORDMAP_CHARACTERS) };
  } catch (missing) {
    // A broken weights file is the bigger problem: name it first.
    try {
      readNpz(weights);
    } catch (error) {
      throw formatError(`${weightsPath}: ${(error as Error).message}`);
    }
    throw inputError(`the original's weights need wordmap.json beside them: ${(missing as Error).message}`);
  }
}

/** Loads a model from a path, in any of the forms readModelFiles takes. */
export async function loadModel(path: string): Promise<Model> {
  const files = await readModelFiles(path);
  if (files.kind === 'modelFile') return parseModel(files.text, path);
  const weightsPath = extname(path).toLowerCase() === '.npz' ? path : join(path, 'weights.npz');
  return modelFromOriginal(files, weightsPath);
}

/** Imports the original's two files, wherever each of them is. */
export async function importOriginalFiles(weightsPath: string, wordmapPath: string, name: string): Promise<Model> {
  return modelFromOriginal(await readOriginalFiles(weightsPath, wordmapPath, name), weightsPath);
}

function modelFromOriginal(files: ModelFiles & { kind: 'original' }, weightsPath: string): Model {
  try {
    return importOriginal({ weights: files.weights, wordmap: files.wordmap }, files.name);
  } catch (error) {
    if (error instanceof SlmError) throw formatError(`${weightsPath}: ${error.message}`);
    throw error;
  }
}

/** The files `loadModel(path)` reads, so that a command never writes over one of them. */
export async function modelInputs(path: string): Promise<string[]> {
  try {
    if ((await stat(path)).isDirectory()) return [join(path, 'weights.npz'), join(path, 'wordmap.json')];
  } catch {
    return [path];
  }
  if (extname(path).toLowerCase() === '.npz') return [path, join(dirname(path), 'wordmap.json')];
  return [path];
}

export async function saveModel(model: Model, path: string): Promise<void> {
  await writeFileAtomic(path, serializeModel(model));
}

/** The two files `exportOriginalFiles` writes into a folder. */
export function originalPaths(folder: string): { weights: string; wordmap: string } {
  return { weights: join(folder, 'weights.npz'), wordmap: join(folder, 'wordmap.json') };
}

/** Writes `weights.npz` and `wordmap.json` into a folder as a pair: both are replaced, or neither. */
export async function writeOriginalPair(folder: string, files: { weights: Uint8Array; wordmap: string }): Promise<{ weights: string; wordmap: string }> {
  const paths = originalPaths(folder);
  await writeFilesAtomic([
    { path: paths.weights, data: files.weights },
    { path: paths.wordmap, data: files.wordmap },
  ]);
  return paths;
}

/** Exports a model as the original's pair of files, into a folder (see writeOriginalPair). */
export async function exportOriginalFiles(model: Model, folder: string): Promise<{ weights: string; wordmap: string }> {
  return writeOriginalPair(folder, exportOriginal(model));
}
