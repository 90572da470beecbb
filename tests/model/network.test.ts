import { describe, expect, it } from 'vitest';
import { run, step } from '../../src-main/model/network/network.ts';
import { argmax } from '../../src-main/model/network/sampling.ts';
import { expectClose, randomWeights, testRandom } from '../helpers.ts';
import { naiveModel, naiveRun, naiveStep, softmax } from '../reference/naive.ts';
import { WORDS } from './words.ts';

describe('network', () => {
  const E = 5;
  const V = WORDS.length;
  const weights = randomWeights(E, V, 11, 1.5);
  const net = naiveModel(weights);

  it('step equals the naive one-hot reference for every token and a non-zero context', () => {
    const random = testRandom(3);
    for (let token = 0; token < V; token++) {
      const c = Array.from({ length: E }, () => random() * 2 - 1);
      const actual = step(weights, token, Float64Array.from(c));
      const expected = naiveStep(net, token, c);
      expect(actual.row).toBe(token);
      expectClose(actual.h1, expected.h1, 1e-12);
      expectClose(actual.h2, expected.h2, 1e-12);
      expectClose(actual.probs, expected.probs, 1e-12);
    }
  });

  it('run equals the naive reference over a sequence, from zeros and from a given context', () => {
    const tokens = [0, 6, 7, 8, 9, 2, 3, 4, 5, 1, 1, 10];
    const steps = run(weights, tokens);
    const expected = naiveRun(net, tokens);
    expect(steps.length).toBe(tokens.length);
    steps.forEach((s, i) => {
      expect(s.row).toBe(tokens[i]);
      expectClose(s.h1, expected[i].h1, 1e-12);
      expectClose(s.h2, expected[i].h2, 1e-12);
      expectClose(s.probs, expected[i].probs, 1e-12);
    });
    const start = [0.3, -0.2, 0.9, -0.99, 0];
    const fromStart = run(weights, tokens, Float64Array.from(start));
    const expectedFromStart = naiveRun(net, tokens, start);
    fromStart.forEach((s, i) => expectClose(s.h2, expectedFromStart[i].h2, 1e-12));
    // The context really matters: a different start gives a different first context.
    expect(Math.abs(fromStart[0].h2[0] - steps[0].h2[0])).toBeGreaterThan(1e-6);
  });

  it('probabilities at temperature T are softmax(logits / T); T = 0 gives the T = 1 distribution', () => {
    const c = [0.1, -0.4, 0.2, 0.7, -0.3];
    for (const token of [0, 4, 9]) {
      const base = naiveStep(net, token, c);
      for (const T of [0.1, 0.5, 1, 2, 7.5]) {
        const actual = step(weights, token, Float64Array.from(c), T).probs;
        expectClose(actual, softmax(base.logits.map((l) => l / T)), 1e-12);
        expect(actual.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      }
      const atZero = step(weights, token, Float64Array.from(c), 0).probs;
      const atOne = step(weights, token, Float64Array.from(c), 1).probs;
      expect(Array.from(atZero)).toEqual(Array.from(atOne));
      expectClose(atZero, base.probs, 1e-12);
    }
    // A lower temperature sharpens: the most likely token gets more probability.
    const top = argmax(naiveStep(net, 3, c).probs);
    expect(step(weights, 3, Float64Array.from(c), 0.3).probs[top]).toBeGreaterThan(
      step(weights, 3, Float64Array.from(c), 1).probs[top],
    );
  });

  it('does not change the context it is given', () => {
    const c = Float64Array.from([0.1, 0.2, 0.3, 0.4, 0.5]);
    const copy = c.slice();
    step(weights, 4, c);
    run(weights, [1, 2, 3], c);
    expect(Array.from(c)).toEqual(Array.from(copy));
  });
});
