/**
 * Memory across turns: the same last turn said after two different histories. Each history is a list
 * of turns said to the model from a zero context, each answered greedily (temperature 0, so the figures
 * are reproducible) unless another sampling is given; an empty history is a fresh start. Then the last
 * turn's [boundary, words...] is fed from each history's context, and the model replies. How far apart the two contexts are,
 * step by step, is the decay curve: what is left of the history. The spectral radius of each step's
 * Jacobian stands beside it (dynamics.ts): below 1, a difference carried in shrinks at that step.
 */
import { stepSpectrum } from './dynamics.ts';
import { Conversation } from '../network/generation.ts';
import { distance } from '../geometry/geometry.ts';
import type { Model } from '../network/model.ts';
import { createRng } from '../network/rng.ts';
import { tokenizeBounded } from '../network/tokenizer.ts';
import { inputError } from '../network/errors.ts';
import { type Sliced, finish } from '../network/slices.ts';

/** How every line of both conversations is answered: greedy (temperature 0) unless told otherwise. */
export interface MemorySampling {
  temperature: number;
  /** Keep only the k most likely tokens (0: all of them). */
  topK: number;
  /** Every line is answered with a generator seeded so, so the last line draws the same numbers after either history. */
  seed: number;
}

export const GREEDY: MemorySampling = { temperature: 0, topK: 0, seed: 0 };

export interface MemoryStep {
  /** The token fed ("" for the line boundary). */
  token: string;
  /** |cA - cB| (Euclidean) after this step. */
  distance: number;
  /** The spectral radius of this step's Jacobian after history A, and after history B. */
  spectralRadius: [number, number];
}

export interface MemoryComparison {
  /** |cA - cB| before the last turn: how different the histories left the context. */
  startDistance: number;
  steps: MemoryStep[];
  /** The model's reply to the last turn after each history. */
  replies: [string, string];
  /** What is left of the starting difference after the last turn: the last step's distance over startDistance (null when the histories left the same context). */
  keptShare: number | null;
  /** How the lines were answered. */
  sampling: MemorySampling;
  /** Each history's replies, turn by turn. */
  historyReplies: [string[], string[]];
  /** The contexts each history left, and after every step of the last turn (for drawing). */
  paths: [Float64Array[], Float64Array[]];
}

/** Says the history's turns and then the last turn from a zero context, each answered with the sampling given; yields after each turn. */
function* sayAfter(model: Model, turns: readonly string[], lastTurn: string, sampling: MemorySampling) {
  const conversation = new Conversation(model.weights, model.vocabulary, model.name);
  const options = () => ({ temperature: sampling.temperature, topK: sampling.topK, rng: createRng(sampling.seed) });
  const replies: string[] = [];
  for (const turn of turns) {
    replies.push(conversation.say(turn, options()).text);
    yield;
  }
  const context = conversation.currentContext;
  const last = conversation.say(lastTurn, options());
  return { context, replies, fed: last.fed, reply: last.text };
}

/** The last turn after history A and after history B: the distance between the contexts, step by step. */
export function compareMemory(
  model: Model,
  histories: readonly [readonly string[], readonly string[]],
  lastTurn: string,
  sampling: MemorySampling = GREEDY,
): MemoryComparison {
  return finish(compareMemorySteps(model, histories, lastTurn, sampling));
}

/** `compareMemory` in steps: yields after each turn said and each step measured. */
export function* compareMemorySteps(
  model: Model,
  histories: readonly [readonly string[], readonly string[]],
  lastTurn: string,
  sampling: MemorySampling = GREEDY,
): Sliced<MemoryComparison> {
  const words = tokenizeBounded(lastTurn, 'the last turn');
  if (words.length === 0) throw inputError(`the last turn has no words ${model.name} can read`);
  const tokens = ['', ...words];
  const a = yield* sayAfter(model, histories[0], lastTurn, sampling);
  const b = yield* sayAfter(model, histories[1], lastTurn, sampling);
  const startDistance = distance(a.context, b.context);
  const last = distance(a.fed[tokens.length - 1].h2, b.fed[tokens.length - 1].h2);
  const steps: MemoryStep[] = [];
  for (const [i, token] of tokens.entries()) {
    steps.push({
      token,
      distance: distance(a.fed[i].h2, b.fed[i].h2),
      spectralRadius: [stepSpectrum(model.weights, a.fed[i].h2).spectralRadius, stepSpectrum(model.weights, b.fed[i].h2).spectralRadius],
    });
    yield;
  }
  return {
    startDistance,
    steps,
    replies: [a.reply, b.reply],
    keptShare: startDistance > 0 ? last / startDistance : null,
    sampling: { ...sampling },
    historyReplies: [a.replies, b.replies],
    paths: [
      [a.context, ...a.fed.map((s) => s.h2)],
      [b.context, ...b.fed.map((s) => s.h2)],
    ],
  };
}
