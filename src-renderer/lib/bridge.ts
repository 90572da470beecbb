/**
 * The renderer's one way to the model: inside Electron, the preload's `window.slm`; in a browser, the
 * same model service running in a Web Worker. Either way every answer and event is validated by the
 * service protocol's schemas before the app sees it.
 */
import type { SlmDesktopApi } from '../../src-main/desktop/api.ts';
import { type RequestBody, type ResultOf, type ServiceEvent, parseEvent, parseResult } from '../../src-main/service/protocol.ts';
import { type ServiceConnection, ServiceError, ServiceSupervisor } from '../../src-main/service/supervisor.ts';

export interface Bridge {
  request<B extends RequestBody>(body: B): Promise<ResultOf<B['type']>>;
  onEvent(listener: (event: ServiceEvent) => void): () => void;
  /** The desktop's native dialogs, or null in a browser. */
  readonly desktop: SlmDesktopApi | null;
}

function workerConnection(): ServiceConnection {
  const worker = new Worker(new URL('./serviceWorker.ts', import.meta.url), { type: 'module', name: 'slm model service' });
  const exitListeners: ((reason: string) => void)[] = [];
  worker.addEventListener('error', (event) => {
    event.preventDefault();
    for (const listener of exitListeners) listener(event.message || 'the worker failed');
  });
  return {
    send: (message) => worker.postMessage(message),
    onMessage: (listener) => worker.addEventListener('message', (event) => listener(event.data)),
    onExit: (listener) => exitListeners.push(listener),
    kill: () => worker.terminate(),
  };
}

function desktopBridge(desktop: SlmDesktopApi): Bridge {
  return {
    desktop,
    async request(body) {
      const answer = await desktop.request(body);
      if (!answer.ok) throw new ServiceError(answer.kind, answer.message);
      return parseResult(body.type, answer.result);
    },
    onEvent: (listener) => desktop.onEvent((event) => listener(parseEvent(event))),
  };
}

function browserBridge(): Bridge {
  const supervisor = new ServiceSupervisor(workerConnection);
  return { desktop: null, request: (body) => supervisor.request(body), onEvent: (listener) => supervisor.onEvent(listener) };
}

export function createBridge(): Bridge {
  const desktop = (globalThis as { slm?: SlmDesktopApi }).slm;
  return desktop ? desktopBridge(desktop) : browserBridge();
}
