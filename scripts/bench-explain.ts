/**
 * The explanation requests' latency, for `npm run bench`: each answered by the real model service
 * (in-process, replies validated as the app's bridge does) for Boris at the defaults, over a
 * conversation of several turns. Median and 90th percentile in milliseconds.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelService } from '../src-main/service/handler.ts';
import { type RequestBody, type ResultOf, type ServiceMessage, parseResult } from '../src-main/service/protocol.ts';
import { MemoryStore } from '../src-main/service/store.ts';

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
};
const figure = (times: number[]) => ({
  medianMs: Number(percentile(times, 0.5).toFixed(2)),
  p90Ms: Number(percentile(times, 0.9).toFixed(2)),
  runs: times.length,
});

export async function explanationLatency(root: string) {
  const modelText = readFileSync(join(root, 'resources', 'models', 'boris.slm.json'), 'utf8');
  const corpusText = readFileSync(join(root, 'resources', 'corpus', 'boris.txt'), 'utf8');
  const replies = new Map<number, ServiceMessage>();
  const service = new ModelService({
    post: (message) => {
      if (message.type !== 'event' && message.id !== null) replies.set(message.id, message);
    },
    store: new MemoryStore(),
    bundled: async () => ({ model: modelText, corpus: corpusText }),
    yieldToMessages: async () => {},
    now: () => performance.now(),
  });
  let nextId = 1;
  const ask = async <B extends RequestBody>(body: B): Promise<{ result: ResultOf<B['type']>; ms: number }> => {
    const id = nextId++;
    const started = performance.now();
    await service.handle({ ...body, id });
    // Most replies come as the request is handled; the knock-out table's when it has been measured.
    while (!replies.has(id)) await new Promise((resolve) => setTimeout(resolve, 1));
    const reply = replies.get(id);
    if (!reply || reply.type !== 'reply') throw new Error(reply?.type === 'error' ? reply.message : 'no reply');
    const result = parseResult(body.type, reply.result);
    return { result, ms: performance.now() - started };
  };

  await ask({ type: 'open', source: { kind: 'bundled' } });
  // A conversation as the app holds it: every step's token row, from the first boundary on.
  const rows: number[] = [];
  for (const prompt of ['hello', 'who are you?', 'what do you love?', 'do you like frogs?', 'how are you today?', 'thank you']) {
    const { result } = await ask({ type: 'generate', prompt, temperature: 0.5, topK: 0, seed: 7 });
    rows.push(...result.steps.map((s) => s.row));
  }
  const RUNS = 30;
  const explain: number[] = [];
  const tree: number[] = [];
  const profile: number[] = [];
  const profileFirst: number[] = [];
  const table: number[] = [];
  const tableIdle: number[] = [];
  const idle = () => new Promise((resolve) => setTimeout(resolve, 1000));
  for (let i = 0; i < RUNS; i++) {
    const step = Math.floor(((i + 0.5) / RUNS) * rows.length);
    const tokens = rows.slice(0, step + 1);
    explain.push((await ask({ type: 'explain', tokens, step, target: rows[step + 1] })).ms);
    tree.push((await ask({ type: 'replyTree', tokens, temperature: 0.5, topK: 0 })).ms);
    profile.push((await ask({ type: 'unitProfile', layer: i % 2 ? 'h2' : 'h1', unit: i % 16, stepTokens: tokens })).ms);
  }
  for (let i = 0; i < 10; i++) {
    // Right after a weight change: the profile's corpus contexts and the table are computed afresh.
    await ask({ type: 'resetWeights' });
    profileFirst.push((await ask({ type: 'unitProfile', layer: 'h2', unit: i, stepTokens: rows.slice(0, 10) })).ms);
    await ask({ type: 'resetWeights' });
    table.push((await ask({ type: 'knockoutTable' })).ms);
    // After a moment's idleness the service has measured the table already, unit by unit.
    await ask({ type: 'resetWeights' });
    await idle();
    tableIdle.push((await ask({ type: 'knockoutTable' })).ms);
  }
  return {
    conversationSteps: rows.length,
    explain: figure(explain),
    replyTree: figure(tree),
    unitProfile: figure(profile),
    unitProfileFirstAfterWeightChange: figure(profileFirst),
    knockoutTableRightAfterWeightChange: figure(table),
    knockoutTableAfterIdle: figure(tableIdle),
    target: { ms: 100, met: [explain, tree, profile, tableIdle].every((t) => percentile(t, 0.9) < 100) },
  };
}
