import { finish } from '../src-main/model/network/slices.ts';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixedPoint, stepSpectrum, trainingDynamics } from '../src-main/model/dynamics/dynamics.ts';
import type { ServiceParts } from '../src-main/service/requestTable.ts';
import { dynamicsRequests } from '../src-main/service/dynamicsRequests.ts';
import { parseResult } from '../src-main/service/protocol.ts';
import { randomWeights } from './helpers.ts';
import { compareMemory } from '../src-main/model/dynamics/memory.ts';
import { parseModel } from '../src-main/model/formats/slmJson.ts';
import { run } from '../src-main/model/network/network.ts';
import { tokenize } from '../src-main/model/network/tokenizer.ts';
import { BOUNDARY, encode } from '../src-main/model/network/vocabulary.ts';
import { inProcessService } from './helpers/inProcessService.ts';

/** The dynamics requests of the real model service, in-process: the engine's numbers, checked replies. */
const { modelText, ask, askError } = inProcessService();
const boris = parseModel(modelText);

beforeAll(async () => {
  await ask({ type: 'open', source: { kind: 'bundled' } });
});

describe('dynamics requests', () => {
  it("stepDynamics answers each context's Jacobian spectrum, the engine's numbers", async () => {
    const steps = run(boris.weights, [BOUNDARY, ...encode(boris.vocabulary, tokenize('do you like frogs?'))]);
    const result = await ask({ type: 'stepDynamics', contexts: steps.map((s) => Array.from(s.h2)) });
    expect(result).toHaveLength(steps.length);
    result.forEach((spectrum, i) => expect(spectrum).toEqual(stepSpectrum(boris.weights, steps[i].h2)));
    expect((await askError({ type: 'stepDynamics', contexts: [[1, 2]] })).message).toMatch(new RegExp(`must have ${boris.weights.embeddingSize} numbers`));
    const outside = await askError({ type: 'stepDynamics', contexts: [new Array(boris.weights.embeddingSize).fill(1e200)] });
    expect(outside.kind).toBe('input');
    expect(outside.message).toMatch(/from -1 to 1/);
  });

  it('fixedPoint answers the point, its stability and the trajectory from zeros; an unknown word is refused', async () => {
    const result = await ask({ type: 'fixedPoint', word: 'Frogs' });
    const expected = fixedPoint(boris.weights, boris.vocabulary.rows.get('frogs')!);
    expect(result.word).toBe('frogs');
    expect(result.point).toEqual(Array.from(expected.point));
    expect(result.spectralRadius).toBe(expected.spectralRadius);
    expect(result.stable).toBe(expected.stable);
    expect(result.trajectory.length).toBe(expected.trajectory.length);
    expect((await ask({ type: 'fixedPoint', word: '' })).row).toBe(BOUNDARY);
    const error = await askError({ type: 'fixedPoint', word: 'zebra' });
    expect(error.kind).toBe('input');
    expect(error.message).toMatch(/"zebra" is not one word Boris knows/);
  });

  it('trainingDynamics gives one figure per checkpoint of the open model (Boris ships with his), none for a model without them', async () => {
    const shipped = await ask({ type: 'trainingDynamics' });
    expect(shipped.map((c) => c.epoch)).toEqual(boris.training!.checkpoints.map((c) => c.epoch));
    expect(shipped.length).toBeGreaterThan(1);
    // The handlers run their work in the scheduler's slices; here, at once.
    const scheduler = { inSlices: async <T>(steps: Generator<void, T, void>) => finish(steps) };
    const job = { signal: new AbortController().signal, inSlices: scheduler.inSlices };
    const bare = dynamicsRequests({ models: { current: () => ({ model: { ...boris, training: null } }) }, scheduler } as unknown as ServiceParts);
    expect(await bare.trainingDynamics({ id: 0, type: 'trainingDynamics' }, job)).toEqual([]);
    // The open model's part of the table, on a model whose run kept three checkpoints.
    const checkpoints = [0, 1, 2].map((epoch) => ({ epoch, weights: randomWeights(boris.weights.embeddingSize, boris.weights.vocabularySize, epoch + 1, 0.5 + epoch) }));
    const model = { ...boris, training: { corpus: '', seed: 1, epochs: 2, learningRate: 0.01, heldOutFraction: 0.1, carryContext: 0, bestEpoch: 2, history: [], checkpoints } };
    const handlers = dynamicsRequests({ models: { current: () => ({ model }) }, scheduler } as unknown as ServiceParts);
    const curve = await handlers.trainingDynamics({ id: 1, type: 'trainingDynamics' }, job);
    expect(curve).toEqual(trainingDynamics(checkpoints));
    expect(curve).toHaveLength(3);
    expect(parseResult('trainingDynamics', curve)).toEqual(curve);
    // Kept for the same checkpoints, measured afresh for others.
    expect(await handlers.trainingDynamics({ id: 2, type: 'trainingDynamics' }, job)).toBe(curve);
    model.training = { ...model.training, checkpoints: checkpoints.slice(0, 1) };
    expect(await handlers.trainingDynamics({ id: 3, type: 'trainingDynamics' }, job)).toHaveLength(1);
  });

  it('memory answers the same last turn after two histories, as the engine compares them', async () => {
    const result = await ask({ type: 'memory', histories: [['do you like frogs?'], []], lastTurn: 'why?' });
    const expected = compareMemory(boris, [['do you like frogs?'], []], 'why?');
    expect(result.steps).toEqual(expected.steps);
    expect(result.startDistance).toBe(expected.startDistance);
    expect(result.replies).toEqual(expected.replies);
    expect(result.keptShare).toBe(expected.keptShare);
    const sampling = { temperature: 1, topK: 3, seed: 5 };
    const sampled = await ask({ type: 'memory', histories: [['hello', 'do you like frogs?'], []], lastTurn: 'why?', sampling });
    expect(sampled.replies).toEqual(compareMemory(boris, [['hello', 'do you like frogs?'], []], 'why?', sampling).replies);
    expect(sampled.sampling).toEqual(sampling);
    expect((await askError({ type: 'memory', histories: [[], []], lastTurn: 'why?', sampling: { temperature: -1, topK: 0, seed: 1 } })).kind).toBe('protocol');
    expect((await askError({ type: 'memory', histories: [[], []], lastTurn: '~~' })).kind).toBe('input');
    expect((await askError({ type: 'memory', histories: [['   '], []], lastTurn: 'why?' })).message).toMatch(/no words/);
  });
});
