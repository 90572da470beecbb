/**
 * The model service in a Web Worker, for the renderer in a browser (`npm run web`). Saved models
 * are kept in the page's IndexedDB, so they are still there after a reload. The worker script that
 * imports this passes in how to read the bundled Boris model and corpus texts (files the build
 * copies beside the app, read from its own origin, never from the network).
 */
import { ModelService } from './handler.ts';
import type { ServiceMessage } from './protocol.ts';
import { IdbStore } from './idbStore.ts';

interface WorkerScope {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

declare const MessageChannel: new () => {
  port1: { onmessage: (() => void) | null };
  port2: { postMessage(message: unknown): void };
};

export function startWorkerService(scope: WorkerScope, bundled: () => Promise<{ model: string; corpus: string }>): void {
  // A message to ourselves comes back after messages already queued, without timers' clamping.
  const channel = new MessageChannel();
  const waiting: (() => void)[] = [];
  channel.port1.onmessage = () => waiting.shift()?.();
  const service = new ModelService({
    post: (message: ServiceMessage) => scope.postMessage(message),
    store: new IdbStore(),
    bundled,
    yieldToMessages: () =>
      new Promise<void>((resolve) => {
        waiting.push(resolve);
        channel.port2.postMessage(null);
      }),
    now: () => performance.now(),
  });
  scope.addEventListener('message', (event) => void service.handle(event.data));
}
