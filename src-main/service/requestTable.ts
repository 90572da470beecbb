/**
 * What every part of the model service shares: the host it runs in (host.ts), the open model, the
 * scheduler, and the one shape of its handlers, which the compiler holds to the request table
 * (protocol.ts): exactly one handler for every request type, returning that type's result.
 */
import type { OpenModel } from './openModel.ts';
import type { ServiceHost } from './host.ts';
import type { RequestOf, RequestType, ResultOf, ServiceEvent } from './protocol.ts';
import { type Disjoint, joinParts } from './schemaParts.ts';
import type { Job, Scheduler } from './scheduler.ts';

export type { Job } from './scheduler.ts';

export interface ServiceParts {
  host: ServiceHost;
  models: OpenModel;
  scheduler: Scheduler;
  emit(event: ServiceEvent): void;
}

/**
 * A result that comes after the request's turn: the turn ends at once (the requests behind it go on),
 * and the service replies when `result` settles, or "cancelled" if the request is stopped first. The
 * knock-out table is answered so, once measured beside the queue (explanations.ts).
 */
export class Later<R> {
  constructor(readonly result: Promise<R>) {}
}

type Answer<R> = R | Later<R> | Promise<R | Later<R>>;

export type RequestHandlers = { [T in RequestType]: (request: RequestOf<T>, job: Job) => Answer<ResultOf<T>> };

/** Some of the handlers: what one part of the service answers. */
export type HandlersFor<T extends RequestType> = Pick<RequestHandlers, T>;

type KeysOf<Parts extends readonly object[]> = Parts[number] extends infer P ? (P extends object ? keyof P : never) : never;
/** What the compiler says when the parts leave a request without a handler. */
type Complete<Parts extends readonly object[]> = [Exclude<RequestType, KeysOf<Parts>>] extends [never] ? unknown : { 'without a handler': Exclude<RequestType, KeysOf<Parts>> };

/**
 * The service's handlers, joined from its parts: the compiler refuses a request type no part
 * answers, or one that two parts answer.
 */
export function requestHandlers<const Parts extends readonly Partial<RequestHandlers>[]>(...parts: Parts & Disjoint<Parts> & Complete<Parts>): RequestHandlers {
  return joinParts(...(parts as readonly object[])) as RequestHandlers;
}
