import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { contextPath, corpusSentences, distance, lineDistanceScale, percentBelow, sampleLines } from '../src-main/model/geometry/geometry.ts';
import { parseModel } from '../src-main/model/formats/slmJson.ts';
import { createRng } from '../src-main/model/network/rng.ts';
import { expectSlmError } from './helpers.ts';
import { inProcessService } from './helpers/inProcessService.ts';

/** A sense of scale for distances: where a distance falls among those between two lines of the corpus. */
const { modelText, ask, askError } = inProcessService();
const boris = parseModel(modelText);
const corpus = readFileSync('resources/corpus/boris.txt', 'utf8');

/** The percentage of `all` strictly below d, counted one by one. */
const directPercent = (all: number[], d: number) => (100 * all.filter((x) => x < d).length) / all.length;

describe('the distances between two lines of the corpus', () => {
  it('reads every non-empty line as a sentence, without the "+" that continues a dialogue', () => {
    expect(corpusSentences('hi boris? hello.\n  + why? i am boris.\n\n~~\nfrogs!')).toEqual([
      ['hi', 'boris', '?', 'hello', '.'],
      ['why', '?', 'i', 'am', 'boris', '.'],
      ['frogs', '!'],
    ]);
  });

  it('measures every pair of a small corpus; the percentile equals a direct count over the sentences fed as Compare feeds them', () => {
    const lines = ['who are you?', 'i am good', 'do you like frogs?', 'frogs are very nice', 'hello friend', 'hi friend', 'what is your favourite thing?'];
    for (const metric of ['euclidean', 'cosine'] as const) {
      const scale = lineDistanceScale(boris.weights, boris.vocabulary, corpusSentences(lines.join('\n')), metric);
      expect(scale.allPairs).toBe(true);
      expect(scale.pairs).toBe(21);
      const finals = lines.map((line) => contextPath(boris.weights, boris.vocabulary, line).contexts.at(-1)!);
      const all: number[] = [];
      for (let i = 0; i < lines.length; i++) for (let j = i + 1; j < lines.length; j++) all.push(distance(finals[i], finals[j], metric));
      expect(Array.from(scale.sorted)).toEqual([...all].sort((a, b) => a - b));
      const probe = [0, all[3], all[3] + 1e-12, Math.max(...all) * 2, ...all.map((d) => d * 0.97)];
      for (const d of probe) expect(percentBelow(scale, d)).toBe(directPercent(all, d));
      expect(percentBelow(scale, Math.max(...all) * 2)).toBe(100);
      expect(percentBelow(scale, 0)).toBe(0);
    }
  });

  it("samples a large corpus's lines and pairs with a fixed seed, within the budgets: the same pairs every time, the percentile a direct count over them", () => {
    const all = corpusSentences(corpus);
    expect(all.length).toBeGreaterThan(1000);
    const [budget, lineBudget] = [3000, 300];
    const scale = lineDistanceScale(boris.weights, boris.vocabulary, all, 'euclidean', budget, 7, lineBudget);
    expect(scale.allPairs).toBe(false);
    expect(scale.pairs).toBe(budget);
    expect(scale.lines).toBe(all.length);
    expect(scale.linesMeasured).toBe(lineBudget);
    expect(Array.from(lineDistanceScale(boris.weights, boris.vocabulary, all, 'euclidean', budget, 7, lineBudget).sorted)).toEqual(Array.from(scale.sorted));
    // The same lines and pairs drawn directly: different lines each time, each fed as a sentence.
    const rng = createRng(7);
    const lines = sampleLines(all, lineBudget, rng);
    expect(new Set(lines).size).toBe(lineBudget);
    const direct: number[] = [];
    for (let k = 0; k < budget; k++) {
      const i = rng.below(lines.length);
      let j = rng.below(lines.length - 1);
      if (j >= i) j++;
      expect(j).not.toBe(i);
      const [a, b] = [i, j].map((n) => contextPath(boris.weights, boris.vocabulary, lines[n].join(' ')).contexts.at(-1)!);
      direct.push(distance(a, b));
    }
    const d = distance(contextPath(boris.weights, boris.vocabulary, 'i am good').contexts.at(-1)!, contextPath(boris.weights, boris.vocabulary, 'frogs are very nice').contexts.at(-1)!);
    expect(percentBelow(scale, d)).toBe(directPercent(direct, d));
    expect(percentBelow(scale, d)).toBeGreaterThan(0);
    expect(percentBelow(scale, d)).toBeLessThan(100);
  });

  it('needs two lines', () => {
    expectSlmError(() => lineDistanceScale(boris.weights, boris.vocabulary, [['hi']]), 'input', /at least two lines/);
  });
});

describe('the distanceScale request', () => {
  beforeAll(async () => {
    await ask({ type: 'open', source: { kind: 'bundled' } });
  });

  it("answers each distance's percentile on the open model's corpus, as the engine measures it, per metric", async () => {
    for (const metric of ['euclidean', 'cosine'] as const) {
      const scale = lineDistanceScale(boris.weights, boris.vocabulary, corpusSentences(corpus), metric);
      const distances = [0, scale.sorted[100], scale.sorted[scale.sorted.length >> 1], 1e9];
      const result = await ask({ type: 'distanceScale', distances, metric });
      expect(result.percentBelow).toEqual(distances.map((d) => percentBelow(scale, d)));
      expect(result.pairs).toBe(scale.pairs);
      expect(result.lines).toBe(scale.lines);
      expect(result.linesMeasured).toBe(scale.linesMeasured);
      expect(result.allPairs).toBe(false);
      expect(result.percentBelow[0]).toBe(0);
      expect(result.percentBelow[3]).toBe(100);
    }
    expect((await askError({ type: 'distanceScale', distances: [-1], metric: 'euclidean' })).kind).toBe('protocol');
  });

  it('measures again after the weights change', async () => {
    const before = await ask({ type: 'distanceScale', distances: [1], metric: 'euclidean' });
    await ask({ type: 'setWeights', edits: [{ matrix: 'w1', row: 0, column: 0, value: 5 }] });
    const after = await ask({ type: 'distanceScale', distances: [1], metric: 'euclidean' });
    expect(after.median).not.toBe(before.median);
    await ask({ type: 'resetWeights' });
    expect((await ask({ type: 'distanceScale', distances: [1], metric: 'euclidean' })).median).toBe(before.median);
  });
});
