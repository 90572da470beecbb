import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createWeights } from '../../src-main/model/network/network.ts';
import { type ModelInfo, type WeightName, matrixShape } from '../../src-main/service/protocol.ts';
import { activationColour } from '../../src-renderer/lib/colours.ts';
import { colourReach, describeCell, fitCell, heatmapSpec, isKnockedOut, largestMagnitude, weightColour } from '../../src-renderer/lib/weightMaps.ts';
import { randomWeights } from '../helpers.ts';

const NAMES: WeightName[] = ['w0', 'w1', 'w2'];
const VOCABULARY = ['', '-', 'i', 'am', 'boris', '.', 'frogs'];

/** The red and blue channels of an `rgb(r, g, b)` colour. */
function redAndBlue(colour: string): [number, number] {
  const [r, , b] = colour.match(/\d+/g)!.map(Number);
  return [r, b];
}

function modelInfo(embedding: number, vocabulary: string[], seed: number): ModelInfo {
  const w = randomWeights(embedding, vocabulary.length, seed);
  return {
    name: 'Test',
    storedId: null,
    embeddingSize: embedding,
    tokens: vocabulary,
    defaultTemperature: 0.5,
    weights: { w0: Array.from(w.w0), w1: Array.from(w.w1), w2: Array.from(w.w2) },
    edited: false,
    training: null,
  };
}

describe('weight matrices as heatmaps (weightMaps)', () => {
  it("gives each matrix the shape of the model's own row-major layout", () => {
    for (const [E, V] of [
      [1, 3],
      [4, 7],
      [10, 52],
    ]) {
      const weights = createWeights(E, V);
      for (const name of NAMES) {
        const [rows, columns] = matrixShape(name, E, V);
        expect(rows * columns).toBe(weights[name].length);
      }
      expect(matrixShape('w0', E, V)).toEqual([E, V]);
      expect(matrixShape('w1', E, V)).toEqual([E, 2 * E]);
      expect(matrixShape('w2', E, V)).toEqual([V, E]);
    }
  });

  it('labels every drawn row and column; W2 is drawn turned so a token has the same column as in W0', () => {
    const E = 3;
    const specs = Object.fromEntries(NAMES.map((name) => [name, heatmapSpec(name, E, VOCABULARY)]));
    for (const name of NAMES) {
      const spec = specs[name];
      expect([spec.rows, spec.columns]).toEqual(matrixShape(name, E, VOCABULARY.length));
      const [drawnRows, drawnColumns] = spec.turned ? [spec.columns, spec.rows] : [spec.rows, spec.columns];
      expect(spec.rowLabels.length).toBe(drawnRows);
      expect(spec.columnLabels.length).toBe(drawnColumns);
      // Every label says something: the boundary ("" in the vocabulary) gets a visible mark.
      for (const label of [...spec.rowLabels, ...spec.columnLabels]) expect(label.trim()).not.toBe('');
      expect(new Set(spec.columnLabels).size).toBe(spec.columnLabels.length);
      expect(spec.title).toContain(name.toUpperCase());
    }
    expect(specs.w0.turned).toBe(false);
    expect(specs.w1.turned).toBe(false);
    expect(specs.w2.turned).toBe(true);
    expect(specs.w2.columnLabels).toEqual(specs.w0.columnLabels);
    expect(specs.w2.rowLabels).toEqual(specs.w0.rowLabels);
    expect(specs.w0.columnLabels.slice(1)).toEqual(VOCABULARY.slice(1));
    // W1's inputs: h1's units, then the previous context's.
    expect(specs.w1.columnLabels.slice(0, E).every((label) => label.includes('h1'))).toBe(true);
    expect(specs.w1.columnLabels.slice(E).every((label) => !label.includes('h1'))).toBe(true);
  });

  it('describes what a cell connects, naming its units and tokens', () => {
    const E = 3;
    expect(describeCell('w0', 2, 4, VOCABULARY, E)).toMatch(/boris.*h1 unit 2/);
    expect(describeCell('w1', 1, 0, VOCABULARY, E)).toMatch(/h1 unit 0.*context unit 1/);
    expect(describeCell('w1', 1, E + 2, VOCABULARY, E)).toMatch(/previous context unit 2.*context unit 1/);
    expect(describeCell('w2', 6, 2, VOCABULARY, E)).toMatch(/context unit 2.*frogs/);
    // The boundary is named, not shown as an empty token.
    for (const text of [describeCell('w0', 0, 0, VOCABULARY, E), describeCell('w2', 0, 1, VOCABULARY, E)]) {
      expect(text).not.toMatch(/“”|""/);
      expect(text).toMatch(/boundary|¶|line start/);
    }
  });

  it('finds the largest |weight|, whatever its sign', () => {
    expect(largestMagnitude([0.5, -3, 2])).toBe(3);
    expect(largestMagnitude(Float64Array.from([0.25, 0.125]))).toBe(0.25);
    expect(largestMagnitude([])).toBe(0);
  });

  it('reaches the colour scale to the 98th percentile of |weight|, so one outlier does not wash the rest out', () => {
    const many = Array.from({ length: 200 }, (_, i) => (i % 2 ? 1 : -1) * (0.5 + (i % 10) / 20));
    const withOutlier = [...many, 50];
    expect(colourReach(withOutlier)).toBeLessThanOrEqual(largestMagnitude(many));
    expect(colourReach(withOutlier)).toBeGreaterThan(0.5);
    // Equal magnitudes reach exactly that far; a few values reach the largest.
    expect(colourReach([-2, 2, 2, -2])).toBe(2);
    expect(colourReach([0.1, -0.7, 0.3])).toBe(0.7);
    // Mostly zeros: the reach is still the weights that are there, never 0.
    const sparse = new Array<number>(300).fill(0);
    sparse[7] = -0.4;
    expect(colourReach(sparse)).toBe(0.4);
    expect(colourReach([])).toBe(0);
    expect(colourReach([0, 0])).toBe(0);
  });

  it("the colour scale's reach is the sorted magnitudes' 98th-percentile entry (or the largest, when that is 0), found without sorting", () => {
    const bySorting = (values: number[]) => {
      const sorted = values.map(Math.abs).sort((a, b) => a - b);
      return sorted[Math.min(sorted.length - 1, Math.floor(0.98 * sorted.length))] || sorted[sorted.length - 1];
    };
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constant(0), fc.double({ min: -50, max: 50, noNaN: true })), { minLength: 1, maxLength: 400 }), (values) => {
        expect(colourReach(values)).toBe(bySorting(values));
      }),
      { seed: 20261207, numRuns: 300 },
    );
  });

  it('colours a weight on the one diverging scale: 0 neutral, sign by hue, clamped beyond the reach', () => {
    const neutral = activationColour(0);
    expect(weightColour(0, 2)).toBe(neutral);
    expect(weightColour(1.5, 0)).toBe(neutral);
    expect(weightColour(2, 2)).toBe(activationColour(1));
    expect(weightColour(-2, 2)).toBe(activationColour(-1));
    expect(weightColour(9, 2)).toBe(weightColour(2, 2));
    expect(weightColour(-9, 2)).toBe(weightColour(-2, 2));
    expect(weightColour(1, 2)).toBe(weightColour(0.5, 1));
    // Orange for positive, purple for negative, the stronger the further from 0.
    const [pr, pb] = redAndBlue(weightColour(1.5, 2));
    const [nr, nb] = redAndBlue(weightColour(-1.5, 2));
    expect(pr).toBeGreaterThan(pb);
    expect(nb).toBeGreaterThan(nr);
    const lightness = (colour: string) => colour.match(/\d+/g)!.map(Number).reduce((a, b) => a + b, 0);
    expect(lightness(weightColour(1.8, 2))).toBeLessThan(lightness(weightColour(0.4, 2)));
    expect(lightness(weightColour(-1.8, 2))).toBeLessThan(lightness(weightColour(-0.4, 2)));
  });

  it('knows a unit is knocked out when its incoming row is all zeros, and only then', () => {
    const E = 4;
    const V = VOCABULARY.length;
    const model = modelInfo(E, VOCABULARY, 3);
    for (let unit = 0; unit < E; unit++) {
      expect(isKnockedOut(model, 'h1', unit)).toBe(false);
      expect(isKnockedOut(model, 'h2', unit)).toBe(false);
    }
    // Knock out h1 unit 1 (its W0 row) and h2 unit 2 (its W1 row).
    model.weights.w0.fill(0, 1 * V, 2 * V);
    model.weights.w1.fill(0, 2 * 2 * E, 3 * 2 * E);
    expect(range(E).filter((u) => isKnockedOut(model, 'h1', u))).toEqual([1]);
    expect(range(E).filter((u) => isKnockedOut(model, 'h2', u))).toEqual([2]);
    // One weight left in the row brings the unit back.
    model.weights.w1[2 * 2 * E + 2 * E - 1] = 0.01;
    expect(isKnockedOut(model, 'h2', 2)).toBe(false);
  });

  it('fits as many cells as it can in a width, within its bounds', () => {
    for (const width of [200, 480, 960]) {
      let previous = Infinity;
      for (const columns of [1, 5, 12, 40, 120, 400]) {
        const cell = fitCell(width, columns);
        expect(Number.isInteger(cell)).toBe(true);
        expect(cell).toBeGreaterThanOrEqual(4);
        expect(cell).toBeLessThanOrEqual(16);
        expect(cell).toBeLessThanOrEqual(previous);
        if (cell > 4) expect(40 + columns * cell).toBeLessThanOrEqual(width);
        previous = cell;
      }
    }
    expect(fitCell(300, 50, 20, 2, 30)).toBe(5);
    expect(fitCell(10_000, 3, 40, 4, 16)).toBe(16);
    expect(fitCell(100, 500, 40, 3, 16)).toBe(3);
  });
});

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
