import { describe, expect, it } from 'vitest';
import { TOP_TOKENS, barRows, carryOpacity, edgeWidthScale, link, networkLayout } from '../../src-renderer/lib/networkLayout.ts';

/** Drawing sizes the network view meets: from a small window's panel to a large screen. */
const SIZES: [number, number][] = [
  // beside the reply tree (Explain on): the narrowest, at 1260 px, and at 1280 x 800
  [600, 400],
  [640, 420],
  [760, 420],
  [960, 600],
  [1280, 640],
  [1920, 900],
];
const UNITS = [1, 2, 4, 10, 16, 24];

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('the network view layout (networkLayout)', () => {
  it('keeps 60 px for the bars in a narrow drawing, and shortens the column headings there', () => {
    for (const width of [600, 640, 680]) {
      const g = networkLayout(width, 420, 16);
      expect(g.barsEnd - g.xBars - g.labelWidth).toBeGreaterThanOrEqual(60);
      expect(g.headings.h1).toBe('h1 · embedding');
    }
    expect(networkLayout(960, 600, 16).headings).toEqual({ h1: 'h1 · token embedding', c: 'c · context carried in', h2: 'h2 · new context' });
    // Where there is room, the layout is as it was: h2 at 360 px or the middle.
    expect(networkLayout(760, 420, 16).xH2).toBe(380);
    expect(networkLayout(680, 420, 16).xH2).toBe(360);
  });

  it('orders the columns left to right: token, h1 and context, h2, the bars, all inside the width', () => {
    for (const [width, height] of SIZES) {
      for (const E of UNITS) {
        const g = networkLayout(width, height, E);
        expect(g.xToken - g.tokenHalfWidth).toBeGreaterThanOrEqual(0);
        expect(g.xToken + g.tokenHalfWidth).toBeLessThan(g.xLeft - g.leftCell.w / 2);
        expect(g.xLeft + g.leftCell.w / 2).toBeLessThan(g.xH2 - g.h2Cell.w / 2);
        expect(g.xH2 + g.h2Cell.w / 2).toBeLessThan(g.xBars);
        // Room for the bars after their labels, and the bars end inside the drawing.
        expect(g.xBars + g.labelWidth).toBeLessThan(g.barsEnd);
        expect(g.barsEnd).toBeLessThanOrEqual(width);
      }
    }
  });

  it('stacks h1 above the context carried in, each unit below the one before, all inside the height', () => {
    for (const [width, height] of SIZES) {
      for (const E of UNITS) {
        const g = networkLayout(width, height, E);
        const h1 = range(E).map(g.yH1);
        const carried = range(E).map(g.yC);
        for (const ys of [h1, carried]) {
          for (let i = 1; i < E; i++) expect(ys[i] - ys[i - 1]).toBeGreaterThanOrEqual(g.leftCell.h);
        }
        // The carried-in context starts below the last h1 unit, a gap apart.
        expect(carried[0] - h1[E - 1]).toBeGreaterThanOrEqual(g.leftCell.h + g.gap);
        expect(h1[0] - g.leftCell.h / 2).toBeGreaterThanOrEqual(0);
        expect(carried[E - 1] + g.leftCell.h / 2).toBeLessThanOrEqual(height);
        // The input token sits level with the h1 units it lights up.
        expect(g.yToken).toBeGreaterThanOrEqual(h1[0]);
        expect(g.yToken).toBeLessThanOrEqual(h1[E - 1] + g.leftCell.h);
      }
    }
  });

  it('spreads the h2 units down the same height, in order, without overlapping', () => {
    for (const [width, height] of SIZES) {
      for (const E of UNITS) {
        const g = networkLayout(width, height, E);
        const h2 = range(E).map(g.yH2);
        for (let j = 1; j < E; j++) expect(h2[j] - h2[j - 1]).toBeGreaterThanOrEqual(g.h2Cell.h);
        expect(h2[0] - g.h2Cell.h / 2).toBeGreaterThanOrEqual(0);
        expect(h2[E - 1] + g.h2Cell.h / 2).toBeLessThanOrEqual(height);
        // The h2 column is centred on the column of h1 and the context carried in, which feed it.
        expect((h2[0] + h2[E - 1]) / 2).toBeCloseTo((g.yH1(0) + g.yC(E - 1)) / 2, 9);
      }
    }
  });

  it('gives each next-token bar its own row, the extra row for the token that followed included', () => {
    for (const [width, height] of SIZES) {
      const g = networkLayout(width, height, 10);
      const bars = range(TOP_TOKENS + 1).map(g.yBar);
      for (let rank = 1; rank < bars.length; rank++) expect(bars[rank]).toBeGreaterThan(bars[rank - 1]);
      expect(bars[0]).toBeGreaterThan(0);
      expect(bars[TOP_TOKENS]).toBeLessThan(height);
    }
  });

  it('draws a link as a horizontal S-curve from one point to the other', () => {
    const path = link(10, 20, 110, 80);
    const numbers = path.match(/-?\d+(\.\d+)?/g)!.map(Number);
    expect(path.startsWith('M')).toBe(true);
    expect(numbers.slice(0, 2)).toEqual([10, 20]);
    expect(numbers.slice(-2)).toEqual([110, 80]);
    // Its two control points leave and arrive level (horizontal tangents), between the ends.
    const [c1x, c1y, c2x, c2y] = numbers.slice(2, 6);
    expect([c1y, c2y]).toEqual([20, 80]);
    for (const x of [c1x, c2x]) {
      expect(x).toBeGreaterThan(10);
      expect(x).toBeLessThan(110);
    }
  });
});

describe('the next-token bars (barRows)', () => {
  const probs = [0.05, 0.3, 0.1, 0.25, 0.2, 0.1, 0, 0, 0];

  it('lists the most likely rows first, equal ones in vocabulary order', () => {
    expect(barRows(probs, null, 4)).toEqual([1, 3, 4, 2]);
    expect(barRows(probs, null, 6)).toEqual([1, 3, 4, 2, 5, 0]);
    expect(barRows(probs, null).length).toBe(TOP_TOKENS);
    expect(barRows([0.25, 0.25, 0.25, 0.25], null, 3)).toEqual([0, 1, 2]);
  });

  it('adds the row that followed when it ranks lower, once', () => {
    expect(barRows(probs, 8, 3)).toEqual([1, 3, 4, 8]);
    expect(barRows(probs, 3, 3)).toEqual([1, 3, 4]);
    expect(barRows(probs, 0, 3)).toEqual([1, 3, 4, 0]);
  });

  it('gives every row when asked for more than there are', () => {
    expect(barRows([0.5, 0.2, 0.3], null, 10)).toEqual([0, 2, 1]);
    expect(barRows([0.5, 0.2, 0.3], 1, 10)).toEqual([0, 2, 1]);
  });
});

describe('edges (edgeWidthScale, carryOpacity)', () => {
  it('makes an edge from thin (weight 0) to thick (the largest |weight| of its matrix, either sign)', () => {
    const width = edgeWidthScale([0.5, -2, 1]);
    expect(width(0)).toBeCloseTo(0.4, 12);
    expect(width(2)).toBeCloseTo(3, 12);
    expect(width(1)).toBeGreaterThan(width(0.5));
    expect(width(1)).toBeLessThan(width(2));
    // A matrix of zeros draws thin edges, not a division by zero.
    const flat = edgeWidthScale([0, 0, 0]);
    expect(flat(0)).toBeCloseTo(0.4, 12);
    expect(Number.isFinite(flat(0))).toBe(true);
  });

  it('makes an edge that carries more at this step more opaque, from nearly clear to nearly solid', () => {
    const shares = range(11).map((i) => i / 10);
    const opacities = shares.map(carryOpacity);
    for (let i = 1; i < opacities.length; i++) expect(opacities[i]).toBeGreaterThan(opacities[i - 1]);
    expect(opacities[0]).toBeGreaterThan(0);
    expect(opacities[0]).toBeLessThan(0.15);
    expect(opacities[10]).toBeGreaterThan(0.8);
    expect(opacities[10]).toBeLessThanOrEqual(1);
  });
});
