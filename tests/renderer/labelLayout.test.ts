import { describe, expect, it } from 'vitest';
import { type Box, type LabelRequest, type PlacedLabel, placeLabels } from '../../src-renderer/lib/labelLayout.ts';
import { testRandom } from '../helpers.ts';

/**
 * Where a label's letters land on screen, modelled independently of the layout: lower-case text in a
 * sans-serif font, about 0.55 em per character, from 0.75 em above the baseline to 0.15 em below it.
 */
function inkBox(label: PlacedLabel, text: string, fontSize: number): Box {
  const width = text.length * 0.55 * fontSize;
  const left = label.anchor === 'start' ? label.x : label.anchor === 'end' ? label.x - width : label.x - width / 2;
  return { left, right: left + width, top: label.y - 0.75 * fontSize, bottom: label.y + 0.15 * fontSize };
}

const overlap = (a: Box, b: Box) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
const dotBox = ({ x, y }: LabelRequest, radius: number): Box => ({ left: x - radius, right: x + radius, top: y - radius, bottom: y + radius });

const WORDS = ['frogs', 'i', 'boris', 'love', 'who', 'are', 'you', 'nice', 'very', "don't", 'flies', 'good', 'am', 'what'];

function scatter(count: number, width: number, height: number, seed: number): LabelRequest[] {
  const random = testRandom(seed);
  return Array.from({ length: count }, (_, i) => ({ x: random() * width, y: random() * height, text: WORDS[i % WORDS.length] }));
}

describe('word labels on a map (labelLayout)', () => {
  it('puts a lone label to the right of its dot, on its line', () => {
    const [placed] = placeLabels([{ x: 100, y: 100, text: 'frogs' }], [0], 400, 300);
    expect(placed).not.toBeNull();
    expect(placed!.anchor).toBe('start');
    expect(placed!.x).toBeGreaterThan(100);
    expect(Math.abs(placed!.y - 100)).toBeLessThan(12);
  });

  it('moves a label to the left of its dot when the right edge is in the way', () => {
    const [placed] = placeLabels([{ x: 390, y: 100, text: 'frogs' }], [0], 400, 300);
    expect(placed!.anchor).toBe('end');
    expect(placed!.x).toBeLessThan(390);
    expect(inkBox(placed!, 'frogs', 12).left).toBeGreaterThanOrEqual(0);
  });

  it('gives the first place to the most important label and finds the next one another place', () => {
    // Two dots one above the other, so close that their labels cannot both sit on the right.
    const labels = [
      { x: 100, y: 100, text: 'boris' },
      { x: 100, y: 110, text: 'frogs' },
    ];
    for (const order of [
      [0, 1],
      [1, 0],
    ]) {
      const placed = placeLabels(labels, order, 400, 300);
      expect(placed[order[0]]!.anchor).toBe('start');
      expect(placed[order[1]]).not.toBeNull();
      expect(placed[order[1]]!.anchor).not.toBe('start');
      expect(overlap(inkBox(placed[0]!, 'boris', 12), inkBox(placed[1]!, 'frogs', 12))).toBe(false);
    }
  });

  it('leaves out a label that has no free place, keeping the more important one', () => {
    // Two dots at the same point near the corner of a small drawing: room for one label, on the right.
    const labels = [
      { x: 10, y: 10, text: 'who' },
      { x: 10, y: 10, text: 'you' },
    ];
    expect(placeLabels(labels, [0, 1], 50, 20).map((p) => p !== null)).toEqual([true, false]);
    expect(placeLabels(labels, [1, 0], 50, 20).map((p) => p !== null)).toEqual([false, true]);
    // Without the second dot's competition, the first still fits.
    expect(placeLabels(labels.slice(0, 1), [0], 50, 20)[0]).not.toBeNull();
  });

  it('keeps labels apart, inside the drawing, off every dot and out of reserved boxes, however crowded', () => {
    const width = 600;
    const height = 400;
    const reserved: Box[] = [{ left: 0, top: 0, right: 160, bottom: 40 }];
    let placedInAll = 0;
    let leftOutInAll = 0;
    for (const [seed, count] of [
      [1, 10],
      [2, 40],
      [3, 120],
      [4, 300],
    ]) {
      for (const fontSize of [10, 12]) {
        const labels = scatter(count, width, height, seed);
        const order = labels.map((_, i) => i).reverse();
        const placed = placeLabels(labels, order, width, height, { fontSize, dotRadius: 5, reserved });
        expect(placed.length).toBe(labels.length);
        const boxes = placed.flatMap((p, i) => (p ? [inkBox(p, labels[i].text, fontSize)] : []));
        placedInAll += boxes.length;
        leftOutInAll += labels.length - boxes.length;
        for (const [i, box] of boxes.entries()) {
          expect(box.left).toBeGreaterThanOrEqual(0);
          expect(box.top).toBeGreaterThanOrEqual(0);
          expect(box.right).toBeLessThanOrEqual(width);
          expect(box.bottom).toBeLessThanOrEqual(height);
          for (const other of boxes.slice(i + 1)) expect(overlap(box, other)).toBe(false);
          for (const label of labels) expect(overlap(box, dotBox(label, 5))).toBe(false);
          expect(overlap(box, reserved[0])).toBe(false);
        }
        // The same request always gives the same layout.
        expect(placeLabels(labels, order, width, height, { fontSize, dotRadius: 5, reserved })).toEqual(placed);
      }
    }
    // Most labels find room when there are few, and crowding really does leave some out.
    expect(placedInAll).toBeGreaterThan(100);
    expect(leftOutInAll).toBeGreaterThan(100);
  });

  it('places every label of a sparse map', () => {
    const labels = [20, 120, 220, 320].flatMap((y) => [40, 200, 360].map((x, i) => ({ x, y, text: WORDS[i] })));
    const placed = placeLabels(labels, labels.map((_, i) => i), 500, 360);
    expect(placed.every((p) => p !== null)).toBe(true);
  });

  it('always labels the words that must be, in a crowd, with a leader back to the dot, and never on another label', () => {
    const width = 600;
    const height = 400;
    for (const seed of [5, 6, 7]) {
      // A dense clump in the middle (the looked-at word and its neighbours among them), words all around.
      const random = testRandom(seed);
      const clump = Array.from({ length: 30 }, (_, i) => ({ x: 280 + random() * 40, y: 190 + random() * 20, text: WORDS[i % WORDS.length] }));
      const labels = [...clump, ...scatter(120, width, height, seed)];
      const must = new Set([0, 1, 2, 3, 4, 5, 6, 7, 8]);
      const order = [...must, ...labels.map((_, i) => i).filter((i) => !must.has(i))];
      const placed = placeLabels(labels, order, width, height, { must });
      for (const i of must) expect(placed[i], `label ${i} is placed`).not.toBeNull();
      // Without `must`, the same crowd leaves some of them out: the leaders are what label them.
      expect(placeLabels(labels, order, width, height).filter((p, i) => must.has(i) && p === null).length).toBeGreaterThan(0);
      const far = [...must].filter((i) => placed[i]!.leader);
      expect(far.length).toBeGreaterThan(0);
      for (const i of far) {
        const { leader } = placed[i]!;
        // The leader ends on the label's own box, away from the dot.
        expect(Math.hypot(leader!.x - labels[i].x, leader!.y - labels[i].y)).toBeGreaterThan(4);
      }
      const boxes = placed.flatMap((p, i) => (p ? [inkBox(p, labels[i].text, 12)] : []));
      for (const [i, box] of boxes.entries()) {
        expect(box.left).toBeGreaterThanOrEqual(0);
        expect(box.right).toBeLessThanOrEqual(width);
        for (const other of boxes.slice(i + 1)) expect(overlap(box, other)).toBe(false);
      }
    }
  });
});
