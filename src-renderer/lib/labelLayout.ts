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
  /** Set when the label had to sit away from its dot: where a leader line from the dot ends. */
  leader?: { x: number; y: number };
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
 * A label in `must` (the word being looked at and its nearest words) is always placed while there is
 * any room in the drawing: when no place beside its dot is free it moves further out, ring by ring,
 * with a leader line back to its dot, and as a last resort it may cover other words' dots (never
 * another label).
 */
export function placeLabels(
  labels: readonly LabelRequest[],
  order: readonly number[],
  width: number,
  height: number,
  {
    fontSize = 12,
    dotRadius = 4,
    reserved = [],
    must = new Set<number>(),
  }: { fontSize?: number; dotRadius?: number; reserved?: readonly Box[]; must?: ReadonlySet<number> } = {},
): (PlacedLabel | null)[] {
  const placed: (PlacedLabel | null)[] = labels.map(() => null);
  const dots = labels.map(({ x, y }) => ({ left: x - dotRadius, top: y - dotRadius, right: x + dotRadius, bottom: y + dotRadius }));
  const taken: Box[] = [...reserved, ...dots];
  const charWidth = fontSize * 0.58;
  const gap = 6;
  for (const index of order) {
    const { x, y, text } = labels[index];
    // A label that must be shown is drawn bold on the map: about a tenth wider.
    const w = text.length * charWidth * (must.has(index) ? 1.12 : 1) + 2;
    const h = fontSize + 2;
    const candidates: [PlacedLabel, Box][] = [
      [{ x: x + gap, y: y + fontSize * 0.35, anchor: 'start' }, { left: x + gap, top: y - h / 2, right: x + gap + w, bottom: y + h / 2 }],
      [{ x: x - gap, y: y + fontSize * 0.35, anchor: 'end' }, { left: x - gap - w, top: y - h / 2, right: x - gap, bottom: y + h / 2 }],
      [{ x, y: y - gap - 2, anchor: 'middle' }, { left: x - w / 2, top: y - gap - h, right: x + w / 2, bottom: y - gap }],
      [{ x, y: y + gap + fontSize, anchor: 'middle' }, { left: x - w / 2, top: y + gap, right: x + w / 2, bottom: y + gap + h }],
    ];
    const inside = (box: Box) => box.left >= 0 && box.top >= 0 && box.right <= width && box.bottom <= height;
    for (const [label, box] of candidates) {
      if (!inside(box)) continue;
      if (taken.some((other) => overlaps(box, other))) continue;
      taken.push(box);
      placed[index] = label;
      break;
    }
    if (placed[index] || !must.has(index)) continue;
    // Further out, with a leader line: first clear of every dot, then clear of the labels at least.
    const own = dots[index];
    const labelsOnly = () => taken.filter((box) => !dots.includes(box) || box === own);
    for (const avoid of [taken, labelsOnly()]) {
      const spot = farSpot(x, y, w, h, fontSize, inside, avoid);
      if (!spot) continue;
      taken.push(spot.box);
      placed[index] = spot.label;
      break;
    }
  }
  return placed;
}

/** Rings of places around a dot, nearest first, each the box of a label centred on the ring's point. */
function farSpot(
  x: number,
  y: number,
  w: number,
  h: number,
  fontSize: number,
  inside: (box: Box) => boolean,
  avoid: readonly Box[],
): { label: PlacedLabel; box: Box } | null {
  for (const radius of [22, 34, 48, 64, 84, 108, 136]) {
    for (let k = 0; k < 16; k++) {
      const angle = (Math.PI / 8) * k;
      const cx = x + radius * Math.cos(angle);
      const cy = y + radius * Math.sin(angle);
      const box = { left: cx - w / 2, top: cy - h / 2, right: cx + w / 2, bottom: cy + h / 2 };
      if (!inside(box) || avoid.some((other) => overlaps(box, other))) continue;
      // The leader ends at the box's edge nearest the dot.
      const lx = Math.max(box.left, Math.min(x, box.right));
      const ly = Math.max(box.top, Math.min(y, box.bottom));
      return { label: { x: cx, y: cy + fontSize * 0.35, anchor: 'middle', leader: { x: lx, y: ly } }, box };
    }
  }
  return null;
}
