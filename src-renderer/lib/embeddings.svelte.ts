import { type MapMethod, type Metric, type ModelInfo, type ResultOf, limits } from '../../src-main/service/protocol.ts';
import type { Studio } from './studioParts.svelte.ts';

export interface WordMap extends ResultOf<'embeddingMap'> {
  model: ModelInfo;
  method: MapMethod;
}

export interface NeighbourList {
  word: string;
  metric: Metric;
  found: ResultOf<'neighbours'>;
}

/**
 * The Embeddings view's state: the map of every word (placed by the model service), the word typed
 * or pointed at, and its nearest words as the service finds them. Only asks and keeps; no maths here.
 */
export class EmbeddingsState {
  method = $state<MapMethod>('pca');
  metric = $state<Metric>('euclidean');
  k = $state(8);
  /** The word typed in the Word box. */
  typed = $state('');
  /** The word under the pointer (or keyboard focus) on the map, which wins over the typed one. */
  pointed = $state<string | null>(null);
  map = $state<WordMap | null>(null);
  mapError = $state<string | null>(null);
  neighbours = $state<NeighbourList | null>(null);
  neighbourError = $state<string | null>(null);
  loadingMap = $state(false);

  /** Maps already made for the current model, by method (UMAP takes a moment). */
  private made = new Map<MapMethod, WordMap>();
  private madeFor: ModelInfo | null = null;
  private mapTicket = 0;
  private neighbourTicket = 0;

  constructor(private readonly studio: Studio) {}

  /** The word whose neighbours are listed. */
  get focus(): string {
    return (this.pointed ?? this.typed).trim().toLowerCase();
  }

  async loadMap(model: ModelInfo, method: MapMethod): Promise<void> {
    if (this.madeFor !== model) {
      this.made.clear();
      this.madeFor = model;
    }
    const ticket = ++this.mapTicket;
    const ready = this.made.get(method);
    if (ready) {
      this.map = ready;
      this.mapError = null;
      return;
    }
    this.loadingMap = true;
    try {
      const result = await this.studio.bridge.request({ type: 'embeddingMap', method });
      const map: WordMap = { ...result, model, method };
      if (ticket !== this.mapTicket) return;
      this.made.set(method, map);
      this.map = map;
      this.mapError = null;
    } catch (error) {
      if (ticket === this.mapTicket) this.mapError = (error as Error).message;
    } finally {
      if (ticket === this.mapTicket) this.loadingMap = false;
    }
  }

  async findNeighbours(word: string, k: number, metric: Metric): Promise<void> {
    const ticket = ++this.neighbourTicket;
    if (word === '') {
      this.neighbours = null;
      this.neighbourError = null;
      return;
    }
    const { min, max } = limits.NEIGHBOURS;
    if (!(Number.isInteger(k) && k >= min && k <= max)) {
      this.neighbourError = `Show between ${min} and ${max} neighbours.`;
      return;
    }
    try {
      const found = await this.studio.bridge.request({ type: 'neighbours', word, k, metric });
      if (ticket !== this.neighbourTicket) return;
      this.neighbours = { word, metric, found };
      this.neighbourError = null;
    } catch (error) {
      if (ticket !== this.neighbourTicket) return;
      this.neighbours = null;
      const message = (error as Error).message;
      this.neighbourError = message.charAt(0).toUpperCase() + message.slice(1);
    }
  }
}
