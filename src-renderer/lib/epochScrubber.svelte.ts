import type { HistoryInfo } from '../../src-main/service/protocol.ts';
import type { Studio } from './studioParts.svelte.ts';

/** Epochs a second while the history plays (each is a round trip and the conversation said again). */
const PLAY_EPOCHS_PER_SECOND = 10;
/** Play visits about this many checkpoints from the start to the end of a run, skipping evenly. */
const PLAY_STOPS = 100;

/**
 * The Epoch slider's state: which checkpoint of the open model's training history is shown. Choosing
 * one asks the model service to show its weights (showEpoch); the studio then says the conversation
 * again with them, so every view follows. While a request is under way only the latest choice is
 * kept, so dragging never queues up stale epochs. No model maths here.
 */
export class EpochScrubber {
  #pending = $state<number | null>(null);
  #playing = $state(false);
  #error = $state<string | null>(null);
  /** The epoch still to be shown (undefined: none; null: the model's own weights). */
  private wanted: number | null | undefined = undefined;
  private running: Promise<void> | null = null;
  private playTicket = 0;
  /** The stop where a play was held, if it was; a new play goes on from there. */
  private heldAt: number | null = null;

  constructor(private readonly studio: Studio) {}

  get history(): HistoryInfo | null {
    return this.studio.model?.history ?? null;
  }
  /** The epochs with a checkpoint, rising: the slider's stops. */
  get epochs(): number[] {
    return this.history?.checkpoints ?? [];
  }
  get playing(): boolean {
    return this.#playing;
  }
  get error(): string | null {
    return this.#error;
  }
  /** Whether a stop was chosen and its weights are not shown yet. */
  get choosing(): boolean {
    return this.#pending !== null;
  }
  /** The epoch shown now, or null when the model's own weights are. */
  get shown(): number | null {
    return this.history?.shown ?? null;
  }
  /** The slider's stop: the one being chosen, else the epoch shown, else the model's own epoch (or the last). */
  get index(): number {
    if (this.#pending !== null) return this.#pending;
    const history = this.history;
    if (!history) return 0;
    const epoch = history.shown ?? history.modelEpoch;
    const at = epoch === null ? -1 : history.checkpoints.indexOf(epoch);
    return at >= 0 ? at : history.checkpoints.length - 1;
  }
  /** The epoch at the slider. */
  get epoch(): number {
    return this.epochs[this.index] ?? 0;
  }
  /** The metrics of the epoch at the slider. */
  get metrics() {
    const epoch = this.epoch;
    return this.history?.metrics.find((m) => m.epoch === epoch) ?? null;
  }

  /** Moves the slider to a stop and shows that checkpoint's weights. */
  choose(index: number): Promise<void> {
    const stop = Math.max(0, Math.min(this.epochs.length - 1, Math.round(index)));
    this.#pending = stop;
    return this.show(this.epochs[stop]);
  }

  /** Brings back the model's own weights. */
  backToOwn(): Promise<void> {
    this.stop();
    this.#pending = null;
    return this.show(null);
  }

  /** Opens the epoch shown as a model of its own (unsaved); the chat says the conversation again with it. */
  async useThisEpoch(): Promise<void> {
    this.stop();
    await this.settled();
    const epoch = this.shown;
    if (epoch === null) return;
    try {
      const model = await this.studio.bridge.request({ type: 'useEpoch', epoch });
      await this.studio.carryOver(model);
      this.studio.tell(`${model.name} is open, not saved yet: save it from the Files menu to keep it.`);
    } catch (error) {
      this.#error = (error as Error).message;
    }
  }

  /**
   * Plays the run from epoch 0 to the end, about PLAY_STOPS stops in all. Only a play that was held
   * part-way goes on from where it was held (while the slider is still there); any other start, at the
   * model's own epoch, at one chosen on the slider, or at the end, begins at epoch 0.
   */
  async play(): Promise<void> {
    if (this.#playing || this.epochs.length < 2) return;
    const ticket = ++this.playTicket;
    this.#playing = true;
    const stride = Math.max(1, Math.round(this.epochs.length / PLAY_STOPS));
    const held = this.heldAt;
    this.heldAt = null;
    let index = held !== null && held === this.index && held < this.epochs.length - 1 ? held : 0;
    try {
      for (;;) {
        const began = performance.now();
        await this.choose(index);
        await this.settled();
        if (ticket !== this.playTicket) return;
        if (index >= this.epochs.length - 1) break;
        index = Math.min(this.epochs.length - 1, index + stride);
        const wait = 1000 / PLAY_EPOCHS_PER_SECOND - (performance.now() - began);
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        if (ticket !== this.playTicket) return;
      }
    } finally {
      if (ticket === this.playTicket) this.#playing = false;
    }
  }

  pause(): void {
    // Held part-way through a play: Animate epochs goes on from here.
    this.heldAt = this.#playing ? this.index : null;
    this.playTicket++;
    this.#playing = false;
  }

  /** Stops a play and forgets where it was: the next one begins at epoch 0. */
  stop(): void {
    this.pause();
    this.heldAt = null;
  }

  /** Resolves when every choice so far has been shown. */
  settled(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  private show(epoch: number | null): Promise<void> {
    this.wanted = epoch;
    this.running ??= this.drain();
    return this.running;
  }

  private async drain(): Promise<void> {
    try {
      while (this.wanted !== undefined) {
        const epoch = this.wanted;
        this.wanted = undefined;
        const model = await this.studio.bridge.request({ type: 'showEpoch', epoch });
        await this.studio.applyWeights(model);
      }
      this.#error = null;
    } catch (error) {
      this.#error = (error as Error).message;
      this.wanted = undefined;
      this.pause();
    } finally {
      this.running = null;
      this.#pending = null;
    }
  }
}
