import { scaleLinear } from 'd3-scale';
import { topRows } from '../../src-main/service/protocol.ts';

/** How many next-token bars the network view draws (plus the token that followed, when it ranks lower). */
export const TOP_TOKENS = 6;

/** Where everything in the network view goes, for a drawing of this size and a model with E units. */
export function networkLayout(width: number, height: number, E: number) {
  const top = 40;
  const bottom = 44;
  const gap = 24;
  const span = Math.max(120, height - top - bottom - gap);
  const leftStep = span / Math.max(1, 2 * E);
  const h2Step = (span + gap) / Math.max(1, E);
  // h2 at the middle, at least 360 px in when there is room; in a narrow drawing (the reply tree beside
  // it) far enough left that the bars keep 60 px and their percentages stay inside.
  const xH2 = Math.min(Math.max(360, width * 0.5), width - 304);
  const barStep = Math.min(32, (height - top - bottom) / (TOP_TOKENS + 2));
  // In a narrow drawing the column headings are shortened so that they do not run into each other.
  const narrow = width < 700;
  return {
    width,
    height,
    headings: {
      h1: narrow ? 'h1 · embedding' : 'h1 · token embedding',
      c: narrow ? 'c · carried in' : 'c · context carried in',
      h2: narrow ? 'h2 · context' : 'h2 · new context',
    },
    top,
    gap,
    leftStep,
    xToken: 58,
    tokenHalfWidth: 34,
    xLeft: Math.max(narrow ? 172 : 190, width * 0.27),
    xH2,
    xBars: xH2 + Math.max(90, width * 0.1),
    labelWidth: 92,
    barsEnd: width - 62,
    leftCell: { w: 30, h: Math.max(2, Math.min(20, leftStep - 2)) },
    h2Cell: { w: 40, h: Math.max(3, Math.min(26, h2Step - 4)) },
    yH1: (i: number) => top + (i + 0.5) * leftStep,
    yC: (i: number) => top + gap + (E + i + 0.5) * leftStep,
    yH2: (j: number) => top + (j + 0.5) * h2Step,
    yToken: top + (E / 2) * leftStep,
    yBar: (rank: number) => top + 18 + (rank + 0.5) * barStep,
  };
}
export type NetworkLayout = ReturnType<typeof networkLayout>;

/** A horizontal S-curve from one point to another. */
export function link(x0: number, y0: number, x1: number, y1: number): string {
  const xm = (x0 + x1) / 2;
  return `M${x0},${y0}C${xm},${y0} ${xm},${y1} ${x1},${y1}`;
}

/**
 * The rows drawn as bars, most likely first (equal ones in vocabulary order, as the engine ranks them):
 * the top `count`, and the one that followed if it ranks lower.
 */
export function barRows(probs: readonly number[], keep: number | null, count = TOP_TOKENS): number[] {
  const top = topRows(probs, count);
  if (keep !== null && !top.includes(keep)) top.push(keep);
  return top;
}

/** Edge width in pixels for |weight|, scaled to the largest weight of its matrix. */
export function edgeWidthScale(weights: readonly number[]) {
  let max = 0;
  for (const w of weights) max = Math.max(max, Math.abs(w));
  return scaleLinear([0, max || 1], [0.4, 3]);
}

/** Strong for an edge that carries the most now, nearly clear for one that carries little. */
export function carryOpacity(share: number): number {
  return 0.08 + 0.8 * share * share;
}
