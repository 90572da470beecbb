import { describe, expect, it } from 'vitest';
import { Conversation } from '../src-main/model/network/generation.ts';
import { embeddingMap } from '../src-main/model/geometry/embeddingMap.ts';
import { sentenceDistance } from '../src-main/model/geometry/geometry.ts';
import { parseModel } from '../src-main/model/formats/slmJson.ts';
import { createRng } from '../src-main/model/network/rng.ts';
import { inProcessService } from './helpers/inProcessService.ts';

const turn = { prompt: 'who are you?', temperature: 0, topK: 0, seed: 1 };

describe('the service shows the training history', () => {
  it("opens Boris with his history: every epoch's metrics and checkpoints, and the epoch his own weights are", async () => {
    const s = inProcessService();
    const info = await s.ask({ type: 'open', source: { kind: 'bundled' } });
    const boris = parseModel(s.modelText);
    expect(info.history!.checkpoints).toEqual(boris.training!.checkpoints.map((c) => c.epoch));
    expect(info.history!.metrics).toHaveLength(101);
    expect(info.history!.shown).toBeNull();
    expect(info.history!.modelEpoch).toBe(boris.training!.bestEpoch);
  });

  it('showEpoch makes every request compute with that checkpoint, and null brings back his own weights', async () => {
    const s = inProcessService();
    await s.ask({ type: 'open', source: { kind: 'bundled' } });
    const boris = parseModel(s.modelText);
    const own = await s.ask({ type: 'replay', turns: [turn] });
    const shown = await s.ask({ type: 'showEpoch', epoch: 5 });
    expect(shown.history!.shown).toBe(5);
    expect(shown.edited).toBe(false);
    const at5 = boris.training!.checkpoints[5].weights;
    expect(shown.weights.w1).toEqual(Array.from(at5.w1));
    // The conversation said again: the engine's reply with epoch 5's weights.
    const replay = await s.ask({ type: 'replay', turns: [turn] });
    const expected = new Conversation(at5, boris.vocabulary).say(turn.prompt, { temperature: 0, topK: 0, rng: createRng(1) });
    expect(replay[0].reply).toBe(expected.text);
    const engineSteps = [...expected.fed, ...expected.written];
    expect(replay[0].steps.map((step) => step.probs)).toEqual(engineSteps.map((step) => Array.from(step.probs)));
    expect(replay[0].steps.map((step) => step.h2)).toEqual(engineSteps.map((step) => Array.from(step.h2)));
    expect(replay[0].steps[3].probs).not.toEqual(own[0].steps[3].probs);
    // Compare and the word map follow too.
    const compared = await s.ask({ type: 'compare', sentences: ['i am good', 'i am happy'], metric: 'euclidean' });
    expect(compared.distances[0][1]).toBeCloseTo(sentenceDistance(at5, boris.vocabulary, 'i am good', 'i am happy'), 12);
    const map = await s.ask({ type: 'embeddingMap', method: 'pca' });
    expect(map.points).toEqual(embeddingMap(at5, boris.vocabulary, 'pca', 1, boris.weights).points);
    // Edits are refused while an epoch is shown; saving and exporting keep his own weights.
    const refused = await s.askError({ type: 'setWeights', edits: [{ matrix: 'w1', row: 0, column: 0, value: 1 }] });
    expect(refused.message).toMatch(/epoch 5's.*Use this epoch/);
    const exported = await s.ask({ type: 'exportModelFile' });
    expect(parseModel(exported.text).weights.w1).toEqual(boris.weights.w1);
    const back = await s.ask({ type: 'showEpoch', epoch: null });
    expect(back.history!.shown).toBeNull();
    expect(back.weights.w1).toEqual(Array.from(boris.weights.w1));
    expect((await s.ask({ type: 'replay', turns: [turn] }))[0].reply).toBe(own[0].reply);
    expect((await s.askError({ type: 'showEpoch', epoch: 101 })).message).toMatch(/no checkpoint for epoch 101; its history runs from epoch 0 to 100/);
  });

  it('useEpoch opens the checkpoint as an unsaved model that keeps the history', async () => {
    const s = inProcessService();
    await s.ask({ type: 'open', source: { kind: 'bundled' } });
    const boris = parseModel(s.modelText);
    await s.ask({ type: 'showEpoch', epoch: 30 });
    const used = await s.ask({ type: 'useEpoch', epoch: 30 });
    expect(used.name).toBe('Boris, epoch 30');
    expect(used.storedId).toBeNull();
    expect(used.history!.shown).toBeNull();
    expect(used.history!.modelEpoch).toBe(30);
    expect(used.weights.w0).toEqual(Array.from(boris.training!.checkpoints[30].weights.w0));
    // Now its weights can be edited.
    const edited = await s.ask({ type: 'setWeights', edits: [{ matrix: 'w1', row: 0, column: 0, value: 1 }] });
    expect(edited.edited).toBe(true);
    expect(edited.history!.modelEpoch).toBeNull();
  });
});
