import type { UtilityProcess } from 'electron';
import type { ServiceConnection } from '../service/supervisor.ts';

/** Adapts an Electron utility process running the service's Node entry to a ServiceConnection. */
export function utilityConnection(child: UtilityProcess): ServiceConnection {
  const exitListeners: ((reason: string) => void)[] = [];
  let exited = false;
  child.on('exit', (code) => {
    exited = true;
    for (const listener of exitListeners) listener(`exit code ${code}`);
  });
  return {
    send: (message) => {
      if (!exited) child.postMessage(message);
    },
    onMessage: (listener) => child.on('message', listener),
    onExit: (listener) => exitListeners.push(listener),
    kill: () => {
      child.kill();
    },
  };
}
