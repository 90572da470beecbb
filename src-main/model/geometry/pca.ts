import { inputError } from '../network/errors.ts';

export interface PrincipalAxes {
  mean: Float64Array;
  /** Principal axes, strongest first, each of unit length. */
  components: Float64Array[];
  /** Share of the total variance along each axis. */
  explainedVariance: number[];
}

/**
 * Principal component analysis of a set of vectors: the eigenvectors of their covariance, found by
 * the cyclic Jacobi method (exact enough for the tens of dimensions here). Each axis's sign is fixed
 * so that its largest entry is positive, so the same data always gives the same picture.
 */
export function fitPca(vectors: readonly ArrayLike<number>[], components = 2): PrincipalAxes {
  if (vectors.length === 0) throw inputError('a projection needs at least one vector');
  const d = vectors[0].length;
  const n = vectors.length;
  const mean = new Float64Array(d);
  for (const v of vectors) for (let j = 0; j < d; j++) mean[j] += v[j] / n;
  const cov = Array.from({ length: d }, () => new Float64Array(d));
  for (const v of vectors) {
    for (let i = 0; i < d; i++) {
      const di = v[i] - mean[i];
      for (let j = i; j < d; j++) cov[i][j] += (di * (v[j] - mean[j])) / n;
    }
  }
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) cov[i][j] = cov[j][i];
  const { values, vectors: axes } = symmetricEigen(cov);
  const order = values.map((_, i) => i).sort((a, b) => values[b] - values[a] || a - b);
  const total = values.reduce((sum, v) => sum + Math.max(0, v), 0);
  const k = Math.min(components, d);
  const chosen = order.slice(0, k).map((i) => {
    const axis = Float64Array.from({ length: d }, (_, j) => axes[j][i]);
    let largest = 0;
    for (let j = 1; j < d; j++) if (Math.abs(axis[j]) > Math.abs(axis[largest]) + 1e-12) largest = j;
    if (axis[largest] < 0) for (let j = 0; j < d; j++) axis[j] = -axis[j];
    return axis;
  });
  return {
    mean,
    components: chosen,
    explainedVariance: order.slice(0, k).map((i) => (total > 0 ? Math.max(0, values[i]) / total : 0)),
  };
}

export function project(projection: PrincipalAxes, vector: ArrayLike<number>): number[] {
  return projection.components.map((axis) => {
    let sum = 0;
    for (let j = 0; j < axis.length; j++) sum += axis[j] * (vector[j] - projection.mean[j]);
    return sum;
  });
}

/** Eigenvalues and eigenvectors (as columns) of a symmetric matrix, by cyclic Jacobi rotations. */
export function symmetricEigen(matrix: readonly Float64Array[]): { values: number[]; vectors: Float64Array[] } {
  const n = matrix.length;
  const a = matrix.map((row) => row.slice());
  const v = Array.from({ length: n }, (_, i) => {
    const row = new Float64Array(n);
    row[i] = 1;
    return row;
  });
  let scale = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) scale += a[i][j] * a[i][j];
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += a[i][j] * a[i][j];
    // Relative to the matrix's size, so that tiny-valued data is rotated as carefully as large.
    if (off <= 1e-30 * scale) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        if (a[p][q] === 0) continue;
        const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k][p];
          const akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p][k];
          const aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k][p];
          const vkq = v[k][q];
          v[k][p] = c * vkp - s * vkq;
          v[k][q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: a.map((row, i) => row[i]), vectors: v };
}
