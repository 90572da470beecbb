import { describe, expect, it } from 'vitest';
import { compareMemory } from '../src-main/model/dynamics/memory.ts';
import { patchMemory } from '../src-main/model/dynamics/patching.ts';
import { Conversation } from '../src-main/model/network/generation.ts';
import { MAX_PATCHING_WORK } from '../src-main/model/network/limits.ts';
import type { Model } from '../src-main/model/network/model.ts';
import { step } from '../src-main/model/network/network.ts';
import { createRng } from '../src-main/model/network/rng.ts';
import { tokenize } from '../src-main/model/network/tokenizer.ts';
import { BOUNDARY, encode, vocabularyFromTokens } from '../src-main/model/network/vocabulary.ts';
import { expectSlmError, randomWeights } from './helpers.ts';
import { boris } from './helpers/boris.ts';

const E = boris.weights.embeddingSize;
const FROGS: [string[], string[]] = [['do you like frogs?'], []];

/** The context a history leaves, said turn by turn by the engine's own conversation (greedy). */
function historyContext(model: Model, turns: string[]): Float64Array {
  const conversation = new Conversation(model.weights, model.vocabulary);
  for (const turn of turns) conversation.say(turn, { temperature: 0, rng: createRng(0) });
  return conversation.currentContext;
}

/**
 * The direct computation: feed the history, then [boundary, T] with the engine's `step`, setting
 * `units` of h2 at step `at` to `values` (before it is carried on); y's log-probability at the end.
 */
function direct(model: Model, turns: string[], last: string, overwrite?: { at: number; units: number[]; values: Float64Array }) {
  const rows = [BOUNDARY, ...encode(model.vocabulary, tokenize(last))];
  let c = historyContext(model, turns);
  const contexts: Float64Array[] = [];
  rows.forEach((row, s) => {
    c = step(model.weights, row, c, 1).h2;
    if (overwrite && overwrite.at === s) {
      c = c.slice();
      for (const u of overwrite.units) c[u] = overwrite.values[u];
    }
    contexts.push(c);
  });
  // The next-token distribution from the last (possibly overwritten) context, written out here.
  const scoreOf = (context: Float64Array) => {
    const logits = new Float64Array(model.weights.vocabularySize);
    for (let k = 0; k < logits.length; k++) for (let j = 0; j < E; j++) logits[k] += model.weights.w2[k * E + j] * context[j];
    const max = Math.max(...logits);
    const total = logits.reduce((sum, z) => sum + Math.exp(z - max), 0);
    return logits.map((z) => Math.exp(z - max) / total);
  };
  return { contexts, probs: scoreOf(c) };
}

describe('Which units carry the memory (activation patching)', () => {
  const found = patchMemory(boris, FROGS, 'why?');
  const A = direct(boris, FROGS[0], 'why?');
  const B = direct(boris, FROGS[1], 'why?');
  const y = A.probs.indexOf(Math.max(...A.probs));

  it("names the most likely token after the last line under A as the target, with its log-probabilities under A and B", () => {
    expect(found.target).toBe(boris.vocabulary.tokens[y]);
    expect(found.target).toBe('frogs');
    expect(found.logProbA).toBeCloseTo(Math.log(A.probs[y]), 12);
    expect(found.logProbB).toBeCloseTo(Math.log(B.probs[y]), 12);
  });

  it('equals a direct computation: B then the last line, step by step with the engine, the unit overwritten with its value under A', () => {
    expect(found.steps.map((s) => s.token)).toEqual(['', 'why', '?']);
    for (const [s, at] of found.steps.entries()) {
      expect(at.units).toHaveLength(E);
      for (const patched of at.units!) {
        const run = direct(boris, FROGS[1], 'why?', { at: s, units: [patched.unit], values: A.contexts[s] });
        const l = Math.log(run.probs[y]);
        expect(patched.logProbability).toBeCloseTo(l, 12);
        expect(patched.restored).toBeCloseTo((l - Math.log(B.probs[y])) / (Math.log(A.probs[y]) - Math.log(B.probs[y])), 10);
      }
    }
  });

  it('every unit patched at one step restores a share of exactly 1, at every step', () => {
    const all = Array.from({ length: E }, (_, u) => u);
    for (let s = 0; s < 3; s++) {
      const whole = patchMemory(boris, FROGS, 'why?', undefined, { units: all, step: s });
      expect(whole.together!.steps.map((t) => t.restored)).toEqual([1, 1, 1]);
      expect(whole.together!.reply).toBe(found.replies[0]);
    }
  });

  it('patches a chosen set of units together, not by summing their shares', () => {
    const units = [7, 22, 3];
    const chosen = patchMemory(boris, FROGS, 'why?', undefined, { units, step: 0 });
    const run = direct(boris, FROGS[1], 'why?', { at: 0, units, values: A.contexts[0] });
    expect(chosen.together!.steps[0].logProbability).toBeCloseTo(Math.log(run.probs[y]), 12);
    const summed = units.reduce((sum, u) => sum + found.steps[0].units![u].restored!, 0);
    expect(Math.abs(chosen.together!.steps[0].restored! - summed)).toBeGreaterThan(1e-3);
  });

  it("says the last line's replies as the memory comparison does, and with no unit patched the reply is B's", () => {
    const memory = compareMemory(boris, FROGS, 'why?');
    expect(found.replies).toEqual(memory.replies);
    expect(found.replies).toEqual(['frogs are my best friend.', 'i am boris.']);
    const none = patchMemory(boris, FROGS, 'why?', undefined, { units: [], step: 0 });
    expect(none.together!.reply).toBe(found.replies[1]);
    expect(none.together!.steps.every((t) => t.restored === 0)).toBe(true);
  });

  it('answers with the fewest top units of the first step that together bring back most of the difference', () => {
    const carriers = found.carriers!;
    const ranked = [...found.steps[0].units!].sort((a, b) => b.restored! - a.restored!).map((p) => p.unit);
    expect(carriers.units).toEqual(ranked.slice(0, carriers.units.length));
    expect(carriers.restored).toBeGreaterThanOrEqual(0.8);
    const fewer = patchMemory(boris, FROGS, 'why?', undefined, { units: carriers.units.slice(0, -1), step: 0 });
    expect(fewer.together!.steps[0].restored!).toBeLessThan(0.8);
    // Without a choice, the carriers are patched at the first step for the reply.
    expect(found.together).toMatchObject({ units: carriers.units, step: 0 });
    expect(found.together!.steps[0].restored).toBe(carriers.restored);
  });

  it('has nothing to restore when both histories are the same', () => {
    const same = patchMemory(boris, [['hello'], ['hello']], 'why?');
    expect(same.logProbA).toBe(same.logProbB);
    expect(same.steps[0].units!.every((p) => p.restored === null)).toBe(true);
    expect(same.carriers).toBeNull();
  });

  it('refuses a unit or a step the model or the line does not have, saying which', () => {
    expectSlmError(() => patchMemory(boris, FROGS, 'why?', undefined, { units: [E], step: 0 }), 'input', new RegExp(`unit ${E} .* 0 to ${E - 1}`));
    expectSlmError(() => patchMemory(boris, FROGS, 'why?', undefined, { units: [1, 1], step: 0 }), 'input', /unit 1 is named twice/);
    expectSlmError(() => patchMemory(boris, FROGS, 'why?', undefined, { units: [1], step: 3 }), 'input', /from 0 to 2/);
    expectSlmError(() => patchMemory(boris, FROGS, '@#'), 'input', /no words/);
  });

  it('stays within its work budget on the largest model, measuring the first steps and saying how many it left', () => {
    const V = 4096;
    const big: Model = {
      name: 'Big',
      vocabulary: vocabularyFromTokens(['', '-', ...Array.from({ length: V - 2 }, (_, i) => `w${i}`)]),
      weights: randomWeights(64, V, 3, 0.3),
      defaultTemperature: 1,
      training: null,
    };
    const last = Array.from({ length: 40 }, (_, i) => `w${i}`).join(' ');
    const result = patchMemory(big, [['w1 w2'], []], last);
    const measured = result.steps.filter((s) => s.units !== null).length;
    let work = 0;
    for (let s = 0; s < measured; s++) work += 64 * ((40 - s) * 64 * 64 + V * 64);
    expect(work).toBeLessThanOrEqual(MAX_PATCHING_WORK);
    expect(measured).toBeGreaterThan(0);
    expect(result.unmeasuredSteps).toBe(41 - measured);
    expect(result.steps.slice(measured).every((s) => s.units === null)).toBe(true);
  });
});
