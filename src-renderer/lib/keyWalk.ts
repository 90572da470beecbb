import type { Hover, Tip } from './hover.svelte.ts';

/**
 * One tab stop for a whole drawing: the arrow keys walk its parts (left and right between groups,
 * up and down within one; or every part in a row when `flat`), each part's value is shown in the
 * tooltip and announced, and Enter acts on it. Used as a Svelte action on the drawing's element.
 */
export interface WalkOptions {
  /** The parts, in groups (e.g. the network view's layers), in reading order. */
  groups: () => Element[][];
  describe: (element: Element) => Tip | null;
  hover: Hover;
  /** Every part in one row: each arrow key goes to the next or previous part. */
  flat?: boolean;
  /** What Enter does on a part (e.g. move the clock to its step). */
  onenter?: (element: Element) => void;
  /** Where the walk starts when the drawing gets the focus. */
  start?: () => { group: number; item: number };
}

const FOCUS_CLASS = 'key-focus';

export function keyWalk(node: HTMLElement | SVGElement, initial: WalkOptions) {
  let options = initial;
  let group = 0;
  let item = 0;
  let current: Element | null = null;
  node.setAttribute('tabindex', '0');
  const live = document.createElement('span');
  live.className = 'visually-hidden';
  live.setAttribute('aria-live', 'polite');
  node.parentElement?.append(live);

  function show() {
    const groups = options.groups().filter((g) => g.length > 0);
    if (groups.length === 0) return;
    group = Math.max(0, Math.min(groups.length - 1, group));
    item = Math.max(0, Math.min(groups[group].length - 1, item));
    current?.classList.remove(FOCUS_CLASS);
    current = groups[group][item];
    current.classList.add(FOCUS_CLASS);
    const tip = options.describe(current);
    options.hover.showFor(current, tip);
    live.textContent = tip ? [tip.title, ...tip.lines].join('. ') : '';
  }

  function move(dGroup: number, dItem: number) {
    const groups = options.groups().filter((g) => g.length > 0);
    if (groups.length === 0) return;
    if (options.flat) {
      const all = groups.flat();
      const at = Math.max(0, all.indexOf(current as Element));
      const next = Math.max(0, Math.min(all.length - 1, at + dGroup + dItem));
      let seen = 0;
      group = groups.findIndex((g) => (seen += g.length) > next);
      item = next - (seen - groups[group].length);
    } else if (dGroup !== 0) {
      const fraction = groups[group]?.length > 1 ? item / (groups[group].length - 1) : 0;
      group = Math.max(0, Math.min(groups.length - 1, group + dGroup));
      item = Math.round(fraction * (groups[group].length - 1));
    } else item += dItem;
    show();
  }

  function onKey(event: KeyboardEvent) {
    const moves: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    if (event.key in moves) {
      const [dg, di] = moves[event.key];
      move(dg, di);
    } else if (event.key === 'Home') {
      group = 0;
      item = 0;
      show();
    } else if (event.key === 'Enter' && current && options.onenter) options.onenter(current);
    else return;
    event.preventDefault();
  }

  function onFocus() {
    if (options.start) ({ group, item } = options.start());
    show();
  }
  function onBlur() {
    current?.classList.remove(FOCUS_CLASS);
    current = null;
    options.hover.hide();
  }

  node.addEventListener('keydown', onKey as EventListener);
  node.addEventListener('focus', onFocus);
  node.addEventListener('blur', onBlur);
  return {
    update(next: WalkOptions) {
      options = next;
    },
    destroy() {
      node.removeEventListener('keydown', onKey as EventListener);
      node.removeEventListener('focus', onFocus);
      node.removeEventListener('blur', onBlur);
      live.remove();
    },
  };
}
