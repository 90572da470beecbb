import type { Trainer, EpochReport } from '../model/training/training.ts';
import type { ServiceEvent } from './protocol.ts';

import { SLICE_MS } from './scheduler.ts';
import { weightsOnWire } from './wire.ts';

/** Progress events go out at most this often (30 a second). */
const PROGRESS_INTERVAL_MS = 1000 / 30;
/**
 * Weights sent a second at most, in numbers: each snapshot is checked and drawn as three heatmaps,
 * which for a few tens of thousands of weights takes the page most of its time. Boris's 4,900 still
 * go 30 times a second, the story preset's 38,000 about 6 times, the largest model's (V = 4,096,
 * E = 32: 264,000) about once.
 */
const WEIGHT_NUMBERS_PER_SECOND = 250_000;

export interface SessionHost {
  emit(event: ServiceEvent): void;
  /** Resolves once messages that arrived meanwhile have been handled. */
  yieldToMessages(): Promise<void>;
  now(): number;
}

export function toMetrics(report: EpochReport): EpochReport {
  return { ...report };
}

/**
 * Runs a Trainer in short slices so the service keeps answering (pause, stop, chat) while it trains,
 * and reports progress, finished epochs and a weights snapshot at most 30 times a second.
 */
export class TrainingSession {
  private paused = false;
  private wake: (() => void) | null = null;
  private pending: EpochReport[] = [];
  private lastEmit = -Infinity;
  private trainingMs = 0;
  readonly finished: Promise<void>;

  constructor(
    readonly trainer: Trainer,
    private readonly host: SessionHost,
    /** At most this many epochs a second, for watching a run learn; null for as fast as it can. */
    private pace: number | null = null,
  ) {
    this.finished = this.run();
  }

  setPace(epochsPerSecond: number | null): void {
    this.pace = epochsPerSecond;
    this.wake?.();
  }

  pause(): void {
    this.paused = true;
    this.emitProgress(true);
  }

  resume(): void {
    this.paused = false;
    this.wake?.();
  }

  stop(): void {
    this.trainer.stop();
    this.wake?.();
  }

  private async run(): Promise<void> {
    let linesPerSlice = 16;
    while (!this.trainer.done) {
      if (this.paused) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = null;
        continue;
      }
      const began = this.host.now();
      const pace = this.pace;
      // At a pace, a slice ends within an epoch or so, and the run then waits its turn.
      const lines = pace === null ? linesPerSlice : Math.min(linesPerSlice, Math.max(1, this.trainer.split.train.length));
      const reports = this.trainer.runLines(lines);
      for (const report of reports) this.pending.push(toMetrics(report));
      const took = this.host.now() - began;
      this.trainingMs += took;
      // Aim each slice at SLICE_MS, whatever the corpus and the machine.
      linesPerSlice = Math.max(1, Math.min(4096, Math.round(linesPerSlice * (took > 0 ? SLICE_MS / took : 2))));
      if (pace !== null && reports.length > 0) {
        this.emitProgress(true);
        await this.rest((1000 * reports.length) / pace - took);
      } else this.emitProgress(false);
      await this.host.yieldToMessages();
    }
    this.emitProgress(true);
  }

  /** Waits, unless woken sooner (resumed, stopped, or a new pace). */
  private async rest(wanted: number): Promise<void> {
    // The pace is bounded (limits.TRAINING_PACE); so is the wait, within what timers take (2^31 - 1 ms).
    const ms = Math.min(wanted, 2 ** 31 - 1);
    if (!(ms > 0)) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = null;
  }

  private emitProgress(force: boolean): void {
    const now = this.host.now();
    const t = this.trainer;
    const numbers = t.weights.w0.length + t.weights.w1.length + t.weights.w2.length;
    if (!force && now - this.lastEmit < Math.max(PROGRESS_INTERVAL_MS, (numbers / WEIGHT_NUMBERS_PER_SECOND) * 1000)) return;
    this.lastEmit = now;
    const progress = t.progress;
    const w = t.weights;
    this.host.emit({
      event: 'trainProgress',
      status: this.paused ? 'paused' : 'running',
      epoch: t.epoch,
      epochs: t.epochs,
      progress,
      etaSeconds:
        this.pace !== null && progress < 1
          ? (t.epochs - t.epoch) / this.pace
          : progress > 0 && progress < 1
            ? ((this.trainingMs / 1000) * (1 - progress)) / progress
            : progress >= 1
              ? 0
              : null,
      tokensPerSecond: Math.round(t.tokensPerSecond),
      finished: this.pending,
      weights: weightsOnWire(w),
    });
    this.pending = [];
  }
}
