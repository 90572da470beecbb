/**
 * What every part of the model service shares: the host it runs in (host.ts), the open model, the scheduler,
 * and the one shape of its request table, which the compiler holds to the protocol: a handler for every
 * request type, returning that type's result.
 */
import type { OpenModels } from './openModel.ts';
import type { ServiceHost } from './host.ts';
import type { RequestOf, RequestType, ResultOf, ServiceEvent } from './protocol.ts';
import type { Scheduler } from './scheduler.ts';

export interface ServiceContext {
  host: ServiceHost;
  models: OpenModels;
  scheduler: Scheduler;
  emit(event: ServiceEvent): void;
}

/**
 * What a handler returns when its part posts the reply itself, later: the knock-out table, answered
 * when it has been measured, beside the requests that follow it (explanations.ts).
 */
export const ANSWERED_LATER: unique symbol = Symbol('answered later');
type Answer<R> = R | typeof ANSWERED_LATER;

export type RequestHandlers = { [T in RequestType]: (request: RequestOf<T>) => Answer<ResultOf<T>> | Promise<Answer<ResultOf<T>>> };

/** Some of the request table: what one part of the service answers. */
export type HandlersFor<T extends RequestType> = Pick<RequestHandlers, T>;
