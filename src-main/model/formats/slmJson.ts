import * as v from 'valibot';
import { SlmError, formatError, quote } from '../network/errors.ts';
import { CLIP_NORM, EMBEDDING, MAX_CORPUS_CHARACTERS, VOCABULARY_CAP, MAX_JSON_DEPTH, MAX_MODEL_FILE_CHARACTERS } from '../network/limits.ts';
import type { Checkpoint, HistoryEpoch, Model, TrainingRecord } from '../network/model.ts';
import { CHECKPOINT_ENCODING, decodeCheckpoints, encodeCheckpoint } from './checkpointCodec.ts';
import { type WeightName, type Weights, createWeights, weightShape } from '../network/network.ts';
import { vocabularyFromTokens } from '../network/vocabulary.ts';
import { EPOCH_NUMBER, TRAINING_NUMBERS, type TrainingNumber, validTrainingNumber } from './modelSchema.ts';

/**
 * The `*.slm.json` model file, version 2:
 *
 *     { "format": "slm-model", "version": 2, "name": "Boris", "embedding": E,
 *       "defaultTemperature": T, "vocabulary": ["", "-", ...V tokens],
 *       "weights": { "w0": [[...V] x E], "w1": [[...2E] x E], "w2": [[...E] x V] },
 *       "training": null | { "corpus", "seed", "epochs", "learningRate", "heldOutFraction",
 *                            "carryContext", ["contextIdentity", "clipNorm",] "bestEpoch", "history": [{ "epoch", "trainLoss", "testLoss", "testAccuracy" }],
 *                            "checkpointEncoding": "float32-le-base64",
 *                            "checkpoints": [{ "epoch", "weights": "base64 of W0, W1, W2 as float32" }] } }
 *
 * Version 2 added the training run's checkpoints (see checkpointCodec.ts): the weights after each
 * epoch, epoch 0 being the initial weights, as float32. Version 1 files (no checkpoints) are still read.
 *
 * Numbers are written in JavaScript's shortest round-trip form, so a file read back gives the same
 * float64 weights bit for bit, and the same model always gives the same bytes.
 */
export const MODEL_FORMAT = 'slm-model';
export const MODEL_VERSION = 2;
/** Every version this app reads. */
const READABLE_VERSIONS: readonly unknown[] = [1, 2];

/**
 * A model file written by a later slm studio, in a format version this one does not know. It is not
 * damaged: callers leave it where it is and say so, instead of setting it aside as corrupt.
 */
export class NewerModelFileError extends SlmError {
  constructor(
    source: string,
    readonly version: number,
  ) {
    super('format', `${source} was made by a newer slm studio (model file version ${version}; this one reads version ${MODEL_VERSION}); update slm studio to open it`);
    this.name = 'NewerModelFileError';
  }
}

const WEIGHT_NAMES: readonly WeightName[] = ['w0', 'w1', 'w2'];

export function serializeModel(model: Model): string {
  const { weights } = model;
  const matrix = (name: WeightName): string => {
    const [rows, cols] = weightShape(weights, name);
    const data = weights[name];
    const lines: string[] = [];
    for (let r = 0; r < rows; r++) lines.push('      [' + Array.from(data.subarray(r * cols, (r + 1) * cols), formatNumber).join(', ') + ']');
    return `    "${name}": [\n${lines.join(',\n')}\n    ]`;
  };
  const training = model.training ? serializeTraining(model.training) : 'null';
  return [
    '{',
    `  "format": "${MODEL_FORMAT}",`,
    `  "version": ${MODEL_VERSION},`,
    `  "name": ${JSON.stringify(model.name)},`,
    `  "embedding": ${weights.embeddingSize},`,
    `  "defaultTemperature": ${formatNumber(model.defaultTemperature)},`,
    `  "vocabulary": ${JSON.stringify(model.vocabulary.tokens)},`,
    '  "weights": {',
    WEIGHT_NAMES.map(matrix).join(',\n'),
    '  },',
    `  "training": ${training}`,
    '}',
    '',
  ].join('\n');
}

/** A metric that was not a finite number (a diverged epoch) is written as null. */
function metric(value: number): string {
  return Number.isFinite(value) ? String(value) : 'null';
}

function serializeTraining(t: TrainingRecord): string {
  const epochs = t.history.map(
    (h) =>
      `      {"epoch": ${h.epoch}, "trainLoss": ${metric(h.trainLoss)}, "testLoss": ${metric(h.testLoss)}, "testAccuracy": ${metric(h.testAccuracy)}}`,
  );
  return [
    '{',
    `    "corpus": ${JSON.stringify(t.corpus)},`,
    `    "seed": ${t.seed},`,
    `    "epochs": ${t.epochs},`,
    `    "learningRate": ${formatNumber(t.learningRate)},`,
    `    "heldOutFraction": ${formatNumber(t.heldOutFraction)},`,
    `    "carryContext": ${formatNumber(t.carryContext)},`,
    // Written only when not the defaults, so files trained without them stay as they were.
    ...(t.contextIdentity !== 0 ? [`    "contextIdentity": ${formatNumber(t.contextIdentity)},`] : []),
    ...(t.clipNorm !== DEFAULT_CLIP_NORM ? [`    "clipNorm": ${formatNumber(t.clipNorm)},`] : []),
    ...(t.maxVocabulary !== VOCABULARY_CAP.default ? [`    "maxVocabulary": ${t.maxVocabulary},`] : []),
    ...(t.droppedWords !== undefined && t.droppedShare !== undefined
      ? [`    "droppedWords": ${t.droppedWords},`, `    "droppedShare": ${formatNumber(t.droppedShare)},`]
      : []),
    ...(t.corpusText !== undefined ? [`    "corpusText": ${JSON.stringify(t.corpusText)},`] : []),
    `    "bestEpoch": ${t.bestEpoch},`,
    `    "history": [\n${epochs.join(',\n')}\n    ]${t.checkpoints.length > 0 ? ',' : ''}`,
    ...(t.checkpoints.length > 0 ? serializeCheckpoints(t.checkpoints) : []),
    '  }',
  ].join('\n');
}

const DEFAULT_CLIP_NORM = CLIP_NORM.default;

function serializeCheckpoints(checkpoints: readonly Checkpoint[]): string[] {
  const items = checkpoints.map((c) => `      {"epoch": ${c.epoch}, "weights": "${encodeCheckpoint(c)}"}`);
  return [`    "checkpointEncoding": "${CHECKPOINT_ENCODING}",`, `    "checkpoints": [\n${items.join(',\n')}\n    ]`];
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) throw formatError(`a model cannot be saved with the value ${value} in it`);
  return Object.is(value, -0) ? '-0' : String(value);
}

/** Reads a `*.slm.json` text, checking every part; `source` names the file in messages. */
export function parseModel(text: string, source = 'the model file'): Model {
  if (text.length > MAX_MODEL_FILE_CHARACTERS) {
    throw formatError(`${source} is ${text.length.toLocaleString('en')} characters long; a model file has at most ${MAX_MODEL_FILE_CHARACTERS.toLocaleString('en')}`);
  }
  // Deep nesting costs JSON.parse seconds and gigabytes before anything can be checked: refused first.
  const depth = nestingDepth(text, MAX_JSON_DEPTH);
  if (depth > MAX_JSON_DEPTH) {
    throw formatError(`${source} nests its lists and objects more than ${MAX_JSON_DEPTH} deep; a model file nests about 5 deep, so this is not one`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw formatError(`${source} is not valid JSON (${(error as Error).message})`);
  }
  const file = record(value, `${source} must hold a JSON object`);
  if (file.format !== MODEL_FORMAT) {
    const found = typeof file.format === 'string' ? quote(file.format) : 'missing';
    throw formatError(`${source} is not an slm model file (its "format" is ${found}, expected "${MODEL_FORMAT}")`);
  }
  if (typeof file.version === 'number' && Number.isInteger(file.version) && file.version > MODEL_VERSION) {
    throw new NewerModelFileError(source, file.version);
  }
  if (!READABLE_VERSIONS.includes(file.version)) {
    throw formatError(`${source} has "version" ${describe(file.version)}; this app reads model file versions 1 and ${MODEL_VERSION}`);
  }
  if (typeof file.name !== 'string') throw formatError(`${source} has no "name" string`);
  if (!Array.isArray(file.vocabulary) || !file.vocabulary.every((t) => typeof t === 'string')) {
    throw formatError(`${source} needs "vocabulary": a list of token strings`);
  }
  const vocabulary = vocabularyFromTokens(file.vocabulary as string[]);
  const E = file.embedding;
  if (typeof E !== 'number' || !Number.isInteger(E) || E < EMBEDDING.min || E > EMBEDDING.max) {
    throw formatError(`${source} has "embedding" ${describe(E)}; it must be a whole number from ${EMBEDDING.min} to ${EMBEDDING.max}`);
  }
  const T = file.defaultTemperature;
  if (typeof T !== 'number' || !(T >= 0) || !Number.isFinite(T)) {
    throw formatError(`${source} has "defaultTemperature" ${describe(T)}; it must be a number of 0 or more`);
  }
  const weights = createWeights(E, vocabulary.tokens.length);
  const stored = record(file.weights, `${source} needs "weights" with "w0", "w1" and "w2"`);
  for (const name of WEIGHT_NAMES) readMatrix(stored[name], weights, name, source);
  return {
    name: file.name,
    vocabulary,
    weights,
    defaultTemperature: T,
    training: file.training === null || file.training === undefined ? null : readTraining(file.training, weights, source),
  };
}

/**
 * How deeply JSON text nests its arrays and objects (brackets inside strings aside), read in one
 * pass without parsing; stops as soon as it passes `stopAbove`.
 */
export function nestingDepth(text: string, stopAbove = Infinity): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > deepest) {
        deepest = depth;
        if (deepest > stopAbove) return deepest;
      }
    } else if (c === 93 /* ] */ || c === 125 /* } */) depth--;
  }
  return deepest;
}

/**
 * A value from the file, for a message: short, and saying so when a number was too large to read
 * (JSON.parse turns 1e400 into Infinity, which JSON.stringify would print as "null").
 */
function describe(value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) return `a number too large to read (it overflows to ${value})`;
  if (typeof value === 'string') return quote(value);
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value);
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}

function record(value: unknown, message: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw formatError(message);
  return value as Record<string, unknown>;
}

function readMatrix(value: unknown, weights: Weights, name: WeightName, source: string): void {
  const [rows, cols] = weightShape(weights, name);
  const wanted = `${rows} x ${cols} (E = ${weights.embeddingSize}, V = ${weights.vocabularySize})`;
  if (!Array.isArray(value) || value.length !== rows) {
    throw formatError(`${source}: "${name}" must be a list of ${rows} rows, shape ${wanted}`);
  }
  const out = weights[name];
  value.forEach((row: unknown, r) => {
    if (!Array.isArray(row) || row.length !== cols) {
      throw formatError(`${source}: row ${r} of "${name}" must hold ${cols} numbers, shape ${wanted}`);
    }
    row.forEach((x: unknown, c) => {
      if (typeof x !== 'number' || !Number.isFinite(x)) {
        throw formatError(`${source}: "${name}"[${r}][${c}] is ${describe(x)}, not a finite number`);
      }
      out[r * cols + c] = x;
    });
  });
}

function readTraining(value: unknown, shape: Weights, source: string): TrainingRecord {
  const t = record(value, `${source}: "training" must be an object or null`);
  // The same schema the protocol sends a model's training record with (modelSchema.ts).
  const number = (key: TrainingNumber): number => {
    const found = t[key];
    if (!validTrainingNumber(key, found)) throw formatError(`${source}: "training.${key}" is ${describe(found)}; it must be ${TRAINING_NUMBERS[key].says}`);
    return found;
  };
  if (!Array.isArray(t.history)) throw formatError(`${source}: "training.history" must be a list`);
  const history: HistoryEpoch[] = t.history.map((h: unknown, i) => {
    const e = record(h, `${source}: "training.history"[${i}] must be an object`);
    // Metrics of a diverged epoch are stored as null and read back as NaN.
    const value = (key: string): number => {
      if (e[key] === null && key !== 'epoch') return NaN;
      if (typeof e[key] !== 'number') throw formatError(`${source}: "training.history"[${i}].${key} must be a number`);
      if (key === 'epoch' && !v.is(EPOCH_NUMBER.schema, e[key])) {
        throw formatError(`${source}: "training.history"[${i}].epoch is ${describe(e[key])}; it must be ${EPOCH_NUMBER.says}`);
      }
      // A metric too large to read (1e400) is as unreadable as a diverged one's null.
      return e[key] as number;
    };
    return { epoch: value('epoch'), trainLoss: value('trainLoss'), testLoss: value('testLoss'), testAccuracy: value('testAccuracy') };
  });
  const bestEpoch = number('bestEpoch');
  const epochs = number('epochs');
  if (bestEpoch > epochs) throw formatError(`${source}: "training.bestEpoch" is ${bestEpoch}, after the run's last epoch (${epochs})`);
  return {
    corpus: typeof t.corpus === 'string' ? t.corpus : '',
    seed: number('seed'),
    epochs,
    learningRate: number('learningRate'),
    heldOutFraction: number('heldOutFraction'),
    carryContext: t.carryContext === undefined ? 0 : number('carryContext'),
    contextIdentity: t.contextIdentity === undefined ? 0 : number('contextIdentity'),
    clipNorm: t.clipNorm === undefined ? DEFAULT_CLIP_NORM : number('clipNorm'),
    maxVocabulary: t.maxVocabulary === undefined ? VOCABULARY_CAP.default : number('maxVocabulary'),
    ...(t.droppedWords === undefined ? {} : { droppedWords: number('droppedWords'), droppedShare: number('droppedShare') }),
    ...(t.corpusText === undefined ? {} : { corpusText: corpusText(t.corpusText, source) }),
    bestEpoch,
    history,
    checkpoints: readCheckpoints(t, shape, history, source),
  };
}

/** A kept corpus: text no longer than a corpus may be. */
function corpusText(value: unknown, source: string): string {
  if (typeof value !== 'string') throw formatError(`${source}: "training.corpusText" is ${describe(value)}; it must be the corpus's text`);
  if (value.length > MAX_CORPUS_CHARACTERS) {
    throw formatError(`${source}: "training.corpusText" is ${value.length.toLocaleString('en')} characters long; a corpus has at most ${MAX_CORPUS_CHARACTERS.toLocaleString('en')}`);
  }
  return value;
}

function readCheckpoints(t: Record<string, unknown>, shape: Weights, history: readonly HistoryEpoch[], source: string): Checkpoint[] {
  if (t.checkpoints === undefined) return [];
  if (t.checkpointEncoding !== CHECKPOINT_ENCODING) {
    throw formatError(`${source}: "training.checkpointEncoding" is ${describe(t.checkpointEncoding)}; this app reads "${CHECKPOINT_ENCODING}"`);
  }
  const lastEpoch = history.length > 0 ? history[history.length - 1].epoch : -1;
  return decodeCheckpoints(t.checkpoints, shape, lastEpoch, source);
}
