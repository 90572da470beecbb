/**
 * Which units carry the memory (activation patching). The same last turn T is said after history A
 * and after history B (each history's turns said from a zero context and answered, as in memory.ts).
 * y is the most likely next token after T under A; L_A and L_B are its log-probabilities (temperature 1)
 * after T under A and under B. Patching unit u at step s of T (s = 0 is T's boundary): feed B then T,
 * but set h2[u] at step s to its value under A and carry the patched context on; L_{s,u} is y's
 * log-probability at the end, and (L_{s,u} - L_B) / (L_A - L_B) the share of the difference it restores.
 * Patching every unit at one step gives A's context exactly, so a share of exactly 1.
 *
 * The steps before s are B's in every patched run, so B's contexts are fed once and each run re-feeds
 * only from s on (each token's share of the pre-activation is taken once).
 */
import { Conversation } from '../network/generation.ts';
import { DEFAULT_MAX_REPLY_TOKENS } from '../network/generation.ts';
import { inputError } from '../network/errors.ts';
import { MAX_PATCHING_WORK } from '../network/limits.ts';
import type { Model } from '../network/model.ts';
import { contextFromShare, inputShare, nextTokenLogits, softmaxInPlace, step, tokenEmbedding } from '../network/network.ts';
import { createRng } from '../network/rng.ts';
import { argmax, sampleToken } from '../network/sampling.ts';
import { type Sliced, finish } from '../network/slices.ts';
import { detokenize, tokenizeBounded } from '../network/tokenizer.ts';
import { BOUNDARY, encode, tokenText } from '../network/vocabulary.ts';
import { GREEDY, type MemorySampling } from './memory.ts';

/** The answer names the fewest top units (at most this many) that together bring back this share. */
export const CARRIERS_SHARE = 0.8;
export const MAX_CARRIERS = 5;

export interface PatchedUnit {
  unit: number;
  /** L_{s,u}: y's log-probability after T with this unit patched at this step. */
  logProbability: number;
  /** (L_{s,u} - L_B) / (L_A - L_B); null when L_A = L_B (nothing to restore). */
  restored: number | null;
}

export interface PatchingStep {
  /** The token fed ("" for the line boundary). */
  token: string;
  /** Every h2 unit patched alone at this step; null when the step lies past the work budget. */
  units: PatchedUnit[] | null;
}

export interface PatchedTogether {
  /** The units patched together, and the step of T where they are patched for the reply. */
  units: number[];
  step: number;
  /** Those units patched together at each step of T: y's log-probability and the restored share. */
  steps: { logProbability: number; restored: number | null }[];
  /** The model's reply to T after B with those units patched at `step` (the same sampling as the histories'). */
  reply: string;
}

export interface Patching {
  /** y: the most likely next token after T under A ("" for the line boundary). */
  target: string;
  logProbA: number;
  logProbB: number;
  /** The replies to T after A and after B. */
  replies: [string, string];
  steps: PatchingStep[];
  /** Steps past the work budget, not measured (the last ones). */
  unmeasuredSteps: number;
  /**
   * The answer at T's first step: the fewest units, in order of their own restored share, that together
   * bring back CARRIERS_SHARE (at most MAX_CARRIERS), and the share they bring back together. Null when
   * there is nothing to restore.
   */
  carriers: { units: number[]; restored: number } | null;
  /** The units patched together (the carriers at T's first step unless others were chosen), with the reply. */
  together: PatchedTogether | null;
  sampling: MemorySampling;
}

/** A set of units patched together at one step of T, for the reply. */
export interface PatchChoice {
  units: readonly number[];
  step: number;
}

/** What every patched run shares: the weights, T's token shares, and the contexts through T under A and B. */
interface Plan {
  model: Model;
  rows: number[];
  /** Each step's token share of the pre-activation, n x E. */
  shares: Float64Array;
  /** The context after each step of T, under A and under B. */
  contextsA: Float64Array[];
  contextsB: Float64Array[];
  target: number;
  logProbA: number;
  logProbB: number;
}

/** The context a history's turns leave (said from zeros, each answered with the sampling), and the replies. */
function* historyContext(model: Model, turns: readonly string[], sampling: MemorySampling): Generator<void, { context: Float64Array; replies: string[] }> {
  const conversation = new Conversation(model.weights, model.vocabulary, model.name);
  const replies: string[] = [];
  for (const turn of turns) {
    replies.push(conversation.say(turn, { temperature: sampling.temperature, topK: sampling.topK, rng: createRng(sampling.seed) }).text);
    yield;
  }
  return { context: conversation.currentContext, replies };
}

/** The contexts after each step of T fed from `start`: the same additions as `nextContext`, so the same bits. */
function feed(plan: Pick<Plan, 'model' | 'rows' | 'shares'>, start: Float64Array): Float64Array[] {
  const { weights } = plan.model;
  const e = weights.embeddingSize;
  const contexts: Float64Array[] = [];
  let c = start;
  for (let t = 0; t < plan.rows.length; t++) {
    const next = new Float64Array(e);
    contextFromShare(weights, plan.shares, t * e, c, 0, next, 0);
    contexts.push(next);
    c = next;
  }
  return contexts;
}

/** log softmax(W2 . h2)[y] at temperature 1. */
function logProbability(plan: Pick<Plan, 'model'>, context: Float64Array, target: number): number {
  const logits = nextTokenLogits(plan.model.weights, context);
  let max = -Infinity;
  for (const z of logits) if (z > max) max = z;
  let total = 0;
  for (const z of logits) total += Math.exp(z - max);
  return logits[target] - max - Math.log(total);
}

/** The context after T's last step, under B with `units` set to A's values at step s. */
function patchedEnd(plan: Plan, s: number, units: readonly number[]): Float64Array {
  const { weights } = plan.model;
  const e = weights.embeddingSize;
  let c = plan.contextsB[s].slice();
  for (const u of units) c[u] = plan.contextsA[s][u];
  let spare = new Float64Array(e);
  for (let t = s + 1; t < plan.rows.length; t++) {
    contextFromShare(weights, plan.shares, t * e, c, 0, spare, 0);
    [c, spare] = [spare, c];
  }
  return c;
}

const share = (plan: Plan, l: number): number | null => (plan.logProbA === plan.logProbB ? null : (l - plan.logProbB) / (plan.logProbA - plan.logProbB));

/** y's log-probability after T under B, with `units` patched at step s (every unit: A's exactly). */
function patchedLogProbability(plan: Plan, s: number, units: readonly number[]): number {
  return logProbability(plan, patchedEnd(plan, s, units), plan.target);
}

/** The reply to T from a patched end context, drawn as a chat turn draws it (one seeded generator per line). */
function replyFrom(plan: Plan, context: Float64Array, sampling: MemorySampling): string {
  const { weights, vocabulary } = plan.model;
  const options = { temperature: sampling.temperature, topK: sampling.topK, rng: createRng(sampling.seed) };
  let probs = softmaxInPlace(nextTokenLogits(weights, context), sampling.temperature);
  let c = context;
  const reply: number[] = [];
  while (reply.length < DEFAULT_MAX_REPLY_TOKENS) {
    const next = sampleToken(probs, options);
    if (next === BOUNDARY) break;
    reply.push(next);
    const s = step(weights, next, c, sampling.temperature);
    probs = s.probs;
    c = s.h2;
  }
  return detokenize(reply.map((row) => tokenText(vocabulary, row)));
}

/** The multiply-adds of one patched run from step s of n: the re-fed steps (E^2 each) and the end's scores (V x E). */
function runWork(model: Model, s: number, n: number): number {
  const { embeddingSize: e, vocabularySize: v } = model.weights;
  return (n - 1 - s) * e * e + v * e;
}

/** Which units carry the memory of history A over history B into the last turn. */
export function patchMemory(
  model: Model,
  histories: readonly [readonly string[], readonly string[]],
  lastTurn: string,
  sampling: MemorySampling = GREEDY,
  choice?: PatchChoice,
): Patching {
  return finish(patchMemorySteps(model, histories, lastTurn, sampling, choice));
}

/** `patchMemory` in steps: yields after each history turn and each patched run. */
export function* patchMemorySteps(
  model: Model,
  histories: readonly [readonly string[], readonly string[]],
  lastTurn: string,
  sampling: MemorySampling = GREEDY,
  choice?: PatchChoice,
): Sliced<Patching> {
  const { weights, vocabulary } = model;
  const e = weights.embeddingSize;
  const words = tokenizeBounded(lastTurn, 'the last turn');
  if (words.length === 0) throw inputError(`the last turn has no words ${model.name} can read`);
  const rows = [BOUNDARY, ...encode(vocabulary, words)];
  const n = rows.length;
  if (choice) {
    if (!Number.isInteger(choice.step) || choice.step < 0 || choice.step >= n) throw inputError(`the step to patch must be from 0 to ${n - 1} (the last turn has ${n} steps)`);
    const seen = new Set<number>();
    for (const u of choice.units) {
      if (!Number.isInteger(u) || u < 0 || u >= e) throw inputError(`unit ${u} is not one of ${model.name}'s units: they are numbered from 0 to ${e - 1}`);
      if (seen.has(u)) throw inputError(`unit ${u} is named twice`);
      seen.add(u);
    }
  }
  const shares = new Float64Array(n * e);
  rows.forEach((row, t) => inputShare(weights, tokenEmbedding(weights, row), shares.subarray(t * e, (t + 1) * e)));
  const a = yield* historyContext(model, histories[0], sampling);
  const b = yield* historyContext(model, histories[1], sampling);
  const base = { model, rows, shares };
  const contextsA = feed(base, a.context);
  const contextsB = feed(base, b.context);
  const endA = contextsA[n - 1];
  const target = argmax(nextTokenLogits(weights, endA));
  const plan: Plan = { ...base, contextsA, contextsB, target, logProbA: logProbability(base, endA, target), logProbB: logProbability(base, contextsB[n - 1], target) };
  const replies: [string, string] = [replyFrom(plan, endA, sampling), replyFrom(plan, contextsB[n - 1], sampling)];
  yield;

  // Steps from T's first on, while the work budget lasts: the first steps are where the history comes in.
  let work = 0;
  const steps: PatchingStep[] = [];
  for (let s = 0; s < n; s++) {
    const token = s === 0 ? '' : words[s - 1];
    work += e * runWork(model, s, n);
    if (work > MAX_PATCHING_WORK && s > 0) {
      steps.push({ token, units: null });
      continue;
    }
    const units: PatchedUnit[] = [];
    for (let u = 0; u < e; u++) {
      const l = patchedLogProbability(plan, s, [u]);
      units.push({ unit: u, logProbability: l, restored: share(plan, l) });
      yield;
    }
    steps.push({ token, units });
  }

  let carriers: Patching['carriers'] = null;
  const first = steps[0].units!;
  if (plan.logProbA !== plan.logProbB) {
    const ranked = [...first].sort((x, y) => y.restored! - x.restored! || x.unit - y.unit).map((p) => p.unit);
    for (let k = 1; k <= Math.min(MAX_CARRIERS, e); k++) {
      const units = ranked.slice(0, k);
      carriers = { units, restored: share(plan, patchedLogProbability(plan, 0, units))! };
      yield;
      if (carriers.restored >= CARRIERS_SHARE) break;
    }
  }

  const chosen = choice ? { units: [...choice.units], step: choice.step } : carriers ? { units: carriers.units, step: 0 } : null;
  let together: PatchedTogether | null = null;
  if (chosen) {
    const along = rows.map((_, s) => {
      const l = patchedLogProbability(plan, s, chosen.units);
      return { logProbability: l, restored: share(plan, l) };
    });
    together = { ...chosen, steps: along, reply: replyFrom(plan, patchedEnd(plan, chosen.step, chosen.units), sampling) };
  }

  return {
    target: tokenText(vocabulary, target),
    logProbA: plan.logProbA,
    logProbB: plan.logProbB,
    replies,
    steps,
    unmeasuredSteps: steps.filter((s) => s.units === null).length,
    carriers,
    together,
    sampling: { ...sampling },
  };
}

/** A share as a percentage to four significant figures: 0.98685 -> "98.69%" (under 0.0001%, "0%"). */
export function sharePercent(share: number): string {
  const percent = share * 100;
  if (Math.abs(percent) < 1e-4) return '0%';
  // As numbers are shown everywhere: a rounded value keeps its trailing zeros (75.50%), an exact one not (100%).
  const rounded = percent.toPrecision(4);
  return `${Number(rounded) === percent ? String(percent) : rounded}%`;
}

/** "units 7, 12 and 3": the units named as a person reads them. */
export function unitList(units: readonly number[]): string {
  const names = units.map(String);
  const listed = names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  return `${units.length === 1 ? 'unit' : 'units'} ${listed}`;
}

/** The answer in one sentence: which units carry most of the memory at the last turn's first step. */
export function carriersSentence(found: Pick<Patching, 'carriers'>): string {
  const carriers = found.carriers;
  if (!carriers) return 'both histories give the target the same probability: there is no difference to restore';
  const { units, restored } = carriers;
  if (restored < CARRIERS_SHARE) {
    return `no few units carry it: the ${units.length} that bring back most alone bring back ${sharePercent(restored)} together, so the memory is spread over many units`;
  }
  return units.length === 1
    ? `${unitList(units)} carries most of it: alone it brings back ${sharePercent(restored)}`
    : `${unitList(units)} carry most of it: together they bring back ${sharePercent(restored)}`;
}
