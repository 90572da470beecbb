/**
 * The explanation requests' latency, for `npm run bench`: each answered by the real model service
 * (in-process, replies validated as the app's bridge does) for Boris at the defaults, over a
 * conversation of several turns. Median and 90th percentile in milliseconds.
 */
import type { RequestBody, ResultOf } from '../src-main/service/protocol.ts';
import { inProcessService } from '../tests/helpers/inProcessService.ts';

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
};
const figure = (times: number[]) => ({
  medianMs: Number(percentile(times, 0.5).toFixed(2)),
  p90Ms: Number(percentile(times, 0.9).toFixed(2)),
  runs: times.length,
});

/**
 * Which units carry the memory (the patch request) for Boris's "why?" after "do you like frogs?"
 * against a fresh start: every unit at every step of the last line, the carriers and their reply.
 */
export async function patchingLatency(root: string, runs = 30) {
  const service = inProcessService({ root });
  await service.ask({ type: 'open', source: { kind: 'bundled' } });
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push((await service.timedAsk({ type: 'patch', histories: [['do you like frogs?'], []], lastTurn: 'why?' })).ms);
  return figure(times);
}

export async function explanationLatency(root: string) {
  const service = inProcessService({ root });
  // Timed to the moment the reply is posted, as a host in another process receives it (the service
  // may go on working after it, as it does in idle time after the knock-out table).
  const ask = <B extends RequestBody>(body: B): Promise<{ result: ResultOf<B['type']>; ms: number }> => service.timedAsk(body);

  const E = (await ask({ type: 'open', source: { kind: 'bundled' } })).result.embeddingSize;
  // A conversation as the app holds it: every step's token row, from the first boundary on.
  const rows: number[] = [];
  for (const prompt of ['hello', 'who are you?', 'what do you love?', 'do you like frogs?', 'how are you today?', 'thank you']) {
    const { result } = await ask({ type: 'generate', prompt, temperature: 0.5, topK: 0, seed: 7 });
    rows.push(...result.steps.map((s) => s.row));
  }
  const RUNS = 30;
  const explain: number[] = [];
  // What the integrated gradients spent and missed (explain.ts): points, and |sum IG - (L(h1) - L(0))|.
  const points: number[] = [];
  const gaps: number[] = [];
  const tree: number[] = [];
  const profile: number[] = [];
  const profileFirst: number[] = [];
  const profileIdle: number[] = [];
  const table: number[] = [];
  const tableIdle: number[] = [];
  const idle = () => new Promise((resolve) => setTimeout(resolve, 1000));
  for (let i = 0; i < RUNS; i++) {
    const step = Math.floor(((i + 0.5) / RUNS) * rows.length);
    const tokens = rows.slice(0, step + 1);
    const explained = await ask({ type: 'explain', tokens, step, target: rows[step + 1] });
    explain.push(explained.ms);
    points.push(explained.result.igPoints);
    gaps.push(Math.abs(explained.result.completenessGap));
    tree.push((await ask({ type: 'replyTree', tokens, temperature: 0.5, topK: 0 })).ms);
    profile.push((await ask({ type: 'unitProfile', layer: i % 2 ? 'h2' : 'h1', unit: i % E, stepTokens: tokens })).ms);
  }
  for (let i = 0; i < 10; i++) {
    // Right after a weight change: the profile's corpus contexts and the table are computed afresh.
    await ask({ type: 'resetWeights' });
    profileFirst.push((await ask({ type: 'unitProfile', layer: 'h2', unit: i, stepTokens: rows.slice(0, 10) })).ms);
    await ask({ type: 'resetWeights' });
    table.push((await ask({ type: 'knockoutTable' })).ms);
    // After a moment's idleness the service has measured the table already, unit by unit, and then
    // the corpus's contexts for unit cards.
    await ask({ type: 'resetWeights' });
    await idle();
    tableIdle.push((await ask({ type: 'knockoutTable' })).ms);
    profileIdle.push((await ask({ type: 'unitProfile', layer: 'h2', unit: (i + 5) % 24, stepTokens: rows.slice(0, 10) })).ms);
  }
  const patch = await patchingLatency(root);
  return {
    conversationSteps: rows.length,
    explain: figure(explain),
    explainIntegratedGradients: {
      medianPoints: percentile(points, 0.5),
      maxPoints: Math.max(...points),
      // Steps whose context reaches back over about 20 tokens: the path jumps finer than float64 follows.
      completenessWithin1e4: gaps.filter((g) => g < 1e-4).length,
      runs: gaps.length,
    },
    replyTree: figure(tree),
    unitProfile: figure(profile),
    unitProfileFirstAfterWeightChange: figure(profileFirst),
    unitProfileAfterIdle: figure(profileIdle),
    knockoutTableRightAfterWeightChange: figure(table),
    knockoutTableAfterIdle: figure(tableIdle),
    patchOneLineHistory: patch,
    target: { ms: 100, met: [explain, tree, profile, profileIdle, tableIdle].every((t) => percentile(t, 0.9) < 100) && patch.medianMs < 100 },
  };
}
