import { describe, expect, it } from 'vitest';
import { Conversation, DEFAULT_MAX_REPLY_TOKENS, generateLine } from '../../src-main/model/network/generation.ts';
import { MAX_PROMPT_TOKENS } from '../../src-main/model/network/limits.ts';
import { createWeights, type Weights } from '../../src-main/model/network/network.ts';
import { createRng } from '../../src-main/model/network/rng.ts';
import { argmax } from '../../src-main/model/network/sampling.ts';
import { detokenize, tokenize } from '../../src-main/model/network/tokenizer.ts';
import { BOUNDARY, encode, vocabularyFromTokens, type Vocabulary } from '../../src-main/model/network/vocabulary.ts';
import { expectClose, expectSlmError, randomWeights } from '../helpers.ts';
import { naiveModel, naiveRun, naiveStep } from '../reference/naive.ts';
import { WORDS } from './words.ts';

function greedy(seed = 1) {
  return { temperature: 0, rng: createRng(seed) };
}

/**
 * A hand-made model whose greedy next token is a fixed function of the current token:
 * "" -> a -> b -> "" (a line that ends) and c -> c -> c ... (a line that never ends).
 */
function chainModel(): { weights: Weights; vocabulary: Vocabulary } {
  const tokens = ['', '-', 'a', 'b', 'c'];
  const next = [2, 4, 3, 0, 4];
  const V = tokens.length;
  const E = V;
  const w = createWeights(E, V);
  for (let i = 0; i < E; i++) {
    w.w0[i * V + i] = 3; // h1 is (almost) one-hot
    w.w1[i * 2 * E + i] = 3; // h2 copies h1; the context is ignored
  }
  for (let i = 0; i < E; i++) w.w2[next[i] * E + i] = 10;
  return { weights: w, vocabulary: vocabularyFromTokens(tokens) };
}

describe('generation', () => {
  it('stops when the model writes the boundary (ended = true)', () => {
    const { weights, vocabulary } = chainModel();
    const line = generateLine(weights, vocabulary, [BOUNDARY], greedy());
    expect(line.tokens).toEqual([2, 3]);
    expect(line.text).toBe('a b');
    expect(line.ended).toBe(true);
    expect(line.fed.length).toBe(1);
    expect(line.written.map((s) => s.row)).toEqual([2, 3]);
  });

  it('stops at the cap when the model never writes the boundary (ended = false)', () => {
    const { weights, vocabulary } = chainModel();
    const capped = generateLine(weights, vocabulary, [BOUNDARY, 4], { ...greedy(), maxTokens: 7 });
    expect(capped.tokens).toEqual([4, 4, 4, 4, 4, 4, 4]);
    expect(capped.ended).toBe(false);
    expect(capped.written.length).toBe(7);
    expect(capped.fed.length).toBe(2);
    const byDefault = generateLine(weights, vocabulary, [4], greedy());
    expect(byDefault.tokens.length).toBe(DEFAULT_MAX_REPLY_TOKENS);
    expect(byDefault.ended).toBe(false);
  });

  it('greedy generation equals a naive greedy loop on random weights', () => {
    const vocabulary = vocabularyFromTokens(WORDS);
    for (const seed of [1, 2, 3, 4, 5]) {
      const weights = randomWeights(4, WORDS.length, seed, 2);
      const net = naiveModel(weights);
      const prompt = [0, 6, 7, 8, 9];
      const line = generateLine(weights, vocabulary, prompt, { ...greedy(), maxTokens: 12 });
      const fed = naiveRun(net, prompt);
      let last = fed[fed.length - 1];
      const reply: number[] = [];
      let ended = false;
      while (reply.length < 12) {
        const next = argmax(last.probs);
        if (next === 0) {
          ended = true;
          break;
        }
        reply.push(next);
        last = naiveStep(net, next, last.h2);
      }
      expect(line.tokens).toEqual(reply);
      expect(line.ended).toBe(ended);
      expect(line.text).toBe(detokenize(reply.map((r) => WORDS[r])));
      line.fed.forEach((s, i) => expectClose(s.h2, fed[i].h2, 1e-12));
    }
  });

  it('rejects an empty token list', () => {
    const { weights, vocabulary } = chainModel();
    expectSlmError(() => generateLine(weights, vocabulary, [], greedy()), 'input');
  });

  it('a conversation carries the context across turns and reset() returns to zeros', () => {
    const vocabulary = vocabularyFromTokens(WORDS);
    const weights = randomWeights(6, WORDS.length, 21, 1.5);
    const net = naiveModel(weights);
    const conversation = new Conversation(weights, vocabulary);
    expect(Array.from(conversation.currentContext)).toEqual(new Array(6).fill(0));

    const first = conversation.say('Who are you?', { ...greedy(), maxTokens: 5 });
    const afterFirst = conversation.currentContext;
    expect(afterFirst.some((x) => x !== 0)).toBe(true);
    const lastStep = first.written.length > 0 ? first.written.at(-1)! : first.fed.at(-1)!;
    expect(Array.from(afterFirst)).toEqual(Array.from(lastStep.h2));
    // currentContext is a copy: changing it changes nothing.
    conversation.currentContext.fill(5);
    expect(Array.from(conversation.currentContext)).toEqual(Array.from(afterFirst));

    const second = conversation.say('what do you love?', { ...greedy(), maxTokens: 5 });
    const fresh = new Conversation(weights, vocabulary).say('what do you love?', { ...greedy(), maxTokens: 5 });
    const prompt = [0, ...encode(vocabulary, tokenize('what do you love?'))];
    expect(second.fed.map((s) => s.row)).toEqual(prompt);
    // The second turn started from the first turn's context, not from zeros.
    const expectedSecond = naiveRun(net, prompt, Array.from(afterFirst));
    second.fed.forEach((s, i) => expectClose(s.h2, expectedSecond[i].h2, 1e-12));
    const expectedFresh = naiveRun(net, prompt);
    fresh.fed.forEach((s, i) => expectClose(s.h2, expectedFresh[i].h2, 1e-12));
    expect(Math.max(...second.fed[0].h2.map((x, i) => Math.abs(x - fresh.fed[0].h2[i])))).toBeGreaterThan(1e-6);

    conversation.reset();
    expect(Array.from(conversation.currentContext)).toEqual(new Array(6).fill(0));
    const afterReset = conversation.say('what do you love?', { ...greedy(), maxTokens: 5 });
    expect(afterReset.tokens).toEqual(fresh.tokens);
    afterReset.fed.forEach((s, i) => expect(Array.from(s.h2)).toEqual(Array.from(fresh.fed[i].h2)));
  });

  it('an empty or symbols-only prompt is an input error that leaves the context alone', () => {
    const vocabulary = vocabularyFromTokens(WORDS);
    const weights = randomWeights(3, WORDS.length, 4);
    const conversation = new Conversation(weights, vocabulary);
    conversation.say('i am boris', greedy());
    const before = conversation.currentContext;
    for (const prompt of ['', '   ', '@@@', '\u2014 :: ()']) {
      const error = expectSlmError(() => conversation.say(prompt, greedy()), 'input');
      expect(error.message.length).toBeGreaterThan(10);
    }
    expect(Array.from(conversation.currentContext)).toEqual(Array.from(before));
  });

  it('a prompt of the longest length allowed gets a reply; a longer one is refused and changes nothing', () => {
    const vocabulary = vocabularyFromTokens(WORDS);
    const weights = randomWeights(8, WORDS.length, 5);
    const conversation = new Conversation(weights, vocabulary, 'Froggy');
    const line = conversation.say('who are you frogs '.repeat(MAX_PROMPT_TOKENS / 4), { temperature: 0.5, rng: createRng(1) });
    expect(line.fed.length).toBe(MAX_PROMPT_TOKENS + 1);
    expect(line.tokens.length).toBeLessThanOrEqual(DEFAULT_MAX_REPLY_TOKENS);
    expect(conversation.currentContext.every(Number.isFinite)).toBe(true);
    const before = conversation.currentContext;
    expectSlmError(() => conversation.say('frogs '.repeat(MAX_PROMPT_TOKENS + 1), { temperature: 0.5, rng: createRng(1) }), 'input', /has 201 words and marks; at most 200/);
    expectSlmError(() => conversation.say('who are you frogs '.repeat(25_000), { temperature: 0.5, rng: createRng(1) }), 'input', /450,000 characters/);
    expect(conversation.currentContext).toEqual(before);
  });
});
