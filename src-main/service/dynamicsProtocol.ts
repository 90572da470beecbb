/**
 * The dynamics requests and their results (model/dynamics/dynamics.ts, model/dynamics/memory.ts), part of the service's
 * request table: protocol.ts joins them to its own and re-exports everything here.
 */
import * as v from 'valibot';
import * as limits from '../model/network/limits.ts';
import { finite, requestEntries, vector, whole, within } from './schemaParts.ts';

/** The patching answer in words, the same in the app as in `slm patch`. */
export { CARRIERS_SHARE, carriersSentence, sharePercent, unitList } from '../model/dynamics/patching.ts';

const text = (max: number) => v.pipe(v.string(), v.maxLength(max, `the text is longer than ${max.toLocaleString('en')} characters`));
/** One history: turns said to the model at temperature 0 from a fresh start (none: a fresh start). */
const history = v.pipe(v.array(text(limits.MAX_PROMPT_CHARACTERS)), v.maxLength(limits.MAX_REPLAY_TURNS, `a history has at most ${limits.MAX_REPLAY_TURNS} turns`));

/** How every line of both conversations is answered (every line drawn with the same seed); greedy when absent. */
const MemorySamplingSchema = v.object({
  temperature: v.pipe(finite, v.minValue(limits.TEMPERATURE.min), v.maxValue(limits.TEMPERATURE.max)),
  topK: within(limits.TOP_K),
  seed: within(limits.SEED),
});


const ComplexSchema = v.tuple([v.number(), v.number()]);
export const SpectrumSchema = v.object({ spectralRadius: v.number(), eigenvalues: v.array(ComplexSchema) });
export type SpectrumResult = v.InferOutput<typeof SpectrumSchema>;

export const FixedPointSchema = v.object({
  word: v.string(),
  row: whole,
  point: vector,
  iterations: whole,
  method: v.picklist(['iteration', 'newton']),
  converged: v.boolean(),
  residual: v.number(),
  spectralRadius: v.number(),
  stable: v.boolean(),
  eigenvalues: v.array(ComplexSchema),
  /** The contexts from zeros as the word is fed again and again (the first ones, zeros first). */
  trajectory: v.array(vector),
});
export type FixedPointResult = v.InferOutput<typeof FixedPointSchema>;

export const CheckpointDynamicsSchema = v.object({ epoch: whole, boundarySpectralRadius: v.number(), boundaryConverged: v.boolean(), largestSingularValue: finite });
export type CheckpointDynamicsResult = v.InferOutput<typeof CheckpointDynamicsSchema>;

export const MemorySchema = v.object({
  startDistance: v.number(),
  steps: v.array(v.object({ token: v.string(), distance: v.number(), spectralRadius: v.tuple([v.number(), v.number()]) })),
  replies: v.tuple([v.string(), v.string()]),
  /** The last step's distance over startDistance; null when the histories left the same context. */
  keptShare: v.nullable(v.number()),
  sampling: MemorySamplingSchema,
  historyReplies: v.tuple([v.array(v.string()), v.array(v.string())]),
  paths: v.tuple([v.array(vector), v.array(vector)]),
});
export type MemoryResult = v.InferOutput<typeof MemorySchema>;

const PatchedShareSchema = v.object({ logProbability: v.number(), restored: v.nullable(v.number()) });
export const PatchingSchema = v.object({
  target: v.string(),
  logProbA: v.number(),
  logProbB: v.number(),
  replies: v.tuple([v.string(), v.string()]),
  /** Per step of the last turn, every unit patched alone; null past the work budget. */
  steps: v.array(v.object({ token: v.string(), units: v.nullable(v.array(v.object({ unit: whole, ...PatchedShareSchema.entries }))) })),
  unmeasuredSteps: whole,
  carriers: v.nullable(v.object({ units: v.array(whole), restored: v.number() })),
  together: v.nullable(v.object({ units: v.array(whole), step: whole, steps: v.array(PatchedShareSchema), reply: v.string() })),
  sampling: MemorySamplingSchema,
});
export type PatchingResult = v.InferOutput<typeof PatchingSchema>;

export const DYNAMICS_REQUESTS = requestEntries({
  /** The Jacobian's spectrum at each of these contexts (h2 of a step): the conversation's steps. */
  stepDynamics: {
    lane: 'read',
    superseded: false,
    request: {
      contexts: v.pipe(
        v.array(v.pipe(vector, v.maxLength(limits.EMBEDDING.max))),
        v.maxLength(limits.MAX_STEP_DYNAMICS_CONTEXTS, `one request measures at most ${limits.MAX_STEP_DYNAMICS_CONTEXTS.toLocaleString('en')} contexts; ask for the rest in another`),
      ),
    },
    result: v.array(SpectrumSchema),
  },
  /** A word's fixed point ("" for the line boundary), its spectrum and the trajectory from zeros. */
  fixedPoint: { lane: 'read', superseded: false, request: { word: text(limits.MAX_WORD_CHARACTERS) }, result: FixedPointSchema },
  /** Per checkpoint of the open model's training run: the boundary's fixed-point spectral radius and W1[:, E:2E]'s largest singular value. */
  trainingDynamics: { lane: 'read', superseded: false, request: {}, result: v.array(CheckpointDynamicsSchema) },
  /** The same last turn after two histories (greedy unless a sampling is given): the distance between the contexts, step by step. */
  memory: {
    lane: 'read',
    superseded: false,
    request: { histories: v.tuple([history, history]), lastTurn: text(limits.MAX_PROMPT_CHARACTERS), sampling: v.optional(MemorySamplingSchema) },
    result: MemorySchema,
  },
  /**
   * Which units carry the memory: each h2 unit patched from history A into history B at each step of
   * the last turn; with `patch`, those units patched together (at `step` for the reply).
   */
  patch: {
    lane: 'read',
    superseded: false,
    request: {
      histories: v.tuple([history, history]),
      lastTurn: text(limits.MAX_PROMPT_CHARACTERS),
      sampling: v.optional(MemorySamplingSchema),
      patch: v.optional(
        v.object({
          units: v.pipe(v.array(within({ min: 0, max: limits.EMBEDDING.max - 1 })), v.maxLength(limits.EMBEDDING.max, `at most ${limits.EMBEDDING.max} units are patched at once`)),
          step: within({ min: 0, max: limits.MAX_PROMPT_TOKENS }),
        }),
      ),
    },
    result: PatchingSchema,
  },
});
