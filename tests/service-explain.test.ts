import { beforeAll, describe, expect, it, vi } from 'vitest';
import { explainPrediction } from '../src-main/model/explanations/explain.ts';
import { LineEvaluator, corpusRows, knockOutInPlace, knockoutTable } from '../src-main/model/units/knockout.ts';
import { parseModel } from '../src-main/model/formats/slmJson.ts';
import { cloneWeights, run } from '../src-main/model/network/network.ts';
import { replyTree } from '../src-main/model/explanations/replyTree.ts';
import { tokenize } from '../src-main/model/network/tokenizer.ts';
import { unitProfile } from '../src-main/model/units/unitProfile.ts';
import { BOUNDARY, encode } from '../src-main/model/network/vocabulary.ts';
import { parseResult } from '../src-main/service/protocol.ts';
import { inProcessService } from './helpers/inProcessService.ts';

/** The explanation requests of the real model service, in-process: the engine's numbers, checked replies, cancelling. */
const { modelText, corpusText, service, replies, nextId, ask } = inProcessService();
const boris = parseModel(modelText);
const corpus = corpusRows(boris.vocabulary, corpusText);
const rowsOf = (text: string) => [BOUNDARY, ...encode(boris.vocabulary, tokenize(text))];

beforeAll(async () => {
  await ask({ type: 'open', source: { kind: 'bundled' } });
});

describe('explanation requests', () => {
  it("explain answers the engine's saliency for a conversation's step", async () => {
    const tokens = [...rowsOf('who are you?'), ...encode(boris.vocabulary, ['i', 'am']), ...rowsOf('do you love frogs?')];
    const result = await ask({ type: 'explain', tokens, step: 7, target: tokens[8] });
    const expected = explainPrediction(boris.weights, tokens, 7, { target: tokens[8] });
    expect(result.steps).toHaveLength(8);
    expect(result.steps.map((s) => s.saliency)).toEqual(expected.steps.map((s) => s.saliency));
    // Leave it out for every step (0 for the two line boundaries), the engine's numbers.
    expect(result.steps.map((s) => s.occlusion)).toEqual(expected.steps.map((s) => s.occlusion));
    expect(result.steps.map((s) => s.occlusionPoints)).toEqual(expected.steps.map((s) => s.occlusionPoints));
    expect(result.steps[0].occlusion).toBe(0);
    expect(result.steps.every((s) => s.occlusion !== null)).toBe(true);
    expect(result.logProbability).toBe(expected.logProbability);
    expect(result.completenessGap).toBe(expected.completenessGap);
    expect(result.targetGiven).toBe(true);
  });

  it("replyTree grows from the context after the tokens, under the request's temperature and top-k", async () => {
    const tokens = rowsOf('what do you love?');
    const result = await ask({ type: 'replyTree', tokens, temperature: 0.7, topK: 5 });
    const expected = replyTree(boris.weights, run(boris.weights, tokens).at(-1)!.h2, { temperature: 0.7, topK: 5 });
    expect(result.children).toEqual(JSON.parse(JSON.stringify(expected)));
  });

  it('unitProfile and knockoutTable give the numbers of the engine on the corpus’s held-out lines', async () => {
    const profile = await ask({ type: 'unitProfile', layer: 'h2', unit: 5, stepTokens: rowsOf('hello') });
    const expected = unitProfile(boris.weights, corpus.lines, { layer: 'h2', unit: 5 }, { heldOut: corpus.heldOut, stepTokens: rowsOf('hello') });
    expect(profile.histogram).toEqual(expected.histogram);
    expect(profile.knockout.knockedOutAccuracy).toBe(expected.knockout.knockedOut.accuracy);
    expect(profile.stepChange?.after.probability).toBe(expected.stepChange!.after.probability);
    const table = await ask({ type: 'knockoutTable' });
    const direct = knockoutTable(boris.weights, corpus.heldOut);
    expect(table.units.map((u) => u.accuracy)).toEqual(direct.units.map((u) => u.accuracy));
    expect(table.units.find((u) => u.unit === 'h2:5')!.accuracy).toBe(profile.knockout.knockedOutAccuracy);
  });

  it('the knock-out the Weights view makes (setWeights zeroing the W1 row) gives the held-out accuracy the card predicted', async () => {
    const before = await ask({ type: 'unitProfile', layer: 'h2', unit: 3 });
    const E = boris.weights.embeddingSize;
    // Exactly the edits WeightEditor.toggleUnit('h2', 3) sends.
    await ask({ type: 'setWeights', edits: Array.from({ length: 2 * E }, (_, column) => ({ matrix: 'w1' as const, row: 3, column, value: 0 })) });
    const after = await ask({ type: 'knockoutTable' });
    expect(after.accuracy).toBe(before.knockout.knockedOutAccuracy);
    expect(after.loss).toBe(before.knockout.knockedOutLoss);
    const knocked = cloneWeights(boris.weights);
    knockOutInPlace(knocked, { layer: 'h2', unit: 3 });
    expect(after.units).toEqual(knockoutTable(knocked, corpus.heldOut).units.map((u) => expect.objectContaining({ loss: u.loss, accuracy: u.accuracy })));
    // A card opened now measures the knocked weights, not the evaluations kept for the weights before.
    const card = await ask({ type: 'unitProfile', layer: 'h1', unit: 0 });
    expect(card.knockout.accuracy).toBe(after.accuracy);
    expect(card.knockout.knockedOutAccuracy).toBe(after.units.find((u) => u.unit === 'h1:0')!.accuracy);
    await ask({ type: 'resetWeights' });
    expect((await ask({ type: 'unitProfile', layer: 'h1', unit: 0 })).knockout.accuracy).toBe(before.knockout.accuracy);
    expect((await ask({ type: 'knockoutTable' })).accuracy).toBe(before.knockout.accuracy);
  });

  it('a newer request of the same kind supersedes one still waiting; cancelExplanations stops the rest', async () => {
    const tokens = rowsOf('who are you?');
    // Three arrive together: the first runs (or waits), the second is superseded by the third.
    const ids = [nextId(), nextId(), nextId(), nextId()];
    const handled = [
      service.handle({ type: 'unitProfile', layer: 'h1', unit: 0, id: ids[0] }),
      service.handle({ type: 'explain', tokens, step: 2, id: ids[1] }),
      service.handle({ type: 'explain', tokens, step: 3, id: ids[2] }),
      service.handle({ type: 'cancelExplanations', kind: 'unitProfile', id: ids[3] }),
    ];
    await Promise.all(handled);
    const [profile, older, newer, cancel] = ids.map((id) => replies.get(id)!);
    expect(profile).toMatchObject({ type: 'error', kind: 'cancelled' });
    expect(older).toMatchObject({ type: 'error', kind: 'cancelled' });
    expect(newer.type).toBe('reply');
    expect(cancel).toEqual({ type: 'reply', id: ids[3], result: { cancelled: 1 } });
    // Other kinds are not touched, and the service goes on answering.
    expect((await ask({ type: 'explain', tokens, step: 1 })).steps).toHaveLength(2);
  });

  it('measures the knock-out table in idle time after the weights change, the same numbers', async () => {
    await ask({ type: 'resetWeights' });
    const direct = knockoutTable(boris.weights, corpus.heldOut);
    // Idle: the service measures one unit per macrotask; then the table is answered from what it kept.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const table = await ask({ type: 'knockoutTable' });
    expect(table.units.map((u) => [u.unit, u.loss, u.accuracy])).toEqual(direct.units.map((u) => [`${u.layer}:${u.unit}`, u.loss, u.accuracy]));
    expect(table.loss).toBe(direct.loss);
  });

  it('measures the knock-out table in idle time only once it has been asked for, until another model opens', async () => {
    const fresh = inProcessService();
    const E = boris.weights.embeddingSize;
    const idle = () => new Promise((resolve) => setTimeout(resolve, 1500));
    const knockedOut = vi.spyOn(LineEvaluator.prototype, 'evaluateWithoutSteps');
    try {
      await fresh.ask({ type: 'open', source: { kind: 'bundled' } });
      await fresh.ask({ type: 'setWeights', edits: [{ matrix: 'w1', row: 3, column: 4, value: 0.5 }] });
      await idle();
      expect(knockedOut).not.toHaveBeenCalled();
      // Asked for: measured, one unit at a time, and again in idle time after each weight change.
      await fresh.ask({ type: 'knockoutTable' });
      expect(knockedOut).toHaveBeenCalledTimes(2 * E);
      knockedOut.mockClear();
      await fresh.ask({ type: 'resetWeights' });
      await idle();
      expect(knockedOut).toHaveBeenCalledTimes(2 * E);
      // Another model is not measured until its table is asked for.
      knockedOut.mockClear();
      await fresh.ask({ type: 'open', source: { kind: 'bundled' } });
      await idle();
      expect(knockedOut).not.toHaveBeenCalled();
    } finally {
      knockedOut.mockRestore();
    }
  });

  it('answers a knock-out table asked for just before another model opens, with that model’s table', async () => {
    const fresh = inProcessService();
    await fresh.ask({ type: 'open', source: { kind: 'bundled' } });
    const table = fresh.nextId();
    await fresh.service.handle({ type: 'knockoutTable', id: table });
    await fresh.ask({ type: 'open', source: { kind: 'bundled' } });
    for (const started = performance.now(); !fresh.replies.has(table) && performance.now() - started < 20_000; ) await new Promise((resolve) => setTimeout(resolve, 5));
    const reply = fresh.replies.get(table);
    expect(reply?.type).toBe('reply');
    if (reply?.type === 'reply') expect(parseResult('knockoutTable', reply.result).loss).toBe(knockoutTable(boris.weights, corpus.heldOut).loss);
  });

  it('measures the knock-out table beside the queue: edits are not held up, and the table is for the weights as they end up', async () => {
    await ask({ type: 'resetWeights' });
    const order: number[] = [];
    const [older, table, edit] = [nextId(), nextId(), nextId()];
    const E = boris.weights.embeddingSize;
    const edits = Array.from({ length: 2 * E }, (_, column) => ({ matrix: 'w1' as const, row: 7, column, value: 0 }));
    await service.handle({ type: 'knockoutTable', id: older });
    await service.handle({ type: 'knockoutTable', id: table });
    await service.handle({ type: 'setWeights', edits, id: edit });
    while (!replies.has(table)) {
      for (const id of [edit, table]) if (replies.has(id) && !order.includes(id)) order.push(id);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    if (!order.includes(table)) order.push(table);
    expect(order).toEqual([edit, table]);
    expect(replies.get(older)).toMatchObject({ type: 'error', kind: 'cancelled' });
    const reply = replies.get(table)!;
    if (reply.type !== 'reply') throw new Error('expected the table');
    const knocked = cloneWeights(boris.weights);
    knockOutInPlace(knocked, { layer: 'h2', unit: 7 });
    expect(parseResult('knockoutTable', reply.result).loss).toBe(knockoutTable(knocked, corpus.heldOut).loss);
    await ask({ type: 'resetWeights' });
  });

  it('refuses what it cannot use with a message', async () => {
    const id = nextId();
    await service.handle({ type: 'explain', tokens: [0, 1], step: 5, id });
    expect(replies.get(id)).toMatchObject({ type: 'error', kind: 'input' });
    const other = nextId();
    await service.handle({ type: 'unitProfile', layer: 'h2', unit: 99, id: other });
    expect(replies.get(other)).toMatchObject({ type: 'error', kind: 'input', message: expect.stringMatching(/no unit 99/) });
  });
});
