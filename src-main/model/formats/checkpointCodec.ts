import { fromByteArray, toByteArray } from 'base64-js';
import { formatError } from '../network/errors.ts';
import type { Checkpoint } from '../network/model.ts';
import { WEIGHT_NAMES, createWeights } from '../network/network.ts';
import { capacityFor, checkpointValues } from '../training/checkpoints.ts';

/**
 * How a model file keeps a run's checkpoints: each one's W0, W1 and W2 (row-major, one after the
 * other) as little-endian float32, in base64. Checkpoints are recorded as float32 values already
 * (model/training/checkpoints.ts), so what is read back is exactly what the run recorded, bit for bit.
 */
export const CHECKPOINT_ENCODING = 'float32-le-base64';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** One checkpoint's weights as base64 text. */
export function encodeCheckpoint(checkpoint: Checkpoint): string {
  const { weights } = checkpoint;
  const bytes = new Uint8Array(checkpointValues(weights) * 4);
  const view = new DataView(bytes.buffer);
  let at = 0;
  for (const name of WEIGHT_NAMES) {
    for (const value of weights[name]) {
      view.setFloat32(at, value, true);
      at += 4;
    }
  }
  return fromByteArray(bytes);
}

/**
 * Reads `checkpoints` of a version-2 file for weights of size E x V, checking every part before
 * decoding anything large: how many there are, their epochs (whole, rising, within the run) and each
 * text's exact length, so a hostile file is refused with a message instead of filling memory.
 */
export function decodeCheckpoints(value: unknown, shape: { embeddingSize: number; vocabularySize: number }, lastEpoch: number, source: string): Checkpoint[] {
  if (!Array.isArray(value)) throw formatError(`${source}: "training.checkpoints" must be a list`);
  // No more than a run of this size keeps (checkpoints.ts): at most MAX_CHECKPOINTS, fewer for large models.
  const most = capacityFor(shape);
  if (value.length > most) {
    throw formatError(`${source} has ${value.length.toLocaleString('en')} checkpoints; a model file of this size keeps at most ${most.toLocaleString('en')}`);
  }
  const values = checkpointValues(shape);
  const byteCount = values * 4;
  const characters = 4 * Math.ceil(byteCount / 3);
  // The "=" padding that exactly this many bytes take: none, "==" or "=".
  const padding = [0, 2, 1][byteCount % 3];
  let previous = -1;
  return value.map((item: unknown, i) => {
    const where = `${source}: "training.checkpoints"[${i}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw formatError(`${where} must be an object with "epoch" and "weights"`);
    const { epoch, weights: text } = item as Record<string, unknown>;
    if (typeof epoch !== 'number' || !Number.isInteger(epoch) || epoch <= previous || epoch > lastEpoch) {
      throw formatError(`${where}.epoch must be a whole number above the one before it and at most the run's last epoch (${lastEpoch}), not ${JSON.stringify(epoch)}`);
    }
    previous = epoch;
    if (typeof text !== 'string' || text.length !== characters) {
      const found = typeof text === 'string' ? `${text.length.toLocaleString('en')} characters` : 'not a string';
      throw formatError(`${where}.weights must be ${characters.toLocaleString('en')} characters of base64 (${values} float32 values for E = ${shape.embeddingSize}, V = ${shape.vocabularySize}); it is ${found}`);
    }
    if (!BASE64.test(text)) throw formatError(`${where}.weights is not valid base64`);
    const padded = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
    if (padded !== padding) {
      throw formatError(
        `${where}.weights ends with ${padded === 0 ? 'no "="' : `"${'='.repeat(padded)}"`}, but ${byteCount.toLocaleString('en')} bytes of base64 end with ${padding === 0 ? 'no "="' : `"${'='.repeat(padding)}"`}: the text is damaged or holds a different number of values`,
      );
    }
    const bytes = toByteArray(text);
    if (bytes.length !== byteCount) {
      throw formatError(`${where}.weights decodes to ${bytes.length.toLocaleString('en')} bytes, not the ${byteCount.toLocaleString('en')} of ${values} float32 values`);
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const weights = createWeights(shape.embeddingSize, shape.vocabularySize);
    let at = 0;
    for (const name of WEIGHT_NAMES) {
      const out = weights[name];
      for (let j = 0; j < out.length; j++, at += 4) {
        const x = view.getFloat32(at, true);
        if (!Number.isFinite(x)) throw formatError(`${where}.weights holds ${x} at value ${at / 4}, not a finite number`);
        out[j] = x;
      }
    }
    return { epoch, weights };
  });
}
