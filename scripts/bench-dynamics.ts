/**
 * The dynamics requests' latency, for `npm run bench`: each answered by the real model service
 * (in-process, replies validated as the app's bridge does) for Boris, and the curves over training
 * for a run of 200 epochs (201 checkpoints, made here by scaling Boris's W1, since his file keeps
 * none). Median and 90th percentile in milliseconds.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { trainingDynamics } from '../src-main/model/dynamics/dynamics.ts';
import { parseModel } from '../src-main/model/formats/slmJson.ts';
import type { RequestBody } from '../src-main/service/protocol.ts';
import { inProcessService } from '../tests/helpers/inProcessService.ts';

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
};
const figure = (times: number[]) => ({ medianMs: Number(percentile(times, 0.5).toFixed(3)), p90Ms: Number(percentile(times, 0.9).toFixed(3)), runs: times.length });

export async function dynamicsLatency(root: string) {
  const service = inProcessService({ root });
  const timed = async (body: RequestBody): Promise<number> => {
    const started = performance.now();
    await service.ask(body);
    return performance.now() - started;
  };
  await service.ask({ type: 'open', source: { kind: 'bundled' } });
  const turn = await service.ask({ type: 'generate', prompt: 'do you like frogs?', temperature: 0.5, topK: 0, seed: 7 });
  const contexts = turn.steps.map((s) => s.h2);
  const RUNS = 30;
  const steps: number[] = [];
  const boundary: number[] = [];
  const newton: number[] = [];
  const memory: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    steps.push(await timed({ type: 'stepDynamics', contexts }));
    boundary.push(await timed({ type: 'fixedPoint', word: '' }));
    // "so" does not settle from zeros: 10,000 steps of iteration, then Newton's method (the longest path).
    if (i < 10) newton.push(await timed({ type: 'fixedPoint', word: 'so' }));
    memory.push(await timed({ type: 'memory', histories: [['do you like frogs?'], []], lastTurn: 'why?' }));
  }
  const boris = parseModel(readFileSync(join(root, 'resources', 'models', 'boris.slm.json'), 'utf8'));
  const w = boris.weights;
  const checkpoints = Array.from({ length: 201 }, (_, epoch) => ({ epoch, weights: { ...w, w1: w.w1.map((x) => x * (0.2 + (0.8 * epoch) / 200)) } }));
  const curves: number[] = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    trainingDynamics(checkpoints);
    curves.push(performance.now() - started);
  }
  return {
    [`stepDynamics (${contexts.length} steps)`]: figure(steps),
    'fixedPoint (boundary)': figure(boundary),
    'fixedPoint ("so": iteration, then Newton)': figure(newton),
    'memory ("why?" after two histories)': figure(memory),
    'trainingDynamics (201 checkpoints)': figure(curves),
  };
}
