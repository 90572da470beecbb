/**
 * The reply tree (README.md, "Explanations"): the most likely ways a reply could go on from a context.
 *
 * A node's children are the next tokens with their probability under temperature T and top-k
 * (renormalised over the k kept), each with its path probability, the product of the probabilities
 * along the path from the root. A child is kept only while its path probability is at least the
 * threshold; a chosen boundary ends its branch; the tree goes at most `depth` tokens deep.
 * Temperature 0 is greedy decoding: one child, the most likely token, with probability 1.
 */
import { inputError } from './errors.ts';
import { type Weights, nextContext, nextTokenLogits, softmaxInPlace, tokenEmbedding } from './network.ts';
import { argmax, topRows } from './sampling.ts';
import { BOUNDARY } from './vocabulary.ts';

export interface ReplyTreeOptions {
  /** How many tokens deep (default 4). */
  depth?: number;
  /** 0 is greedy. */
  temperature: number;
  /** Keep only the k most likely tokens, renormalised; 0 keeps all. */
  topK?: number;
  /** Nodes whose path probability falls below this are left out (default 0.01). */
  minProbability?: number;
}

export const REPLY_TREE_DEFAULTS = { depth: 4, minProbability: 0.01 } as const;
export const MAX_TREE_DEPTH = 12;

export interface ReplyNode {
  row: number;
  /** Conditional probability given the path to the parent. */
  probability: number;
  /** Product of the probabilities from the root to this node. */
  pathProbability: number;
  children: ReplyNode[];
}

/**
 * The next-token choices from a distribution at temperature T with top-k, renormalised after top-k:
 * rows and probabilities, most likely first (earlier rows first on ties). Temperature 0 gives the
 * most likely row with probability 1.
 */
export function choices(logits: Float64Array, temperature: number, topK = 0): { row: number; probability: number }[] {
  if (!(temperature > 0)) return [{ row: argmax(logits), probability: 1 }];
  const probs = softmaxInPlace(logits.slice(), temperature);
  const k = topK > 0 ? Math.min(topK, probs.length) : probs.length;
  const rows = topRows(probs, k);
  let total = 0;
  for (const row of rows) total += probs[row];
  return rows.map((row) => ({ row, probability: probs[row] / total }));
}

/** The reply tree growing from `context` (the h2 the next token is predicted from). */
export function replyTree(weights: Weights, context: ArrayLike<number>, options: ReplyTreeOptions): ReplyNode[] {
  const depth = options.depth ?? REPLY_TREE_DEFAULTS.depth;
  const threshold = options.minProbability ?? REPLY_TREE_DEFAULTS.minProbability;
  const topK = options.topK ?? 0;
  if (!Number.isInteger(depth) || depth < 1 || depth > MAX_TREE_DEPTH) throw inputError(`the tree depth must be a whole number from 1 to ${MAX_TREE_DEPTH}, not ${depth}`);
  if (!(threshold > 0 && threshold <= 1)) throw inputError(`the smallest path probability must be above 0 and at most 1, not ${threshold}`);
  if (!(options.temperature >= 0) || !Number.isFinite(options.temperature)) throw inputError(`the temperature must be 0 or more, not ${options.temperature}`);
  if (!Number.isInteger(topK) || topK < 0) throw inputError(`top-k must be a whole number, 0 for all tokens, not ${topK}`);
  if (context.length !== weights.embedding) throw inputError(`the context must have ${weights.embedding} numbers (the model's E), not ${context.length}`);

  const grow = (from: Float64Array, pathProbability: number, level: number): ReplyNode[] => {
    const nodes: ReplyNode[] = [];
    for (const { row, probability } of choices(nextTokenLogits(weights, from), options.temperature, topK)) {
      const path = pathProbability * probability;
      // Choices come most likely first, so the rest are below the threshold too.
      if (path < threshold) break;
      const node: ReplyNode = { row, probability, pathProbability: path, children: [] };
      if (row !== BOUNDARY && level < depth) node.children = grow(nextContext(weights, tokenEmbedding(weights, row), from), path, level + 1);
      nodes.push(node);
    }
    return nodes;
  };
  return grow(Float64Array.from(context), 1, 1);
}
