import { describe, expect, it } from 'vitest';
import { LEAF_LABEL_GAP, PROBABILITY_SIZE, TOKEN_SIZE, type TreeDatum, layoutReplyTree, probabilityBelow, tokenAbove } from '../../src-renderer/lib/replyTreeLayout.ts';
import { testRandom } from '../helpers.ts';

/** A font whose letters are 0.6 em wide; ink from 0.95 em above the baseline to 0.25 em below, as DejaVu Sans's cell. */
const font = { measure: (text: string, size: number) => text.length * 0.6 * size };
type Box = { left: number; right: number; top: number; bottom: number; text: string };
const ink = (text: string, size: number, x: number, baseline: number, anchor: 'start' | 'middle'): Box => {
  const w = font.measure(text, size);
  const left = anchor === 'start' ? x : x - w / 2;
  return { left, right: left + w, top: baseline - 0.95 * size, bottom: baseline + 0.25 * size, text };
};

interface Datum extends TreeDatum {
  token: string;
  children: Datum[];
}
const WORDS = ['i', 'am', 'boris', 'today', 'now', 'then', 'good', '?', '.', 'frogs', 'friend', 'know', 'only', 'is'];

function randomTree(random: () => number, depth: number, key = ''): Datum[] {
  if (depth === 0) return [];
  const count = 1 + Math.floor(random() * (depth > 2 ? 3 : 5));
  let left = 1;
  return Array.from({ length: count }, (_, i) => {
    const probability = i === count - 1 ? left : left * random() * 0.8;
    left -= probability;
    const k = `${key}/${i}`;
    return { key: k, token: WORDS[Math.floor(random() * WORDS.length)], probability, children: random() < 0.6 ? randomTree(random, depth - 1, k) : [] };
  });
}

const percent = (p: number) => `${(p * 100).toFixed(1)}%`;

describe('the reply tree layout', () => {
  it('keeps every label clear of every other, in both label modes, for random trees and panel sizes', () => {
    const random = testRandom(7);
    const seen = new Set<boolean>();
    for (let trial = 0; trial < 200; trial++) {
      const panel = { width: 200 + random() * 400, height: 150 + random() * 500 };
      const layout = layoutReplyTree(randomTree(random, 1 + Math.floor(random() * 4)), (d) => ({ token: d.token, probability: percent(d.probability) }), font, panel);
      seen.add(layout.compact);
      const boxes: Box[] = [];
      for (const n of layout.nodes) {
        const p = percent(n.data.probability);
        if (layout.compact && n.leaf) boxes.push(ink(`${n.data.token} ${p}`, TOKEN_SIZE, n.x + n.radius + LEAF_LABEL_GAP, n.y + 4, 'start'));
        else boxes.push(ink(n.data.token, TOKEN_SIZE, n.x, n.y + tokenAbove(n.radius), 'middle'));
        if (!layout.compact) boxes.push(ink(p, PROBABILITY_SIZE, n.x, n.y + probabilityBelow(n.radius), 'middle'));
      }
      for (const [i, a] of boxes.entries()) {
        expect(a.left).toBeGreaterThanOrEqual(0);
        expect(a.right).toBeLessThanOrEqual(layout.width);
        expect(a.top).toBeGreaterThanOrEqual(0);
        expect(a.bottom).toBeLessThanOrEqual(layout.height);
        for (const b of boxes.slice(i + 1)) {
          const apart = a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top;
          expect(apart, `trial ${trial}: "${a.text}" and "${b.text}"`).toBe(true);
        }
      }
    }
    expect([...seen].sort()).toEqual([false, true]);
  });
});
