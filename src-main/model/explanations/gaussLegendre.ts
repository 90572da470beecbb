/** Gauss-Legendre nodes and weights on [0, 1] with m points (Newton's method on P_m). */
export function gaussLegendre(m: number): { nodes: Float64Array; weights: Float64Array } {
  const nodes = new Float64Array(m);
  const weights = new Float64Array(m);
  for (let i = 0; i < Math.ceil(m / 2); i++) {
    let x = Math.cos((Math.PI * (i + 0.75)) / (m + 0.5));
    let derivative = 0;
    for (let iteration = 0; iteration < 100; iteration++) {
      let p0 = 1;
      let p1 = x;
      for (let n = 2; n <= m; n++) {
        const p2 = ((2 * n - 1) * x * p1 - (n - 1) * p0) / n;
        p0 = p1;
        p1 = p2;
      }
      derivative = (m * (x * p1 - p0)) / (x * x - 1);
      const dx = p1 / derivative;
      x -= dx;
      if (Math.abs(dx) < 1e-16) break;
    }
    const w = 2 / ((1 - x * x) * derivative * derivative);
    // Map [-1, 1] to [0, 1]: node (1 - x) / 2 ascending, weight halved.
    nodes[i] = (1 - x) / 2;
    nodes[m - 1 - i] = (1 + x) / 2;
    weights[i] = w / 2;
    weights[m - 1 - i] = w / 2;
  }
  return { nodes, weights };
}
