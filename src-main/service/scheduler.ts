/**
 * When the model service runs each request, by the lane its entry in the request table gives it
 * (protocol.ts; checked before it is scheduled). Requests that change the open model wait for every
 * request before them, and every request waits for the model changes before it; the conversation's
 * requests run one at a time, in order. Everything else (listing, looking up, exporting, pausing a
 * run, explaining) only reads, so it is answered while a long turn or replay is under way, between its
 * slices: long work calls `letOthersIn()` as it goes. A request of a superseded type is stopped by a
 * newer one of its type, or by a cancel, while it waits or at its next slice.
 */
import { SLICE_MS } from '../model/network/limits.ts';
import { SlmError } from '../model/network/errors.ts';
import type { Sliced } from '../model/network/slices.ts';
import type { Lane, Request, RequestType } from './protocol.ts';

/** Long work runs in slices of about this long, then lets waiting requests in (model/network/limits.ts). */
export { SLICE_MS };

/**
 * One request being answered. `signal` is aborted when a newer request of a superseded type (or a
 * cancel) stops it; `inSlices` runs long work in slices and stops at the first slice boundary after.
 */
export interface Job {
  readonly signal: AbortSignal;
  inSlices<T>(steps: Sliced<T>): Promise<T>;
}

/** The error a stopped request is answered with. */
export function cancelledError(type: string): SlmError {
  return new SlmError('cancelled', `this ${type} request was cancelled: a newer one replaced it, or it was stopped`);
}

export class Scheduler {
  /** Settles when every request so far has been answered. */
  private everything: Promise<void> = Promise.resolve();
  /** Settles when the last request that changes the model has been answered. */
  private lastModelChange: Promise<void> = Promise.resolve();
  /** Settles when the last conversation request has been answered. */
  private lastConversation: Promise<void> = Promise.resolve();
  /** When long work last let waiting requests in. */
  private lastLetIn = 0;
  /** Requests of superseded types not yet answered: id -> its type and what stops it. */
  private readonly live = new Map<number, { type: RequestType; stop: AbortController }>();

  constructor(
    private readonly yieldToMessages: () => Promise<void>,
    private readonly now: () => number,
  ) {}

  /**
   * Takes a checked request as it arrives: one of a superseded type stops those of its type before
   * it, and is kept until `settled` so that a newer one or a cancel can stop it in turn.
   */
  arrive(request: Request, superseded: boolean): Job {
    const stop = new AbortController();
    if (superseded) {
      for (const older of this.live.values()) if (older.type === request.type) older.stop.abort(cancelledError(older.type));
      this.live.set(request.id, { type: request.type, stop });
    }
    const { signal } = stop;
    return {
      signal,
      inSlices: (steps) => this.inSlices(steps, () => signal.throwIfAborted()),
    };
  }

  /** The request has been answered. */
  settled(id: number): void {
    this.live.delete(id);
  }

  /** Stops the requests of these types not yet answered; says how many it stopped. */
  cancel(types: readonly RequestType[]): number {
    let count = 0;
    for (const { type, stop } of this.live.values()) {
      if (!types.includes(type) || stop.signal.aborted) continue;
      stop.abort(cancelledError(type));
      count++;
    }
    return count;
  }

  /** Runs `work` in its turn in a lane (see above); `arrival` is not a queue: the caller answers it at once. */
  schedule(lane: Exclude<Lane, 'arrival'>, work: () => Promise<void>): Promise<void> {
    const after =
      lane === 'model' ? this.everything : lane === 'conversation' ? Promise.all([this.lastModelChange, this.lastConversation]) : this.lastModelChange;
    const done = after.then(work);
    this.everything = Promise.all([this.everything, done]).then(() => undefined);
    if (lane === 'model') this.lastModelChange = done;
    if (lane === 'conversation') this.lastConversation = done;
    return done;
  }

  /**
   * Lets waiting requests in once SLICE_MS has passed since the service last did. The clock runs
   * across requests and turns: a replay of many short turns yields as often as one long turn.
   */
  async letOthersIn(): Promise<void> {
    if (this.now() - this.lastLetIn <= SLICE_MS) return;
    await this.yieldToMessages();
    this.lastLetIn = this.now();
  }

  /**
   * Runs stepwise work to its end, letting waiting requests in as it goes. With `stop`, the work is
   * abandoned at the first slice boundary where `stop` throws (a request that was cancelled or
   * superseded while it ran).
   */
  async inSlices<T>(steps: Sliced<T>, stop?: () => void): Promise<T> {
    try {
      for (;;) {
        const next = steps.next();
        if (next.done) return next.value;
        if (this.now() - this.lastLetIn > SLICE_MS) {
          await this.letOthersIn();
          stop?.();
        }
      }
    } finally {
      steps.return?.(undefined as T);
    }
  }
}
