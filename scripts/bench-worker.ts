/**
 * The browser side of the benchmark's training comparison: a Web Worker that runs one training run
 * per message (scripts/bench-training-run.ts) and posts its result back. scripts/bench-renderer.mjs
 * bundles it and starts it from a page in Chromium.
 */
import { type TrainingRunRequest, trainingRun } from './bench-training-run.ts';

const scope = globalThis as unknown as { onmessage: ((event: { data: TrainingRunRequest }) => void) | null; postMessage(data: unknown): void };

scope.onmessage = (event) => {
  try {
    scope.postMessage({ ok: true, result: trainingRun(event.data) });
  } catch (error) {
    scope.postMessage({ ok: false, error: String(error) });
  }
};
