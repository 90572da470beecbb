import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Model } from '../src-main/model/network/model.ts';
import { MODEL_FORMAT, MODEL_VERSION, parseModel, serializeModel } from '../src-main/model/formats/slmJson.ts';
import { createWeights, run, type Weights } from '../src-main/model/network/network.ts';
import { readNpz, writeNpz } from '../src-main/model/formats/npz.ts';
import { exportOriginal, importOriginal } from '../src-main/model/formats/original.ts';
import { contextPath, sentenceDistance } from '../src-main/model/geometry/geometry.ts';
import { vocabularyFromTokens } from '../src-main/model/network/vocabulary.ts';
import { bitsOf, expectClose, expectSameBits, expectSlmError, randomWeights, testRandom } from './helpers.ts';

const testsDir = dirname(fileURLToPath(import.meta.url));
const fixtureDir = join(testsDir, 'fixtures', 'original');

// ---------------------------------------------------------------------------------------------
// Helpers

/** Random weights with awkward values mixed in: tiny, huge, negative, -0, subnormal. */
function awkwardWeights(E: number, V: number, seed: number): Weights {
  const random = testRandom(seed);
  const special = [
    -0, 0, 5e-324, -5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, -1.7976931348623157e308, 1e-300, -1e300,
    0.1 + 0.2, 1 / 3, -2 / 3, 123456789.123456789, Number.EPSILON, -Math.PI, 1e21, 1e-7,
  ];
  const w = createWeights(E, V);
  let n = 0;
  for (const m of [w.w0, w.w1, w.w2]) {
    for (let i = 0; i < m.length; i++, n++) {
      m[i] = n < special.length ? special[n] : (random() * 2 - 1) * 10 ** Math.floor(random() * 20 - 10);
    }
  }
  return w;
}

const TOKENS = ['', '-', 'frogs', "don't", '3', '"quoted"', '\u00e9t\u00e9', '?', '.'];

function makeModel(weights: Weights, tokens = TOKENS): Model {
  return {
    name: 'Test "model" \u2014 \u00e9',
    vocabulary: vocabularyFromTokens(tokens),
    weights,
    defaultTemperature: 0.7,
    training: {
      corpus: 'who are you?\ni am boris.',
      seed: 42,
      epochs: 3,
      learningRate: 0.01,
      heldOutFraction: 0.1,
      carryContext: 0.25,
      contextIdentity: 1.5,
      clipNorm: 20,
      maxVocabulary: 4094,
      bestEpoch: 2,
      history: [
        { epoch: 0, trainLoss: 2.1, testLoss: 2.2, testAccuracy: 0 },
        { epoch: 1, trainLoss: 1.1, testLoss: 1.3, testAccuracy: 0.5 },
        { epoch: 2, trainLoss: 0.1 + 0.2, testLoss: 1 / 3, testAccuracy: 2 / 3 },
      ],
      checkpoints: [],
    },
  };
}

// ---------------------------------------------------------------------------------------------

describe('the .slm.json model file', () => {
  it('round trips bit for bit, awkward values included', () => {
    for (const [E, seed] of [
      [1, 1],
      [3, 2],
      [7, 3],
    ]) {
      const model = makeModel(awkwardWeights(E, TOKENS.length, seed));
      const text = serializeModel(model);
      const back = parseModel(text);
      expectSameBits(back.weights, model.weights);
      expect(Object.is(back.weights.w0[0], -0)).toBe(true);
      expect(back.vocabulary.tokens).toEqual(model.vocabulary.tokens);
      expect(back.name).toBe(model.name);
      expect(back.defaultTemperature).toBe(model.defaultTemperature);
      expect(back.training).toEqual(model.training);
      // Same model, same bytes; and reading and writing again changes nothing.
      expect(serializeModel(model)).toBe(text);
      expect(serializeModel(back)).toBe(text);
    }
  });

  it('round trips a model without a training record', () => {
    const model = { ...makeModel(randomWeights(2, TOKENS.length, 5)), training: null };
    const back = parseModel(serializeModel(model));
    expect(back.training).toBeNull();
    expectSameBits(back.weights, model.weights);
  });

  it('a model with a non-finite weight cannot be saved', () => {
    const weights = randomWeights(2, TOKENS.length, 5);
    weights.w1[3] = Number.NaN;
    expectSlmError(() => serializeModel(makeModel(weights)), 'format', /NaN/);
    weights.w1[3] = Number.POSITIVE_INFINITY;
    expectSlmError(() => serializeModel(makeModel(weights)), 'format', /Infinity/);
  });

  it('a training record with a non-finite loss is saved and read back as NaN', () => {
    // A Trainer whose starting weights already overflow records such a loss in history[0]; JSON has
    // no Infinity or NaN, so the file stores null and reading it gives NaN.
    const model = makeModel(randomWeights(2, TOKENS.length, 5));
    model.training!.history[0] = { epoch: 0, trainLoss: Number.POSITIVE_INFINITY, testLoss: Number.NaN, testAccuracy: 0 };
    const back = parseModel(serializeModel(model));
    expect(back.training!.history[0].trainLoss).toBeNaN();
    expect(back.training!.history[0].testLoss).toBeNaN();
    expect(back.training!.history[0].testAccuracy).toBe(0);
    expect(back.training!.history.slice(1)).toEqual(model.training!.history.slice(1));
  });

  describe('parse errors', () => {
    const good = serializeModel(makeModel(randomWeights(2, TOKENS.length, 9)));
    /** The good file with one change made to its JSON value. */
    const edited = (change: (file: Record<string, any>) => void): string => {
      const file = JSON.parse(good);
      change(file);
      return JSON.stringify(file);
    };

    it('the good file parses', () => {
      expect(parseModel(good).weights.embeddingSize).toBe(2);
    });

    it('invalid JSON', () => {
      expectSlmError(() => parseModel(good.slice(0, good.length / 2), 'boris.slm.json'), 'format', /boris\.slm\.json is not valid JSON/);
      expectSlmError(() => parseModel(''), 'format', /not valid JSON/);
      expectSlmError(() => parseModel('[1, 2, 3]'), 'format', /JSON object/);
    });

    it('wrong format field', () => {
      expectSlmError(() => parseModel(edited((f) => (f.format = 'something-else'))), 'format', /"format".*something-else.*slm-model/);
      expectSlmError(() => parseModel(edited((f) => delete f.format)), 'format', /format/);
    });

    it('wrong version', () => {
      expect(MODEL_FORMAT).toBe('slm-model');
      expectSlmError(() => parseModel(edited((f) => (f.version = MODEL_VERSION + 1))), 'format', /version 3/);
      expectSlmError(() => parseModel(edited((f) => (f.version = '1'))), 'format', /version/);
    });

    it('a row too short', () => {
      expectSlmError(() => parseModel(edited((f) => f.weights.w1[1].pop())), 'format', /row 1 of "w1".*4 numbers/);
      expectSlmError(() => parseModel(edited((f) => f.weights.w0[0].push(1))), 'format', /row 0 of "w0".*9 numbers/);
    });

    it('the wrong number of rows', () => {
      expectSlmError(() => parseModel(edited((f) => f.weights.w0.pop())), 'format', /"w0" must be a list of 2 rows/);
      expectSlmError(() => parseModel(edited((f) => f.weights.w2.push([1, 2]))), 'format', /"w2" must be a list of 9 rows/);
      expectSlmError(() => parseModel(edited((f) => delete f.weights.w1)), 'format', /"w1"/);
      // A vocabulary that no longer matches the weights is caught through the shapes.
      expectSlmError(() => parseModel(edited((f) => f.vocabulary.push('extra'))), 'format', /"w0"|"w2"/);
      expectSlmError(() => parseModel(edited((f) => (f.embedding = 3))), 'format', /"w0" must be a list of 3 rows/);
    });

    it('a string where a number should be', () => {
      expectSlmError(() => parseModel(edited((f) => (f.weights.w2[4][1] = '0.5'))), 'format', /"w2"\[4\]\[1\] is "0.5", not a finite number/);
      expectSlmError(() => parseModel(edited((f) => (f.weights.w0[1][2] = null))), 'format', /"w0"\[1\]\[2\]/);
      expectSlmError(() => parseModel(edited((f) => (f.embedding = '2'))), 'format', /embedding/);
      expectSlmError(() => parseModel(edited((f) => (f.defaultTemperature = 'hot'))), 'format', /defaultTemperature/);
      expectSlmError(() => parseModel(edited((f) => (f.training.seed = 'one'))), 'format', /training\.seed/);
      expectSlmError(() => parseModel(edited((f) => (f.training.history[1].testLoss = 'x'))), 'format', /history.*testLoss/);
    });

    it('a vocabulary without "" first', () => {
      expectSlmError(
        () => parseModel(edited((f) => (f.vocabulary = [...f.vocabulary.slice(1), f.vocabulary[0]]))),
        'format',
        /row 0.*boundary/,
      );
      expectSlmError(() => parseModel(edited((f) => (f.vocabulary[3] = 'frogs'))), 'format', /"frogs" appears twice/);
      expectSlmError(() => parseModel(edited((f) => (f.vocabulary[3] = 7))), 'format', /vocabulary/);
    });
  });
});

describe('the original project format', () => {
  function originalOf(weights: Weights, tokens: string[]) {
    return exportOriginal(makeModel(weights, tokens));
  }

  it('export then import is bit identical', () => {
    const model = makeModel(awkwardWeights(4, TOKENS.length, 8));
    const files = exportOriginal(model);
    const back = importOriginal(files, 'Back');
    expectSameBits(back.weights, model.weights);
    expect(back.vocabulary.tokens).toEqual(model.vocabulary.tokens);
    expect(back.name).toBe('Back');
    expect(back.defaultTemperature).toBe(0.5);
    expect(back.training).toBeNull();
    // The files are what the original wrote: a {token: row} object and arrays of the right shapes.
    expect(JSON.parse(files.wordmap)).toEqual(Object.fromEntries(TOKENS.map((t, i) => [t, i])));
    const arrays = readNpz(files.weights);
    expect(arrays.get('w0')!.shape).toEqual([4, TOKENS.length]);
    expect(arrays.get('w1')!.shape).toEqual([4, 8]);
    expect(arrays.get('w2')!.shape).toEqual([TOKENS.length, 4]);
    // Exporting is deterministic.
    expect(Buffer.from(exportOriginal(model).weights).equals(Buffer.from(files.weights))).toBe(true);
  });

  it('a wordmap of the wrong size disagrees with the weights', () => {
    const files = originalOf(randomWeights(3, TOKENS.length, 1), TOKENS);
    const shorter = JSON.stringify(Object.fromEntries(TOKENS.slice(0, -1).map((t, i) => [t, i])));
    expectSlmError(() => importOriginal({ weights: files.weights, wordmap: shorter }), 'format', /disagree/);
    const longer = JSON.stringify(Object.fromEntries([...TOKENS, 'more'].map((t, i) => [t, i])));
    const error = expectSlmError(() => importOriginal({ weights: files.weights, wordmap: longer }), 'format', /disagree/);
    expect(error.message).toMatch(/9 columns/);
    expect(error.message).toMatch(/10 tokens/);
  });

  it('a w1 of the wrong shape is named', () => {
    const E = 3;
    const V = TOKENS.length;
    const w = randomWeights(E, V, 2);
    const wordmap = exportOriginal(makeModel(w)).wordmap;
    const bad = writeNpz({
      w0: { shape: [E, V], data: w.w0 },
      w1: { shape: [2 * E, E], data: w.w1 },
      w2: { shape: [V, E], data: w.w2 },
    });
    expectSlmError(() => importOriginal({ weights: bad, wordmap }), 'format', /w1 in weights\.npz has shape \(6, 3\) but must be \(3, 6\)/);
    const badW2 = writeNpz({
      w0: { shape: [E, V], data: w.w0 },
      w1: { shape: [E, 2 * E], data: w.w1 },
      w2: { shape: [V * E], data: w.w2 },
    });
    expectSlmError(() => importOriginal({ weights: badW2, wordmap }), 'format', /w2/);
    const missing = writeNpz({ w0: { shape: [E, V], data: w.w0 }, w1: { shape: [E, 2 * E], data: w.w1 } });
    expectSlmError(() => importOriginal({ weights: missing, wordmap }), 'format', /no array w2/);
  });

  it('a weights file that is not a zip is a format error', () => {
    const wordmap = exportOriginal(makeModel(randomWeights(2, TOKENS.length, 3))).wordmap;
    for (const bytes of [new TextEncoder().encode('this is not a zip file at all, just some text.'), new Uint8Array(0), new Uint8Array(100)]) {
      expectSlmError(() => importOriginal({ weights: bytes, wordmap }), 'format');
    }
  });

  it('a wordmap that is not JSON, or has no boundary at 0, is a format error', () => {
    const { weights } = exportOriginal(makeModel(randomWeights(2, TOKENS.length, 3)));
    expectSlmError(() => importOriginal({ weights, wordmap: '{"": 0, ' }), 'format', /wordmap\.json is not valid JSON/);
    const noBoundary = JSON.stringify(Object.fromEntries(['x', ...TOKENS.slice(1)].map((t, i) => [t, i])));
    expectSlmError(() => importOriginal({ weights, wordmap: noBoundary }), 'format', /row 0/);
  });

  it('a non-finite weight in weights.npz is a format error naming where it is', () => {
    const w = randomWeights(2, TOKENS.length, 3);
    w.w2[2 * 2 + 1] = Number.NaN;
    const files = exportOriginal(makeModel(w));
    expectSlmError(() => importOriginal(files), 'format', /w2.*NaN.*row 2, column 1/);
  });
});

describe('numpy compatibility', () => {
  const expected = JSON.parse(readFileSync(join(fixtureDir, 'expected.json'), 'utf8')) as {
    sentences: string[];
    contexts: number[][];
    distance: number;
    nextAfter: string;
    nextTokenProbs: number[];
    weights: Record<'w0' | 'w1' | 'w2', number[][]>;
  };
  const model = importOriginal({
    weights: new Uint8Array(readFileSync(join(fixtureDir, 'weights.npz'))),
    wordmap: readFileSync(join(fixtureDir, 'wordmap.json'), 'utf8'),
  });

  it('reads a model written by np.savez exactly', () => {
    expect(model.weights.embeddingSize).toBe(3);
    expect(model.vocabulary.tokens).toEqual(['', '-', 'i', 'am', 'frogs', '.']);
    for (const name of ['w0', 'w1', 'w2'] as const) {
      expect(Array.from(model.weights[name])).toEqual(expected.weights[name].flat());
    }
  });

  it('gives the contexts, distance and probabilities numpy computed', () => {
    expected.sentences.forEach((sentence, i) => {
      expectClose(contextPath(model.weights, model.vocabulary, sentence).contexts.at(-1)!, expected.contexts[i], 1e-12);
    });
    expect(Math.abs(sentenceDistance(model.weights, model.vocabulary, expected.sentences[0], expected.sentences[1]) - expected.distance)).toBeLessThanOrEqual(1e-12);
    const steps = run(model.weights, [0, model.vocabulary.rows.get(expected.nextAfter)!]);
    expectClose(steps[1].probs, expected.nextTokenProbs, 1e-12);
  });

  it('exporting the imported fixture gives arrays equal to numpy\'s bit for bit', () => {
    const original = readNpz(new Uint8Array(readFileSync(join(fixtureDir, 'weights.npz'))));
    const exported = readNpz(exportOriginal(model).weights);
    for (const name of ['w0', 'w1', 'w2']) {
      expect(exported.get(name)!.shape).toEqual(original.get(name)!.shape);
      expect(bitsOf(exported.get(name)!.data).equals(bitsOf(original.get(name)!.data))).toBe(true);
    }
  });

  const hasNumpy = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
  const numpyNote = hasNumpy ? '' : ' [skipped: python3 with numpy is not available]';

  it.skipIf(!hasNumpy)(`numpy loads an exported model and computes the same context${numpyNote}`, () => {
    const tokens = ['', '-', 'who', 'are', 'you', '?', 'i', 'am', 'boris', '.'];
    const weights = randomWeights(4, tokens.length, 1234, 1.7);
    const exportedModel = makeModel(weights, tokens);
    const files = exportOriginal(exportedModel);
    const dir = mkdtempSync(join(tmpdir(), 'slm-original-'));
    try {
      writeFileSync(join(dir, 'weights.npz'), files.weights);
      writeFileSync(join(dir, 'wordmap.json'), files.wordmap);
      const script = [
        'import json, re, sys',
        'import numpy as np',
        'folder, sentence = sys.argv[1], sys.argv[2]',
        "d = np.load(folder + '/weights.npz')",
        "w0, w1, w2 = d['w0'], d['w1'], d['w2']",
        "wordmap = json.load(open(folder + '/wordmap.json'))",
        "rows = [0] + [wordmap.get(t, 1) for t in re.findall(r\"[a-z0-9']+|[-.,!?;]\", sentence.lower())]",
        'c = np.zeros(w0.shape[0])',
        'for t in rows:',
        '    c = np.tanh(w1 @ np.concatenate([np.tanh(w0[:, t]), c]))',
        "print(json.dumps({'context': c.tolist(), 'dtype': str(w0.dtype), 'shapes': [list(w.shape) for w in (w0, w1, w2)],",
        "                  'w0': w0.tolist(), 'w1': w1.tolist(), 'w2': w2.tolist(), 'rows': rows}))",
      ].join('\n');
      const sentence = 'Who are you? I am Boris, the frog!';
      const result = spawnSync('python3', ['-c', script, dir, sentence], { encoding: 'utf8' });
      expect(result.status, result.stderr).toBe(0);
      const out = JSON.parse(result.stdout) as {
        context: number[];
        dtype: string;
        shapes: number[][];
        rows: number[];
        w0: number[][];
        w1: number[][];
        w2: number[][];
      };
      expect(out.dtype).toBe('float64');
      expect(out.shapes).toEqual([
        [4, 10],
        [4, 8],
        [10, 4],
      ]);
      expect(out.rows).toEqual([0, 2, 3, 4, 5, 6, 7, 8, 1, 1, 1, 1]);
      for (const name of ['w0', 'w1', 'w2'] as const) expect(out[name].flat()).toEqual(Array.from(weights[name]));
      const ours = contextPath(weights, exportedModel.vocabulary, sentence).contexts.at(-1)!;
      expectClose(ours, out.context, 1e-12);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
