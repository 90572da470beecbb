import { describe, expect, it } from 'vitest';
import { frameAt, lerp, mix } from '../../src-renderer/lib/frame.ts';

/** A value a view draws at each step of a timeline, and what it draws at a clock position. */
const timeline = [0.5, -0.25, 0.9, 0.9, -1];
function drawnAt(position: number): number {
  const frame = frameAt(position, timeline.length)!;
  return lerp(timeline[frame.from], timeline[frame.to], frame.t);
}

describe('the clock between steps (frame)', () => {
  it('has no frame before the first step or on an empty timeline', () => {
    expect(frameAt(0, 0)).toBeNull();
    expect(frameAt(3, 0)).toBeNull();
    expect(frameAt(-0.01, 4)).toBeNull();
  });

  it('on a step, draws that step exactly', () => {
    timeline.forEach((value, step) => expect(drawnAt(step)).toBe(value));
    for (let step = 0; step < timeline.length - 1; step++) expect(frameAt(step, timeline.length)).toEqual({ from: step, to: step + 1, t: 0 });
  });

  it('between two steps, mixes the two in proportion to how far the clock has gone', () => {
    expect(frameAt(1.25, 5)).toEqual({ from: 1, to: 2, t: 0.25 });
    expect(drawnAt(0.5)).toBeCloseTo((0.5 + -0.25) / 2, 15);
    expect(drawnAt(1.75)).toBeCloseTo(-0.25 + 0.75 * (0.9 - -0.25), 15);
    // Every value drawn lies between its two steps' values, and moves steadily from one to the other.
    for (let step = 0; step < timeline.length - 1; step++) {
      const [a, b] = [timeline[step], timeline[step + 1]];
      let previous = a;
      for (let k = 1; k < 100; k++) {
        const value = drawnAt(step + k / 100);
        expect(value).toBeGreaterThanOrEqual(Math.min(a, b));
        expect(value).toBeLessThanOrEqual(Math.max(a, b));
        expect(Math.sign(value - previous) * Math.sign(b - a)).toBeGreaterThanOrEqual(0);
        previous = value;
      }
      // Just before the next step, the drawing is all but there: no jump when the clock reaches it.
      expect(Math.abs(drawnAt(step + 1 - 1e-9) - b)).toBeLessThan(1e-8);
    }
  });

  it('holds the last step when the clock runs past the end', () => {
    expect(frameAt(4, 5)).toEqual({ from: 4, to: 4, t: 0 });
    expect(frameAt(17.3, 5)).toEqual({ from: 4, to: 4, t: 0 });
    expect(drawnAt(99)).toBe(timeline.at(-1));
    expect(frameAt(0.7, 1)).toEqual({ from: 0, to: 0, t: 0 });
  });

  it('mixes vectors element by element, the first unchanged at t = 0 and the second reached at t = 1', () => {
    const a = [1, -1, 0, 0.5];
    const b = [-1, 1, 0.25, 0.5];
    expect(mix(a, b, 0)).toEqual(a);
    expect(mix(a, b, 1)).toEqual(b);
    expect(mix(a, b, 0.5)).toEqual([0, 0, 0.125, 0.5]);
    mix(a, b, 0.3).forEach((x, i) => expect(x).toBeCloseTo(lerp(a[i], b[i], 0.3), 15));
    // Neither input is changed.
    expect(a).toEqual([1, -1, 0, 0.5]);
    expect(b).toEqual([-1, 1, 0.25, 0.5]);
  });
});
