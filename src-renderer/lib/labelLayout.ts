/**
 * Where to put word labels on a map so that none overlaps another: each label tries the right of its
 * dot, then the left, above and below, in priority order; a label with no free place is left out (its
 * dot stays, and zooming in makes room). Positions are in pixels; text widths are estimated.
 */
export interface LabelRequest {
  x: number;
  y: number;
  text: string;
}

export interface PlacedLabel {
  x: number;
  y: number;
  anchor: 'start' | 'middle' | 'end';
}

export interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

const overlaps = (a: Box, b: Box) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

/**
 * `order` lists indices into `labels`, most important first. Returns one entry per label, null for a
 * label that found no room inside `width` x `height`. Labels keep clear of every label's dot (a
 * square of `dotRadius` around its point), of the `reserved` boxes and of each other.
 */
export function placeLabels(
  labels: readonly LabelRequest[],
  order: readonly number[],
  width: number,
  height: number,
  { fontSize = 12, dotRadius = 4, reserved = [] }: { fontSize?: number; dotRadius?: number; reserved?: readonly Box[] } = {},
): (PlacedLabel | null)[] {
  const placed: (PlacedLabel | null)[] = labels.map(() => null);
  const dots = labels.map(({ x, y }) => ({ left: x - dotRadius, top: y - dotRadius, right: x + dotRadius, bottom: y + dotRadius }));
  const taken: Box[] = [...reserved, ...dots];
  const charWidth = fontSize * 0.58;
  const gap = 6;
  for (const index of order) {
    const { x, y, text } = labels[index];
    const w = text.length * charWidth + 2;
    const h = fontSize + 2;
    const candidates: [PlacedLabel, Box][] = [
      [{ x: x + gap, y: y + fontSize * 0.35, anchor: 'start' }, { left: x + gap, top: y - h / 2, right: x + gap + w, bottom: y + h / 2 }],
      [{ x: x - gap, y: y + fontSize * 0.35, anchor: 'end' }, { left: x - gap - w, top: y - h / 2, right: x - gap, bottom: y + h / 2 }],
      [{ x, y: y - gap - 2, anchor: 'middle' }, { left: x - w / 2, top: y - gap - h, right: x + w / 2, bottom: y - gap }],
      [{ x, y: y + gap + fontSize, anchor: 'middle' }, { left: x - w / 2, top: y + gap, right: x + w / 2, bottom: y + gap + h }],
    ];
    for (const [label, box] of candidates) {
      if (box.left < 0 || box.top < 0 || box.right > width || box.bottom > height) continue;
      if (taken.some((other) => overlaps(box, other))) continue;
      taken.push(box);
      placed[index] = label;
      break;
    }
  }
  return placed;
}
