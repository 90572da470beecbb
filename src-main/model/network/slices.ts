/**
 * Long work written as a generator that yields between pieces, so a host can run it in slices and
 * answer other requests in between (service/scheduler.ts), or at once to its end (the CLI, tests).
 */
export type Sliced<T> = Generator<void, T, void>;

/** Runs stepwise work to its end without stopping. */
export function finish<T>(steps: Sliced<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}
