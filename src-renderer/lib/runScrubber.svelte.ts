import type { Bridge } from './bridge.ts';
import type { MatrixWeights } from './weightMaps.ts';

/**
 * Scrubbing the Train view's run while it trains (or after): an epoch chosen on its slider shows that
 * epoch's weights in the heatmaps and a marker on the curves, while the run goes on; "Follow the run"
 * goes back to the live weights. The weights come from the service's record of the run (runCheckpoint).
 */
export class RunScrubber {
  /** The epoch chosen, or null to follow the run as it learns. */
  #chosen = $state<number | null>(null);
  /** The checkpoint shown: its epoch (a thinned long run may give an earlier one) and weights. */
  #shown = $state.raw<{ epoch: number; weights: MatrixWeights } | null>(null);
  #error = $state<string | null>(null);
  private ticket = 0;

  constructor(private readonly bridge: Bridge) {}

  get chosen(): number | null {
    return this.#chosen;
  }
  /** The checkpoint shown, once it has arrived for the epoch chosen; null while following the run. */
  get shown(): { epoch: number; weights: MatrixWeights } | null {
    return this.#chosen === null ? null : this.#shown;
  }
  get error(): string | null {
    return this.#error;
  }

  async choose(epoch: number): Promise<void> {
    this.#chosen = epoch;
    const ticket = ++this.ticket;
    try {
      const checkpoint = await this.bridge.request({ type: 'runCheckpoint', epoch });
      if (ticket !== this.ticket) return;
      this.#shown = checkpoint;
      this.#error = null;
    } catch (error) {
      if (ticket === this.ticket) this.#error = (error as Error).message;
    }
  }

  /** Back to the live weights (a new run starts there too). */
  follow(): void {
    this.ticket++;
    this.#chosen = null;
    this.#shown = null;
    this.#error = null;
  }
}
