import { SERVICE_PING } from '../model/network/limits.ts';
import {
  type RequestBody,
  type RequestType,
  type ResultOf,
  type ServiceEvent,
  parseResult,
  parseServiceMessage,
} from './protocol.ts';

/** A running model service, however it is hosted (utility process, child process, Web Worker). */
export interface ServiceConnection {
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Called once when the service stops, whatever the reason. */
  onExit(listener: (reason: string) => void): void;
  kill(): void;
}

/** An error the service answered with, or the reason a request could not be answered. */
export class ServiceError extends Error {
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

interface Pending {
  type: RequestType;
  resolve(result: unknown): void;
  reject(error: ServiceError): void;
}

export interface SupervisorOptions {
  /** No more restarts once the service has died this many times within `windowMs`. */
  maxRestarts?: number;
  windowMs?: number;
  now?: () => number;
  /**
   * The watchdog: every `pingIntervalMs` the service is pinged; one that has not answered a ping
   * within `pingTimeoutMs` is taken to be stuck, and restarted. 0 turns the watchdog off.
   */
  pingIntervalMs?: number;
  pingTimeoutMs?: number;
}

/**
 * The app's side of the model service: numbers requests, validates every reply and event on
 * arrival, and restarts the service if it dies: pending requests fail with a message, a training
 * run in progress is reported as interrupted, and a `restarted` status says so. What to open in the
 * new service is the app's to decide (the renderer's studio does, in `recover()`), so the supervisor
 * opens nothing by itself.
 *
 * A watchdog pings the service every couple of seconds. The service answers a ping on arrival,
 * between two slices of whatever it is doing; one that does not answer within SERVICE_PING.timeoutMs
 * (model/network/limits.ts) is stuck, and is restarted as if it had died.
 */
export class ServiceSupervisor {
  private connection: ServiceConnection;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<(event: ServiceEvent) => void>();
  private training = false;
  private deaths: number[] = [];
  private stopped = false;
  private readonly maxRestarts: number;
  private readonly windowMs: number;
  private readonly now: () => number;
  private readonly pingTimeoutMs: number;
  private watchdog: ReturnType<typeof setInterval> | null = null;
  /** When the ping not yet answered was sent, or null. */
  private pingSentAt: number | null = null;

  constructor(
    private readonly spawn: () => ServiceConnection,
    options: SupervisorOptions = {},
  ) {
    this.maxRestarts = options.maxRestarts ?? 3;
    this.windowMs = options.windowMs ?? 30_000;
    this.now = options.now ?? (() => Date.now());
    this.pingTimeoutMs = options.pingTimeoutMs ?? SERVICE_PING.timeoutMs;
    this.connection = this.start();
    const interval = options.pingIntervalMs ?? SERVICE_PING.intervalMs;
    if (interval > 0) {
      this.watchdog = setInterval(() => this.checkAlive(), interval);
      // The watchdog never keeps a process alive by itself (the CLI, tests).
      (this.watchdog as { unref?: () => void }).unref?.();
    }
  }

  /** Pings the service, or restarts it when the last ping went unanswered for too long. */
  private checkAlive(): void {
    if (this.stopped) return;
    const now = this.now();
    if (this.pingSentAt === null) {
      this.pingSentAt = now;
      const id = this.nextId++;
      const connection = this.connection;
      this.pending.set(id, {
        type: 'ping',
        resolve: () => {
          if (connection === this.connection) this.pingSentAt = null;
        },
        reject: () => {},
      });
      connection.send({ type: 'ping', id });
      return;
    }
    if (now - this.pingSentAt < this.pingTimeoutMs) return;
    const stuck = this.connection;
    this.pingSentAt = null;
    // Replaced first, so that the stuck one's exit is not taken for another death.
    this.died(`it did not answer for ${Math.round(this.pingTimeoutMs / 1000)} seconds, as if stuck`);
    stuck.kill();
  }

  onEvent(listener: (event: ServiceEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  request<B extends RequestBody>(body: B): Promise<ResultOf<B['type']>> {
    if (this.stopped) return Promise.reject(new ServiceError('internal', 'the model service has stopped; restart the app'));
    const id = this.nextId++;
    return new Promise<ResultOf<B['type']>>((resolve, reject) => {
      this.pending.set(id, { type: body.type, resolve: resolve as (result: unknown) => void, reject });
      this.connection.send({ ...body, id });
    }).then((result) => {
      if (body.type === 'train') this.training = true;
      return result;
    });
  }

  /** Stops the service for good (the app is closing). */
  dispose(): void {
    this.stopped = true;
    if (this.watchdog) clearInterval(this.watchdog);
    this.connection.kill();
  }

  private start(): ServiceConnection {
    const connection = this.spawn();
    connection.onMessage((message) => this.receive(message));
    connection.onExit((reason) => {
      if (connection === this.connection) this.died(reason);
    });
    return connection;
  }

  private emit(event: ServiceEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  private receive(raw: unknown): void {
    let message;
    try {
      message = parseServiceMessage(raw);
    } catch (error) {
      this.emitProblem(`the model service sent a message the app cannot read: ${(error as Error).message}`);
      return;
    }
    if (message.type === 'event') {
      if (message.payload.event === 'trainDone') this.training = false;
      this.emit(message.payload);
      return;
    }
    const pending = message.id === null ? undefined : this.pending.get(message.id);
    if (!pending) {
      if (message.type === 'error') this.emitProblem(message.message);
      return;
    }
    this.pending.delete(message.id!);
    if (message.type === 'error') {
      pending.reject(new ServiceError(message.kind, message.message));
      return;
    }
    try {
      pending.resolve(parseResult(pending.type, message.result));
    } catch (error) {
      pending.reject(new ServiceError('protocol', `the model service's answer to "${pending.type}" cannot be read: ${(error as Error).message}`));
    }
  }

  private emitProblem(message: string): void {
    this.emit({ event: 'serviceStatus', state: 'problem', message });
  }

  private died(reason: string): void {
    this.pingSentAt = null;
    for (const [, pending] of this.pending) {
      pending.reject(new ServiceError('internal', `the model service stopped (${reason}) before it answered; it has been restarted, so try again`));
    }
    this.pending.clear();
    const wasTraining = this.training;
    this.training = false;
    if (wasTraining) {
      this.emit({
        event: 'trainDone',
        status: 'interrupted',
        message: `training was interrupted because the model service stopped (${reason}); saved models are untouched`,
        bestEpoch: 0,
        bestAccuracy: null,
        history: [],
        model: null,
      });
    }
    if (this.stopped) return;
    const now = this.now();
    this.deaths = [...this.deaths.filter((t) => now - t < this.windowMs), now];
    if (this.deaths.length > this.maxRestarts) {
      this.stopped = true;
      if (this.watchdog) clearInterval(this.watchdog);
      this.emit({ event: 'serviceStatus', state: 'stopped', message: `the model service keeps stopping (${reason}); it was not restarted again. Restart the app.` });
      return;
    }
    this.connection = this.start();
    this.emit({ event: 'serviceStatus', state: 'restarted', message: `the model service stopped (${reason}) and was restarted` });
  }
}
