/**
 * What the responsiveness tests share (tests/responsiveness*.test.ts): the real service in this
 * process, yielding to the event loop as the Node host does (setImmediate), and the wait of a cheap
 * request (listModels) sent while heavy work runs. A cheap request is due at a moment on a timer; if a
 * slice of heavy work held the event loop, the timer fires late and the lateness is counted in the wait.
 */
import { expect } from 'vitest';
import { inProcessService } from './inProcessService.ts';

/**
 * The bound on a cheap request's typical wait. The longest single wait is held to 4 times it: on a
 * shared machine (2 cores, many processes) the operating system alone stalls a process for 150 ms
 * now and then, with nothing running in it.
 */
export const BOUND_MS = 250;
export const LONGEST_MS = 4 * BOUND_MS;

/** The middle of the waits. */
export const median = (waits: number[]) => [...waits].sort((a, b) => a - b)[Math.floor(waits.length / 2)];
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function openBoris() {
  const svc = inProcessService({ yieldToMessages: () => new Promise((resolve) => setImmediate(resolve)) });
  await svc.ask({ type: 'open', source: { kind: 'bundled' } });
  return svc;
}
export type Service = Awaited<ReturnType<typeof openBoris>>;

/** Sends listModels when due (20 ms from now) and returns how long after that it was answered. */
export async function cheapWait(svc: Service): Promise<number> {
  const due = performance.now() + 20;
  await sleep(20);
  const id = svc.nextId();
  void svc.service.handle({ type: 'listModels', id });
  while (!svc.replies.has(id)) await new Promise((resolve) => setImmediate(resolve));
  expect(svc.replies.get(id)!.type).toBe('reply');
  return svc.postedAt.get(id)! - due;
}

/**
 * Starts `heavy`, then sends cheap requests one after another while it runs (at least `pings`),
 * and returns the longest wait, with whether the heavy request was still running at the first.
 */
export async function waitsDuring(svc: Service, heavy: object, pings = 4): Promise<{ waits: number[]; runningAtFirst: boolean; heavyId: number }> {
  const heavyId = svc.nextId();
  void svc.service.handle({ ...heavy, id: heavyId });
  const waits: number[] = [];
  let runningAtFirst = false;
  for (let i = 0; i < pings || !svc.replies.has(heavyId); i++) {
    const running = !svc.replies.has(heavyId);
    const wait = await cheapWait(svc);
    // Waits while the heavy request ran (and the first, whatever happened).
    if (running || i === 0) waits.push(wait);
    if (i === 0) runningAtFirst = !svc.replies.has(heavyId);
    if (i > 5000) throw new Error('the heavy request was never answered');
  }
  return { waits, runningAtFirst, heavyId };
}
