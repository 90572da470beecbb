import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { lossAndGradient } from '../src-main/model/explanations/explain.ts';
import { gaussLegendre } from '../src-main/model/explanations/gaussLegendre.ts';
import { KernelPath, MAX_PANEL_ORDER } from '../src-main/model/kernel/integratedPath.ts';
import { randomWeights, testRandom } from './helpers.ts';

/**
 * The integrated-gradient kernel against explain.ts's plain passes (Math.tanh, JavaScript): L(alpha)
 * with every h1 scaled by alpha, and a panel's per-step shares h1_s . sum_i w_i g_s(alpha_i h1).
 */
describe('the integrated-gradient path kernel', () => {
  const shape = fc.record({
    E: fc.integer({ min: 1, max: 9 }),
    V: fc.integer({ min: 2, max: 11 }),
    steps: fc.integer({ min: 1, max: 7 }),
    order: fc.integer({ min: 1, max: 8 }),
    seed: fc.integer({ min: 1, max: 1_000_000 }),
    withStart: fc.boolean(),
    targetShare: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
    a: fc.double({ min: 0, max: 0.9, noNaN: true }),
    width: fc.double({ min: 0.01, max: 1, noNaN: true }),
  });

  it('gives L(alpha) and every step\'s share of a panel as the plain passes do, for any sizes and target', () => {
    fc.assert(
      fc.property(shape, ({ E, V, steps, order, seed, withStart, targetShare, a, width }) => {
        const weights = randomWeights(E, V, seed, 2);
        const random = testRandom(seed + 1);
        const h1 = Float64Array.from({ length: steps * E }, () => 2 * random() - 1);
        const start = withStart ? Array.from({ length: E }, () => 2 * random() - 1) : undefined;
        const target = Math.floor(targetShare * V);
        const rule = gaussLegendre(order);
        const path = new KernelPath(weights, h1, target, start, rule);
        const scaled = (alpha: number) => h1.map((v) => v * alpha);
        for (const alpha of [0, 0.3, 1]) {
          expect(path.loss(alpha)).toBeCloseTo(lossAndGradient(weights, scaled(alpha), target, start).loss, 12);
        }
        const b = Math.min(1, a + width);
        const expected = new Float64Array(steps);
        for (let i = 0; i < order; i++) {
          const { gradients } = lossAndGradient(weights, scaled(a + (b - a) * rule.nodes[i]), target, start);
          for (let s = 0; s < steps; s++) {
            for (let j = 0; j < E; j++) expected[s] += (b - a) * rule.weights[i] * gradients[s * E + j] * h1[s * E + j];
          }
        }
        const { values, slope } = path.integrate(a, b);
        for (let s = 0; s < steps; s++) expect(values[s]).toBeCloseTo(expected[s], 11);
        expect(slope).toBeCloseTo(expected.reduce((sum, v) => sum + v, 0), 11);
      }),
      { numRuns: 150, seed: 13 },
    );
  });

  it('keeps each panel\'s shares apart: integrating one panel, then another, gives the second alone', () => {
    const weights = randomWeights(4, 6, 5);
    const h1 = Float64Array.from({ length: 12 }, (_, i) => Math.sin(i));
    const path = new KernelPath(weights, h1, 3, undefined, gaussLegendre(8));
    const alone = new KernelPath(weights, h1, 3, undefined, gaussLegendre(8)).integrate(0.5, 1);
    path.integrate(0, 0.5);
    expect(path.integrate(0.5, 1)).toEqual(alone);
  });

  it('refuses a rule with more points than the kernel holds', () => {
    expect(() => new KernelPath(randomWeights(3, 4, 1), new Float64Array(3), 0, undefined, gaussLegendre(MAX_PANEL_ORDER + 1))).toThrow(/at most 16 points/);
  });
});
