/**
 * When the model service runs each request. Requests that change the open model wait for every
 * request before them, and every request waits for the model changes before it; the conversation's
 * requests run one at a time, in order. Everything else (listing, looking up, exporting, pausing a
 * run, explaining) only reads, so it is answered while a long turn or replay is under way, between its
 * slices: long work calls `letOthersIn()` as it goes.
 */
import { SLICE_MS } from '../model/network/limits.ts';
import type { RequestType } from './protocol.ts';

type Lane = 'model' | 'conversation' | 'read';

const LANES: Partial<Record<RequestType, Lane>> = {
  open: 'model',
  saveModel: 'model',
  renameModel: 'model',
  deleteModel: 'model',
  setWeights: 'model',
  resetWeights: 'model',
  showEpoch: 'model',
  useEpoch: 'model',
  train: 'model',
  generate: 'conversation',
  replay: 'conversation',
  resetConversation: 'conversation',
};

/** Long work runs in slices of about this long, then lets waiting requests in (model/network/limits.ts). */
export { SLICE_MS };

function laneOf(message: unknown): Lane {
  const type = typeof message === 'object' && message !== null ? (message as { type?: unknown }).type : undefined;
  return (typeof type === 'string' && Object.hasOwn(LANES, type) && LANES[type as RequestType]) || 'read';
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

  constructor(
    private readonly yieldToMessages: () => Promise<void>,
    private readonly now: () => number,
  ) {}

  /** Runs `work` for an arriving message in its turn (see the lanes above). */
  schedule(message: unknown, work: () => Promise<void>): Promise<void> {
    const lane = laneOf(message);
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
  async inSlices<T>(steps: Generator<void, T>, stop?: () => void): Promise<T> {
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
