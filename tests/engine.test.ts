import { describe, expect, it } from 'vitest';
import { detokenize, tokenize, tokenizeCorpus } from '../src-main/model/tokenizer.ts';
import {
  BOUNDARY,
  UNKNOWN,
  buildVocabulary,
  encode,
  toWordmap,
  vocabularyFromTokens,
  vocabularyFromWordmap,
  type Vocabulary,
} from '../src-main/model/vocabulary.ts';
import { createWeights, run, step, type Weights } from '../src-main/model/network.ts';
import { createRng } from '../src-main/model/rng.ts';
import { argmax, sampleToken } from '../src-main/model/sampling.ts';
import { Conversation, DEFAULT_MAX_REPLY_TOKENS, generateLine } from '../src-main/model/generation.ts';
import { contextPath, nearestWords, sentenceDistance } from '../src-main/model/geometry.ts';
import { fitPca, project, symmetricEigen } from '../src-main/model/pca.ts';
import { MAX_PROMPT_TOKENS } from '../src-main/model/limits.ts';
import { expectClose, expectSlmError, randomWeights, testRandom } from './helpers.ts';

// ---------------------------------------------------------------------------------------------
// Helpers written for the tests, independent of the engine.

type Matrix = number[][];

function nested(data: Float64Array, rows: number, cols: number): Matrix {
  return Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => data[r * cols + c]));
}

function matVec(m: Matrix, x: readonly number[]): number[] {
  return m.map((row) => {
    let sum = 0;
    for (let j = 0; j < row.length; j++) sum += row[j] * x[j];
    return sum;
  });
}

function oneHot(size: number, index: number): number[] {
  return Array.from({ length: size }, (_, i) => (i === index ? 1 : 0));
}

function naiveSoftmax(logits: readonly number[]): number[] {
  const max = Math.max(...logits);
  const exps = logits.map((l) => Math.exp(l - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / total);
}

interface NaiveNet {
  E: number;
  V: number;
  W0: Matrix;
  W1: Matrix;
  W2: Matrix;
}

function naiveNet(w: Weights): NaiveNet {
  const E = w.embedding;
  const V = w.vocabulary;
  return { E, V, W0: nested(w.w0, E, V), W1: nested(w.w1, E, 2 * E), W2: nested(w.w2, V, E) };
}

interface NaiveStep {
  h1: number[];
  h2: number[];
  logits: number[];
  probs: number[];
}

/** DESIGN.md section 1, written as plainly as possible: one-hot product, tanh, softmax. */
function naiveStep(net: NaiveNet, token: number, c: readonly number[], temperature = 1): NaiveStep {
  const h1 = matVec(net.W0, oneHot(net.V, token)).map(Math.tanh);
  const h2 = matVec(net.W1, [...h1, ...c]).map(Math.tanh);
  const logits = matVec(net.W2, h2);
  return { h1, h2, logits, probs: naiveSoftmax(logits.map((l) => l / temperature)) };
}

function naiveRun(net: NaiveNet, tokens: readonly number[], start?: readonly number[]): NaiveStep[] {
  let c = start ? [...start] : new Array<number>(net.E).fill(0);
  return tokens.map((t) => {
    const s = naiveStep(net, t, c);
    c = s.h2;
    return s;
  });
}

function greedy(seed = 1) {
  return { temperature: 0, rng: createRng(seed) };
}

const WORDS = ['', '-', 'i', 'am', 'boris', '.', 'who', 'are', 'you', '?', 'frogs', 'love'];

// ---------------------------------------------------------------------------------------------

describe('tokenizer', () => {
  it('lower-cases and keeps words and punctuation in order', () => {
    expect(tokenize('Who ARE you?!')).toEqual(['who', 'are', 'you', '?', '!']);
    expect(tokenize('I am BORIS.')).toEqual(['i', 'am', 'boris', '.']);
  });

  it("drops everything that is not [a-z0-9'] or - . , ! ? ;", () => {
    expect(tokenize('don\u2014stop: 3 frogs;')).toEqual(['don', 'stop', '3', 'frogs', ';']);
    expect(tokenize("don't\u2014stop: 3 frogs;")).toEqual(["don't", 'stop', '3', 'frogs', ';']);
    expect(tokenize('well-known, e.g. (really)')).toEqual(['well', '-', 'known', ',', 'e', '.', 'g', '.', 'really']);
    expect(tokenize('#hash @at $5 & 100% "quoted" [x] {y} <z> a/b a_b a:b')).toEqual([
      'hash', 'at', '5', '100', 'quoted', 'x', 'y', 'z', 'a', 'b', 'a', 'b', 'a', 'b',
    ]);
    // Letters outside a-z are dropped, splitting the word around them.
    expect(tokenize('Na\u00efve caf\u00e9')).toEqual(['na', 've', 'caf']);
    expect(tokenize('frogs!!! ... ??')).toEqual(['frogs', '!', '!', '!', '.', '.', '.', '?', '?']);
    expect(tokenize("it's 42'")).toEqual(["it's", "42'"]);
  });

  it('gives no tokens for empty, whitespace-only or symbol-only text', () => {
    expect(tokenize('')).toEqual([]);
    expect(tokenize('   \t\n\r\n  ')).toEqual([]);
    expect(tokenize('@@@ ### :: ()')).toEqual([]);
  });

  it('detokenize attaches . , ! ? ; and spaces everything else', () => {
    expect(detokenize(['i', 'am', 'boris', '.'])).toBe('i am boris.');
    expect(detokenize(['hello', ',', 'who', 'are', 'you', '?', '!'])).toBe('hello, who are you?!');
    expect(detokenize(['well', '-', 'known', ';', 'yes'])).toBe('well - known; yes');
    expect(detokenize(['', 'frogs', '.', ''])).toBe('frogs.');
    expect(detokenize([])).toBe('');
  });

  it('tokenize(detokenize(tokens)) gives the tokens back', () => {
    const pool = ['i', 'am', "don't", '3', 'frogs', '-', '.', ',', '!', '?', ';'];
    const random = testRandom(7);
    for (let trial = 0; trial < 200; trial++) {
      const length = 1 + Math.floor(random() * 12);
      const tokens = Array.from({ length }, () => pool[Math.floor(random() * pool.length)]);
      expect(tokenize(detokenize(tokens))).toEqual(tokens);
    }
  });

  it('tokenizeCorpus splits lines on \\n and \\r\\n and drops lines without tokens', () => {
    const text = 'Who are you?\r\n\r\nI am Boris.\n   \n@@@\nfrogs.\r\nlast line';
    expect(tokenizeCorpus(text)).toEqual([
      ['who', 'are', 'you', '?'],
      ['i', 'am', 'boris', '.'],
      ['frogs', '.'],
      ['last', 'line'],
    ]);
    expect(tokenizeCorpus('')).toEqual([]);
    expect(tokenizeCorpus('\n\r\n \n')).toEqual([]);
    // No token keeps a carriage return.
    for (const line of tokenizeCorpus('a\r\nb\r\n')) for (const t of line) expect(t).not.toMatch(/\r/);
  });
});

describe('vocabulary', () => {
  it('puts the boundary at row 0, unknown at row 1, then the most frequent first', () => {
    const lines = [
      ['frogs', 'are', 'nice'],
      ['who', 'are', 'you', '?'],
      ['frogs', '.'],
      ['are', 'frogs', '?'],
      ['-', '-', '-', '-'],
    ];
    const vocab = buildVocabulary(lines);
    expect(vocab.tokens[BOUNDARY]).toBe('');
    expect(vocab.tokens[UNKNOWN]).toBe('-');
    // Independent count: frequency, ties broken by first appearance.
    const counts = new Map<string, number>();
    const first = new Map<string, number>();
    let position = 0;
    for (const line of lines) {
      for (const token of line) {
        if (token === '-') continue;
        counts.set(token, (counts.get(token) ?? 0) + 1);
        if (!first.has(token)) first.set(token, position++);
      }
    }
    const expected = [...counts.keys()].sort((a, b) => counts.get(b)! - counts.get(a)! || first.get(a)! - first.get(b)!);
    expect(vocab.tokens).toEqual(['', '-', ...expected]);
    expect(vocab.tokens.slice(2, 4)).toEqual(['frogs', 'are']);
    expect(new Set(vocab.tokens).size).toBe(vocab.tokens.length);
    vocab.tokens.forEach((token, row) => expect(vocab.rows.get(token)).toBe(row));
  });

  it('is deterministic and breaks ties by first appearance', () => {
    const lines = [['b', 'a'], ['a', 'b'], ['c']];
    const one = buildVocabulary(lines);
    const two = buildVocabulary(lines.map((l) => [...l]));
    expect(one.tokens).toEqual(two.tokens);
    expect(one.tokens).toEqual(['', '-', 'b', 'a', 'c']);
  });

  it('refuses a corpus without words', () => {
    expectSlmError(() => buildVocabulary([]), 'input');
    expectSlmError(() => buildVocabulary([['-']]), 'input');
  });

  it('encode sends unknown words to row 1', () => {
    const vocab = vocabularyFromTokens(WORDS);
    expect(encode(vocab, ['who', 'are', 'zebras', '?', 'Boris', ''])).toEqual([6, 7, UNKNOWN, 9, UNKNOWN, BOUNDARY]);
    expect(encode(vocab, [])).toEqual([]);
  });

  it('vocabularyFromWordmap rejects values that are not an object', () => {
    for (const bad of [null, [], 'x', 5, ['', '-', 'a']]) {
      expectSlmError(() => vocabularyFromWordmap(bad), 'format', /object mapping each token to its row/);
    }
  });

  it('vocabularyFromWordmap rejects a row given twice', () => {
    const error = expectSlmError(() => vocabularyFromWordmap({ '': 0, a: 1, b: 1 }), 'format', /row 1/);
    expect(error.message).toMatch(/"a"/);
    expect(error.message).toMatch(/"b"/);
  });

  it('vocabularyFromWordmap rejects rows out of range or not whole numbers', () => {
    expectSlmError(() => vocabularyFromWordmap({ '': 0, '-': 1, a: 3 }), 'format', /"a".*3.*0 to 2/);
    expectSlmError(() => vocabularyFromWordmap({ '': 0, '-': 1, a: -1 }), 'format', /"a"/);
    expectSlmError(() => vocabularyFromWordmap({ '': 0, '-': 1, a: 1.5 }), 'format', /"a"/);
    expectSlmError(() => vocabularyFromWordmap({ '': 0, '-': 1, a: '2' }), 'format', /"a"/);
  });

  it('vocabularyFromWordmap rejects a wordmap without "" at row 0', () => {
    expectSlmError(() => vocabularyFromWordmap({ a: 0, '-': 1, b: 2 }), 'format', /row 0.*boundary/);
    expectSlmError(() => vocabularyFromWordmap({ '-': 0, '': 1, b: 2 }), 'format', /row 0.*boundary/);
  });

  it('toWordmap and vocabularyFromWordmap round trip, numeric-looking tokens included', () => {
    const vocab = vocabularyFromTokens(['', '-', 'frogs', '3', '10', "don't", '?']);
    const wordmap = toWordmap(vocab);
    expect(wordmap).toEqual({ '': 0, '-': 1, frogs: 2, '3': 3, '10': 4, "don't": 5, '?': 6 });
    const back = vocabularyFromWordmap(JSON.parse(JSON.stringify(wordmap)));
    expect(back.tokens).toEqual(vocab.tokens);
    expect(toWordmap(back)).toEqual(wordmap);
  });
});

describe('network', () => {
  const E = 5;
  const V = WORDS.length;
  const weights = randomWeights(E, V, 11, 1.5);
  const net = naiveNet(weights);

  it('step equals the naive one-hot reference for every token and a non-zero context', () => {
    const random = testRandom(3);
    for (let token = 0; token < V; token++) {
      const c = Array.from({ length: E }, () => random() * 2 - 1);
      const actual = step(weights, token, Float64Array.from(c));
      const expected = naiveStep(net, token, c);
      expect(actual.token).toBe(token);
      expectClose(actual.tokenEmbedding, expected.h1, 1e-12);
      expectClose(actual.context, expected.h2, 1e-12);
      expectClose(actual.nextTokenProbs, expected.probs, 1e-12);
    }
  });

  it('run equals the naive reference over a sequence, from zeros and from a given context', () => {
    const tokens = [0, 6, 7, 8, 9, 2, 3, 4, 5, 1, 1, 10];
    const steps = run(weights, tokens);
    const expected = naiveRun(net, tokens);
    expect(steps.length).toBe(tokens.length);
    steps.forEach((s, i) => {
      expect(s.token).toBe(tokens[i]);
      expectClose(s.tokenEmbedding, expected[i].h1, 1e-12);
      expectClose(s.context, expected[i].h2, 1e-12);
      expectClose(s.nextTokenProbs, expected[i].probs, 1e-12);
    });
    const start = [0.3, -0.2, 0.9, -0.99, 0];
    const fromStart = run(weights, tokens, Float64Array.from(start));
    const expectedFromStart = naiveRun(net, tokens, start);
    fromStart.forEach((s, i) => expectClose(s.context, expectedFromStart[i].h2, 1e-12));
    // The context really matters: a different start gives a different first context.
    expect(Math.abs(fromStart[0].context[0] - steps[0].context[0])).toBeGreaterThan(1e-6);
  });

  it('probabilities at temperature T are softmax(logits / T); T = 0 gives the T = 1 distribution', () => {
    const c = [0.1, -0.4, 0.2, 0.7, -0.3];
    for (const token of [0, 4, 9]) {
      const base = naiveStep(net, token, c);
      for (const T of [0.1, 0.5, 1, 2, 7.5]) {
        const actual = step(weights, token, Float64Array.from(c), T).nextTokenProbs;
        expectClose(actual, naiveSoftmax(base.logits.map((l) => l / T)), 1e-12);
        expect(actual.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      }
      const atZero = step(weights, token, Float64Array.from(c), 0).nextTokenProbs;
      const atOne = step(weights, token, Float64Array.from(c), 1).nextTokenProbs;
      expect(Array.from(atZero)).toEqual(Array.from(atOne));
      expectClose(atZero, base.probs, 1e-12);
    }
    // A lower temperature sharpens: the most likely token gets more probability.
    const top = argmax(naiveStep(net, 3, c).probs);
    expect(step(weights, 3, Float64Array.from(c), 0.3).nextTokenProbs[top]).toBeGreaterThan(
      step(weights, 3, Float64Array.from(c), 1).nextTokenProbs[top],
    );
  });

  it('does not change the context it is given', () => {
    const c = Float64Array.from([0.1, 0.2, 0.3, 0.4, 0.5]);
    const copy = c.slice();
    step(weights, 4, c);
    run(weights, [1, 2, 3], c);
    expect(Array.from(c)).toEqual(Array.from(copy));
  });
});

describe('sampling and the seeded rng', () => {
  it('the same seed gives the same sequence, a different seed a different one', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const sa = Array.from({ length: 200 }, () => a.next());
    const sb = Array.from({ length: 200 }, () => b.next());
    const sc = Array.from({ length: 200 }, () => c.next());
    expect(sa).toEqual(sb);
    expect(sa).not.toEqual(sc);
    expect(sa.filter((x, i) => x === sc[i]).length).toBe(0);
    for (const x of [...sa, ...sc]) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
    // Roughly uniform.
    const mean = sa.reduce((s, x) => s + x, 0) / sa.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.1);
    const r = createRng(5);
    for (let i = 0; i < 1000; i++) {
      const k = r.below(7);
      expect(Number.isInteger(k) && k >= 0 && k < 7).toBe(true);
    }
  });

  it('temperature 0 takes the most likely token, whatever the rng', () => {
    const random = testRandom(99);
    for (let trial = 0; trial < 50; trial++) {
      const probs = naiveSoftmax(Array.from({ length: 9 }, () => random() * 6));
      let expected = 0;
      for (let k = 1; k < probs.length; k++) if (probs[k] > probs[expected]) expected = k;
      expect(sampleToken(probs, { temperature: 0, rng: createRng(trial) })).toBe(expected);
      expect(sampleToken(probs, { temperature: 0, rng: createRng(trial + 1000), topK: 3 })).toBe(expected);
    }
    expect(sampleToken([0.2, 0.4, 0.4], { temperature: 0, rng: createRng(1) })).toBe(1);
  });

  it('samples in proportion to the probabilities without top-k', () => {
    const probs = [0.05, 0.3, 0.1, 0.25, 0.2, 0.1];
    const rng = createRng(2024);
    const counts = new Array<number>(probs.length).fill(0);
    const draws = 20000;
    for (let i = 0; i < draws; i++) counts[sampleToken(probs, { temperature: 1, rng })]++;
    counts.forEach((count, k) => expect(Math.abs(count / draws - probs[k])).toBeLessThan(0.02));
  });

  it('top-k never picks outside the k most likely, and renormalises among them', () => {
    const probs = [0.05, 0.3, 0.1, 0.25, 0.2, 0.1];
    const allowed = [1, 3, 4];
    const rng = createRng(7);
    const counts = new Array<number>(probs.length).fill(0);
    const draws = 20000;
    for (let i = 0; i < draws; i++) counts[sampleToken(probs, { temperature: 0.5, topK: 3, rng })]++;
    counts.forEach((count, k) => {
      if (!allowed.includes(k)) expect(count).toBe(0);
    });
    for (const k of allowed) expect(Math.abs(counts[k] / draws - probs[k] / 0.75)).toBeLessThan(0.02);
    // k = 1 is the most likely token every time.
    const one = createRng(8);
    for (let i = 0; i < 500; i++) expect(sampleToken(probs, { temperature: 1, topK: 1, rng: one })).toBe(1);
    // k larger than the vocabulary means all tokens.
    const big = createRng(9);
    const seen = new Set<number>();
    for (let i = 0; i < 5000; i++) seen.add(sampleToken(probs, { temperature: 1, topK: 100, rng: big }));
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('the same seed gives the same samples', () => {
    const probs = [0.1, 0.2, 0.3, 0.4];
    const draw = (seed: number) => {
      const rng = createRng(seed);
      return Array.from({ length: 300 }, () => sampleToken(probs, { temperature: 1, topK: 3, rng }));
    };
    expect(draw(5)).toEqual(draw(5));
    expect(draw(5)).not.toEqual(draw(6));
  });
});

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
    expect(line.written.map((s) => s.token)).toEqual([2, 3]);
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
      const net = naiveNet(weights);
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
      line.fed.forEach((s, i) => expectClose(s.context, fed[i].h2, 1e-12));
    }
  });

  it('rejects an empty token list', () => {
    const { weights, vocabulary } = chainModel();
    expectSlmError(() => generateLine(weights, vocabulary, [], greedy()), 'input');
  });

  it('a conversation carries the context across turns and reset() returns to zeros', () => {
    const vocabulary = vocabularyFromTokens(WORDS);
    const weights = randomWeights(6, WORDS.length, 21, 1.5);
    const net = naiveNet(weights);
    const conversation = new Conversation(weights, vocabulary);
    expect(Array.from(conversation.currentContext)).toEqual(new Array(6).fill(0));

    const first = conversation.say('Who are you?', { ...greedy(), maxTokens: 5 });
    const afterFirst = conversation.currentContext;
    expect(afterFirst.some((x) => x !== 0)).toBe(true);
    const lastStep = first.written.length > 0 ? first.written.at(-1)! : first.fed.at(-1)!;
    expect(Array.from(afterFirst)).toEqual(Array.from(lastStep.context));
    // currentContext is a copy: changing it changes nothing.
    conversation.currentContext.fill(5);
    expect(Array.from(conversation.currentContext)).toEqual(Array.from(afterFirst));

    const second = conversation.say('what do you love?', { ...greedy(), maxTokens: 5 });
    const fresh = new Conversation(weights, vocabulary).say('what do you love?', { ...greedy(), maxTokens: 5 });
    const prompt = [0, ...encode(vocabulary, tokenize('what do you love?'))];
    expect(second.fed.map((s) => s.token)).toEqual(prompt);
    // The second turn started from the first turn's context, not from zeros.
    const expectedSecond = naiveRun(net, prompt, Array.from(afterFirst));
    second.fed.forEach((s, i) => expectClose(s.context, expectedSecond[i].h2, 1e-12));
    const expectedFresh = naiveRun(net, prompt);
    fresh.fed.forEach((s, i) => expectClose(s.context, expectedFresh[i].h2, 1e-12));
    expect(Math.max(...second.fed[0].context.map((x, i) => Math.abs(x - fresh.fed[0].context[i])))).toBeGreaterThan(1e-6);

    conversation.reset();
    expect(Array.from(conversation.currentContext)).toEqual(new Array(6).fill(0));
    const afterReset = conversation.say('what do you love?', { ...greedy(), maxTokens: 5 });
    expect(afterReset.tokens).toEqual(fresh.tokens);
    afterReset.fed.forEach((s, i) => expect(Array.from(s.context)).toEqual(Array.from(fresh.fed[i].context)));
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

describe('geometry', () => {
  const vocabulary = vocabularyFromTokens(WORDS);
  const E = 4;
  const weights = randomWeights(E, WORDS.length, 31, 1.2);
  const net = naiveNet(weights);

  function naiveH1(row: number): number[] {
    return matVec(net.W0, oneHot(net.V, row)).map(Math.tanh);
  }

  function naiveNeighbours(word: string, k: number, metric: 'euclidean' | 'cosine') {
    const row = WORDS.indexOf(word);
    const a = naiveH1(row);
    const found: { word: string; distance: number; row: number }[] = [];
    for (let other = 1; other < WORDS.length; other++) {
      if (other === row) continue;
      const b = naiveH1(other);
      let d: number;
      if (metric === 'euclidean') {
        d = Math.sqrt(a.reduce((s, x, i) => s + (x - b[i]) ** 2, 0));
      } else {
        const dot = a.reduce((s, x, i) => s + x * b[i], 0);
        const na = Math.sqrt(a.reduce((s, x) => s + x * x, 0));
        const nb = Math.sqrt(b.reduce((s, x) => s + x * x, 0));
        d = 1 - dot / (na * nb);
      }
      found.push({ word: WORDS[other], distance: d, row: other });
    }
    found.sort((x, y) => x.distance - y.distance || x.row - y.row);
    return found.slice(0, k);
  }

  it('nearestWords equals a naive Euclidean search over h1, without the word and the boundary', () => {
    for (const word of ['frogs', 'who', 'i', '?', '-']) {
      const found = nearestWords(weights, vocabulary, word, 20);
      expect(found.length).toBe(WORDS.length - 2);
      expect(found.map((n) => n.word)).not.toContain(word);
      expect(found.map((n) => n.word)).not.toContain('');
      for (let i = 1; i < found.length; i++) expect(found[i].distance).toBeGreaterThanOrEqual(found[i - 1].distance);
      const expected = naiveNeighbours(word, 20, 'euclidean');
      expect(found.map((n) => n.word)).toEqual(expected.map((n) => n.word));
      expectClose(
        found.map((n) => n.distance),
        expected.map((n) => n.distance),
        1e-12,
      );
    }
    expect(nearestWords(weights, vocabulary, 'frogs').length).toBe(5);
    expect(nearestWords(weights, vocabulary, 'frogs', 3).map((n) => n.word)).toEqual(
      naiveNeighbours('frogs', 3, 'euclidean').map((n) => n.word),
    );
  });

  it('nearestWords with the cosine option equals a naive cosine distance', () => {
    for (const word of ['boris', 'love']) {
      const found = nearestWords(weights, vocabulary, word, 6, 'cosine');
      const expected = naiveNeighbours(word, 6, 'cosine');
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
    const encodeNaive = (s: string) => [0, ...(s.toLowerCase().match(/[a-z0-9']+|[-.,!?;]/g) ?? []).map((w) => Math.max(1, WORDS.indexOf(w)))];
    const finalContext = (s: string) => naiveRun(net, encodeNaive(s)).at(-1)!.h2;
    const pairs: [string, string][] = [
      ['i am boris.', 'i am frogs.'],
      ['who are you?', 'Who are YOU?'],
      ['i love frogs', 'zebras love unknown words'],
      ['?', 'who are you? i am boris. who are you? i am boris.'],
    ];
    for (const [a, b] of pairs) {
      const ca = finalContext(a);
      const cb = finalContext(b);
      const expected = Math.sqrt(ca.reduce((s, x, i) => s + (x - cb[i]) ** 2, 0));
      expect(Math.abs(sentenceDistance(weights, vocabulary, a, b) - expected)).toBeLessThanOrEqual(1e-12);
      const dot = ca.reduce((s, x, i) => s + x * cb[i], 0);
      const cosine = 1 - dot / Math.sqrt(ca.reduce((s, x) => s + x * x, 0) * cb.reduce((s, x) => s + x * x, 0));
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

describe('pca', () => {
  function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  }

  function normalize(v: number[]): number[] {
    const n = Math.sqrt(dot(v, v));
    return v.map((x) => x / n);
  }

  function cross(a: number[], b: number[]): number[] {
    return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
  }

  /**
   * Points spread mostly along `major`, less along `minor`, least along the third axis. Each random
   * draw is used with all eight sign combinations, so the sample covariance is exactly diagonal in
   * that basis and the principal axes are known exactly.
   */
  function stretched(major: number[], minor: number[], n: number, seed: number): number[][] {
    const random = testRandom(seed);
    const third = normalize(cross(major, minor));
    const centre = [3, -2, 5];
    const points: number[][] = [];
    for (let i = 0; i < n; i++) {
      const a = 5 + random() * 5;
      const b = 0.5 + random() * 1.5;
      const c = random() * 0.1;
      for (const sa of [1, -1]) {
        for (const sb of [1, -1]) {
          for (const sc of [1, -1]) {
            points.push(centre.map((m, j) => m + sa * a * major[j] + sb * b * minor[j] + sc * c * third[j]));
          }
        }
      }
    }
    return points;
  }

  it('finds the direction the data is stretched along, with a deterministic sign', () => {
    const major = normalize([1, 2, -3]);
    const minor = normalize([-3, 0, -1]); // orthogonal to major
    const points = stretched(major, minor, 50, 17);
    const pca = fitPca(points, 2);
    expect(pca.components.length).toBe(2);
    expect(Math.abs(dot(pca.components[0], major))).toBeCloseTo(1, 10);
    expect(Math.abs(dot(pca.components[1], minor))).toBeCloseTo(1, 10);
    for (const axis of pca.components) {
      expect(dot(axis, axis)).toBeCloseTo(1, 12);
      let largest = 0;
      for (let j = 1; j < axis.length; j++) if (Math.abs(axis[j]) > Math.abs(axis[largest])) largest = j;
      expect(axis[largest]).toBeGreaterThan(0);
    }
    expect(Math.abs(dot(pca.components[0], pca.components[1]))).toBeLessThan(1e-10);
    // Same data, same answer; mirrored data, the same axes (signs are fixed, not inherited).
    expect(fitPca(points, 2).components.map((c) => Array.from(c))).toEqual(pca.components.map((c) => Array.from(c)));
    const mirrored = fitPca(
      points.map((p) => p.map((x) => -x)),
      2,
    );
    mirrored.components.forEach((c, i) => expectClose(c, pca.components[i], 1e-9));
    // The mean is the mean; projecting it gives the origin.
    const mean = [0, 1, 2].map((j) => points.reduce((s, p) => s + p[j], 0) / points.length);
    expectClose(pca.mean, mean, 1e-10);
    expectClose(project(pca, mean), [0, 0], 1e-10);
    const p0 = project(pca, points[0]);
    expect(p0[0]).toBeCloseTo(dot(pca.components[0], points[0].map((x, j) => x - mean[j])), 10);
  });

  it('fixes every axis sign so that its largest entry is positive, for many data sets', () => {
    const random = testRandom(61);
    for (let trial = 0; trial < 40; trial++) {
      const major = normalize([random() * 2 - 1, random() * 2 - 1, random() * 2 - 1]);
      const minor = normalize(cross(major, [random() * 2 - 1, random() * 2 - 1, random() * 2 - 1]));
      const pca = fitPca(stretched(major, minor, 3, trial), 3);
      expect(Math.abs(dot(pca.components[0], major))).toBeCloseTo(1, 8);
      for (const axis of pca.components) {
        const magnitudes = Array.from(axis, Math.abs);
        const largest = magnitudes.indexOf(Math.max(...magnitudes));
        const sorted = [...magnitudes].sort((a, b) => b - a);
        if (sorted[0] - sorted[1] > 1e-6) expect(axis[largest]).toBeGreaterThan(0);
      }
    }
  });

  it('explained variance matches closed-form eigenvalues in 2-D and sums to at most 1', () => {
    const random = testRandom(23);
    const points = Array.from({ length: 60 }, () => {
      const a = random() * 4 - 2;
      const b = random() * 2 - 1;
      return [a + 0.5 * b, 0.8 * a - b];
    });
    const n = points.length;
    const mx = points.reduce((s, p) => s + p[0], 0) / n;
    const my = points.reduce((s, p) => s + p[1], 0) / n;
    const sxx = points.reduce((s, p) => s + (p[0] - mx) ** 2, 0) / n;
    const syy = points.reduce((s, p) => s + (p[1] - my) ** 2, 0) / n;
    const sxy = points.reduce((s, p) => s + (p[0] - mx) * (p[1] - my), 0) / n;
    const half = (sxx + syy) / 2;
    const radius = Math.sqrt(((sxx - syy) / 2) ** 2 + sxy * sxy);
    const l1 = half + radius;
    const l2 = half - radius;
    const pca = fitPca(points, 2);
    expectClose(pca.explainedVariance, [l1 / (l1 + l2), l2 / (l1 + l2)], 1e-12);
    expect(pca.explainedVariance.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1 + 1e-12);
    // Closed-form eigenvector of the largest eigenvalue: (sxy, l1 - sxx).
    const v = normalize([sxy, l1 - sxx]);
    expect(Math.abs(dot(pca.components[0], v))).toBeCloseTo(1, 12);

    const three = stretched(normalize([1, 1, 0]), normalize([1, -1, 1]), 20, 5);
    const one = fitPca(three, 1);
    expect(one.components.length).toBe(1);
    const total = fitPca(three, 3).explainedVariance.reduce((a, b) => a + b, 0);
    expect(total).toBeCloseTo(1, 12);
    expect(fitPca(three, 2).explainedVariance.reduce((a, b) => a + b, 0)).toBeLessThan(1);
    expectSlmError(() => fitPca([], 2), 'input');
  });

  it('is scale invariant: data scaled by 1e-9 gives the same axes', () => {
    // pca.ts symmetricEigen stops when the sum of squared off-diagonal entries is below 1e-30, an
    // absolute threshold: a covariance whose entries are around 1e-18 is returned unrotated, so the
    // "principal axes" are the coordinate axes and the explained variance is wrong.
    const points = [
      [1, 1],
      [2, 2.1],
      [3, 2.9],
      [4, 4.2],
    ];
    const big = fitPca(points, 2);
    const small = fitPca(
      points.map((p) => p.map((x) => x * 1e-9)),
      2,
    );
    expect(Math.abs(dot(big.components[0], [Math.SQRT1_2, Math.SQRT1_2]))).toBeGreaterThan(0.99);
    small.components.forEach((c, i) => expectClose(c, big.components[i], 1e-6));
    expectClose(small.explainedVariance, big.explainedVariance, 1e-6);
  });

  it('symmetricEigen reconstructs A = V diag(l) V^T and its values match a closed form in 3-D', () => {
    for (const n of [2, 3, 5, 8]) {
      const random = testRandom(100 + n);
      const a = Array.from({ length: n }, () => new Float64Array(n));
      for (let i = 0; i < n; i++) {
        for (let j = i; j < n; j++) {
          const x = random() * 4 - 2;
          a[i][j] = x;
          a[j][i] = x;
        }
      }
      const { values, vectors } = symmetricEigen(a);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          let sum = 0;
          let identity = 0;
          for (let k = 0; k < n; k++) {
            sum += vectors[i][k] * values[k] * vectors[j][k];
            identity += vectors[k][i] * vectors[k][j];
          }
          expect(Math.abs(sum - a[i][j])).toBeLessThan(1e-10);
          expect(Math.abs(identity - (i === j ? 1 : 0))).toBeLessThan(1e-10);
        }
      }
      // The trace is the sum of the eigenvalues.
      const trace = a.reduce((s, row, i) => s + row[i], 0);
      expect(values.reduce((s, v) => s + v, 0)).toBeCloseTo(trace, 10);
      if (n === 3) {
        // Closed form for a symmetric 3 x 3 matrix (trigonometric solution of the characteristic cubic).
        const q = trace / 3;
        const p1 = a[0][1] ** 2 + a[0][2] ** 2 + a[1][2] ** 2;
        const p2 = (a[0][0] - q) ** 2 + (a[1][1] - q) ** 2 + (a[2][2] - q) ** 2 + 2 * p1;
        const p = Math.sqrt(p2 / 6);
        const b = a.map((row, i) => Array.from(row, (x, j) => (x - (i === j ? q : 0)) / p));
        const detB =
          b[0][0] * (b[1][1] * b[2][2] - b[1][2] * b[2][1]) -
          b[0][1] * (b[1][0] * b[2][2] - b[1][2] * b[2][0]) +
          b[0][2] * (b[1][0] * b[2][1] - b[1][1] * b[2][0]);
        const phi = Math.acos(Math.max(-1, Math.min(1, detB / 2))) / 3;
        const e1 = q + 2 * p * Math.cos(phi);
        const e3 = q + 2 * p * Math.cos(phi + (2 * Math.PI) / 3);
        const e2 = 3 * q - e1 - e3;
        expectClose(
          [...values].sort((x, y) => y - x),
          [e1, e2, e3],
          1e-10,
        );
      }
    }
  });
});
