import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_IG_STEPS, explainPrediction, lossAndGradient } from '../src-main/model/explanations/explain.ts';
import { gaussLegendre } from '../src-main/model/explanations/gaussLegendre.ts';
import { LineEvaluator, knockOutInPlace, knockoutRow, knockoutTable, parseUnitId } from '../src-main/model/units/knockout.ts';
import { type Weights, cloneWeights, run } from '../src-main/model/network/network.ts';
import { replyTree, type ReplyNode } from '../src-main/model/explanations/replyTree.ts';
import { tokenizeCorpus } from '../src-main/model/network/tokenizer.ts';
import { Trainer } from '../src-main/model/training/training.ts';
import { splitCorpus } from '../src-main/model/training/setup.ts';
import { HISTOGRAM_BINS, corpusContexts, unitActivations, unitProfile } from '../src-main/model/units/unitProfile.ts';
import { BOUNDARY, encode } from '../src-main/model/network/vocabulary.ts';
import { expectSlmError, randomWeights, testRandom } from './helpers.ts';
import { boris } from './helpers/boris.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const borisLines = tokenizeCorpus(readFileSync(join(root, 'resources', 'corpus', 'boris.txt'), 'utf8')).map((line) => encode(boris.vocabulary, line));

// ---------------------------------------------------------------------------------------------
// A naive reference, written for the tests: nested arrays, the maths as docs/model.md states it.

function naiveLogProbability(w: Weights, h1: number[][], target: number, start?: number[]): number {
  const E = w.embeddingSize;
  const V = w.vocabularySize;
  let c = start ?? new Array<number>(E).fill(0);
  for (const x of h1) {
    const joint = [...x, ...c];
    c = Array.from({ length: E }, (_, i) => Math.tanh(joint.reduce((sum, v, j) => sum + w.w1[i * 2 * E + j] * v, 0)));
  }
  const logits = Array.from({ length: V }, (_, k) => c.reduce((sum, v, j) => sum + w.w2[k * E + j] * v, 0));
  const max = Math.max(...logits);
  const logTotal = Math.log(logits.reduce((sum, l) => sum + Math.exp(l - max), 0)) + max;
  return logits[target] - logTotal;
}

function naiveEmbeddings(w: Weights, rows: readonly number[]): number[][] {
  return rows.map((row) => Array.from({ length: w.embeddingSize }, (_, i) => Math.tanh(w.w0[i * w.vocabularySize + row])));
}

function norm(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] * values[i];
  return Math.sqrt(sum);
}

/** Central differences of the naive L with respect to every h1 cell. */
function finiteDifferenceGradient(w: Weights, h1: number[][], target: number, start?: number[], h = 1e-5): number[][] {
  return h1.map((x, s) =>
    x.map((_, j) => {
      const shifted = (delta: number) => h1.map((y, t) => (t === s ? y.map((v, i) => (i === j ? v + delta : v)) : y));
      return (naiveLogProbability(w, shifted(h), target, start) - naiveLogProbability(w, shifted(-h), target, start)) / (2 * h);
    }),
  );
}

describe('saliency through time', () => {
  const cases = [
    { name: 'random weights, E = 5', weights: randomWeights(5, 9, 11), rows: [0, 3, 7, 2, 8, 4], step: 4, target: 6 },
    { name: 'random weights, E = 8, larger scale', weights: randomWeights(8, 12, 12, 1.5), rows: [0, 1, 5, 11, 2], step: 4, target: 0 },
    { name: 'Boris', weights: boris.weights, rows: [BOUNDARY, ...encode(boris.vocabulary, ['who', 'are', 'you', '?'])], step: 4, target: encode(boris.vocabulary, ['frogs'])[0] },
  ];

  for (const { name, weights, rows, step, target } of cases) {
    it(`g matches finite differences to a relative error of 1e-6 (${name})`, () => {
      const h1 = naiveEmbeddings(weights, rows.slice(0, step + 1));
      const { loss, gradients } = lossAndGradient(weights, Float64Array.from(h1.flat()), target);
      expect(Math.abs(loss - naiveLogProbability(weights, h1, target))).toBeLessThan(1e-12);
      const reference = finiteDifferenceGradient(weights, h1, target).flat();
      const difference = reference.map((v, i) => v - gradients[i]);
      expect(norm(reference)).toBeGreaterThan(1e-6);
      expect(norm(difference) / norm(reference)).toBeLessThan(1e-6);

      const explanation = explainPrediction(weights, rows, step, { target });
      expect(explanation.steps).toHaveLength(step + 1);
      explanation.steps.forEach((entry, s) => {
        const g = reference.slice(s * weights.embeddingSize, (s + 1) * weights.embeddingSize);
        expect(entry.row).toBe(rows[s]);
        expect(entry.gradientNorm).toBeCloseTo(norm(g), 6);
        expect(entry.saliency).toBeCloseTo(g.reduce((sum, v, j) => sum + v * h1[s][j], 0), 6);
      });
    });

    it(`reports L(h1), L(0) and the completeness gap of its integrated gradients exactly (${name})`, () => {
      const explanation = explainPrediction(weights, rows, step, { target });
      const h1 = naiveEmbeddings(weights, rows.slice(0, step + 1));
      expect(explanation.logProbability).toBeCloseTo(naiveLogProbability(weights, h1, target), 12);
      const zeros = h1.map((x) => x.map(() => 0));
      expect(explanation.baselineLogProbability).toBeCloseTo(naiveLogProbability(weights, zeros, target), 12);
      const sum = explanation.steps.reduce((total, s) => total + s.integratedGradient, 0);
      expect(explanation.completenessGap).toBeCloseTo(sum - (explanation.logProbability - explanation.baselineLogProbability), 12);
      expect(explanation.igPoints).toBeGreaterThanOrEqual(DEFAULT_IG_STEPS);
    });
  }

  for (const { name, weights, rows, step, target } of cases) {
    it(`integrated gradients add up to L(h1) - L(0) within 1e-4 at the default m = ${DEFAULT_IG_STEPS} (${name})`, () => {
      const explanation = explainPrediction(weights, rows, step, { target });
      expect(Math.abs(explanation.completenessGap)).toBeLessThan(1e-4);
    });
  }

  it('on Boris, whose L(alpha) turns sharply near alpha = 0, completeness holds at the default for his real prompts and his one-line turns, the longest (16 tokens) included', () => {
    // The fixed 64-point rule missed "who are you?" by 3.7 nats; the adaptive rule puts its points
    // where the panels miss their exact change.
    const prompts = ['who are you?', 'what do you love?', 'hello boris', 'do you like frogs?', 'tell me a joke', 'what is your name?'].map((text) =>
      encode(boris.vocabulary, tokenizeCorpus(text)[0]),
    );
    // One line each (a dialogue of several lines holds the boundary inside it). Over a conversation of
    // several turns L(alpha) turns chaotic along the path for this Boris (on a 32-step dialogue, over a
    // thousand jumps of more than 0.05 between neighbouring alphas 5e-5 apart): no quadrature meets
    // completeness there, and completenessGap says so (integratedGradients.ts).
    const oneLine = borisLines.filter((line) => !line.includes(BOUNDARY));
    expect(Math.max(...oneLine.map((line) => line.length))).toBe(16);
    const longest = [...oneLine].sort((a, b) => b.length - a.length).slice(0, 3);
    const everyFiftieth = oneLine.filter((_, i) => i % 200 === 0);
    for (const line of [...prompts, ...longest, ...everyFiftieth]) {
      const rows = [BOUNDARY, ...line];
      // The last step, and one in the middle, each with the token that came next (or the likeliest).
      for (const step of new Set([rows.length - 1, rows.length >> 1])) {
        const explanation = explainPrediction(boris.weights, rows, step, { target: rows[step + 1] });
        expect(Math.abs(explanation.completenessGap), `step ${step} of ${line.join(' ')}`).toBeLessThan(1e-4);
        expect(explanation.igPoints).toBeGreaterThanOrEqual(DEFAULT_IG_STEPS);
      }
    }
  });

  it('integrated gradients agree, step by step, with a fine fixed Gauss-Legendre rule where L(alpha) is smooth', () => {
    for (const { weights, rows, step, target } of cases.slice(0, 2)) {
      const E = weights.embeddingSize;
      const h1 = Float64Array.from(naiveEmbeddings(weights, rows.slice(0, step + 1)).flat());
      const rule = gaussLegendre(256);
      const reference = new Array<number>(step + 1).fill(0);
      for (let i = 0; i < rule.nodes.length; i++) {
        const { gradients } = lossAndGradient(weights, h1.map((v) => v * rule.nodes[i]), target);
        for (let s = 0; s <= step; s++) for (let j = 0; j < E; j++) reference[s] += rule.weights[i] * gradients[s * E + j] * h1[s * E + j];
      }
      const explanation = explainPrediction(weights, rows, step, { target });
      // The panels are checked on the sum, to 5e-5 in all; each step is as close.
      explanation.steps.forEach((entry, s) => expect(Math.abs(entry.integratedGradient - reference[s])).toBeLessThan(5e-5));
    }
  });

  it('starts from the m points asked for: fewer than 8 make one panel, and a small m still meets completeness on a smooth path', () => {
    const { weights, rows, step, target } = cases[0];
    const one = explainPrediction(weights, rows, step, { target, igSteps: 3 });
    expect(one.igPoints).toBeGreaterThanOrEqual(3);
    expect(Math.abs(one.completenessGap)).toBeLessThan(1e-4);
    const many = explainPrediction(weights, rows, step, { target, igSteps: 1024 });
    expect(many.igPoints).toBe(1024);
  });

  it('holds with a starting context carried in from an earlier turn', () => {
    const weights = randomWeights(6, 10, 21);
    const random = testRandom(5);
    const start = Array.from({ length: 6 }, () => random() * 2 - 1);
    const rows = [0, 4, 9, 3];
    const h1 = naiveEmbeddings(weights, rows);
    const { gradients } = lossAndGradient(weights, Float64Array.from(h1.flat()), 2, start);
    const reference = finiteDifferenceGradient(weights, h1, 2, start).flat();
    expect(norm(reference.map((v, i) => v - gradients[i])) / norm(reference)).toBeLessThan(1e-6);
    const explanation = explainPrediction(weights, rows, 3, { target: 2, startContext: start });
    const sum = explanation.steps.reduce((total, s) => total + s.integratedGradient, 0);
    expect(Math.abs(sum - (explanation.logProbability - explanation.baselineLogProbability))).toBeLessThan(1e-4);
    expect(explanation.baselineLogProbability).toBeCloseTo(naiveLogProbability(weights, h1.map((x) => x.map(() => 0)), 2, start), 12);
  });

  it('takes the most likely token as the target when none is given, and explains only steps up to k', () => {
    const rows = [BOUNDARY, ...encode(boris.vocabulary, ['what', 'do', 'you', 'love', '?'])];
    const explanation = explainPrediction(boris.weights, rows, 2);
    const probs = run(boris.weights, rows.slice(0, 3))[2].probs;
    expect(explanation.target).toBe(probs.indexOf(Math.max(...probs)));
    expect(explanation.targetGiven).toBe(false);
    expect(explanation.steps.map((s) => s.row)).toEqual(rows.slice(0, 3));
    expect(explanation.logProbability).toBeCloseTo(Math.log(Math.max(...probs)), 12);
  });

  it('refuses steps, targets and quadrature sizes it cannot use', () => {
    expectSlmError(() => explainPrediction(boris.weights, [0, 3], 2), 'input', /step/);
    expectSlmError(() => explainPrediction(boris.weights, [0, 3], 1, { target: 999 }), 'input', /target/);
    expectSlmError(() => explainPrediction(boris.weights, [0, 3], 1, { igSteps: 0 }), 'input', /integrated-gradient/);
  });

  it('uses Gauss-Legendre quadrature: weights sum to 1, polynomials of degree 2m - 1 are exact', () => {
    for (const m of [1, 2, 5, 64]) {
      const { nodes, weights } = gaussLegendre(m);
      expect(weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 13);
      const degree = 2 * m - 1;
      const integral = nodes.reduce((sum, x, i) => sum + weights[i] * x ** degree, 0);
      expect(integral).toBeCloseTo(1 / (degree + 1), 12);
      for (let i = 1; i < m; i++) expect(nodes[i]).toBeGreaterThan(nodes[i - 1]);
    }
  });
});

// ---------------------------------------------------------------------------------------------

/** The distribution after a non-empty `path` from `context`, at temperature T, top-k kept and renormalised. */
function directChoices(w: Weights, context: Float64Array, path: number[], temperature: number, topK: number): Map<number, number> {
  const steps = run(w, path, context, temperature);
  const distribution = Array.from(steps[steps.length - 1].probs);
  const order = distribution.map((p, row) => ({ p, row })).sort((a, b) => b.p - a.p || a.row - b.row);
  const kept = topK > 0 ? order.slice(0, topK) : order;
  const total = kept.reduce((sum, { p }) => sum + p, 0);
  return new Map(kept.map(({ p, row }) => [row, p / total]));
}

function walk(nodes: ReplyNode[], visit: (node: ReplyNode, path: ReplyNode[]) => void, path: ReplyNode[] = []): void {
  for (const node of nodes) {
    visit(node, path);
    walk(node.children, visit, [...path, node]);
  }
}

describe('the reply tree', () => {
  const prompt = [BOUNDARY, ...encode(boris.vocabulary, ['who', 'are', 'you'])];
  const steps = run(boris.weights, prompt);
  const last = steps[steps.length - 1];

  it('at temperature 0 is the greedy chain, with probability 1 all the way', () => {
    const tree = replyTree(boris.weights, last.h2, { temperature: 0, depth: 6 });
    let nodes = tree;
    let context = last.h2;
    let depth = 0;
    while (nodes.length > 0) {
      expect(nodes).toHaveLength(1);
      const [node] = nodes;
      expect(node.probability).toBe(1);
      expect(node.pathProbability).toBe(1);
      depth++;
      if (node.row === BOUNDARY) break;
      context = run(boris.weights, [node.row], context)[0].h2;
      nodes = node.children;
    }
    // The chain is greedy decoding itself.
    const chain: number[] = [];
    walk(tree, (node) => chain.push(node.row));
    let c = last.h2;
    let probs = last.probs;
    for (const row of chain) {
      expect(row).toBe(Array.from(probs).indexOf(Math.max(...probs)));
      const s = run(boris.weights, [row], c)[0];
      c = s.h2;
      probs = s.probs;
    }
    expect(chain.length === 6 || chain[chain.length - 1] === BOUNDARY).toBe(true);
    expect(depth).toBe(chain.length);
  });

  for (const options of [
    { temperature: 1, topK: 0, depth: 4, minProbability: 0.01 },
    { temperature: 0.5, topK: 3, depth: 5, minProbability: 0.02 },
    { temperature: 2, topK: 0, depth: 3, minProbability: 0.05 },
  ]) {
    it(`respects probabilities, products, the threshold, the depth and the boundary (T ${options.temperature}, top-k ${options.topK})`, () => {
      const tree = replyTree(boris.weights, last.h2, options);
      let count = 0;
      const check = (nodes: ReplyNode[], path: number[], pathProbability: number, depth: number) => {
        const direct = directChoices(boris.weights, last.h2, path, options.temperature, options.topK);
        for (const [row, p] of direct) {
          const node = nodes.find((n) => n.row === row);
          if (pathProbability * p >= options.minProbability) expect(node, `token ${row} after [${path}]`).toBeDefined();
          else expect(node).toBeUndefined();
        }
        for (const node of nodes) {
          count++;
          expect(direct.has(node.row)).toBe(true);
          expect(node.probability).toBeCloseTo(direct.get(node.row)!, 12);
          expect(node.pathProbability).toBeCloseTo(pathProbability * node.probability, 14);
          expect(node.pathProbability).toBeGreaterThanOrEqual(options.minProbability);
          if (node.row === BOUNDARY || depth === options.depth) expect(node.children).toEqual([]);
          else check(node.children, [...path, node.row], node.pathProbability, depth + 1);
        }
        // Most likely first.
        for (let i = 1; i < nodes.length; i++) expect(nodes[i].probability).toBeLessThanOrEqual(nodes[i - 1].probability);
      };
      // The root's children come from the context itself; path [] would feed nothing, so check them
      // against the step's own distribution first.
      const rootDirect = (() => {
        const probs = run(boris.weights, prompt, undefined, options.temperature)[prompt.length - 1].probs;
        const order = Array.from(probs).map((p, row) => ({ p, row })).sort((a, b) => b.p - a.p || a.row - b.row);
        const kept = options.topK > 0 ? order.slice(0, options.topK) : order;
        const total = kept.reduce((sum, { p }) => sum + p, 0);
        return new Map(kept.map(({ p, row }) => [row, p / total]));
      })();
      for (const node of tree) {
        expect(node.probability).toBeCloseTo(rootDirect.get(node.row)!, 12);
        expect(node.pathProbability).toBe(node.probability);
        if (node.row !== BOUNDARY && options.depth > 1) check(node.children, [node.row], node.pathProbability, 2);
        else expect(node.children).toEqual([]);
      }
      expect(count + tree.length).toBeGreaterThan(1);
    });
  }

  it('refuses depths and thresholds it cannot use', () => {
    expectSlmError(() => replyTree(boris.weights, last.h2, { temperature: 1, depth: 0 }), 'input', /depth/);
    expectSlmError(() => replyTree(boris.weights, last.h2, { temperature: 1, minProbability: 0 }), 'input', /path probability/);
  });
});

// ---------------------------------------------------------------------------------------------

/** Mean cross-entropy and argmax accuracy over lines fed [boundary, tokens..., boundary], directly. */
function directEvaluation(w: Weights, lines: readonly number[][]): { loss: number; accuracy: number } {
  let loss = 0;
  let right = 0;
  let count = 0;
  for (const line of lines) {
    const steps = run(w, [BOUNDARY, ...line]);
    const targets = [...line, BOUNDARY];
    steps.forEach((s, i) => {
      loss -= Math.log(s.probs[targets[i]]);
      let best = 0;
      for (let k = 1; k < s.probs.length; k++) if (s.probs[k] > s.probs[best]) best = k;
      if (best === targets[i]) right++;
      count++;
    });
  }
  return { loss: loss / count, accuracy: right / count };
}

describe('unit profiles and knock-outs', () => {
  const heldOut = splitCorpus(borisLines).test;

  it('corpus contexts are run()\'s contexts bit for bit, for lines that share openings, repeat, or start one another', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.array(fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 6 }), { minLength: 1, maxLength: 25 }),
        (seed, lines) => {
          const weights = randomWeights(5, 4, seed, 2);
          const contexts = corpusContexts(weights, lines);
          lines.forEach((line, i) => {
            const direct = run(weights, [BOUNDARY, ...line]).map((s) => [...s.h2]);
            expect(Array.from({ length: line.length + 1 }, (_, s) => [...contexts[i].subarray(s * 5, (s + 1) * 5)])).toEqual(direct);
          });
        },
      ),
      { numRuns: 60, seed: 3 },
    );
  });

  it('a knock-out zeroes what the Weights view zeroes: W0 row for h1, W1 row for h2, nothing else', () => {
    for (const id of [parseUnitId('h1:3'), parseUnitId('h2 5')]) {
      const knocked = cloneWeights(boris.weights);
      knockOutInPlace(knocked, id);
      const { matrix, start, width } = knockoutRow(boris.weights, id);
      expect(matrix).toBe(id.layer === 'h1' ? 'w0' : 'w1');
      expect(width).toBe(id.layer === 'h1' ? boris.weights.vocabularySize : 2 * boris.weights.embeddingSize);
      for (const name of ['w0', 'w1', 'w2'] as const) {
        knocked[name].forEach((value, i) => {
          const zeroed = name === matrix && i >= start && i < start + width;
          expect(value).toBe(zeroed ? 0 : boris.weights[name][i]);
        });
      }
      // The unit is then 0 at every step.
      for (const values of unitActivations(knocked, borisLines.slice(0, 30), id)) for (const v of values) expect(v).toBe(0);
    }
    expectSlmError(() => parseUnitId('h3:1'), 'input', /LAYER:INDEX/);
    expectSlmError(() => knockoutRow(boris.weights, { layer: 'h2', unit: 99 }), 'input', /no unit 99/);
  });

  it('held-out loss and accuracy equal training’s own evaluation and a direct computation', () => {
    const evaluator = new LineEvaluator(boris.weights, heldOut);
    const ours = evaluator.evaluate();
    const trainer = new Trainer(borisLines, boris.vocabulary, {
      embedding: boris.weights.embeddingSize,
      epochs: 1,
      learningRate: 1,
      seed: 0,
      samplesPerEpoch: 0,
      initialWeights: boris.weights,
    });
    expect(ours).toEqual(trainer.evaluate(heldOut));
    const direct = directEvaluation(boris.weights, heldOut);
    expect(ours.loss).toBeCloseTo(direct.loss, 12);
    expect(ours.accuracy).toBe(direct.accuracy);
    // Knocking out and putting back leaves the evaluator's weights as they were.
    evaluator.evaluateWithout({ layer: 'h2', unit: 1 });
    expect(evaluator.evaluate()).toEqual(ours);
  });

  it('the knock-out table holds every unit, each equal to evaluating the zeroed weights directly', () => {
    const table = knockoutTable(boris.weights, heldOut);
    const E = boris.weights.embeddingSize;
    expect(table.units).toHaveLength(2 * E);
    expect(table.heldOutLines).toBe(heldOut.length);
    for (const entry of table.units.filter((_, i) => i % 5 === 0)) {
      const knocked = cloneWeights(boris.weights);
      knockOutInPlace(knocked, entry);
      const direct = directEvaluation(knocked, heldOut);
      expect(entry.loss).toBeCloseTo(direct.loss, 12);
      expect(entry.accuracy).toBe(direct.accuracy);
      expect(entry.lossChange).toBeCloseTo(entry.loss - table.loss, 14);
      expect(entry.accuracyChange).toBeCloseTo(entry.accuracy - table.accuracy, 14);
    }
  });

  for (const text of ['h1:2', 'h2:5']) {
    it(`the profile of ${text} matches a direct computation over the corpus`, () => {
      const id = parseUnitId(text);
      const E = boris.weights.embeddingSize;
      const V = boris.weights.vocabularySize;
      const stepTokens = [BOUNDARY, ...encode(boris.vocabulary, ['do', 'you', 'love', 'frogs', '?'])];
      const profile = unitProfile(boris.weights, borisLines, id, { heldOut, top: 10, stepTokens });

      // The same profile from contexts computed once for the corpus.
      const contexts = corpusContexts(boris.weights, borisLines);
      expect(unitProfile(boris.weights, borisLines, id, { heldOut, top: 10, stepTokens, contexts })).toEqual(profile);

      // Every activation, directly.
      const all: { line: number; step: number; value: number }[] = [];
      borisLines.forEach((line, l) => {
        run(boris.weights, [BOUNDARY, ...line]).forEach((s, step) => {
          all.push({ line: l, step, value: (id.layer === 'h1' ? s.h1 : s.h2)[id.unit] });
        });
      });
      expect(profile.activations).toBe(all.length);
      const bins = new Array(HISTOGRAM_BINS).fill(0);
      for (const { value } of all) bins[Math.min(HISTOGRAM_BINS - 1, Math.floor((value + 1) * 10))]++;
      expect(profile.histogram).toEqual(bins);
      expect(profile.mean).toBeCloseTo(all.reduce((s, a) => s + a.value, 0) / all.length, 12);

      // The top contexts: the highest activations, each context once.
      expect(profile.topContexts).toHaveLength(10);
      const highest = Math.max(...all.map((a) => a.value));
      expect(profile.topContexts[0].activation).toBeCloseTo(highest, 14);
      for (const context of profile.topContexts) {
        const direct = all.find((a) => a.line === context.line && a.step === context.step)!;
        expect(context.activation).toBeCloseTo(direct.value, 14);
        expect(context.rows).toEqual([BOUNDARY, ...borisLines[context.line]]);
      }
      const tenth = profile.topContexts[9].activation;
      const contextKey = (line: number, step: number) => [BOUNDARY, ...borisLines[line]].slice(0, step + 1).join(',');
      const distinctAbove = new Set(all.filter((a) => a.value > tenth + 1e-15).map((a) => contextKey(a.line, a.step)));
      expect(distinctAbove.size).toBeLessThanOrEqual(9);

      // Drivers and votes.
      if (id.layer === 'h1') {
        const row = Array.from({ length: V }, (_, t) => boris.weights.w0[id.unit * V + t]);
        expect(profile.drivers.tokens!.up[0].weight).toBe(Math.max(...row));
        expect(profile.drivers.tokens!.down[0].weight).toBe(Math.min(...row));
        expect(profile.votes).toBeNull();
      } else {
        const row = Array.from({ length: 2 * E }, (_, j) => boris.weights.w1[id.unit * 2 * E + j]);
        const strongest = row.reduce((best, w, j) => (Math.abs(w) > Math.abs(row[best]) ? j : best), 0);
        expect(profile.drivers.inputs![0]).toEqual({ source: strongest < E ? 'h1' : 'c', unit: strongest % E, weight: row[strongest] });
        const column = Array.from({ length: V }, (_, t) => boris.weights.w2[t * E + id.unit]);
        expect(profile.votes!.up[0]).toEqual({ row: column.indexOf(Math.max(...column)), weight: Math.max(...column) });
        expect(profile.votes!.down[0]).toEqual({ row: column.indexOf(Math.min(...column)), weight: Math.min(...column) });
      }

      // Knock-out: with and without, directly.
      const knocked = cloneWeights(boris.weights);
      knockOutInPlace(knocked, id);
      const intact = directEvaluation(boris.weights, heldOut);
      const without = directEvaluation(knocked, heldOut);
      expect(profile.knockout.intact.loss).toBeCloseTo(intact.loss, 12);
      expect(profile.knockout.knockedOut.loss).toBeCloseTo(without.loss, 12);
      expect(profile.knockout.knockedOut.accuracy).toBe(without.accuracy);

      // This step's top next token, with and without.
      const before = run(boris.weights, stepTokens).at(-1)!.probs;
      const after = run(knocked, stepTokens).at(-1)!.probs;
      expect(profile.stepChange!.before).toEqual({ row: before.indexOf(Math.max(...before)), probability: Math.max(...before) });
      expect(profile.stepChange!.after).toEqual({ row: after.indexOf(Math.max(...after)), probability: Math.max(...after) });
    });
  }
});
