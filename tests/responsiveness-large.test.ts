/**
 * The model service stays responsive (as tests/responsiveness.test.ts) through the longest work: a
 * training run at the largest E on a 4,000-word corpus, and the requests of a model near the largest
 * V. In a file of their own so that vitest runs them beside the other responsiveness cases, each on
 * its own core (vitest.config.ts).
 */
import { describe, expect, it } from 'vitest';
import * as limits from '../src-main/model/network/limits.ts';
import { serializeModel } from '../src-main/model/formats/slmJson.ts';
import { tokenizeCorpus } from '../src-main/model/network/tokenizer.ts';
import { buildVocabulary } from '../src-main/model/network/vocabulary.ts';
import type { RequestBody } from '../src-main/service/protocol.ts';
import { largeCorpus } from './helpers/largeCorpus.ts';
import { randomWeights, testRandom } from './helpers.ts';
import { BOUND_MS, LONGEST_MS, type Service, cheapWait, median, openBoris, waitsDuring } from './helpers/responsiveness.ts';

const rng = testRandom(7);

describe('the service answers a cheap request within 250 ms while heavy work runs', () => {
  it('during training at the largest E on a 4,000-word corpus, through the end of an epoch', { timeout: 180_000 }, async () => {
    const svc = await openBoris();
    const word = () => `w${Math.floor(rng() * 3000).toString(36)}x`;
    const corpus = Array.from({ length: 400 }, () => Array.from({ length: 10 }, word).join(' ')).join('\n');
    const started = svc.events.length;
    await svc.ask({ type: 'train', settings: { corpus, embedding: limits.EMBEDDING.max, epochs: 2, learningRate: 0.01, seed: 1 } });
    const waits: number[] = [];
    const epochsSeen = () => svc.events.slice(started).filter((e) => e.event === 'trainProgress').reduce((most, e) => Math.max(most, e.event === 'trainProgress' ? e.epoch : 0), 0);
    const done = () => svc.events.slice(started).some((e) => e.event === 'trainDone');
    while (!done()) waits.push(await cheapWait(svc));
    // Both epochs ended (each with its held-out evaluation and samples) while it was measured.
    expect(epochsSeen()).toBe(2);
    expect(median(waits)).toBeLessThan(BOUND_MS);
    expect(Math.max(...waits)).toBeLessThan(LONGEST_MS);
  });

  describe('with a large model: V over 4,000 and E = 32, with seeded random weights', () => {
    /**
     * One service with the model open, for these tests. What the heavy request costs depends on V and E,
     * not on what the weights learned, so the model is made, not trained: training is not what these
     * tests measure (its waits are measured above).
     */
    let opened: Promise<Service> | null = null;
    const largeModel = () =>
      (opened ??= (async () => {
        const svc = await openBoris();
        const vocabulary = buildVocabulary(tokenizeCorpus(largeCorpus({ words: 4080, lines: 1200 }).text));
        const text = serializeModel({ name: 'Large', vocabulary, weights: randomWeights(32, vocabulary.tokens.length, 1, 0.5), defaultTemperature: 1, training: null });
        const info = await svc.ask({ type: 'open', source: { kind: 'modelFile', name: 'large.slm.json', text } });
        expect(info.tokens.length).toBeGreaterThan(4000);
        expect(info.embeddingSize).toBe(32);
        return svc;
      })());

    const LARGE: [string, RequestBody][] = [
      // Its neighbour search over 4,096 words took seconds in one stretch before it ran in slices.
      ['the UMAP word map', { type: 'embeddingMap', method: 'umap', seed: 3 }],
      // The knock-out table, unit profiles and the projection of a model this size now end within a few
      // hundred milliseconds on a quiet machine, too soon for a cheap request to be measured meanwhile.
    ];
    for (const [name, heavy] of LARGE) {
      it(`during ${name}`, { timeout: 180_000 }, async () => {
        const svc = await largeModel();
        const { waits, runningAtFirst, heavyId } = await waitsDuring(svc, heavy);
        const reply = svc.replies.get(heavyId)!;
        expect(reply.type === 'error' ? `${reply.kind}: ${reply.message}` : 'answered').toBe('answered');
        expect(runningAtFirst).toBe(true);
        expect(median(waits)).toBeLessThan(BOUND_MS);
        expect(Math.max(...waits)).toBeLessThan(LONGEST_MS);
      });
    }
  });
});
