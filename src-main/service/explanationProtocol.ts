/**
 * The explanation requests and their results (docs/model.md, "Explanations"), part of the service's
 * request table: protocol.ts joins them to its own and re-exports everything here.
 */
import * as v from 'valibot';
import * as limits from '../model/network/limits.ts';
import { finite, requestEntries, whole, within } from './schemaParts.ts';

/** Token rows fed from zeros: the whole conversation up to a step. */
const rows = v.pipe(v.array(v.pipe(whole, v.minValue(0))), v.maxLength(100_000));
const LayerSchema = v.picklist(['h1', 'h2']);

export interface ReplyNodeResult {
  row: number;
  probability: number;
  pathProbability: number;
  children: ReplyNodeResult[];
}
const ReplyNodeSchema: v.GenericSchema<ReplyNodeResult> = v.object({
  row: whole,
  probability: finite,
  pathProbability: finite,
  children: v.array(v.lazy(() => ReplyNodeSchema)),
});
const TokenWeightsSchema = v.object({ up: v.array(v.object({ token: v.string(), weight: finite })), down: v.array(v.object({ token: v.string(), weight: finite })) });
const TokenChanceSchema = v.object({ token: v.string(), probability: finite });

export const UnitProfileSchema = v.object({
  unit: v.string(),
  layer: LayerSchema,
  index: whole,
  activations: whole,
  mean: finite,
  histogram: v.array(whole),
  topContexts: v.array(v.object({ line: whole, tokens: v.array(v.string()), step: whole, activation: finite })),
  drivenByTokens: v.nullable(TokenWeightsSchema),
  drivenByInputs: v.nullable(v.array(v.object({ input: v.string(), weight: finite }))),
  votes: v.nullable(TokenWeightsSchema),
  knockout: v.object({ heldOutLines: whole, heldOutDialogues: whole, predictions: whole, loss: v.number(), accuracy: v.number(), knockedOutLoss: v.number(), knockedOutAccuracy: v.number() }),
  stepChange: v.nullable(v.object({ before: TokenChanceSchema, after: TokenChanceSchema })),
});
export type UnitProfileResult = v.InferOutput<typeof UnitProfileSchema>;

export const KnockoutTableSchema = v.object({
  heldOutLines: whole,
  heldOutTexts: whole,
  heldOutDialogues: whole,
  predictions: whole,
  loss: v.number(),
  accuracy: v.number(),
  units: v.array(
    v.object({ unit: v.string(), layer: LayerSchema, index: whole, loss: v.number(), accuracy: v.number(), lossChange: v.number(), accuracyChange: v.number() }),
  ),
});
export type KnockoutTableResult = v.InferOutput<typeof KnockoutTableSchema>;

export const ExplanationSchema = v.object({
  step: whole,
  /** The target's row: the token that came next, or the most likely one. */
  target: whole,
  targetGiven: v.boolean(),
  logProbability: v.number(),
  baselineLogProbability: v.number(),
  /** Sum of the integrated gradients minus (L(h1) - L(0)). */
  completenessGap: v.number(),
  igPoints: whole,
  steps: v.array(
    v.object({
      row: whole,
      gradientNorm: v.number(),
      saliency: v.number(),
      integratedGradient: v.number(),
      /** Leave it out: L - L_s in nats; null for a step the work budget did not reach. */
      occlusion: v.nullable(finite),
      /** Leave it out: 100 (p - p_s), in percentage points; null where not measured. */
      occlusionPoints: v.nullable(finite),
    }),
  ),
});
export type ExplanationResult = v.InferOutput<typeof ExplanationSchema>;

/** Requests a newer one of the same type supersedes, and `cancelExplanations` stops. */
const SUPERSEDED_EXPLANATIONS = requestEntries({
  /** Saliency through time for the prediction after `step` of `tokens`. */
  explain: {
    lane: 'read',
    superseded: true,
    request: { tokens: rows, step: v.pipe(whole, v.minValue(0)), target: v.optional(v.pipe(whole, v.minValue(0))), igSteps: v.optional(v.pipe(whole, v.minValue(1), v.maxValue(1024))) },
    result: ExplanationSchema,
  },
  /** The reply tree from the context after `tokens`; `pruned`: it reached its node budget (limits.MAX_REPLY_TREE_NODES) and left likely nodes out. */
  replyTree: {
    lane: 'read',
    superseded: true,
    request: {
      tokens: rows,
      depth: v.optional(v.pipe(whole, v.minValue(1), v.maxValue(12))),
      temperature: v.pipe(finite, v.minValue(limits.TEMPERATURE.min), v.maxValue(limits.TEMPERATURE.max)),
      topK: within(limits.TOP_K),
      minProbability: v.optional(v.pipe(finite, v.gtValue(0), v.maxValue(1))),
    },
    result: v.object({ children: v.array(ReplyNodeSchema), pruned: v.optional(v.boolean()) }),
  },
  /** A unit's profile over the open model's corpus; with `stepTokens`, also the knock-out's effect on that step. */
  unitProfile: {
    lane: 'read',
    superseded: true,
    request: { layer: LayerSchema, unit: v.pipe(whole, v.minValue(0)), top: v.optional(v.pipe(whole, v.minValue(1), v.maxValue(100))), stepTokens: v.optional(rows) },
    result: UnitProfileSchema,
  },
  /** Every unit's knock-out effect on the held-out lines (after the weight changes sent before it). */
  knockoutTable: { lane: 'read', superseded: true, request: {}, result: KnockoutTableSchema },
});

export type ExplanationType = keyof typeof SUPERSEDED_EXPLANATIONS;
export const EXPLANATION_TYPES = Object.keys(SUPERSEDED_EXPLANATIONS) as ExplanationType[];

export const EXPLANATION_REQUESTS = requestEntries({
  ...SUPERSEDED_EXPLANATIONS,
  /** Stops explanation requests waiting or running (of one type, or all): they are answered "cancelled". */
  cancelExplanations: { lane: 'arrival', superseded: false, request: { kind: v.optional(v.picklist(EXPLANATION_TYPES)) }, result: v.object({ cancelled: whole }) },
});
