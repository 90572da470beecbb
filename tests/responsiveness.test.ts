/**
 * The model service stays responsive: while any request the protocol allows runs at its largest
 * allowed size, a cheap request (listModels) sent meanwhile is answered within 250 ms. This is a
 * bound on waiting, not a speed target: long work runs in slices (service/scheduler.ts) and its
 * budget is written once in model/network/limits.ts.
 *
 * The real service runs in this process, yielding to the event loop as the Node host does
 * (setImmediate). A cheap request is due at a moment on a timer; if a slice of heavy work held the
 * event loop, the timer fires late and the lateness is counted in the wait.
 */
import { describe, expect, it } from 'vitest';
import * as limits from '../src-main/model/network/limits.ts';
import type { RequestBody } from '../src-main/service/protocol.ts';
import { testRandom } from './helpers.ts';
import { BOUND_MS, LONGEST_MS, median, openBoris, waitsDuring } from './helpers/responsiveness.ts';

const rng = testRandom(7);
/** Boris's rows of a long text: a conversation's worth of tokens. */
const rowsOf = (count: number) => Array.from({ length: count }, (_, i) => (i % 9 === 0 ? 0 : 1 + Math.floor(rng() * 70)));
const context = () => Array.from({ length: 24 }, () => rng() * 2 - 1);
/** A message of MAX_PROMPT_TOKENS words Boris knows. */
const longMessage: string = Array.from({ length: limits.MAX_PROMPT_TOKENS }, (_, i) => ['i', 'love', 'frogs', 'and', 'the', 'pond'][i % 6]).join(' ');

/** Every read-only request type at its largest allowed size (the model's own requests are in the lane that waits). */
const HEAVY: [string, RequestBody, boolean][] = [
  // Pruned at its node budget, the tree may be grown before the first cheap request is due (on a quiet machine).
  ['a reply tree 12 deep at temperature 10 with the smallest threshold', { type: 'replyTree', tokens: [0], depth: 12, temperature: 10, topK: 0, minProbability: 1e-9 }, false],
  ['stepDynamics over the most contexts', { type: 'stepDynamics', contexts: Array.from({ length: limits.MAX_STEP_DYNAMICS_CONTEXTS }, context) }, true],
  [
    'explain over the most steps at the most integration points',
    { type: 'explain', tokens: rowsOf(limits.MAX_EXPLAINED_STEPS), step: limits.MAX_EXPLAINED_STEPS - 1, igSteps: 1024 },
    true,
  ],
  ['a unit profile with the longest step tokens', { type: 'unitProfile', layer: 'h2', unit: 3, top: 100, stepTokens: rowsOf(100_000) }, true],
  ['the knock-out table', { type: 'knockoutTable' }, true],
  ['the UMAP word map', { type: 'embeddingMap', method: 'umap', seed: 3 }, true],
  ['the training dynamics over every checkpoint', { type: 'trainingDynamics' }, true],
  [
    'memory after the longest histories',
    { type: 'memory', histories: [Array(limits.MAX_REPLAY_TURNS).fill(longMessage), Array(limits.MAX_REPLAY_TURNS).fill('hello')], lastTurn: longMessage },
    true,
  ],
  [
    'patching every unit at every step of the longest last turn after the longest histories',
    { type: 'patch', histories: [Array(limits.MAX_REPLAY_TURNS).fill(longMessage), Array(limits.MAX_REPLAY_TURNS).fill('hello')], lastTurn: longMessage },
    true,
  ],
  [
    'a replay of the most turns',
    { type: 'replay', turns: Array.from({ length: limits.MAX_REPLAY_TURNS }, (_, i) => ({ prompt: longMessage, temperature: 1, topK: 0, seed: i, maxTokens: limits.MAX_REPLY_TOKENS })) },
    true,
  ],
  ['the distance scale of the corpus, measured for the first time', { type: 'distanceScale', distances: Array.from({ length: limits.MAX_SCALED_DISTANCES }, (_, i) => i / 100), metric: 'cosine' }, false],
  ['a projection of the most vectors', { type: 'project', vectors: Array.from({ length: limits.MAX_PROJECT_VECTORS }, context) }, false],
  ['compare of the most sentences', { type: 'compare', sentences: Array(limits.COMPARE_SENTENCES.max).fill(longMessage), metric: 'cosine' }, false],
  ['divergence of two long sentences', { type: 'divergence', sentences: [longMessage, 'frogs ' + longMessage.split(' ').slice(1).join(' ')], metric: 'euclidean' }, false],
  ['a fixed point', { type: 'fixedPoint', word: '' }, false],
  ['a long turn', { type: 'generate', prompt: longMessage, temperature: 10, topK: 0, seed: 1, maxTokens: limits.MAX_REPLY_TOKENS }, false],
  ['a trace of the longest message', { type: 'trace', text: longMessage }, false],
  ['the most neighbours', { type: 'neighbours', word: 'frogs', k: limits.NEIGHBOURS.max, metric: 'cosine' }, false],
  ['inspecting the longest corpus', { type: 'inspectCorpus', corpus: ('i love frogs and ponds\n').repeat(limits.MAX_CORPUS_CHARACTERS / 23) }, false],
  ['exporting the model file', { type: 'exportModelFile' }, false],
  ['exporting the original pair', { type: 'exportOriginal' }, false],
];

describe('the service answers a cheap request within 250 ms while heavy work runs', () => {
  for (const [name, heavy, long] of HEAVY) {
    it(`during ${name}`, { timeout: 180_000 }, async () => {
      const svc = await openBoris();
      const { waits, runningAtFirst, heavyId } = await waitsDuring(svc, heavy);
      const reply = svc.replies.get(heavyId)!;
      expect(reply.type === 'error' ? `${reply.kind}: ${reply.message}` : 'answered').toBe('answered');
      // The long ones are still running when the first cheap request is answered: it was answered during them.
      if (long) expect(runningAtFirst).toBe(true);
      expect(median(waits)).toBeLessThan(BOUND_MS);
      expect(Math.max(...waits)).toBeLessThan(LONGEST_MS);
    });
  }
});
