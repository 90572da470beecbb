/**
 * The real model service, in this process, on the bundled Boris and his corpus, with an in-memory
 * store: what several tests and the explanation benchmark ask questions of. Replies are checked by
 * the protocol's schemas, as the app's bridge checks them; events are kept for a test to read.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelService } from '../../src-main/service/handler.ts';
import { type RequestBody, type ResultOf, type ServiceEvent, type ServiceMessage, parseResult } from '../../src-main/service/protocol.ts';
import { MemoryStore } from '../../src-main/service/store.ts';

export interface InProcessServiceOptions {
  /** The repository's root (the folder with resources/); the working folder by default. */
  root?: string;
  /** How long work lets others in; at once by default (a test in one process has no one waiting). */
  yieldToMessages?: () => Promise<void>;
}

export function inProcessService(options: InProcessServiceOptions = {}) {
  const root = options.root ?? '.';
  const modelText = readFileSync(join(root, 'resources', 'models', 'boris.slm.json'), 'utf8');
  const corpusText = readFileSync(join(root, 'resources', 'corpus', 'boris.txt'), 'utf8');
  const replies = new Map<number, ServiceMessage>();
  /** When each reply was posted (performance.now()), whatever the service went on to do after it. */
  const postedAt = new Map<number, number>();
  const events: ServiceEvent[] = [];
  let lastId = 0;
  const service = new ModelService({
    post: (message) => {
      if (message.type === 'event') events.push(message.payload);
      else if (message.id !== null) {
        replies.set(message.id, message);
        postedAt.set(message.id, performance.now());
      }
    },
    store: new MemoryStore(),
    bundled: async () => ({ model: modelText, corpus: corpusText }),
    yieldToMessages: options.yieldToMessages ?? (async () => {}),
    now: () => performance.now(),
  });

  /** A fresh request id. */
  const nextId = () => ++lastId;

  /**
   * Sends a request and waits for its reply (or error), then in `replies`. Most come as the request is
   * handled; the knock-out table's when it has been measured (for at most 60 s).
   */
  async function send(body: object): Promise<number> {
    const id = nextId();
    await service.handle({ ...body, id });
    for (const started = performance.now(); !replies.has(id) && performance.now() - started < 60_000; ) await new Promise((resolve) => setTimeout(resolve, 1));
    return id;
  }

  /**
   * The result of a request that must succeed, and how long the reply took: from sending the request
   * to the service posting its reply (the moment a host outside this process would receive it), in ms.
   */
  async function timedAsk<B extends RequestBody>(body: B): Promise<{ result: ResultOf<B['type']>; ms: number }> {
    const started = performance.now();
    const id = await send(body);
    const reply = replies.get(id);
    if (!reply || reply.type !== 'reply') throw new Error(reply?.type === 'error' ? `${reply.kind}: ${reply.message}` : 'no reply');
    return { result: parseResult(body.type, reply.result), ms: postedAt.get(id)! - started };
  }

  /** The result of a request that must succeed. */
  async function ask<B extends RequestBody>(body: B): Promise<ResultOf<B['type']>> {
    return (await timedAsk(body)).result;
  }

  /** The error of a request that must fail. */
  async function askError(body: object): Promise<{ kind: string; message: string }> {
    const reply = replies.get(await send(body));
    if (!reply || reply.type !== 'error') throw new Error(`expected an error, got ${JSON.stringify(reply)?.slice(0, 200)}`);
    return { kind: reply.kind, message: reply.message };
  }

  return { service, modelText, corpusText, replies, postedAt, events, nextId, send, ask, timedAsk, askError };
}
