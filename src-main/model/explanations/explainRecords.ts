/**
 * Explanations as plain records with token text, the one shape the `slm` command prints and the model
 * service sends: saliency through time, the reply tree, a unit's profile and the knock-out table.
 */
import type { Explanation } from './explain.ts';
import type { KnockoutTable, Layer } from '../units/knockout.ts';
import type { ReplyNode } from './replyTree.ts';
import type { UnitProfile } from '../units/unitProfile.ts';
import { tokenText, type Vocabulary } from '../network/vocabulary.ts';

export interface SaliencyRecord {
  token: string;
  gradientNorm: number;
  saliency: number;
  integratedGradient: number;
  /** Leave it out: L - L_s in nats; null where the work budget did not reach. */
  occlusion: number | null;
  /** Leave it out: 100 (p - p_s), in percentage points. */
  occlusionPoints: number | null;
}

export interface ExplanationRecord {
  target: string;
  logProbability: number;
  baselineLogProbability: number;
  steps: SaliencyRecord[];
}

/** `tokens` are the fed tokens as written (the boundary as ""); unknown words keep their own text. */
export function explanationRecord(explanation: Explanation, tokens: readonly string[], vocabulary: Vocabulary): ExplanationRecord {
  return {
    target: tokenText(vocabulary, explanation.target),
    logProbability: explanation.logProbability,
    baselineLogProbability: explanation.baselineLogProbability,
    steps: explanation.steps.map((s, i) => ({
      token: tokens[i] ?? tokenText(vocabulary, s.row),
      gradientNorm: s.gradientNorm,
      saliency: s.saliency,
      integratedGradient: s.integratedGradient,
      occlusion: s.occlusion,
      occlusionPoints: s.occlusionPoints,
    })),
  };
}

export interface ReplyNodeRecord {
  token: string;
  probability: number;
  pathProbability: number;
  children: ReplyNodeRecord[];
}

export function replyNodeRecords(nodes: readonly ReplyNode[], vocabulary: Vocabulary): ReplyNodeRecord[] {
  return nodes.map((node) => ({
    token: tokenText(vocabulary, node.row),
    probability: node.probability,
    pathProbability: node.pathProbability,
    children: replyNodeRecords(node.children, vocabulary),
  }));
}

export interface TokenWeightRecord {
  token: string;
  weight: number;
}

export interface UnitProfileRecord {
  /** "h2:5". */
  unit: string;
  layer: Layer;
  index: number;
  activations: number;
  mean: number;
  /** 20 counts over [-1, 1]. */
  histogram: number[];
  topContexts: { line: number; tokens: string[]; step: number; activation: number }[];
  /** h1: the tokens whose W0 entry raises (up) or lowers (down) it most. */
  drivenByTokens: { up: TokenWeightRecord[]; down: TokenWeightRecord[] } | null;
  /** h2: its strongest W1 inputs, "h1 3" (this step's embedding) or "c 5" (the context carried in). */
  drivenByInputs: { input: string; weight: number }[] | null;
  /** h2: its W2 column, the tokens it votes up and down most. */
  votes: { up: TokenWeightRecord[]; down: TokenWeightRecord[] } | null;
  knockout: { heldOutLines: number; heldOutDialogues: number; predictions: number; loss: number; accuracy: number; knockedOutLoss: number; knockedOutAccuracy: number };
  stepChange: { before: { token: string; probability: number }; after: { token: string; probability: number } } | null;
}

export function unitProfileRecord(profile: UnitProfile, vocabulary: Vocabulary): UnitProfileRecord {
  const tokens = (list: { row: number; weight: number }[]) => list.map(({ row, weight }) => ({ token: tokenText(vocabulary, row), weight }));
  const k = profile.knockout;
  return {
    unit: `${profile.layer}:${profile.unit}`,
    layer: profile.layer,
    index: profile.unit,
    activations: profile.activations,
    mean: profile.mean,
    histogram: profile.histogram,
    topContexts: profile.topContexts.map((c) => ({ line: c.line, tokens: c.rows.map((row) => tokenText(vocabulary, row)), step: c.step, activation: c.activation })),
    drivenByTokens: profile.drivers.tokens ? { up: tokens(profile.drivers.tokens.up), down: tokens(profile.drivers.tokens.down) } : null,
    drivenByInputs: profile.drivers.inputs ? profile.drivers.inputs.map((i) => ({ input: `${i.source} ${i.unit}`, weight: i.weight })) : null,
    votes: profile.votes ? { up: tokens(profile.votes.up), down: tokens(profile.votes.down) } : null,
    knockout: {
      heldOutLines: k.heldOutLines,
      heldOutDialogues: k.heldOutDialogues,
      predictions: k.predictions,
      loss: k.intact.loss,
      accuracy: k.intact.accuracy,
      knockedOutLoss: k.knockedOut.loss,
      knockedOutAccuracy: k.knockedOut.accuracy,
    },
    stepChange: profile.stepChange
      ? {
          before: { token: tokenText(vocabulary, profile.stepChange.before.row), probability: profile.stepChange.before.probability },
          after: { token: tokenText(vocabulary, profile.stepChange.after.row), probability: profile.stepChange.after.probability },
        }
      : null,
  };
}

export interface KnockoutTableRecord {
  /** The held-out texts measured: the first of them, when all would take too long (knockoutTexts). */
  heldOutLines: number;
  /** All the held-out texts, of which heldOutLines were measured. */
  heldOutTexts: number;
  heldOutDialogues: number;
  predictions: number;
  loss: number;
  accuracy: number;
  units: { unit: string; layer: Layer; index: number; loss: number; accuracy: number; lossChange: number; accuracyChange: number }[];
}

export function knockoutTableRecord(table: KnockoutTable, heldOutTexts: number): KnockoutTableRecord {
  return {
    heldOutLines: table.heldOutLines,
    heldOutTexts,
    heldOutDialogues: table.heldOutDialogues,
    predictions: table.predictions,
    loss: table.loss,
    accuracy: table.accuracy,
    units: table.units.map((u) => ({
      unit: `${u.layer}:${u.unit}`,
      layer: u.layer,
      index: u.unit,
      loss: u.loss,
      accuracy: u.accuracy,
      lossChange: u.lossChange,
      accuracyChange: u.accuracyChange,
    })),
  };
}
