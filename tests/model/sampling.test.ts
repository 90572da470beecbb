import { describe, expect, it } from 'vitest';
import { createRng } from '../../src-main/model/network/rng.ts';
import { sampleToken } from '../../src-main/model/network/sampling.ts';
import { testRandom } from '../helpers.ts';
import { softmax } from '../reference/naive.ts';

describe('sampling and the seeded rng', () => {
  it('the same seed gives the same sequence, a different seed a different one', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const sa = Array.from({ length: 200 }, () => a.next());
    const sb = Array.from({ length: 200 }, () => b.next());
    const sc = Array.from({ length: 200 }, () => c.next());
    expect(sa).toEqual(sb);
    expect(sa).not.toEqual(sc);
    expect(sa.filter((x, i) => x === sc[i]).length).toBe(0);
    for (const x of [...sa, ...sc]) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
    // Roughly uniform.
    const mean = sa.reduce((s, x) => s + x, 0) / sa.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.1);
    const r = createRng(5);
    for (let i = 0; i < 1000; i++) {
      const k = r.below(7);
      expect(Number.isInteger(k) && k >= 0 && k < 7).toBe(true);
    }
  });

  it('temperature 0 takes the most likely token, whatever the rng', () => {
    const random = testRandom(99);
    for (let trial = 0; trial < 50; trial++) {
      const probs = softmax(Array.from({ length: 9 }, () => random() * 6));
      let expected = 0;
      for (let k = 1; k < probs.length; k++) if (probs[k] > probs[expected]) expected = k;
      expect(sampleToken(probs, { temperature: 0, rng: createRng(trial) })).toBe(expected);
      expect(sampleToken(probs, { temperature: 0, rng: createRng(trial + 1000), topK: 3 })).toBe(expected);
    }
    expect(sampleToken([0.2, 0.4, 0.4], { temperature: 0, rng: createRng(1) })).toBe(1);
  });

  it('samples in proportion to the probabilities without top-k', () => {
    const probs = [0.05, 0.3, 0.1, 0.25, 0.2, 0.1];
    const rng = createRng(2024);
    const counts = new Array<number>(probs.length).fill(0);
    const draws = 20000;
    for (let i = 0; i < draws; i++) counts[sampleToken(probs, { temperature: 1, rng })]++;
    counts.forEach((count, k) => expect(Math.abs(count / draws - probs[k])).toBeLessThan(0.02));
  });

  it('top-k never picks outside the k most likely, and renormalises among them', () => {
    const probs = [0.05, 0.3, 0.1, 0.25, 0.2, 0.1];
    const allowed = [1, 3, 4];
    const rng = createRng(7);
    const counts = new Array<number>(probs.length).fill(0);
    const draws = 20000;
    for (let i = 0; i < draws; i++) counts[sampleToken(probs, { temperature: 0.5, topK: 3, rng })]++;
    counts.forEach((count, k) => {
      if (!allowed.includes(k)) expect(count).toBe(0);
    });
    for (const k of allowed) expect(Math.abs(counts[k] / draws - probs[k] / 0.75)).toBeLessThan(0.02);
    // k = 1 is the most likely token every time.
    const one = createRng(8);
    for (let i = 0; i < 500; i++) expect(sampleToken(probs, { temperature: 1, topK: 1, rng: one })).toBe(1);
    // k larger than the vocabulary means all tokens.
    const big = createRng(9);
    const seen = new Set<number>();
    for (let i = 0; i < 5000; i++) seen.add(sampleToken(probs, { temperature: 1, topK: 100, rng: big }));
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('the same seed gives the same samples', () => {
    const probs = [0.1, 0.2, 0.3, 0.4];
    const draw = (seed: number) => {
      const rng = createRng(seed);
      return Array.from({ length: 300 }, () => sampleToken(probs, { temperature: 1, topK: 3, rng }));
    };
    expect(draw(5)).toEqual(draw(5));
    expect(draw(5)).not.toEqual(draw(6));
  });
});
