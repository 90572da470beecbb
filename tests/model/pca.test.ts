import { describe, expect, it } from 'vitest';
import { fitPca, project, symmetricEigen } from '../../src-main/model/geometry/pca.ts';
import { expectClose, expectSlmError, testRandom } from '../helpers.ts';

describe('pca', () => {
  function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  }

  function normalize(v: number[]): number[] {
    const n = Math.sqrt(dot(v, v));
    return v.map((x) => x / n);
  }

  function cross(a: number[], b: number[]): number[] {
    return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
  }

  /**
   * Points spread mostly along `major`, less along `minor`, least along the third axis. Each random
   * draw is used with all eight sign combinations, so the sample covariance is exactly diagonal in
   * that basis and the principal axes are known exactly.
   */
  function stretched(major: number[], minor: number[], n: number, seed: number): number[][] {
    const random = testRandom(seed);
    const third = normalize(cross(major, minor));
    const centre = [3, -2, 5];
    const points: number[][] = [];
    for (let i = 0; i < n; i++) {
      const a = 5 + random() * 5;
      const b = 0.5 + random() * 1.5;
      const c = random() * 0.1;
      for (const sa of [1, -1]) {
        for (const sb of [1, -1]) {
          for (const sc of [1, -1]) {
            points.push(centre.map((m, j) => m + sa * a * major[j] + sb * b * minor[j] + sc * c * third[j]));
          }
        }
      }
    }
    return points;
  }

  it('finds the direction the data is stretched along, with a deterministic sign', () => {
    const major = normalize([1, 2, -3]);
    const minor = normalize([-3, 0, -1]); // orthogonal to major
    const points = stretched(major, minor, 50, 17);
    const pca = fitPca(points, 2);
    expect(pca.components.length).toBe(2);
    expect(Math.abs(dot(pca.components[0], major))).toBeCloseTo(1, 10);
    expect(Math.abs(dot(pca.components[1], minor))).toBeCloseTo(1, 10);
    for (const axis of pca.components) {
      expect(dot(axis, axis)).toBeCloseTo(1, 12);
      let largest = 0;
      for (let j = 1; j < axis.length; j++) if (Math.abs(axis[j]) > Math.abs(axis[largest])) largest = j;
      expect(axis[largest]).toBeGreaterThan(0);
    }
    expect(Math.abs(dot(pca.components[0], pca.components[1]))).toBeLessThan(1e-10);
    // Same data, same answer; mirrored data, the same axes (signs are fixed, not inherited).
    expect(fitPca(points, 2).components.map((c) => Array.from(c))).toEqual(pca.components.map((c) => Array.from(c)));
    const mirrored = fitPca(
      points.map((p) => p.map((x) => -x)),
      2,
    );
    mirrored.components.forEach((c, i) => expectClose(c, pca.components[i], 1e-9));
    // The mean is the mean; projecting it gives the origin.
    const mean = [0, 1, 2].map((j) => points.reduce((s, p) => s + p[j], 0) / points.length);
    expectClose(pca.mean, mean, 1e-10);
    expectClose(project(pca, mean), [0, 0], 1e-10);
    const p0 = project(pca, points[0]);
    expect(p0[0]).toBeCloseTo(dot(pca.components[0], points[0].map((x, j) => x - mean[j])), 10);
  });

  it('fixes every axis sign so that its largest entry is positive, for many data sets', () => {
    const random = testRandom(61);
    for (let trial = 0; trial < 40; trial++) {
      const major = normalize([random() * 2 - 1, random() * 2 - 1, random() * 2 - 1]);
      const minor = normalize(cross(major, [random() * 2 - 1, random() * 2 - 1, random() * 2 - 1]));
      const pca = fitPca(stretched(major, minor, 3, trial), 3);
      expect(Math.abs(dot(pca.components[0], major))).toBeCloseTo(1, 8);
      for (const axis of pca.components) {
        const magnitudes = Array.from(axis, Math.abs);
        const largest = magnitudes.indexOf(Math.max(...magnitudes));
        const sorted = [...magnitudes].sort((a, b) => b - a);
        if (sorted[0] - sorted[1] > 1e-6) expect(axis[largest]).toBeGreaterThan(0);
      }
    }
  });

  it('explained variance matches closed-form eigenvalues in 2-D and sums to at most 1', () => {
    const random = testRandom(23);
    const points = Array.from({ length: 60 }, () => {
      const a = random() * 4 - 2;
      const b = random() * 2 - 1;
      return [a + 0.5 * b, 0.8 * a - b];
    });
    const n = points.length;
    const mx = points.reduce((s, p) => s + p[0], 0) / n;
    const my = points.reduce((s, p) => s + p[1], 0) / n;
    const sxx = points.reduce((s, p) => s + (p[0] - mx) ** 2, 0) / n;
    const syy = points.reduce((s, p) => s + (p[1] - my) ** 2, 0) / n;
    const sxy = points.reduce((s, p) => s + (p[0] - mx) * (p[1] - my), 0) / n;
    const half = (sxx + syy) / 2;
    const radius = Math.sqrt(((sxx - syy) / 2) ** 2 + sxy * sxy);
    const l1 = half + radius;
    const l2 = half - radius;
    const pca = fitPca(points, 2);
    expectClose(pca.explainedVariance, [l1 / (l1 + l2), l2 / (l1 + l2)], 1e-12);
    expect(pca.explainedVariance.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1 + 1e-12);
    // Closed-form eigenvector of the largest eigenvalue: (sxy, l1 - sxx).
    const v = normalize([sxy, l1 - sxx]);
    expect(Math.abs(dot(pca.components[0], v))).toBeCloseTo(1, 12);

    const three = stretched(normalize([1, 1, 0]), normalize([1, -1, 1]), 20, 5);
    const one = fitPca(three, 1);
    expect(one.components.length).toBe(1);
    const total = fitPca(three, 3).explainedVariance.reduce((a, b) => a + b, 0);
    expect(total).toBeCloseTo(1, 12);
    expect(fitPca(three, 2).explainedVariance.reduce((a, b) => a + b, 0)).toBeLessThan(1);
    expectSlmError(() => fitPca([], 2), 'input');
  });

  it('is scale invariant: data scaled by 1e-9 gives the same axes', () => {
    // pca.ts symmetricEigen stops when the sum of squared off-diagonal entries is below 1e-30, an
    // absolute threshold: a covariance whose entries are around 1e-18 is returned unrotated, so the
    // "principal axes" are the coordinate axes and the explained variance is wrong.
    const points = [
      [1, 1],
      [2, 2.1],
      [3, 2.9],
      [4, 4.2],
    ];
    const big = fitPca(points, 2);
    const small = fitPca(
      points.map((p) => p.map((x) => x * 1e-9)),
      2,
    );
    expect(Math.abs(dot(big.components[0], [Math.SQRT1_2, Math.SQRT1_2]))).toBeGreaterThan(0.99);
    small.components.forEach((c, i) => expectClose(c, big.components[i], 1e-6));
    expectClose(small.explainedVariance, big.explainedVariance, 1e-6);
  });

  it('symmetricEigen reconstructs A = V diag(l) V^T and its values match a closed form in 3-D', () => {
    for (const n of [2, 3, 5, 8]) {
      const random = testRandom(100 + n);
      const a = Array.from({ length: n }, () => new Float64Array(n));
      for (let i = 0; i < n; i++) {
        for (let j = i; j < n; j++) {
          const x = random() * 4 - 2;
          a[i][j] = x;
          a[j][i] = x;
        }
      }
      const { values, vectors } = symmetricEigen(a);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          let sum = 0;
          let identity = 0;
          for (let k = 0; k < n; k++) {
            sum += vectors[i][k] * values[k] * vectors[j][k];
            identity += vectors[k][i] * vectors[k][j];
          }
          expect(Math.abs(sum - a[i][j])).toBeLessThan(1e-10);
          expect(Math.abs(identity - (i === j ? 1 : 0))).toBeLessThan(1e-10);
        }
      }
      // The trace is the sum of the eigenvalues.
      const trace = a.reduce((s, row, i) => s + row[i], 0);
      expect(values.reduce((s, v) => s + v, 0)).toBeCloseTo(trace, 10);
      if (n === 3) {
        // Closed form for a symmetric 3 x 3 matrix (trigonometric solution of the characteristic cubic).
        const q = trace / 3;
        const p1 = a[0][1] ** 2 + a[0][2] ** 2 + a[1][2] ** 2;
        const p2 = (a[0][0] - q) ** 2 + (a[1][1] - q) ** 2 + (a[2][2] - q) ** 2 + 2 * p1;
        const p = Math.sqrt(p2 / 6);
        const b = a.map((row, i) => Array.from(row, (x, j) => (x - (i === j ? q : 0)) / p));
        const detB =
          b[0][0] * (b[1][1] * b[2][2] - b[1][2] * b[2][1]) -
          b[0][1] * (b[1][0] * b[2][2] - b[1][2] * b[2][0]) +
          b[0][2] * (b[1][0] * b[2][1] - b[1][1] * b[2][0]);
        const phi = Math.acos(Math.max(-1, Math.min(1, detB / 2))) / 3;
        const e1 = q + 2 * p * Math.cos(phi);
        const e3 = q + 2 * p * Math.cos(phi + (2 * Math.PI) / 3);
        const e2 = 3 * q - e1 - e3;
        expectClose(
          [...values].sort((x, y) => y - x),
          [e1, e2, e3],
          1e-10,
        );
      }
    }
  });
});
