/**
 * "Export image": a panel's drawing as a PNG at twice its size, and, for the SVG (d3) panels, as the
 * SVG itself. Styles that come from the page's CSS (colours from the theme's variables, fonts) are
 * written onto a copy of each element, so the file looks as the panel does, in light or dark.
 * Panels made of HTML (tables, bars, the chat) and canvas (the weight heatmaps) become a PNG too: a
 * copy of the panel, every computed style inlined and each canvas turned into an image, is drawn
 * through an SVG foreignObject onto a canvas, all in the page (no network).
 */

const STYLED = ['fill', 'stroke', 'stroke-width', 'stroke-dasharray', 'opacity', 'fill-opacity', 'stroke-opacity', 'font-family', 'font-size', 'font-weight', 'text-anchor', 'dominant-baseline', 'paint-order', 'visibility', 'display'] as const;

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

/**
 * One standalone SVG from a panel's drawing: a single SVG element, or several stacked layers (the
 * network view draws its wiring, lit edges and cells as layers), their styles inlined and the
 * panel's background painted behind them.
 */
export function standaloneSvg(drawing: SVGSVGElement | readonly SVGSVGElement[]): string {
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
  const ns = 'http://www.w3.org/2000/svg';
  const root = document.createElementNS(ns, 'svg');
  root.setAttribute('xmlns', ns);
  root.setAttribute('width', String(origin.width));
  root.setAttribute('height', String(origin.height));
  root.setAttribute('viewBox', `0 0 ${origin.width} ${origin.height}`);
  const background = document.createElementNS(ns, 'rect');
  background.setAttribute('width', '100%');
  background.setAttribute('height', '100%');
  background.setAttribute('fill', panelColour(base));
  root.append(background);
  for (const layer of layers) {
    const box = layer.getBoundingClientRect();
    const copy = styledCopy(layer);
    copy.setAttribute('x', String(box.left - origin.left));
    copy.setAttribute('y', String(box.top - origin.top));
    copy.setAttribute('width', String(box.width));
    copy.setAttribute('height', String(box.height));
    for (const attribute of ['role', 'aria-label', 'tabindex']) copy.removeAttribute(attribute);
    root.append(copy);
  }
  return new XMLSerializer().serializeToString(root);
}

/** The colour behind an element: the first ancestor with a background that is not transparent. */
function panelColour(element: Element): string {
  for (let e: Element | null = element; e; e = e.parentElement) {
    const colour = getComputedStyle(e).backgroundColor;
    if (colour && colour !== 'transparent' && !/rgba\(.*,\s*0\)$/.test(colour)) return colour;
  }
  return '#ffffff';
}

/** The drawing as a PNG at `scale` times its size on screen. */
export async function pngOf(svg: SVGSVGElement | readonly SVGSVGElement[], scale = 2): Promise<Blob> {
  const { width, height } = (Array.isArray(svg) ? (svg as readonly SVGSVGElement[])[0] : (svg as SVGSVGElement)).getBoundingClientRect();
  return await rasterise(standaloneSvg(svg), width, height, scale);
}

/** A copy of an HTML panel with every computed style written onto it, canvases as images. */
function styledHtmlCopy(panel: HTMLElement): HTMLElement {
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
  for (const control of copy.querySelectorAll('[data-export-control]')) control.remove();
  return copy;
}

/** An HTML (or canvas) panel as a PNG at `scale` times its size on screen. */
export async function pngOfHtml(panel: HTMLElement, scale = 2): Promise<Blob> {
  const { width, height } = panel.getBoundingClientRect();
  const copy = styledHtmlCopy(panel);
  copy.style.margin = '0';
  const ns = 'http://www.w3.org/2000/svg';
  const root = document.createElementNS(ns, 'svg');
  root.setAttribute('xmlns', ns);
  root.setAttribute('width', String(width));
  root.setAttribute('height', String(height));
  const object = document.createElementNS(ns, 'foreignObject');
  object.setAttribute('width', '100%');
  object.setAttribute('height', '100%');
  const holder = document.createElementNS('http://www.w3.org/1999/xhtml', 'div');
  holder.setAttribute('style', `width:${width}px;height:${height}px;overflow:hidden;background:${panelColour(panel)}`);
  holder.append(copy);
  object.append(holder);
  root.append(object);
  return await rasterise(new XMLSerializer().serializeToString(root), width, height, scale);
}

/** An SVG document's text drawn onto a canvas `scale` times its size, as a PNG. */
async function rasterise(svgText: string, width: number, height: number, scale: number): Promise<Blob> {
  // A data: URL, which the app's Content-Security-Policy allows for images (blob: it does not).
  const image = new Image();
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svgText)}`;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('this browser cannot draw the image');
  context.scale(scale, scale);
  context.drawImage(image, 0, 0, width, height);
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
