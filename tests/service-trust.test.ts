/**
 * The service and the model-file reader hold to what they promise: every request's work is bounded
 * (the reply tree keeps a fixed number of nodes and says so), running explanations can be stopped,
 * the reader is as strict as the protocol, answers never hold NaN, and the smaller promises (the
 * corpus sent only when asked, the epoch label that follows the weights, a bounded training pace).
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../src-main/cli/run.ts';
import * as limits from '../src-main/model/network/limits.ts';
import { parseModel } from '../src-main/model/formats/slmJson.ts';
import { parseRequest, parseResult, type ReplyNodeResult } from '../src-main/service/protocol.ts';
import { inProcessService } from './helpers/inProcessService.ts';
import { expectSlmError } from './helpers.ts';
import { borisText } from './helpers/boris.ts';


const countNodes = (nodes: ReplyNodeResult[]): number => nodes.reduce((n, node) => n + 1 + countNodes(node.children), 0);

describe('every request is bounded', () => {
  it('a reply tree 12 deep at temperature 10 with the smallest threshold is answered, pruned to its node budget', { timeout: 60_000 }, async () => {
    const svc = inProcessService();
    await svc.ask({ type: 'open', source: { kind: 'bundled' } });
    const { result, ms } = await svc.timedAsk({ type: 'replyTree', tokens: [0], depth: 12, temperature: 10, topK: 0, minProbability: 1e-9 });
    expect(result.pruned).toBe(true);
    expect(countNodes(result.children)).toBe(limits.MAX_REPLY_TREE_NODES);
    expect(ms).toBeLessThan(20_000);
    // A small tree is whole, and says so.
    const small = await svc.ask({ type: 'replyTree', tokens: [0], depth: 2, temperature: 0.5, topK: 3 });
    expect(small.pruned).toBe(false);
  });

  it('`slm tree` with the same settings prints a pruned tree and says it was pruned', { timeout: 60_000 }, async () => {
    let out = '';
    const code = await runCli(['tree', 'hello', '--depth', '12', '--temperature', '10', '--min-probability', '1e-9'], {
      out: (t) => (out += t),
      err: () => {},
      errIsTerminal: false,
    });
    expect(code).toBe(0);
    expect(out).toMatch(/pruned: the tree keeps its 1,000 most likely nodes/);
    expect(out.split('\n').filter((line) => /[├└]─/.test(line))).toHaveLength(limits.MAX_REPLY_TREE_NODES);
  });

  it('a running explanation is stopped at its next slice by a newer one and by a cancel', { timeout: 60_000 }, async () => {
    const svc = inProcessService({ yieldToMessages: () => new Promise((resolve) => setImmediate(resolve)) });
    await svc.ask({ type: 'open', source: { kind: 'bundled' } });
    const tokens = Array.from({ length: 4000 }, (_, i) => (i % 7 === 0 ? 0 : 1 + (i % 60)));
    const first = svc.nextId();
    void svc.service.handle({ type: 'explain', id: first, tokens, step: 3999, igSteps: 1024 });
    // Started (and running) before the newer one arrives.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(svc.replies.has(first)).toBe(false);
    const second = svc.nextId();
    void svc.service.handle({ type: 'explain', id: second, tokens, step: 3999, igSteps: 1024 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const cancel = svc.nextId();
    void svc.service.handle({ type: 'cancelExplanations', id: cancel });
    for (let waited = 0; !(svc.replies.has(first) && svc.replies.has(second)) && waited < 30_000; waited += 5) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(svc.replies.get(first)).toMatchObject({ type: 'error', kind: 'cancelled' });
    expect(svc.replies.get(second)).toMatchObject({ type: 'error', kind: 'cancelled' });
    expect(svc.replies.get(cancel)).toMatchObject({ type: 'reply', result: { cancelled: 1 } });
  });

  it('the service answers a ping at once, even while a long request waits in its lane', async () => {
    const svc = inProcessService();
    const id = svc.nextId();
    await svc.service.handle({ type: 'ping', id });
    expect(svc.replies.get(id)).toEqual({ type: 'reply', id, result: null });
  });
});

describe('the model-file reader is as strict as the protocol', () => {
  const borisWith = (from: RegExp, to: string) => {
    expect(borisText).toMatch(from);
    return borisText.replace(from, to);
  };

  it.each([
    ['seed -3.5', /"seed": \d+/, '"seed": -3.5', /"training\.seed" is -3\.5; it must be a whole number from 0 to 4294967295/],
    ['bestEpoch 0.5', /"bestEpoch": \d+/, '"bestEpoch": 0.5', /"training\.bestEpoch" is 0\.5; it must be a whole number/],
    ['learning rate 1e400', /"learningRate": [\d.e-]+/, '"learningRate": 1e400', /"training\.learningRate" is a number too large to read.*at most 1000000000/],
    ['epochs 1e300', /"epochs": \d+/, '"epochs": 1e300', /"training\.epochs" is 1e\+300; it must be a whole number from 1 to 100000/],
    ['a history epoch 1e300', /\{"epoch": 0,/, '{"epoch": 1e300,', /"training\.history"\[0\]\.epoch is 1e\+300/],
  ])('refuses %s with a clear message', (_, from, to, message) => {
    expectSlmError(() => parseModel(borisWith(from, to), 'boris.slm.json'), 'format', message);
  });

  it('every training record it reads is one the protocol sends back', async () => {
    const svc = inProcessService();
    const info = await svc.ask({ type: 'open', source: { kind: 'modelFile', name: 'b', text: borisText } });
    expect(() => parseResult('open', info)).not.toThrow();
    const error = await svc.askError({ type: 'open', source: { kind: 'modelFile', name: 'b', text: borisText.replace(/"seed": \d+/, '"seed": -3.5') } });
    expect(error.kind).toBe('format');
    expect(error.message).toMatch(/seed/);
  });

  it('refuses a checkpoint of the right length whose base64 ends with the wrong padding, in words', () => {
    const file = JSON.parse(borisText);
    const text: string = file.training.checkpoints[0].weights;
    const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
    // The same length, two characters changed: the padding is wrong for this many bytes.
    const damaged = padding === 2 ? text.slice(0, -2) + 'AA' : text.slice(0, -2) + '==';
    expect(damaged).toHaveLength(text.length);
    file.training.checkpoints[0].weights = damaged;
    const error = expectSlmError(() => parseModel(JSON.stringify(file), 'boris.slm.json'), 'format', /checkpoints"\]?\[0\]\.weights ends with/);
    expect(error.message).not.toMatch(/DataView|Offset/);
  });

  it('refuses 31.8 MB of deeply nested JSON quickly, before parsing it', () => {
    const half = 15_900_000;
    const text = '['.repeat(half) + ']'.repeat(half);
    const started = performance.now();
    expectSlmError(() => parseModel(text, 'nested.slm.json'), 'format', /nests its lists and objects more than 64 deep/);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('answers never hold NaN', () => {
  it.each([
    ['stepDynamics', { type: 'stepDynamics', contexts: [Array(24).fill(0.1)] }],
    ['memory', { type: 'memory', histories: [['hello'], []], lastTurn: 'do you like frogs?' }],
    ['explain', { type: 'explain', tokens: [0, 5, 9], step: 2 }],
    ['knockoutTable', { type: 'knockoutTable' }],
    ['unitProfile', { type: 'unitProfile', layer: 'h2', unit: 0 }],
    ['replyTree', { type: 'replyTree', tokens: [0], temperature: 1, topK: 0 }],
    ['fixedPoint', { type: 'fixedPoint', word: '' }],
  ])('%s says plainly that a model with a W1 value of 1.5e308 is too large to analyse', { timeout: 60_000 }, async (_, body) => {
    const svc = inProcessService();
    await svc.ask({ type: 'open', source: { kind: 'bundled' } });
    await svc.ask({ type: 'setWeights', edits: [{ matrix: 'w1', row: 0, column: 30, value: 1.5e308 }] });
    const error = await svc.askError(body);
    expect(error.kind).toBe('input');
    expect(error.message).toMatch(/^the model's numbers are too large to analyse: W1 holds 1\.5e\+308/);
  });
});

describe('smaller promises', () => {
  it("a model's info leaves its corpus out; trainingCorpus sends it when asked", async () => {
    const svc = inProcessService();
    const info = await svc.ask({ type: 'open', source: { kind: 'bundled' } });
    expect(info.training).not.toBeNull();
    expect(Object.keys(info.training!)).not.toContain('corpus');
    const edited = await svc.ask({ type: 'setWeights', edits: [{ matrix: 'w0', row: 0, column: 0, value: 0.5 }] });
    expect(Object.keys(edited.training!)).not.toContain('corpus');
    expect(await svc.ask({ type: 'trainingCorpus' })).toEqual({ corpus: 'boris.txt' });
  });

  it('open Boris, edit a weight, save, reset: the epoch label follows the weights, as reopening says', async () => {
    const svc = inProcessService();
    const opened = await svc.ask({ type: 'open', source: { kind: 'bundled' } });
    expect(opened.history?.modelEpoch).toBe(opened.training?.bestEpoch);
    await svc.ask({ type: 'setWeights', edits: [{ matrix: 'w0', row: 0, column: 0, value: 0.123 }] });
    const saved = await svc.ask({ type: 'saveModel', name: 'Edited Boris' });
    const reset = await svc.ask({ type: 'resetWeights' });
    expect(reset.weights.w0[0]).toBe(0.123);
    expect(reset.history?.modelEpoch).toBeNull();
    const reopened = await svc.ask({ type: 'open', source: { kind: 'stored', id: saved.id } });
    expect(reopened.history?.modelEpoch).toBeNull();
    // Reset after an edit that was not saved brings back the checkpoint's weights and its epoch.
    const again = await svc.ask({ type: 'open', source: { kind: 'bundled' } });
    await svc.ask({ type: 'setWeights', edits: [{ matrix: 'w0', row: 0, column: 0, value: 0.5 }] });
    expect((await svc.ask({ type: 'resetWeights' })).history?.modelEpoch).toBe(again.history?.modelEpoch);
  });

  it.each([1e-300, 0.001, 1001])('a training pace of %s epochs a second is refused', (pace) => {
    const parsed = parseRequest({ type: 'trainPace', id: 1, epochsPerSecond: pace });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toMatch(/a pace is from 0\.01 to 1000 epochs a second/);
  });

  it('paces within the bounds, and none, are accepted', () => {
    for (const pace of [limits.TRAINING_PACE.min, 1, limits.TRAINING_PACE.max, null]) expect(parseRequest({ type: 'trainPace', id: 1, epochsPerSecond: pace }).ok).toBe(true);
  });
});
