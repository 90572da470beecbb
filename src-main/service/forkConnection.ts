import { fork } from 'node:child_process';
import type { ServiceConnection } from './supervisor.ts';

/**
 * Runs the model service's Node entry (`dist/electron/service.cjs`, the file the Electron utility process
 * runs) as a child process. Messages use structured clone (`serialization: 'advanced'`), as Electron's
 * ports do, so byte arrays pass unchanged.
 */
export function forkService(entry: string, args: string[]): ServiceConnection & { pid: number | undefined } {
  const child = fork(entry, args, { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exitListeners: ((reason: string) => void)[] = [];
  let exited = false;
  const exit = (reason: string) => {
    if (exited) return;
    exited = true;
    for (const listener of exitListeners) listener(reason);
  };
  child.on('exit', (code, signal) => exit(signal ? `killed by ${signal}` : `exit code ${code}`));
  child.on('error', (error) => exit(error.message));
  return {
    pid: child.pid,
    send: (message) => {
      if (!exited && child.connected) child.send(message as object);
    },
    onMessage: (listener) => child.on('message', listener),
    onExit: (listener) => exitListeners.push(listener),
    kill: () => child.kill(),
  };
}
