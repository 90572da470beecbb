import { describe, expect, it } from 'vitest';
import { contextPath, nearestWords, sentenceDistance } from '../../src-main/model/geometry/geometry.ts';
import { tokenize } from '../../src-main/model/network/tokenizer.ts';
import { encode, vocabularyFromTokens } from '../../src-main/model/network/vocabulary.ts';
import { expectClose, expectSlmError, randomWeights } from '../helpers.ts';
import { naiveDistance, naiveFeed, naiveModel, naiveNeighbours, naiveRun } from '../reference/naive.ts';
import { WORDS } from './words.ts';

describe('geometry', () => {
  const vocabulary = vocabularyFromTokens(WORDS);
  const E = 4;
  const weights = randomWeights(E, WORDS.length, 31, 1.2);
  const net = naiveModel(weights);

  it('nearestWords equals a naive Euclidean search over h1, without the word and the boundary', () => {
    for (const word of ['frogs', 'who', 'i', '?', '-']) {
      const found = nearestWords(weights, vocabulary, word, 20);
      expect(found.length).toBe(WORDS.length - 2);
      expect(found.map((n) => n.word)).not.toContain(word);
      expect(found.map((n) => n.word)).not.toContain('');
      for (let i = 1; i < found.length; i++) expect(found[i].distance).toBeGreaterThanOrEqual(found[i - 1].distance);
      const expected = naiveNeighbours(net, WORDS, word, 20, 'euclidean');
      expect(found.map((n) => n.word)).toEqual(expected.map((n) => n.word));
      expectClose(
        found.map((n) => n.distance),
        expected.map((n) => n.distance),
        1e-12,
      );
    }
    expect(nearestWords(weights, vocabulary, 'frogs').length).toBe(5);
    expect(nearestWords(weights, vocabulary, 'frogs', 3).map((n) => n.word)).toEqual(
      naiveNeighbours(net, WORDS, 'frogs', 3, 'euclidean').map((n) => n.word),
    );
  });

  it('nearestWords with the cosine option equals a naive cosine distance', () => {
    for (const word of ['boris', 'love']) {
      const found = nearestWords(weights, vocabulary, word, 6, 'cosine');
      const expected = naiveNeighbours(net, WORDS, word, 6, 'cosine');
      expect(found.map((n) => n.word)).toEqual(expected.map((n) => n.word));
      expectClose(
        found.map((n) => n.distance),
        expected.map((n) => n.distance),
        1e-12,
      );
    }
    // Cosine and Euclidean rankings are not the same thing.
    const differs = WORDS.slice(1).some(
      (w) =>
        nearestWords(weights, vocabulary, w, 10, 'cosine').map((n) => n.word).join() !==
        nearestWords(weights, vocabulary, w, 10).map((n) => n.word).join(),
    );
    expect(differs).toBe(true);
  });

  it('nearestWords of a word the model does not know is an input error', () => {
    expectSlmError(() => nearestWords(weights, vocabulary, 'zebra'), 'input', /zebra/);
    expectSlmError(() => nearestWords(weights, vocabulary, ''), 'input');
  });

  it('sentenceDistance equals the distance of naive final contexts', () => {
    const finalContext = (s: string) => naiveRun(net, naiveFeed(WORDS, s)).at(-1)!.h2;
    const pairs: [string, string][] = [
      ['i am boris.', 'i am frogs.'],
      ['who are you?', 'Who are YOU?'],
      ['i love frogs', 'zebras love unknown words'],
      ['?', 'who are you? i am boris. who are you? i am boris.'],
    ];
    for (const [a, b] of pairs) {
      const ca = finalContext(a);
      const cb = finalContext(b);
      const expected = naiveDistance(ca, cb);
      expect(Math.abs(sentenceDistance(weights, vocabulary, a, b) - expected)).toBeLessThanOrEqual(1e-12);
      const cosine = naiveDistance(ca, cb, 'cosine');
      expect(Math.abs(sentenceDistance(weights, vocabulary, a, b, 'cosine') - cosine)).toBeLessThanOrEqual(1e-12);
    }
    expect(sentenceDistance(weights, vocabulary, 'who are you?', 'WHO are you ?')).toBe(0);
    expectSlmError(() => sentenceDistance(weights, vocabulary, '', 'frogs'), 'input');
    expectSlmError(() => sentenceDistance(weights, vocabulary, 'frogs', '@@'), 'input');
  });

  it('contextPath has one context per token plus the boundary, each equal to the naive one', () => {
    const sentence = 'who are you? i love frogs!';
    const path = contextPath(weights, vocabulary, sentence);
    expect(path.tokens).toEqual(['', ...tokenize(sentence)]);
    expect(path.contexts.length).toBe(tokenize(sentence).length + 1);
    const expected = naiveRun(net, [0, ...encode(vocabulary, tokenize(sentence))]);
    path.contexts.forEach((c, i) => expectClose(c, expected[i].h2, 1e-12));
  });
});
