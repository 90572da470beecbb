/**
 * The picture a panel exports, laid out as a teacher would put it on a slide: a title band (the
 * panel's title, and a line saying which model and step it shows), the panel's drawing, the word
 * labels drawn over it, and its legend drawn as real SVG below. Pure string building, no DOM: the
 * drawing comes in as markup (an SVG's copy, or an HTML panel's foreignObject) with its size.
 *
 * Every piece of text stays a <text> element, in fonts that every system has or the app ships
 * (named in FONT_FAMILY; nothing is fetched), so the SVG stays editable and searchable.
 */
import { activationColour, probabilityColour } from './colours.ts';
import { placeLabels } from './labelLayout.ts';

/** The app's own font stack (app.css): system fonts only, so the file opens anywhere offline. */
export const FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif";

/**
 * The narrowest the composed picture is laid out (in CSS pixels). A panel narrower than this is
 * drawn larger, so that at 4x every export is at least 1,600 pixels wide: enough for a slide.
 */
export const MIN_WIDTH = 400;

/** The scales a person can choose: twice or four times the (composed) panel's size. */
export const SCALES = [2, 4] as const;
export type Scale = (typeof SCALES)[number];

/** A key in the legend: a mark in the colour the drawing uses for it, and what it means. */
export type LegendItem =
  | { mark: 'dot' | 'ring' | 'square' | 'line' | 'dash'; label: string; colour: string }
  /** A colour scale: the activation/weight-sign ramp (−1 to +1), probability (0 to 1), or any other. */
  | { mark: 'activation' | 'probability'; label: string; ends?: readonly [string, string]; /** the part of the scale used, from 0 to 1 */ span?: readonly [number, number] }
  | { mark: 'ramp'; label: string; colours: readonly string[]; ends: readonly [string, string] }
  /** A word as the panel sets it (bold, grey), and what that means. */
  | { mark: 'word'; label: string; sample: string; colour: string; bold?: boolean };

/** A word label placed over the drawing, in the drawing's own coordinates. */
export interface ExportLabel {
  x: number;
  y: number;
  text: string;
  anchor?: 'start' | 'middle' | 'end';
}

/**
 * Word labels beside their points, none over another: the latest point first (it is the one the
 * picture is about), each to the right, left, above or below its dot; a point with no room keeps
 * its dot without a word.
 */
export function placeWordLabels(points: readonly { x: number; y: number; text: string }[], width: number, height: number): ExportLabel[] {
  const order = points.map((_, i) => points.length - 1 - i);
  return placeLabels(points, order, width, height, { fontSize: LABEL_SIZE, dotRadius: 4 }).flatMap((place, i) => (place ? [{ ...place, text: points[i].text }] : []));
}

export interface Colours {
  background: string;
  text: string;
  muted: string;
  line: string;
}

export interface Composition {
  title: string;
  /** A line under the title: the model, the step, what the panel shows. */
  subtitle?: string;
  /** The drawing's markup, in its own coordinates from (0, 0) to (width, height). */
  body: string;
  width: number;
  height: number;
  legend?: readonly LegendItem[];
  labels?: readonly ExportLabel[];
  colours: Colours;
  /** The width of a text in pixels (the page measures it; elsewhere it is estimated). */
  measure?: (text: string, size: number, weight?: number) => number;
}

export interface Composed {
  svg: string;
  /** The composed picture's size in CSS pixels (before the scale). */
  width: number;
  height: number;
}

const PAD = 14;
const MAX_ZOOM = 2;
const TITLE_SIZE = 17;
const SUBTITLE_SIZE = 12;
const LEGEND_SIZE = 12;
const LABEL_SIZE = 11;
const MARK = 16;
const RAMP = 84;

/** An estimate of a text's width, for when there is no page to measure it in. */
export function estimateWidth(text: string, size: number, weight = 400): number {
  return [...text].length * size * (weight >= 600 ? 0.62 : 0.57);
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** The size in pixels of a picture `width` x `height` CSS pixels exported at `scale`. */
export function pixelSize(width: number, height: number, scale: number): { width: number; height: number } {
  return { width: Math.round(width * scale), height: Math.round(height * scale) };
}

/** The colours a ramp legend item runs through, left to right. */
function rampOf(item: Extract<LegendItem, { mark: 'activation' | 'probability' | 'ramp' }>): { colours: readonly string[]; ends: readonly [string, string] } {
  const stops = Array.from({ length: 11 }, (_, i) => i / 10);
  if (item.mark === 'ramp') return { colours: item.colours, ends: item.ends };
  const [from, to] = item.span ?? [0, 1];
  const along = (t: number) => from + (to - from) * t;
  if (item.mark === 'activation') return { colours: stops.map((t) => activationColour(-1 + 2 * along(t))), ends: item.ends ?? ['−1', '+1'] };
  return { colours: stops.map((t) => probabilityColour(along(t))), ends: item.ends ?? ['0', '1'] };
}

/**
 * Splits a text into lines no wider than `width`, at spaces; a single word longer than the line is
 * kept whole (it is never cut).
 */
export function wrapText(text: string, width: number, size: number, weight: number, measure: NonNullable<Composition['measure']>): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (line && measure(next, size, weight) > width) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * The whole picture as one standalone SVG document. The drawing is magnified (never shrunk) to the
 * picture's width when it is narrower than MIN_WIDTH; the title and the legend wrap to that width.
 */
export function compose(c: Composition): Composed {
  const measure = c.measure ?? estimateWidth;
  // Magnified at most twice: a drawing smaller than that is centred in the picture.
  const zoom = c.width < MIN_WIDTH ? Math.min(MAX_ZOOM, MIN_WIDTH / c.width) : 1;
  const width = Math.round(Math.max(MIN_WIDTH, c.width * zoom) * 100) / 100;
  const bodyLeft = (width - c.width * zoom) / 2;
  const inner = width - 2 * PAD;
  const parts: string[] = [];
  const text = (x: number, y: number, content: string, size: number, fill: string, extra = '') =>
    `<text x="${x}" y="${y}" font-size="${size}" fill="${fill}" font-family="${escapeXml(FONT_FAMILY)}"${extra}>${escapeXml(content)}</text>`;

  // The title band.
  let y = PAD;
  const titleLines = wrapText(c.title, inner, TITLE_SIZE, 700, measure);
  for (const line of titleLines) {
    y += TITLE_SIZE;
    parts.push(text(PAD, y, line, TITLE_SIZE, c.colours.text, ' font-weight="700" class="export-title"'));
    y += 4;
  }
  if (c.subtitle) {
    for (const line of wrapText(c.subtitle, inner, SUBTITLE_SIZE, 400, measure)) {
      y += SUBTITLE_SIZE + 2;
      parts.push(text(PAD, y, line, SUBTITLE_SIZE, c.colours.muted, ' class="export-subtitle"'));
    }
  }
  y += 10;
  const bodyTop = y;

  // The drawing, and the word labels over it (in the drawing's coordinates, with a halo of the
  // background so that a label stays readable over the lines it crosses).
  const labels = (c.labels ?? [])
    .map(
      (l) =>
        `<text x="${round(l.x)}" y="${round(l.y)}" text-anchor="${l.anchor ?? 'start'}" font-size="${LABEL_SIZE}" fill="${c.colours.text}" stroke="${c.colours.background}" stroke-width="3" stroke-linejoin="round" paint-order="stroke" font-family="${escapeXml(FONT_FAMILY)}" class="export-label">${escapeXml(l.text)}</text>`,
    )
    .join('');
  parts.push(
    `<g class="export-drawing" transform="translate(${round(bodyLeft)} ${round(bodyTop)})${zoom === 1 ? '' : ` scale(${round(zoom, 4)})`}">${c.body}${labels ? `<g class="export-labels">${labels}</g>` : ''}</g>`,
  );
  y = bodyTop + c.height * zoom;

  // The legend: its keys in rows, each a mark and its meaning, wrapped to the picture's width.
  const legend = c.legend ?? [];
  const defs: string[] = [];
  if (legend.length > 0) {
    y += 10;
    parts.push(`<line x1="${PAD}" x2="${round(width - PAD)}" y1="${round(y)}" y2="${round(y)}" stroke="${c.colours.line}" stroke-width="1"/>`);
    y += 8;
    const rowHeight = LEGEND_SIZE + 10;
    let x = PAD;
    let row = 0;
    const keys: string[] = [];
    legend.forEach((item, i) => {
      const labelWidth = measure(item.label, LEGEND_SIZE);
      let itemWidth: number;
      let draw: (x0: number, mid: number) => string;
      if (item.mark === 'activation' || item.mark === 'probability' || item.mark === 'ramp') {
        const { colours, ends } = rampOf(item);
        const left = measure(ends[0], LEGEND_SIZE);
        const right = measure(ends[1], LEGEND_SIZE);
        itemWidth = labelWidth + 6 + left + 4 + RAMP + 4 + right;
        const id = `export-ramp-${i}`;
        defs.push(
          `<linearGradient id="${id}" x1="0" x2="1" y1="0" y2="0">${colours.map((colour, k) => `<stop offset="${round(k / (colours.length - 1), 4)}" stop-color="${colour}"/>`).join('')}</linearGradient>`,
        );
        draw = (x0, mid) => {
          const rampX = x0 + labelWidth + 6 + left + 4;
          return (
            text(round(x0), round(mid + LEGEND_SIZE * 0.35), item.label, LEGEND_SIZE, c.colours.muted, ' class="export-legend"') +
            text(round(x0 + labelWidth + 6), round(mid + LEGEND_SIZE * 0.35), ends[0], LEGEND_SIZE, c.colours.muted, ' class="export-legend"') +
            `<rect x="${round(rampX)}" y="${round(mid - 5)}" width="${RAMP}" height="10" rx="5" fill="url(#${id})" stroke="${c.colours.line}"/>` +
            text(round(rampX + RAMP + 4), round(mid + LEGEND_SIZE * 0.35), ends[1], LEGEND_SIZE, c.colours.muted, ' class="export-legend"')
          );
        };
      } else if (item.mark === 'word') {
        const weight = item.bold ? 700 : 400;
        const sampleWidth = measure(item.sample, LEGEND_SIZE, weight);
        itemWidth = sampleWidth + 6 + labelWidth;
        draw = (x0, mid) =>
          text(round(x0), round(mid + LEGEND_SIZE * 0.35), item.sample, LEGEND_SIZE, item.colour, ` font-weight="${weight}" class="export-legend"`) +
          text(round(x0 + sampleWidth + 6), round(mid + LEGEND_SIZE * 0.35), item.label, LEGEND_SIZE, c.colours.text, ' class="export-legend"');
      } else {
        const key = item as Extract<LegendItem, { mark: 'dot' | 'ring' | 'square' | 'line' | 'dash' }>;
        itemWidth = MARK + 6 + labelWidth;
        draw = (x0, mid) => markOf(key, x0, mid) + text(round(x0 + MARK + 6), round(mid + LEGEND_SIZE * 0.35), item.label, LEGEND_SIZE, c.colours.text, ' class="export-legend"');
      }
      if (x > PAD && x + itemWidth > width - PAD) {
        row += 1;
        x = PAD;
      }
      keys.push(draw(x, y + row * rowHeight + rowHeight / 2));
      x += itemWidth + 18;
    });
    parts.push(`<g class="export-legend-keys">${keys.join('')}</g>`);
    y += (row + 1) * rowHeight;
  }
  y += PAD;
  const height = Math.ceil(y);
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${escapeXml(FONT_FAMILY)}">` +
    `<title>${escapeXml(c.title)}</title>` +
    (defs.length ? `<defs>${defs.join('')}</defs>` : '') +
    `<rect width="100%" height="100%" fill="${c.colours.background}"/>` +
    parts.join('') +
    `</svg>`;
  return { svg, width, height };
}

function markOf(item: { mark: 'dot' | 'ring' | 'square' | 'line' | 'dash'; colour: string }, x: number, mid: number): string {
  const cx = round(x + MARK / 2);
  const cy = round(mid);
  switch (item.mark) {
    case 'dot':
      return `<circle cx="${cx}" cy="${cy}" r="4.5" fill="${item.colour}"/>`;
    case 'ring':
      return `<circle cx="${cx}" cy="${cy}" r="5.5" fill="none" stroke="${item.colour}" stroke-width="2"/>`;
    case 'square':
      return `<rect x="${round(x + 2)}" y="${round(mid - 6)}" width="12" height="12" rx="2" fill="${item.colour}"/>`;
    case 'line':
      return `<line x1="${round(x)}" x2="${round(x + MARK)}" y1="${cy}" y2="${cy}" stroke="${item.colour}" stroke-width="2.5" stroke-linecap="round"/>`;
    case 'dash':
      return `<line x1="${round(x)}" x2="${round(x + MARK)}" y1="${cy}" y2="${cy}" stroke="${item.colour}" stroke-width="2" stroke-dasharray="4 3"/>`;
  }
}

function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
