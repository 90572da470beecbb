import type { ServiceMessage } from './protocol.ts';
import type { ModelStore } from './store.ts';

/** What a host (utility process, worker, child process) gives the service. */
export interface ServiceHost {
  post(message: ServiceMessage): void;
  store: ModelStore;
  /** The bundled Boris model file and the corpus contexts are projected from. */
  bundled(): Promise<{ model: string; corpus: string }>;
  yieldToMessages(): Promise<void>;
  now(): number;
}
