import type { Term } from './explanations.ts';
import type { Studio } from './studio.svelte.ts';

/** One stop of the tour: a part of the screen (every element a selector finds) and what it is. */
export interface TourStop {
  term: Term;
  target: string;
}

/** The first-run tour: the chat, then one token's way through the network, then the panels below. */
export const TOUR: readonly TourStop[] = [
  { term: 'chat', target: 'section.chat' },
  { term: 'input', target: 'figure.network g.token' },
  { term: 'embedding', target: 'figure.network rect[data-layer="h1"]' },
  { term: 'context', target: 'figure.network rect[data-layer="c"]' },
  { term: 'h2', target: 'figure.network rect[data-layer="h2"]' },
  { term: 'next-token', target: 'figure.network g.bar' },
  { term: 'timeline', target: 'figure.timeline' },
  { term: 'path', target: 'figure.path' },
];

/** The example the tour asks, when nothing has been said yet, so that every stop has live numbers. */
export const TOUR_EXAMPLE = 'who are you?';
const SEEN_KEY = 'slm-studio:tour-seen';

/** Whether the tour is showing and at which stop; one per studio, opened from Help or the first-run hint. */
export class Tour {
  open = $state(false);
  stop = $state(0);
  /** Set once the person has finished or skipped the tour (kept in this browser). */
  seen = $state(false);

  constructor(private readonly studio: Studio) {
    try {
      this.seen = globalThis.localStorage?.getItem(SEEN_KEY) === 'yes';
    } catch {
      this.seen = false;
    }
  }

  /** Opens the tour at its first stop; with an empty conversation it first asks Boris the example. */
  async start(): Promise<void> {
    this.stop = 0;
    this.open = true;
    if (this.studio.timeline.length === 0 && this.studio.model) {
      await this.studio.send(TOUR_EXAMPLE);
    }
    // The clock on "who": the first word, with a context carried in from the line start.
    if (this.studio.timeline.length > 1) {
      this.studio.revealAll();
      this.studio.seek(1);
    }
  }

  go(stop: number): void {
    this.stop = Math.max(0, Math.min(TOUR.length - 1, stop));
  }

  close(): void {
    this.open = false;
    this.seen = true;
    try {
      globalThis.localStorage?.setItem(SEEN_KEY, 'yes');
    } catch {
      // a browser without storage shows the invitation again next time; nothing is lost
    }
  }
}

const tours = new WeakMap<Studio, Tour>();

export function tourOf(studio: Studio): Tour {
  let tour = tours.get(studio);
  if (!tour) tours.set(studio, (tour = new Tour(studio)));
  return tour;
}
