import { describe, expect, it } from 'vitest';
import { stepAnatomy } from '../src-main/model/explanations/anatomy.ts';
import { parseModel } from '../src-main/model/formats/slmJson.ts';
import { run } from '../src-main/model/network/network.ts';
import { droppedCharacters, tokenize } from '../src-main/model/network/tokenizer.ts';
import { BOUNDARY, encode } from '../src-main/model/network/vocabulary.ts';
import { inProcessService } from './helpers/inProcessService.ts';
import { formatNumber } from '../src-renderer/lib/numbers.ts';
import { SAMPLING_RULES, samplingProblem } from '../src-renderer/lib/samplingCheck.ts';

/** What the learner's features add to the model and the service, in-process, answering the bundled Boris. */
const { modelText, events, ask } = inProcessService({ yieldToMessages: () => new Promise((resolve) => setTimeout(resolve, 0)) });
const boris = parseModel(modelText);

describe("a step's anatomy", () => {
  it("gives the step's own h1, h2 and probabilities, bit for bit, and the sums tanh turns into h2", async () => {
    const rows = [BOUNDARY, ...encode(boris.vocabulary, tokenize('who are you?'))];
    const steps = run(boris.weights, rows, undefined, 0.5);
    let context: Float64Array = new Float64Array(boris.weights.embeddingSize);
    for (const [i, s] of steps.entries()) {
      const a = stepAnatomy(boris.weights, rows[i], context, 0.5);
      expect(Array.from(a.h1)).toEqual(Array.from(s.h1));
      expect(Array.from(a.h2)).toEqual(Array.from(s.h2));
      expect(Array.from(a.probs)).toEqual(Array.from(s.probs));
      expect(Array.from(a.preActivation).map(Math.tanh)).toEqual(Array.from(s.h2));
      expect(Array.from(a.column).map(Math.tanh)).toEqual(Array.from(s.h1));
      expect(Array.from(a.input)).toEqual([...s.h1, ...context]);
      context = s.h2;
    }
  });

  it('is a service request, checked on arrival', async () => {
    await ask({ type: 'open', source: { kind: 'bundled' } });
    const E = boris.weights.embeddingSize;
    const a = await ask({ type: 'anatomy', row: 5, context: new Array(E).fill(0), temperature: 0 });
    expect(a.temperature).toBe(1);
    expect(a.h2).toHaveLength(E);
    expect(a.probs).toHaveLength(boris.vocabulary.tokens.length);
    await expect(ask({ type: 'anatomy', row: 5, context: [0, 0], temperature: 1 })).rejects.toThrow(/context must have/);
    await expect(ask({ type: 'anatomy', row: 10_000, context: new Array(E).fill(0), temperature: 1 })).rejects.toThrow(/no row/);
  });
});

describe('what the chat tells a learner', () => {
  it('names the characters the tokenizer drops, and a turn carries them', async () => {
    expect(droppedCharacters('Hello 🐸, how are you★?')).toEqual(['🐸', '★']);
    expect(droppedCharacters('who are you?')).toEqual([]);
    await ask({ type: 'open', source: { kind: 'bundled' } });
    const turn = await ask({ type: 'generate', prompt: 'frogs 🐸!', temperature: 0, topK: 0, seed: 1 });
    expect(turn.dropped).toEqual(['🐸']);
  });

  it("checks sampling fields with the protocol's own rules", () => {
    expect(SAMPLING_RULES.temperature).toEqual({ min: 0, max: 10, whole: false });
    expect(SAMPLING_RULES.topK.whole).toBe(true);
    expect(SAMPLING_RULES.seed).toEqual({ min: 0, max: 2 ** 32 - 1, whole: true });
    expect(samplingProblem('temperature', 0.5)).toBeNull();
    expect(samplingProblem('temperature', -1)).toBe('Temperature must be a number from 0 to 10 (not -1).');
    expect(samplingProblem('topK', 2.5)).toBe('Top-k must be a whole number from 0 to 4,096 (not 2.5).');
    expect(samplingProblem('seed', null)).toBe('Seed must be a whole number from 0 to 4,294,967,295.');
  });

  it('writes numbers for people, to four significant figures', () => {
    expect(formatNumber(0.123456789)).toBe('0.1235');
    expect(formatNumber(-12.3456)).toBe('-12.35');
    expect(formatNumber(1234.5678)).toBe('1235');
    expect(formatNumber(1200)).toBe('1200');
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(0.5)).toBe('0.5');
    expect(formatNumber(-0.99999998)).toBe('-1.000');
    expect(formatNumber(0.00001234)).toBe('1.234e-5');
  });
});

describe('training for watching', () => {
  const corpus = Array.from({ length: 20 }, (_, i) => ['who are you? i am boris.', 'what do you love? frogs.'][i % 2]).join('\n');

  it('keeps the final epoch when asked, and the best held-out epoch otherwise', async () => {
    for (const keep of ['best', 'final'] as const) {
      events.length = 0;
      await ask({ type: 'train', settings: { corpus, embedding: 4, epochs: 6, learningRate: 0.05, seed: 3, keep } });
      await until(() => events.find((e) => e.event === 'trainDone'));
      const done = events.find((e) => e.event === 'trainDone')!;
      const last = [...events].reverse().find((e) => e.event === 'trainProgress')!;
      if (done.event !== 'trainDone' || last.event !== 'trainProgress') throw new Error('no run');
      if (keep === 'final') expect(done.model!.weights.w1).toEqual(last.weights.w1);
      else if (done.bestEpoch !== done.history.length - 1) expect(done.model!.weights.w1).not.toEqual(last.weights.w1);
    }
  });

  it('trains at a pace, and goes flat out when the pace is lifted', async () => {
    events.length = 0;
    await ask({ type: 'trainPace', epochsPerSecond: 1 });
    await ask({ type: 'train', settings: { corpus, embedding: 4, epochs: 50, learningRate: 0.05, seed: 3 } });
    await until(() => events.find((e) => e.event === 'trainProgress' && e.epoch >= 1));
    // At one epoch a second the run is still going once its first epoch is in.
    expect(events.some((e) => e.event === 'trainDone')).toBe(false);
    const paced = [...events].reverse().find((e) => e.event === 'trainProgress');
    expect(paced?.event === 'trainProgress' && paced.etaSeconds).toBeGreaterThan(10);
    await ask({ type: 'trainPace', epochsPerSecond: null });
    await until(() => events.find((e) => e.event === 'trainDone'));
    await expect(ask({ type: 'trainPace', epochsPerSecond: -1 } as never)).rejects.toThrow(/protocol/);
  });
});

async function until<T>(find: () => T | undefined, timeout = 20_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const found = find();
    if (found) return found;
    if (Date.now() - started > timeout) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
