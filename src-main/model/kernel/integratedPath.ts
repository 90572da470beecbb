import { type Weights, inputShare, recurrentWeights } from '../network/network.ts';
import { INTEGRATED_PATH_WASM_BASE64 } from './integratedPathWasm.ts';
import { kernelInstance, reserveMemory } from './wasmInstance.ts';

/** The compiled path kernel's exports (see assembly/integratedPath.ts). */
interface PathExports {
  memory: WebAssembly.Memory;
  layout(embedding: number, vocabulary: number, steps: number): number;
  offset(which: number): number;
  loss(alpha: number, target: number): number;
  integratePanel(a: number, b: number, order: number, target: number): number;
}

/** The most points one panel's rule may have (the kernel's MAX_ORDER). */
export const MAX_PANEL_ORDER = 16;

/**
 * One text's integrated-gradient path (integratedGradients.ts states the maths), run by its own
 * WebAssembly kernel: the text's inputs u_s = W1[:, :E] . h1_s, W1's context half, W2, the starting
 * context and a quadrature rule on [0, 1] are written into the kernel's memory once; then each panel
 * of the rule is one call.
 */
export class KernelPath {
  readonly steps: number;

  private readonly kernel: PathExports;
  private readonly values: Float64Array;
  private readonly order: number;

  constructor(
    weights: Weights,
    h1: Float64Array,
    private readonly target: number,
    start: ArrayLike<number> | undefined,
    rule: { nodes: Float64Array; weights: Float64Array },
  ) {
    const E = weights.embeddingSize;
    const V = weights.vocabularySize;
    if (rule.nodes.length > MAX_PANEL_ORDER) throw new Error(`a panel's rule has at most ${MAX_PANEL_ORDER} points`);
    this.order = rule.nodes.length;
    this.steps = h1.length / E;
    this.kernel = kernelInstance(INTEGRATED_PATH_WASM_BASE64, 'integrated-gradient kernel') as unknown as PathExports;
    const buffer = reserveMemory(this.kernel.memory, this.kernel.layout(E, V, this.steps));
    const view = (which: number, length: number) => new Float64Array(buffer, this.kernel.offset(which), length);
    const inputs = view(0, h1.length);
    for (let s = 0; s < this.steps; s++) inputShare(weights, h1.subarray(s * E, (s + 1) * E), inputs.subarray(s * E, (s + 1) * E));
    view(1, E * E).set(recurrentWeights(weights));
    view(2, V * E).set(weights.w2);
    const context = view(3, E);
    for (let j = 0; j < E; j++) context[j] = start?.[j] ?? 0;
    this.values = view(4, this.steps);
    view(5, this.order).set(rule.nodes);
    view(6, this.order).set(rule.weights);
  }

  /** L(alpha): the target's log-probability with every input scaled by alpha. */
  loss(alpha: number): number {
    return this.kernel.loss(alpha, this.target);
  }

  /**
   * The rule on [a, b]: every step's share of the integrated gradient, u_s . (quadrature of d_s) (a
   * fresh array), and the quadrature of dL/dalpha.
   */
  integrate(a: number, b: number): { values: Float64Array; slope: number } {
    const slope = this.kernel.integratePanel(a, b, this.order, this.target);
    return { values: this.values.slice(), slope };
  }
}
