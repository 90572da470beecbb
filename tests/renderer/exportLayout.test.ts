import { describe, expect, it } from 'vitest';
import { FONT_FAMILY, MIN_WIDTH, compose, pixelSize, placeWordLabels } from '../../src-renderer/lib/exportLayout.ts';

const colours = { background: '#ffffff', text: '#1b2129', muted: '#5b6673', line: '#d9dee4' };
/** A drawing as a panel's SVG copy would give it: a frame and two dots. */
const drawing = (width: number, height: number) => ({
  body: `<svg x="0" y="0" width="${width}" height="${height}"><rect width="${width}" height="${height}" fill="none" stroke="#ccc"/><circle cx="40" cy="40" r="3.5"/><circle cx="90" cy="60" r="3.5"/></svg>`,
  width,
  height,
});
/** The text of every <text> element of an SVG document, with its class. */
const texts = (svg: string) => [...svg.matchAll(/<text([^>]*)>([^<]*)<\/text>/g)].map((m) => ({ cls: /class="([^"]*)"/.exec(m[1])?.[1] ?? '', text: m[2] }));

describe('the picture a panel exports (compose)', () => {
  const picture = compose({
    title: 'Context path',
    subtitle: 'Boris · step 5 · h2 on the corpus’s PCA plane',
    ...drawing(313, 183),
    labels: [
      { x: 40, y: 40, text: 'who' },
      { x: 90, y: 60, text: 'are' },
    ],
    legend: [
      { mark: 'ring', label: 'a word you wrote', colour: '#5b6673' },
      { mark: 'dot', label: 'a word Boris wrote', colour: '#1f7a3a' },
      { mark: 'line', label: 'the path, fading with age', colour: '#5b6673' },
      { mark: 'activation', label: 'a unit’s value (tanh)' },
    ],
    colours,
  });

  it('carries the title, the line about what it shows, the word labels and every legend key as real <text>', () => {
    const all = texts(picture.svg);
    expect(all.filter((t) => t.cls === 'export-title').map((t) => t.text)).toEqual(['Context path']);
    expect(all.some((t) => t.cls === 'export-subtitle' && t.text.includes('step 5'))).toBe(true);
    expect(all.filter((t) => t.cls === 'export-label').map((t) => t.text).sort()).toEqual(['are', 'who']);
    const legend = all.filter((t) => t.cls === 'export-legend').map((t) => t.text);
    expect(legend).toEqual(expect.arrayContaining(['a word you wrote', 'a word Boris wrote', 'the path, fading with age', 'a unit’s value (tanh)', '−1', '+1']));
    // The colour scale is drawn as a gradient, the keys as shapes: no pictures, no text turned into outlines.
    expect(picture.svg).toContain('<linearGradient');
    expect(picture.svg).not.toMatch(/<image|<path[^>]*class="export/);
    // The drawing itself is inside, with its own shapes.
    expect(picture.svg.match(/<circle cx="40" cy="40"/g)).toHaveLength(1);
    expect(picture.svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(picture.svg).toContain('<title>Context path</title>');
  });

  it('names its fonts, all of them on the machine, and fetches nothing', () => {
    expect(picture.svg).toContain(`font-family="${FONT_FAMILY.replace(/'/g, '&apos;')}"`);
    expect(FONT_FAMILY).toMatch(/DejaVu Sans/);
    expect(picture.svg.replaceAll('xmlns="http://www.w3.org/2000/svg"', '')).not.toMatch(/https?:|@import|@font-face|url\((?!#)/);
  });

  it('is at least 800 pixels wide at 2x and 1,600 at 4x, even for a panel 313 pixels wide; its title band and legend add to its height', () => {
    expect(picture.width).toBe(MIN_WIDTH);
    expect(pixelSize(picture.width, picture.height, 2)).toEqual({ width: 800, height: Math.round(picture.height * 2) });
    expect(pixelSize(picture.width, picture.height, 4).width).toBe(1600);
    // The drawing is magnified to the picture's width: 183 x 400/313 high, plus the title and the legend.
    expect(picture.height).toBeGreaterThan(183 * (400 / 313) + 60);
  });

  it('keeps a wide panel at its own width: 4x is four times it', () => {
    const wide = compose({ title: 'Network view', ...drawing(880, 340), colours });
    expect(wide.width).toBe(880);
    expect(pixelSize(wide.width, wide.height, 4)).toEqual({ width: 3520, height: wide.height * 4 });
    expect(pixelSize(wide.width, wide.height, 2).width).toBe(1760);
    expect(wide.svg).toContain('transform="translate(0 ');
  });

  it('wraps a long legend onto more rows instead of running off the picture', () => {
    const keys = Array.from({ length: 8 }, (_, i) => ({ mark: 'dot' as const, label: `sentence ${i}: frogs are very nice indeed`, colour: '#000' }));
    const one = compose({ title: 'Pairwise distances', ...drawing(400, 200), legend: keys.slice(0, 1), colours });
    const eight = compose({ title: 'Pairwise distances', ...drawing(400, 200), legend: keys, colours });
    expect(eight.height).toBeGreaterThan(one.height + 5 * 18);
    const xs = [...eight.svg.matchAll(/<text x="([\d.]+)"[^>]*class="export-legend">sentence/g)].map((m) => Number(m[1]));
    expect(xs).toHaveLength(8);
    // Each key starts inside the picture and its estimated text ends inside it too.
    for (const x of xs) expect(x + 'sentence 0: frogs are very nice indeed'.length * 12 * 0.57).toBeLessThanOrEqual(eight.width);
  });

  it('writes a title with markup characters as text', () => {
    const odd = compose({ title: 'W1 <context> & "more"', ...drawing(500, 100), colours });
    expect(odd.svg).toContain('W1 &lt;context&gt; &amp; &quot;more&quot;');
  });
});

describe('word labels on an exported drawing (placeWordLabels)', () => {
  it('labels the latest point first and never puts two labels on top of each other', () => {
    const points = [
      { x: 50, y: 50, text: 'who' },
      { x: 52, y: 51, text: 'are' },
      { x: 200, y: 120, text: 'you' },
    ];
    const labels = placeWordLabels(points, 300, 200);
    expect(labels.map((l) => l.text)).toEqual(expect.arrayContaining(['are', 'you']));
    const boxes = labels.map((l) => {
      const w = l.text.length * 11 * 0.58;
      const left = l.anchor === 'start' ? l.x : l.anchor === 'end' ? l.x - w : l.x - w / 2;
      return { left, right: left + w, top: l.y - 11, bottom: l.y };
    });
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, b] = [boxes[i], boxes[j]];
        expect(a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top).toBe(true);
      }
  });
});
