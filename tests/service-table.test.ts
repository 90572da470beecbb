/**
 * The request table: every request is one entry (fields, result, lane, superseded) with exactly one
 * handler. The `@ts-expect-error` lines are the compile-time half: `npm run typecheck` fails if any
 * of them compiles, that is, if a request could exist without a lane or a handler, or with two.
 */
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { type RequestHandlers, requestHandlers } from '../src-main/service/requestTable.ts';
import { REQUESTS, RequestSchema, ResultSchemas } from '../src-main/service/protocol.ts';
import { joinParts, requestEntries } from '../src-main/service/schemaParts.ts';
import { inProcessService } from './helpers/inProcessService.ts';

const allButPing = {} as Omit<RequestHandlers, 'ping'>;
const ping = { ping: () => null };

describe('the request table', () => {
  it('refuses, at compile time, a request without a lane, a request without a handler, and a handler given twice', () => {
    // @ts-expect-error a request without a lane
    requestEntries({ later: { superseded: false, request: {}, result: v.null() } });
    // @ts-expect-error a request that does not say whether it is superseded
    requestEntries({ later: { lane: 'read', request: {}, result: v.null() } });
    // @ts-expect-error a lane that does not exist
    requestEntries({ later: { lane: 'soon', superseded: false, request: {}, result: v.null() } });
    requestEntries({ later: { lane: 'read', superseded: false, request: {}, result: v.null() } });

    // @ts-expect-error the parts leave `ping` without a handler
    expect(() => requestHandlers(allButPing)).not.toThrow();
    // @ts-expect-error two parts answer `ping`
    expect(() => requestHandlers(allButPing, ping, { ping: () => null })).toThrow(/"ping" is declared more than once/);
    // @ts-expect-error a handler whose result is not its request's
    requestHandlers(allButPing, { ping: () => 'pong' });
    const handlers: RequestHandlers = requestHandlers(allButPing, ping);
    expect(handlers.ping).toBe(ping.ping);
  });

  it('gives every request a lane, a result schema and whether it is superseded, and the variant a schema for each', () => {
    const types = Object.keys(REQUESTS);
    expect(RequestSchema.options.map((option) => option.entries.type.literal).sort()).toEqual([...types].sort());
    expect(Object.keys(ResultSchemas).sort()).toEqual([...types].sort());
    for (const entry of Object.values(REQUESTS)) {
      expect(['model', 'conversation', 'read', 'arrival']).toContain(entry.lane);
      expect(typeof entry.superseded).toBe('boolean');
    }
    // The requests that change the open model are in its lane, whatever else they do.
    const modelLane = types.filter((type) => REQUESTS[type as keyof typeof REQUESTS].lane === 'model').sort();
    expect(modelLane).toEqual(['deleteModel', 'open', 'renameModel', 'resetWeights', 'saveModel', 'setWeights', 'showEpoch', 'train', 'useEpoch']);
    expect(() => joinParts({ a: 1 }, { b: 2 }, { a: 3 } as object)).toThrow(/"a" is declared more than once/);
  });

  it('checks a message before it is scheduled: a bad one is refused as it arrives, not after the model change before it', async () => {
    const { service, replies, nextId } = inProcessService();
    const open = nextId();
    const openDone = service.handle({ type: 'open', source: { kind: 'bundled' }, id: open });
    // A bad model change: a lane would put it behind the open; it is refused before any lane.
    const bad = nextId();
    void service.handle({ type: 'setWeights', edits: [], id: bad });
    expect(replies.get(bad)).toMatchObject({ type: 'error', kind: 'protocol' });
    expect(replies.has(open)).toBe(false);
    await openDone;
    expect(replies.get(open)?.type).toBe('reply');
  });
});
