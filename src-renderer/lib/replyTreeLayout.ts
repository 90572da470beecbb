import { type HierarchyPointNode, hierarchy, tree as treeLayout } from 'd3-hierarchy';

/**
 * Where the reply tree's nodes and labels go so that no label overlaps another. d3.tree places the
 * nodes of a column a fixed row apart (nodeSize), so labels never meet vertically; the columns are
 * set apart by the widths of the labels in them, so labels never meet across columns either.
 *
 * Two ways to label, chosen by what fits the panel's height:
 * - stacked: the token above each node and its probability below (rows of two lines of text);
 * - compact: a leaf's token and probability on one line to its right, an inner node's token above it
 *   (rows of one line; a row beside an inner node is left free for its label).
 */
export interface TreeDatum {
  key: string;
  probability: number;
  children: TreeDatum[];
}

export interface LabelFont {
  /** Width in pixels of `text` at `size` pixels. */
  measure(text: string, size: number): number;
}

export interface PlacedNode<D extends TreeDatum> {
  data: D;
  x: number;
  y: number;
  level: number;
  leaf: boolean;
  radius: number;
}

export interface ReplyTreeLayout<D extends TreeDatum> {
  compact: boolean;
  width: number;
  height: number;
  root: { x: number; y: number };
  nodes: PlacedNode<D>[];
  links: { data: D; source: { x: number; y: number }; target: { x: number; y: number } }[];
}

export const TOKEN_SIZE = 11;
export const PROBABILITY_SIZE = 10;
/** The stacked labels' offsets from the node's centre (baselines), written once for the drawing and the layout. */
export const tokenAbove = (radius: number) => -radius - 5;
export const probabilityBelow = (radius: number) => radius + 13;
export const nodeRadius = (probability: number) => 3 + 4 * Math.sqrt(probability);
/** A leaf's one-line label in compact mode starts this far right of the node's edge. */
export const LEAF_LABEL_GAP = 3;

/** Vertical room for a row: stacked, two lines around the largest dot; compact, one line. */
const STACKED_ROW = 46;
const COMPACT_ROW = 18;
/** Space kept between the footprints of nodes in different columns that share rows, and the least step between columns. */
const COLUMN_GAP = 8;
const MIN_COLUMN_STEP = 24;

interface Footprint {
  left: number;
  right: number;
  top: number;
  bottom: number;
}
/** The root's dot sits left of the first column; top and bottom margins keep the outer labels in. */
const LEFT = 12;
const MARGIN = 26;

export function layoutReplyTree<D extends TreeDatum>(
  children: D[],
  label: (d: D) => { token: string; probability: string },
  font: LabelFont,
  panel: { width: number; height: number },
): ReplyTreeLayout<D> {
  const root = hierarchy<TreeDatum>({ key: '', probability: 1, children }, (d) => d.children);
  const leaves = root.leaves().length;
  const compact = leaves * STACKED_ROW + 2 * MARGIN > panel.height;
  const row = compact ? COMPACT_ROW : STACKED_ROW;
  // Neighbours in a column are a row apart; in compact mode an inner node's label above it takes a row of its own.
  const laid = treeLayout<TreeDatum>()
    .nodeSize([row, 1])
    .separation((a, b) => (compact && (a.children || b.children) ? 2 : a.parent === b.parent ? 1 : 1.2))(root);

  // Each node's footprint (its dot and its labels) around its centre.
  const footprint = (n: HierarchyPointNode<TreeDatum>): Footprint => {
    const r = nodeRadius(n.data.probability);
    const { token, probability } = label(n.data as D);
    if (compact && !n.children) return { left: r, right: r + LEAF_LABEL_GAP + font.measure(`${token} ${probability}`, TOKEN_SIZE), top: -Math.max(r, 7), bottom: Math.max(r, 7) };
    const half = Math.max(r, font.measure(token, TOKEN_SIZE) / 2, compact ? 0 : font.measure(probability, PROBABILITY_SIZE) / 2);
    return { left: half, right: half, top: tokenAbove(r) - 11, bottom: compact ? r : probabilityBelow(r) + 3 };
  };
  const depth = root.height;
  const byDepth: { y: number; box: Footprint }[][] = Array.from({ length: depth + 1 }, () => []);
  byDepth[0].push({ y: laid.x, box: { left: 5, right: 5, top: -5, bottom: 5 } });
  for (const n of laid.descendants().slice(1)) byDepth[n.depth].push({ y: n.x, box: footprint(n) });
  // Each column as close to the ones before it as their footprints allow where they share rows (a
  // long label of one column may reach past the next one, so every earlier column is checked).
  const columns = [LEFT];
  for (let e = 1; e <= depth; e++) {
    let x = columns[e - 1] + MIN_COLUMN_STEP;
    for (let d = 0; d < e; d++) {
      for (const a of byDepth[d]) {
        for (const b of byDepth[e]) {
          const shareRows = a.y + a.box.top < b.y + b.box.bottom + 1 && b.y + b.box.top < a.y + a.box.bottom + 1;
          if (shareRows) x = Math.max(x, columns[d] + a.box.right + COLUMN_GAP + b.box.left);
        }
      }
    }
    columns.push(x);
  }
  const needed = Math.max(...byDepth.flatMap((column, d) => column.map((n) => columns[d] + n.box.right))) + 4;
  // Spare width is shared out between the columns, up to a limit.
  const spare = depth > 0 ? Math.min(80, Math.max(0, panel.width - needed) / depth) : 0;
  const xs = columns.map((x, d) => x + spare * d);
  const width = Math.max(panel.width, needed);

  const all = laid.descendants();
  const top = Math.min(...all.map((n) => n.x));
  const bottom = Math.max(...all.map((n) => n.x));
  const height = Math.max(panel.height, bottom - top + 2 * MARGIN);
  // A tree shorter than the panel sits in its middle.
  const offset = (height - (bottom - top)) / 2 - top;
  const place = (n: HierarchyPointNode<TreeDatum>) => ({ x: xs[n.depth], y: n.x + offset });

  return {
    compact,
    width,
    height,
    root: place(laid),
    nodes: all.slice(1).map((n) => ({ data: n.data as D, ...place(n), level: n.depth, leaf: !n.children, radius: nodeRadius(n.data.probability) })),
    links: laid.links().map((l) => ({ data: l.target.data as D, source: place(l.source), target: place(l.target) })),
  };
}
