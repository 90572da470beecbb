import type { Term } from './helpTexts.ts';
import type { StudioCore } from './studio.svelte.ts';

/**
 * One stop of a tour: a part of the screen and what it is. The target is a selector (every element it
 * finds), or several tried in turn until one finds something shown, or a function that finds them.
 */
export interface TourStop {
  term: Term;
  target: string | readonly string[] | ((page: Document) => Element[]);
}

/** The elements of a view whose own words are exactly `text` (a button, a tab, a label), for a stop named in words. */
export function byWords(view: string, text: string, otherwise: string): (page: Document) => Element[] {
  return (page) => {
    const named = [...page.querySelectorAll(`#view-${view} button, #view-${view} [role="tab"], #view-${view} label, #view-${view} h3`)].filter(
      (element) => element.textContent?.trim() === text,
    );
    return named.length > 0 ? named : [...page.querySelectorAll(otherwise)];
  };
}

/** The elements a stop points at. */
export function stopTargets(stop: TourStop, page: Document): Element[] {
  const shown = (elements: Element[]) => elements.filter((element) => (element as HTMLElement).getClientRects().length > 0);
  if (typeof stop.target === 'function') return shown(stop.target(page));
  for (const selector of typeof stop.target === 'string' ? [stop.target] : stop.target) {
    const found = shown([...page.querySelectorAll(selector)]);
    if (found.length > 0) return found;
  }
  return [];
}

/** The views a tour can show, by the id App.svelte gives each view. */
export const TOUR_VIEWS = ['inside', 'compare', 'embeddings', 'weights', 'train'] as const;
export type TourView = (typeof TOUR_VIEWS)[number];

/**
 * The Inside view's tour (the first-run tour): the chat, then one token's way through the network,
 * then the panels below, and last where to find out whether he remembers.
 */
export const TOUR: readonly TourStop[] = [
  { term: 'chat', target: 'section.chat' },
  { term: 'input', target: 'figure.network g.token' },
  { term: 'embedding', target: 'figure.network rect[data-layer="h1"]' },
  { term: 'context', target: 'figure.network rect[data-layer="c"]' },
  { term: 'h2', target: 'figure.network rect[data-layer="h2"]' },
  { term: 'next-token', target: 'figure.network g.bar' },
  { term: 'timeline', target: 'figure.timeline' },
  { term: 'path', target: 'figure.path' },
  // Memory: the Inside view's "Dynamics and memory" bar (Compare's "Two histories" is named in the words).
  { term: 'remember', target: '#view-inside section[aria-label="Dynamics and memory"]' },
];

/** A short tour of each view: what the view is for, then its main parts and the terms they use. */
export const TOURS: Readonly<Record<TourView, readonly TourStop[]>> = {
  inside: TOUR,
  compare: [
    { term: 'view-compare', target: '#view-compare header' },
    { term: 'euclidean', target: '#view-compare form.inputs' },
    { term: 'cosine', target: '#view-compare fieldset.metric' },
    { term: 'pca', target: '#view-compare section[aria-labelledby="paths-title"]' },
    // Another part of the app builds Compare's "Two histories" mode: the stop finds it by its words.
    { term: 'remember', target: byWords('compare', 'Two histories', '#view-compare header') },
  ],
  embeddings: [
    { term: 'view-embeddings', target: '#view-embeddings header' },
    { term: 'embedding', target: '#view-embeddings .map-area' },
    { term: 'pca', target: '#view-embeddings fieldset.method' },
    { term: 'umap', target: '#view-embeddings fieldset.method' },
    { term: 'euclidean', target: '#view-embeddings aside.side' },
    { term: 'cosine', target: '#view-embeddings fieldset.metric' },
  ],
  weights: [
    { term: 'view-weights', target: '#view-weights header' },
    { term: 'w0', target: '#view-weights figure.heatmap:has(canvas[data-matrix="w0"])' },
    { term: 'w1', target: '#view-weights figure.heatmap:has(canvas[data-matrix="w1"])' },
    { term: 'w2', target: '#view-weights figure.heatmap:has(canvas[data-matrix="w2"])' },
    { term: 'knock-out', target: '#view-weights .top > .panel:first-child' },
  ],
  train: [
    { term: 'view-train', target: '#view-train header' },
    { term: 'held-out', target: '#view-train .setup' },
    { term: 'nats', target: '#view-train .charts > .panel:first-child' },
    { term: 'overfitting', target: '#view-train .charts' },
    { term: 'w0', target: ['#view-train .panel.weights', '#view-train header'] },
  ],
};

/** The tours' names as Help lists them. */
export const TOUR_NAMES: Readonly<Record<TourView, string>> = {
  inside: 'Inside',
  compare: 'Compare',
  embeddings: 'Embeddings',
  weights: 'Weights',
  train: 'Train',
};

/** The example the tour asks Boris, when nothing has been said yet, so that every stop has live numbers. */
export const TOUR_EXAMPLE = 'who are you?';

/** What the tour asks the open model: Boris his example; another model the first question of its own corpus, which it can answer. */
export function tourExample(studio: StudioCore): string {
  return (!studio.bundledOpen && studio.model?.examplePrompts?.[0]) || TOUR_EXAMPLE;
}
const SEEN_KEY = 'slm-studio:tour-seen';

/** Whether a tour is showing, of which view and at which stop; one per studio, opened from Help or the first-run hint. */
export class Tour {
  open = $state(false);
  stop = $state(0);
  view = $state<TourView>('inside');
  /** Set once the person has finished or skipped the Inside tour (kept in this browser). */
  seen = $state(false);

  constructor(private readonly studio: StudioCore) {
    try {
      this.seen = globalThis.localStorage?.getItem(SEEN_KEY) === 'yes';
    } catch {
      this.seen = false;
    }
  }

  get stops(): readonly TourStop[] {
    return TOURS[this.view];
  }

  /**
   * Opens a view's tour at its first stop. The Inside tour, with an empty conversation, first asks
   * the example, and puts the clock on its first word so that every stop has live numbers.
   */
  async start(view: TourView = 'inside'): Promise<void> {
    this.view = view;
    this.stop = 0;
    this.open = true;
    if (view !== 'inside') return;
    if (this.studio.timeline.length === 0 && this.studio.model) {
      await this.studio.send(tourExample(this.studio));
    }
    // The clock on "who": the first word, with a context carried in from the line start.
    if (this.studio.timeline.length > 1) {
      this.studio.revealAll();
      this.studio.seek(1);
    }
  }

  go(stop: number): void {
    this.stop = Math.max(0, Math.min(this.stops.length - 1, stop));
  }

  close(): void {
    this.open = false;
    if (this.view !== 'inside') return;
    this.seen = true;
    try {
      globalThis.localStorage?.setItem(SEEN_KEY, 'yes');
    } catch {
      // a browser without storage shows the invitation again next time; nothing is lost
    }
  }
}
