import type { Tip } from './tip.ts';

export type { Tip };

/**
 * The one tooltip of the window. A view hands it a function that describes the element under the
 * pointer (found by its data attributes), so a drawing of hundreds of cells needs one listener.
 */
export class Hover {
  tip = $state<Tip | null>(null);
  x = $state(0);
  y = $state(0);

  track(event: PointerEvent, describe: (element: Element) => Tip | null): void {
    const element = (event.target as Element).closest('[data-tip]');
    const tip = element ? describe(element) : null;
    this.tip = tip;
    this.x = event.clientX;
    this.y = event.clientY;
  }

  /** Shows a tip for an element reached by keyboard, just below it. */
  showFor(element: Element, tip: Tip | null): void {
    const rect = element.getBoundingClientRect();
    this.tip = tip;
    this.x = rect.left + rect.width / 2;
    this.y = rect.bottom;
  }

  hide(): void {
    this.tip = null;
  }
}
