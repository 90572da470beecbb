/**
 * "Export image": a panel as a picture a teacher can put on a slide. The panel's drawing (its SVG
 * layers, or for panels made of HTML and canvas a copy of the panel in a foreignObject) is composed
 * by exportLayout.ts with a title band, the word labels and the legend, all as real SVG text, and
 * saved as that SVG or drawn onto a canvas as a PNG at 2x or 4x. Styles that come from the page's
 * CSS (colours from the theme's variables, fonts) are written onto a copy of each element, so the
 * file looks as the panel does, in light or dark. Everything happens in the page (no network).
 */
import { type Composed, type ExportLabel, type LegendItem, FONT_FAMILY, compose, pixelSize } from './exportLayout.ts';

const STYLED = ['fill', 'stroke', 'stroke-width', 'stroke-dasharray', 'opacity', 'fill-opacity', 'stroke-opacity', 'font-family', 'font-size', 'font-weight', 'font-style', 'text-anchor', 'dominant-baseline', 'paint-order', 'visibility', 'display'] as const;

/** A copy of an SVG element with its computed styles written onto every element. */
function styledCopy(svg: SVGSVGElement): SVGSVGElement {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  const sources = [svg, ...svg.querySelectorAll('*')];
  const targets = [copy, ...copy.querySelectorAll('*')];
  sources.forEach((source, i) => {
    const style = getComputedStyle(source);
    const target = targets[i] as SVGElement;
    const inline = STYLED.map((name) => `${name}:${style.getPropertyValue(name)}`).join(';');
    target.setAttribute('style', `${inline};${target.getAttribute('style') ?? ''}`);
  });
  return copy;
}

/** The drawing of a panel: its markup in its own coordinates, its size, and the element it came from. */
export interface Drawing {
  body: string;
  width: number;
  height: number;
  element: Element;
  /** Where the drawing's own (0, 0) is in the picture, when it was cropped. */
  offset?: { x: number; y: number };
}

/**
 * A panel's SVG drawing: a single SVG element, or several stacked layers (the network view draws its
 * wiring, lit edges and cells as layers), their styles inlined, placed where they are on screen
 * relative to the first.
 */
export function svgDrawing(drawing: SVGSVGElement | readonly SVGSVGElement[]): Drawing {
  const layers = Array.isArray(drawing) ? (drawing as readonly SVGSVGElement[]) : [drawing as SVGSVGElement];
  // The picture is of where things are going: nodes still fading in or gliding are taken at their end.
  for (const layer of layers) {
    for (const animation of layer.getAnimations?.({ subtree: true }) ?? []) {
      try {
        animation.finish();
      } catch {
        // an endless animation has no end to jump to; it is taken as it is
      }
    }
  }
  const base = layers[0];
  const origin = base.getBoundingClientRect();
  const serializer = new XMLSerializer();
  let body = layers
    .map((layer) => {
      const box = layer.getBoundingClientRect();
      const copy = styledCopy(layer);
      copy.setAttribute('x', String(box.left - origin.left));
      copy.setAttribute('y', String(box.top - origin.top));
      copy.setAttribute('width', String(box.width));
      copy.setAttribute('height', String(box.height));
      copy.setAttribute('overflow', 'visible');
      for (const attribute of ['role', 'aria-label', 'aria-roledescription', 'tabindex']) copy.removeAttribute(attribute);
      return serializer.serializeToString(copy);
    })
    .join('');
  // A single drawing is cropped to what it draws (and a margin), so that a tree or a chart smaller
  // than its panel does not float in an empty picture; it never grows past its own box.
  let [left, top, right, bottom] = [0, 0, origin.width, origin.height];
  if (layers.length === 1) {
    try {
      const box = base.getBBox();
      if (box.width > 0 && box.height > 0) {
        left = Math.max(0, Math.floor(box.x - CROP_MARGIN));
        top = Math.max(0, Math.floor(box.y - CROP_MARGIN));
        right = Math.min(origin.width, Math.ceil(box.x + box.width + CROP_MARGIN));
        bottom = Math.min(origin.height, Math.ceil(box.y + box.height + CROP_MARGIN));
      }
    } catch {
      // a drawing not laid out has no box: it is taken whole
    }
  }
  if (left > 0 || top > 0) body = `<g transform="translate(${-left} ${-top})">${body}</g>`;
  return { body, width: right - left, height: bottom - top, element: base, offset: { x: -left, y: -top } };
}

const CROP_MARGIN = 10;

/** The colour behind an element: the first ancestor with a background that is not transparent. */
function panelColour(element: Element): string {
  for (let e: Element | null = element; e; e = e.parentElement) {
    const colour = getComputedStyle(e).backgroundColor;
    if (colour && colour !== 'transparent' && !/rgba\(.*,\s*0\)$/.test(colour)) return colour;
  }
  return '#ffffff';
}

/** A copy of an HTML panel with every computed style written onto it, canvases as images. */
function styledHtmlCopy(panel: HTMLElement, omit?: string): HTMLElement {
  const copy = panel.cloneNode(true) as HTMLElement;
  const sources = [panel, ...panel.querySelectorAll('*')];
  const targets = [copy, ...copy.querySelectorAll('*')];
  sources.forEach((source, i) => {
    const target = targets[i] as HTMLElement;
    const style = getComputedStyle(source);
    let inline = '';
    for (let k = 0; k < style.length; k++) {
      const name = style[k];
      inline += `${name}:${style.getPropertyValue(name)};`;
    }
    // A picture has no scrollbars: what the box shows, it shows without them.
    if (/auto|scroll/.test(style.overflowX + style.overflowY)) inline += 'overflow:hidden;scrollbar-width:none;';
    target.setAttribute('style', inline);
    // What is typed into a field is a property, not an attribute: write it down.
    if (source instanceof HTMLInputElement || source instanceof HTMLTextAreaElement) target.setAttribute('value', source.value);
    if (source instanceof HTMLTextAreaElement) target.textContent = source.value;
  });
  // A scrolled box shows its content shifted: its children move by the scroll (a transform, no layout).
  sources.forEach((source, i) => {
    if (!source.scrollTop && !source.scrollLeft) return;
    for (const child of targets[i].children) (child as HTMLElement).style.translate = `${-source.scrollLeft}px ${-source.scrollTop}px`;
  });
  // Canvases drawn by script come across as pictures of what they show now.
  const canvases = [...panel.querySelectorAll('canvas')];
  [...copy.querySelectorAll('canvas')].forEach((canvas, i) => {
    const image = document.createElement('img');
    image.setAttribute('src', canvases[i].toDataURL('image/png'));
    image.setAttribute('style', canvas.getAttribute('style') ?? '');
    canvas.replaceWith(image);
  });
  for (const attribute of ['id', 'aria-live']) copy.removeAttribute(attribute);
  // The panel's own controls for exporting are not part of the picture.
  for (const control of copy.querySelectorAll('[data-export-control]')) {
    // A wrapper that only held the control goes with it, so that it leaves no gap.
    let gone: Element = control;
    while (gone.parentElement && gone.parentElement !== copy && gone.parentElement.childElementCount === 1 && !gone.parentElement.textContent?.replace(gone.textContent ?? '', '').trim()) gone = gone.parentElement;
    gone.remove();
  }
  if (omit) for (const part of copy.querySelectorAll(omit)) part.remove();
  return copy;
}

/** An HTML (or canvas) panel as a drawing: a styled copy of it inside a foreignObject. */
export function htmlDrawing(panel: HTMLElement, omit?: string): Drawing {
  const { width } = panel.getBoundingClientRect();
  let { height } = panel.getBoundingClientRect();
  const copy = styledHtmlCopy(panel, omit);
  copy.style.margin = '0';
  if (omit) {
    // Without the parts left out the panel is shorter: it is measured as it lays out without them.
    for (const property of ['height', 'block-size', 'min-height', 'min-block-size']) copy.style.removeProperty(property);
    const probe = document.createElement('div');
    probe.setAttribute('style', `position:fixed;left:-100000px;top:0;width:${width}px;visibility:hidden`);
    probe.append(copy);
    document.body.append(probe);
    height = Math.min(height, copy.getBoundingClientRect().height);
    probe.remove();
    copy.style.height = `${height}px`;
  }
  const ns = 'http://www.w3.org/2000/svg';
  const object = document.createElementNS(ns, 'foreignObject');
  object.setAttribute('width', String(width));
  object.setAttribute('height', String(height));
  const holder = document.createElementNS('http://www.w3.org/1999/xhtml', 'div');
  holder.setAttribute('style', `width:${width}px;height:${height}px;overflow:hidden;background:${panelColour(panel)}`);
  holder.append(copy);
  object.append(holder);
  return { body: new XMLSerializer().serializeToString(object), width, height, element: panel };
}

/** A legend key as a panel gives it: a colour, a theme variable ("var(--accent)"), or the colour of an element in the drawing. */
export type LegendKey =
  | LegendItem
  | { mark: 'dot' | 'ring' | 'square' | 'line' | 'dash' | 'word'; label: string; like: string; colour?: string; sample?: string; bold?: boolean };

/**
 * The keys with their colours read from the page: `like` names an element of the panel (a CSS
 * selector) whose fill (dots, squares) or stroke (rings, lines) the key takes; a key whose element
 * is not drawn and that has no colour of its own is left out.
 */
export function resolveLegend(keys: readonly LegendKey[], within: Element): LegendItem[] {
  const items: LegendItem[] = [];
  for (const key of keys) {
    if (!('like' in key) && !('colour' in key && key.colour?.startsWith('var('))) {
      items.push(key as LegendItem);
      continue;
    }
    let colour = 'colour' in key ? key.colour : undefined;
    if ('like' in key) {
      const element = within.querySelector(key.like) ?? document.querySelector(key.like);
      if (element) {
        const style = getComputedStyle(element);
        const fill = style.fill;
        const stroke = style.stroke;
        const paint = (value: string) => value && value !== 'none' && !/rgba\(.*,\s*0\)$/.test(value);
        const byFill = key.mark === 'dot' || key.mark === 'square';
        colour = byFill ? (paint(fill) ? fill : stroke) : paint(stroke) ? stroke : fill;
        if (element instanceof HTMLElement) colour = style.backgroundColor || style.color;
      }
    }
    if (colour?.startsWith('var(')) colour = getComputedStyle(within).getPropertyValue(colour.slice(4, -1).trim()).trim() || undefined;
    if (colour) items.push({ ...key, colour } as LegendItem);
  }
  return items;
}

/** The width of a text in the app's font, measured on a canvas. */
let measuring: CanvasRenderingContext2D | null = null;
function measure(text: string, size: number, weight = 400): number {
  measuring ??= document.createElement('canvas').getContext('2d');
  if (!measuring) return text.length * size * 0.6;
  measuring.font = `${weight} ${size}px ${FONT_FAMILY}`;
  return measuring.measureText(text).width;
}

export interface Picture {
  title: string;
  subtitle?: string;
  legend?: readonly LegendKey[];
  labels?: readonly ExportLabel[];
}

/** A panel's drawing composed with its title, labels and legend, in the theme's colours. */
export function composePicture(drawing: Drawing, picture: Picture): Composed {
  const style = getComputedStyle(drawing.element);
  const variable = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return compose({
    title: picture.title,
    subtitle: picture.subtitle,
    body: drawing.body,
    width: drawing.width,
    height: drawing.height,
    legend: resolveLegend(picture.legend ?? [], drawing.element),
    labels: picture.labels,
    colours: { background: panelColour(drawing.element), text: variable('--text', style.color), muted: variable('--muted', style.color), line: variable('--line', '#d9dee4') },
    measure,
  });
}

/** A composed picture drawn onto a canvas at `scale` times its size, as a PNG. */
export async function rasterise(picture: Composed, scale: number): Promise<Blob> {
  // A data: URL, which the app's Content-Security-Policy allows for images (blob: it does not).
  const image = new Image();
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(picture.svg)}`;
  await image.decode();
  const size = pixelSize(picture.width, picture.height, scale);
  const canvas = document.createElement('canvas');
  canvas.width = size.width;
  canvas.height = size.height;
  const context = canvas.getContext('2d');
  if (!context) throw new Error('this browser cannot draw the image');
  context.scale(size.width / picture.width, size.height / picture.height);
  context.drawImage(image, 0, 0, picture.width, picture.height);
  return await new Promise<Blob>((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('the image could not be made'))), 'image/png'));
}

/** A file name from the view, the model and the step: "reply-tree-boris-step-12.png". */
export function imageName(view: string, model: string, step: number, extension: 'png' | 'svg'): string {
  const slug = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'model';
  return `${slug(view)}-${slug(model)}${step >= 0 ? `-step-${step + 1}` : ''}.${extension}`;
}

export function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
