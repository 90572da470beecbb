/**
 * The model service: one message handler, host-agnostic (Electron's utility process, a Node child
 * process, a Web Worker). It answers every request with a reply or an error a person can act on,
 * from one request table that the compiler holds to the protocol (context.ts: a handler for every
 * request type, returning that type's result). The table is put together from the service's parts:
 * models (modelRequests.ts), the training history (historyRequests.ts), the conversation
 * (conversationRequests.ts), read-only analysis (analysisRequests.ts), training (trainingRequests.ts),
 * the context's dynamics (dynamicsRequests.ts) and explanations (explanations.ts); the
 * open model has one owner (openModel.ts), and the scheduler (scheduler.ts) decides when each
 * request runs. docs/ARCHITECTURE.md shows where a new request goes.
 */
import { SlmError, clip } from '../model/network/errors.ts';
import { analysisRequests } from './analysisRequests.ts';
import { ANSWERED_LATER, type RequestHandlers, type ServiceContext } from './context.ts';
import type { ServiceHost } from './host.ts';
import { conversationRequests } from './conversationRequests.ts';
import { dynamicsRequests } from './dynamicsRequests.ts';
import { ExplanationService } from './explanations.ts';
import { historyRequests } from './historyRequests.ts';
import { lessonRequests } from './lessonRequests.ts';
import { modelRequests } from './modelRequests.ts';
import { OpenModels } from './openModel.ts';
import { type Request, type ServiceEvent, parseRequest } from './protocol.ts';
import { Scheduler } from './scheduler.ts';
import { trainingRequests } from './trainingRequests.ts';

export type { ServiceHost } from './host.ts';

function isPing(message: unknown): message is { type: 'ping'; id: number } {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'ping' && Number.isInteger((message as { id?: unknown }).id);
}

export class ModelService {
  private readonly scheduler: Scheduler;
  private readonly explanations: ExplanationService;
  private readonly handlers: RequestHandlers;

  constructor(private readonly host: ServiceHost) {
    this.scheduler = new Scheduler(
      () => host.yieldToMessages(),
      () => host.now(),
    );
    const models = new OpenModels(host);
    const context: ServiceContext = { host, models, scheduler: this.scheduler, emit: (event) => this.emit(event) };
    this.explanations = new ExplanationService(
      () => models.current().model,
      async () => models.current().corpus ?? (await host.bundled()).corpus,
      (message) => host.post(message),
      () => host.yieldToMessages(),
      (steps, stop) => this.scheduler.inSlices(steps, stop),
    );
    models.onChange((change) => this.explanations.forget(change === 'model'));
    this.handlers = {
      ...modelRequests(context),
      ...conversationRequests(context),
      ...analysisRequests(context),
      ...historyRequests(context),
      ...trainingRequests(context),
      ...dynamicsRequests(context),
      ...lessonRequests(context),
      ...this.explanations.handlers(),
      // Answered on arrival (see handle); only reached if one is handled in its turn.
      ping: () => null,
    };
  }

  /** Takes one arriving message and answers it in its turn (see scheduler.ts). Never throws. */
  handle(message: unknown): Promise<void> {
    // A ping is answered at once: it asks whether the service still takes messages, not what it is doing.
    if (isPing(message)) {
      this.host.post({ type: 'reply', id: message.id, result: null });
      return Promise.resolve();
    }
    // Explanation requests are noted on arrival, so that a newer one (or a cancel) stops older ones waiting.
    const early = this.explanations.arrive(message);
    if (early) {
      this.host.post(early);
      return Promise.resolve();
    }
    return this.scheduler.schedule(message, () => this.handleNow(message));
  }

  private async handleNow(message: unknown): Promise<void> {
    const parsed = parseRequest(message);
    if (!parsed.ok) {
      this.host.post({ type: 'error', id: parsed.id, kind: 'protocol', message: parsed.message });
      return;
    }
    const request = parsed.request;
    try {
      this.explanations.begin(request);
      const result = await this.answer(request);
      // A part that answers later (the knock-out table, when measured) posts the reply itself.
      if (result === ANSWERED_LATER) return;
      this.host.post({ type: 'reply', id: request.id, result });
    } catch (error) {
      const kind = error instanceof SlmError ? error.kind : 'internal';
      // Messages quote inputs only in part; this cut is the last guard against echoing a huge one.
      const text = clip(error instanceof Error ? error.message : String(error));
      this.host.post({ type: 'error', id: request.id, kind, message: kind === 'internal' ? `something went wrong in the model service: ${text}` : text });
    }
  }

  /** The request's handler, from the table: each takes the request of its own type. */
  private answer(request: Request): unknown {
    const handler = this.handlers[request.type] as (request: Request) => unknown;
    return handler(request);
  }

  private emit(event: ServiceEvent): void {
    this.host.post({ type: 'event', payload: event });
  }
}
