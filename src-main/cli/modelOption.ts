import { resolve } from 'node:path';
import type { Model } from '../model/network/model.ts';
import { loadModel } from '../files/modelPaths.ts';
import { bundledModelPath } from '../files/resources.ts';
import { stringOption } from './args.ts';

/** The options every command that reads a model shares. */
export const modelOption = { model: { type: 'string' } } as const;
export const jsonOption = { json: { type: 'boolean' } } as const;

/** Where `--model` points, or the bundled Boris without it. */
export function modelPath(value: string | boolean | undefined): string {
  const path = stringOption(value);
  return path ? resolve(path) : bundledModelPath();
}

/** The model `--model` names (see modelPath), loaded. */
export async function openModel(value: string | boolean | undefined): Promise<Model> {
  return loadModel(modelPath(value));
}
