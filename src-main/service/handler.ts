/**
 * The model service: one message handler, host-agnostic (Electron's utility process, a Node child
 * process, a Web Worker). It answers every request with a reply or an error a person can act on.
 * Each request is one entry of the request table (protocol.ts: its schema, result, lane and whether
 * it is superseded) and has exactly one handler, from the service's parts: models (modelRequests.ts),
 * the training history (historyRequests.ts), the conversation (conversationRequests.ts), read-only
 * analysis (analysisRequests.ts), training (trainingRequests.ts), the context's dynamics
 * (dynamicsRequests.ts) and explanations (explanations.ts); the compiler holds them to the table
 * (requestTable.ts). The open model has one owner (openModel.ts), and the scheduler (scheduler.ts) decides
 * when each request runs. docs/ARCHITECTURE.md shows where a new request goes.
 */
import { SlmError, clip } from '../model/network/errors.ts';
import { analysisRequests } from './analysisRequests.ts';
import { type Job, Later, type RequestHandlers, type ServiceParts, requestHandlers } from './requestTable.ts';
import type { ServiceHost } from './host.ts';
import { conversationRequests } from './conversationRequests.ts';
import { dynamicsRequests } from './dynamicsRequests.ts';
import { explanationRequests } from './explanations.ts';
import { historyRequests } from './historyRequests.ts';
import { lessonRequests } from './lessonRequests.ts';
import { modelRequests } from './modelRequests.ts';
import { OpenModel } from './openModel.ts';
import { REQUESTS, type Request, type ServiceEvent, parseRequest } from './protocol.ts';
import { Scheduler } from './scheduler.ts';
import { trainingRequests } from './trainingRequests.ts';

export type { ServiceHost } from './host.ts';

export class ModelService {
  private readonly scheduler: Scheduler;
  private readonly handlers: RequestHandlers;

  constructor(private readonly host: ServiceHost) {
    this.scheduler = new Scheduler(
      () => host.yieldToMessages(),
      () => host.now(),
    );
    const models = new OpenModel(host);
    const context: ServiceParts = { host, models, scheduler: this.scheduler, emit: (event) => this.emit(event) };
    this.handlers = requestHandlers(
      modelRequests(context),
      conversationRequests(context),
      analysisRequests(context),
      historyRequests(context),
      trainingRequests(context),
      dynamicsRequests(context),
      explanationRequests(context),
      lessonRequests(context),
      // The supervisor's watchdog: a ping asks whether the service still takes messages, not what it is doing.
      { ping: () => null },
    );
  }

  /**
   * Takes one arriving message: checks it against the protocol, then answers it in the turn its lane
   * gives it (scheduler.ts), or at once when its lane is `arrival`. Never throws.
   */
  handle(message: unknown): Promise<void> {
    const parsed = parseRequest(message);
    if (!parsed.ok) {
      this.host.post({ type: 'error', id: parsed.id, kind: 'protocol', message: parsed.message });
      return Promise.resolve();
    }
    const { request } = parsed;
    const { lane, superseded } = REQUESTS[request.type];
    const job = this.scheduler.arrive(request, superseded);
    if (lane === 'arrival') return this.answer(request, job);
    return this.scheduler.schedule(lane, () => this.answer(request, job));
  }

  /** Runs the request's handler and posts its reply (or error); a later result is posted when it comes. */
  private async answer(request: Request, job: Job): Promise<void> {
    try {
      // Stopped while it waited: not run at all.
      job.signal.throwIfAborted();
      const handler = this.handlers[request.type] as (request: Request, job: Job) => unknown;
      const result = await handler(request, job);
      if (result instanceof Later) {
        void this.answerLater(request, job, result);
        return;
      }
      this.reply(request, result);
    } catch (error) {
      this.fail(request, error);
    }
  }

  private async answerLater(request: Request, job: Job, later: Later<unknown>): Promise<void> {
    const stopped = new Promise<never>((_, reject) => {
      if (job.signal.aborted) reject(job.signal.reason);
      job.signal.addEventListener('abort', () => reject(job.signal.reason), { once: true });
    });
    try {
      this.reply(request, await Promise.race([later.result, stopped]));
    } catch (error) {
      this.fail(request, error);
    }
  }

  private reply(request: Request, result: unknown): void {
    this.scheduler.settled(request.id);
    this.host.post({ type: 'reply', id: request.id, result });
  }

  private fail(request: Request, error: unknown): void {
    this.scheduler.settled(request.id);
    const kind = error instanceof SlmError ? error.kind : 'internal';
    // Messages quote inputs only in part; this cut is the last guard against echoing a huge one.
    const text = clip(error instanceof Error ? error.message : String(error));
    this.host.post({ type: 'error', id: request.id, kind, message: kind === 'internal' ? `something went wrong in the model service: ${text}` : text });
  }

  private emit(event: ServiceEvent): void {
    this.host.post({ type: 'event', payload: event });
  }
}
