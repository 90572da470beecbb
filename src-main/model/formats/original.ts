import { formatError } from '../network/errors.ts';
import { EMBEDDING, MAX_WEIGHTS_FILE_BYTES, MAX_WORDMAP_CHARACTERS } from '../network/limits.ts';
import { type Model, ORIGINAL_TEMPERATURE } from '../network/model.ts';
import { type WeightName, createWeights, weightShape } from '../network/network.ts';
import { type NpyArray, readNpz, writeNpz } from './npz.ts';
import { toWordmap, vocabularyFromWordmap } from '../network/vocabulary.ts';

/**
 * The original Python project's files: `weights.npz` (arrays w0 E x V, w1 E x 2E, w2 V x E, float64,
 * C order) and `wordmap.json` ({token: row}, the boundary written as "").
 */
export interface OriginalFiles {
  weights: Uint8Array;
  wordmap: string;
}

export function importOriginal(files: OriginalFiles, name = 'Imported model'): Model {
  if (files.wordmap.length > MAX_WORDMAP_CHARACTERS) {
    throw formatError(`wordmap.json is ${files.wordmap.length.toLocaleString('en')} characters long; it may have at most ${MAX_WORDMAP_CHARACTERS.toLocaleString('en')}`);
  }
  if (files.weights.length > MAX_WEIGHTS_FILE_BYTES) {
    throw formatError(`weights.npz is ${files.weights.length.toLocaleString('en')} bytes long; it may have at most ${MAX_WEIGHTS_FILE_BYTES.toLocaleString('en')}`);
  }
  let wordmapValue: unknown;
  try {
    wordmapValue = JSON.parse(files.wordmap);
  } catch (error) {
    throw formatError(`wordmap.json is not valid JSON (${(error as Error).message})`);
  }
  const vocabulary = vocabularyFromWordmap(wordmapValue);
  const arrays = readNpz(files.weights);
  const missing = (['w0', 'w1', 'w2'] as const).filter((key) => !arrays.has(key));
  if (missing.length > 0) {
    throw formatError(`weights.npz has no array ${missing.join(', ')}; it holds ${[...arrays.keys()].join(', ') || 'nothing'}`);
  }
  const w0 = arrays.get('w0')!;
  if (w0.shape.length !== 2) throw formatError(`w0 in weights.npz must be a matrix (E x V), but its shape is (${w0.shape.join(', ')})`);
  const [E, V] = w0.shape;
  if (V !== vocabulary.tokens.length) {
    throw formatError(
      `weights.npz and wordmap.json disagree: w0 has ${V} columns (tokens) but wordmap.json lists ${vocabulary.tokens.length} tokens`,
    );
  }
  // Checked before anything is allocated: W1 alone is E x 2E numbers.
  if (E < EMBEDDING.min || E > EMBEDDING.max) {
    throw formatError(`w0 in weights.npz has ${E.toLocaleString('en')} rows, so E = ${E.toLocaleString('en')}; E must be from ${EMBEDDING.min} to ${EMBEDDING.max}`);
  }
  const weights = createWeights(E, V);
  for (const key of ['w0', 'w1', 'w2'] as const) copyArray(arrays.get(key)!, weights, key);
  return { name, vocabulary, weights, defaultTemperature: ORIGINAL_TEMPERATURE, training: null };
}

function copyArray(array: NpyArray, weights: ReturnType<typeof createWeights>, key: WeightName): void {
  const [rows, cols] = weightShape(weights, key);
  if (array.shape.length !== 2 || array.shape[0] !== rows || array.shape[1] !== cols) {
    throw formatError(
      `${key} in weights.npz has shape (${array.shape.join(', ')}) but must be (${rows}, ${cols}) for E = ${weights.embeddingSize} and V = ${weights.vocabularySize}`,
    );
  }
  for (let i = 0; i < array.data.length; i++) {
    if (!Number.isFinite(array.data[i])) {
      throw formatError(`${key} in weights.npz holds ${array.data[i]} at row ${Math.floor(i / cols)}, column ${i % cols}`);
    }
  }
  weights[key].set(array.data);
}

/** The original's two files for a model, loadable by its numpy scripts. */
export function exportOriginal(model: Model): OriginalFiles & { weights: Uint8Array<ArrayBuffer> } {
  const { weights } = model;
  const arrays: Record<string, NpyArray> = {};
  for (const key of ['w0', 'w1', 'w2'] as const) arrays[key] = { shape: weightShape(weights, key), data: weights[key] };
  return { weights: writeNpz(arrays), wordmap: JSON.stringify(toWordmap(model.vocabulary), null, 4) + '\n' };
}
