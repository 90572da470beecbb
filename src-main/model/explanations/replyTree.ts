/**
 * The reply tree (README.md, "Explanations"): the most likely ways a reply could go on from a context.
 *
 * A node's children are the next tokens with their probability under temperature T and top-k
 * (renormalised over the k kept), each with its path probability, the product of the probabilities
 * along the path from the root. A child is kept only while its path probability is at least the
 * threshold; a chosen boundary ends its branch; the tree goes at most `depth` tokens deep.
 * Temperature 0 is greedy decoding (isGreedy): one child, the most likely token, with probability 1.
 *
 * The tree keeps at most MAX_REPLY_TREE_NODES nodes (model/network/limits.ts). It is grown best-first: the
 * node with the highest path probability is expanded next, so when the budget runs out the tree
 * holds the most likely paths, and `pruned` says that likelier-than-threshold nodes were left out.
 */
import { inputError } from '../network/errors.ts';
import { MAX_REPLY_TREE_NODES } from '../network/limits.ts';
import { type Sliced, finish } from '../network/slices.ts';
import { type Weights, nextContext, nextTokenLogits, softmaxInPlace, tokenEmbedding } from '../network/network.ts';
import { argmax, isGreedy, topRows } from '../network/sampling.ts';
import { BOUNDARY } from '../network/vocabulary.ts';

export interface ReplyTreeOptions {
  /** How many tokens deep (default 4). */
  depth?: number;
  /** 0 is greedy (isGreedy). */
  temperature: number;
  /** Keep only the k most likely tokens, renormalised; 0 keeps all. */
  topK?: number;
  /** Nodes whose path probability falls below this are left out (default 0.01). */
  minProbability?: number;
  /** The most nodes kept (MAX_REPLY_TREE_NODES by default). */
  maxNodes?: number;
}

export interface ReplyTree {
  children: ReplyNode[];
  /** True when nodes above the threshold were left out because the tree reached its node budget. */
  pruned: boolean;
  /** Nodes in the tree. */
  nodes: number;
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
  if (isGreedy(temperature)) return [{ row: argmax(logits), probability: 1 }];
  const probs = softmaxInPlace(logits.slice(), temperature);
  const k = topK > 0 ? Math.min(topK, probs.length) : probs.length;
  const rows = topRows(probs, k);
  let total = 0;
  for (const row of rows) total += probs[row];
  return rows.map((row) => ({ row, probability: probs[row] / total }));
}

/** The reply tree growing from `context` (the h2 the next token is predicted from): its top nodes. */
export function replyTree(weights: Weights, context: ArrayLike<number>, options: ReplyTreeOptions): ReplyNode[] {
  return growReplyTree(weights, context, options).children;
}

/** The reply tree growing from `context`, and whether it was pruned to its node budget. */
export function growReplyTree(weights: Weights, context: ArrayLike<number>, options: ReplyTreeOptions): ReplyTree {
  return finish(replyTreeSteps(weights, context, options));
}

/**
 * `replyTree` in steps: yields after each node is expanded, so a host can answer other requests
 * while a large tree grows. Nodes are expanded best-first (highest path probability first) until
 * none is left above the threshold or the tree holds `maxNodes` nodes.
 */
export function* replyTreeSteps(weights: Weights, context: ArrayLike<number>, options: ReplyTreeOptions): Sliced<ReplyTree> {
  const depth = options.depth ?? REPLY_TREE_DEFAULTS.depth;
  const threshold = options.minProbability ?? REPLY_TREE_DEFAULTS.minProbability;
  const topK = options.topK ?? 0;
  const maxNodes = options.maxNodes ?? MAX_REPLY_TREE_NODES;
  if (!Number.isInteger(depth) || depth < 1 || depth > MAX_TREE_DEPTH) throw inputError(`the tree depth must be a whole number from 1 to ${MAX_TREE_DEPTH}, not ${depth}`);
  if (!(threshold > 0 && threshold <= 1)) throw inputError(`the smallest path probability must be above 0 and at most 1, not ${threshold}`);
  if (!(options.temperature >= 0) || !Number.isFinite(options.temperature)) throw inputError(`the temperature must be 0 or more, not ${options.temperature}`);
  if (!Number.isInteger(topK) || topK < 0) throw inputError(`top-k must be a whole number, 0 for all tokens, not ${topK}`);
  if (!Number.isInteger(maxNodes) || maxNodes < 1) throw inputError(`a reply tree keeps at least one node, not ${maxNodes}`);
  if (context.length !== weights.embeddingSize) throw inputError(`the context must have ${weights.embeddingSize} numbers (the model's E), not ${context.length}`);

  interface Frontier {
    /** Where its children go. */
    list: ReplyNode[];
    /** The context its children are predicted from. */
    from: Float64Array;
    pathProbability: number;
    level: number;
  }
  const root: ReplyNode[] = [];
  // A max-heap of parents still to expand, by path probability.
  const heap: Frontier[] = [{ list: root, from: Float64Array.from(context), pathProbability: 1, level: 1 }];
  const push = (item: Frontier) => {
    heap.push(item);
    for (let i = heap.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (heap[parent].pathProbability >= heap[i].pathProbability) break;
      [heap[parent], heap[i]] = [heap[i], heap[parent]];
      i = parent;
    }
  };
  const pop = (): Frontier => {
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let best = i;
        if (l < heap.length && heap[l].pathProbability > heap[best].pathProbability) best = l;
        if (r < heap.length && heap[r].pathProbability > heap[best].pathProbability) best = r;
        if (best === i) break;
        [heap[best], heap[i]] = [heap[i], heap[best]];
        i = best;
      }
    }
    return top;
  };
  let nodes = 0;
  let pruned = false;
  while (heap.length > 0) {
    const parent = pop();
    for (const { row, probability } of choices(nextTokenLogits(weights, parent.from), options.temperature, topK)) {
      const path = parent.pathProbability * probability;
      // Choices come most likely first, so the rest are below the threshold too.
      if (path < threshold) break;
      if (nodes >= maxNodes) {
        pruned = true;
        break;
      }
      const node: ReplyNode = { row, probability, pathProbability: path, children: [] };
      parent.list.push(node);
      nodes++;
      if (row !== BOUNDARY && parent.level < depth) {
        push({ list: node.children, from: nextContext(weights, tokenEmbedding(weights, row), parent.from), pathProbability: path, level: parent.level + 1 });
      }
    }
    if (pruned) break;
    yield;
  }
  return { children: root, pruned, nodes };
}
