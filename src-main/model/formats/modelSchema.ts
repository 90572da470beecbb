/**
 * The numbers of a model's training record, as one schema that the model-file reader
 * (slmJson.ts) and the service's protocol (service/protocol.ts, the model's info) both check
 * against, so that a file the reader accepts is never an answer the app refuses. Each field has its
 * range from limits.ts and the words a person reads when a value is outside it.
 */
import * as v from 'valibot';
import { CARRY_CONTEXT, CLIP_NORM, CONTEXT_IDENTITY, EPOCHS, EPOCHS_WITH_START, LEARNING_RATE, SEED, VOCABULARY_CAP } from '../network/limits.ts';

const finite = v.pipe(v.number(), v.finite());
const whole = (min: number, max: number) => v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max));
const between = (min: number, max: number) => v.pipe(finite, v.minValue(min), v.maxValue(max));
const above = (min: number, max: number) => v.pipe(finite, v.gtValue(min), v.maxValue(max));

/** Each number of a training record: its schema, and what it must be, in words. */
export const TRAINING_NUMBERS = {
  seed: { schema: whole(SEED.min, SEED.max), says: `a whole number from ${SEED.min} to ${SEED.max}` },
  epochs: { schema: whole(EPOCHS.min, EPOCHS.max), says: `a whole number from ${EPOCHS.min} to ${EPOCHS.max}` },
  learningRate: { schema: above(LEARNING_RATE.above, LEARNING_RATE.max), says: `a number above ${LEARNING_RATE.above} and at most ${LEARNING_RATE.max}` },
  heldOutFraction: { schema: v.pipe(finite, v.gtValue(0), v.ltValue(1)), says: 'a share above 0 and below 1' },
  carryContext: { schema: between(CARRY_CONTEXT.min, CARRY_CONTEXT.max), says: `a share from ${CARRY_CONTEXT.min} to ${CARRY_CONTEXT.max}` },
  contextIdentity: { schema: between(CONTEXT_IDENTITY.min, CONTEXT_IDENTITY.max), says: `a number from ${CONTEXT_IDENTITY.min} to ${CONTEXT_IDENTITY.max}` },
  clipNorm: { schema: above(CLIP_NORM.above, CLIP_NORM.max), says: `a number above ${CLIP_NORM.above} and at most ${CLIP_NORM.max}` },
  maxVocabulary: { schema: whole(VOCABULARY_CAP.min, VOCABULARY_CAP.max), says: `a whole number from ${VOCABULARY_CAP.min} to ${VOCABULARY_CAP.max}` },
  droppedWords: { schema: whole(1, Number.MAX_SAFE_INTEGER), says: 'a whole number above 0' },
  droppedShare: { schema: between(0, 1), says: 'a share from 0 to 1' },
  bestEpoch: { schema: whole(EPOCHS_WITH_START.min, EPOCHS_WITH_START.max), says: `a whole number from ${EPOCHS_WITH_START.min} to ${EPOCHS_WITH_START.max}` },
} as const;
export type TrainingNumber = keyof typeof TRAINING_NUMBERS;

/** An epoch of a run's history: 0 (the initial weights) to the most epochs a run may have. */
export const EPOCH_NUMBER = TRAINING_NUMBERS.bestEpoch;

/** Whether `value` is a valid `key` of a training record. */
export function validTrainingNumber(key: TrainingNumber, value: unknown): value is number {
  return v.is(TRAINING_NUMBERS[key].schema, value);
}
