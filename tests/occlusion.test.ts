import { describe, expect, it } from 'vitest';
import { explainPrediction } from '../src-main/model/explanations/explain.ts';
import { explanationRecord } from '../src-main/model/explanations/explainRecords.ts';
import { Conversation } from '../src-main/model/network/generation.ts';
import { MAX_OCCLUSION_WORK } from '../src-main/model/network/limits.ts';
import { type Weights, run } from '../src-main/model/network/network.ts';
import { leaveEachOut } from '../src-main/model/explanations/occlusion.ts';
import { createRng } from '../src-main/model/network/rng.ts';
import { tokenize } from '../src-main/model/network/tokenizer.ts';
import { BOUNDARY, UNKNOWN, encode } from '../src-main/model/network/vocabulary.ts';
import { answerSentence, measureNotes, wordsThatMattered } from '../src-main/model/explanations/whichWords.ts';
import { randomWeights } from './helpers.ts';
import { boris } from './helpers/boris.ts';

/** Leave it out (DESIGN.md section 5): each word read as the unknown word, against a direct computation. */
const greedy = () => ({ temperature: 0, rng: createRng(1) });

/** p(target) after feeding `rows` from zeros, read from the engine's own steps at temperature 1. */
function directProbability(weights: Weights, rows: readonly number[], target: number): number {
  const steps = run(weights, rows);
  return steps[steps.length - 1].probs[target];
}

/** Every step's Leave it out, computed directly: the text fed again with that one token replaced. */
function direct(weights: Weights, rows: readonly number[], target: number) {
  const p = directProbability(weights, rows, target);
  return rows.map((row, s) => {
    if (row === BOUNDARY || row === UNKNOWN) return { points: 0, effect: 0 };
    const ps = directProbability(weights, rows.map((r, t) => (t === s ? UNKNOWN : r)), target);
    return { points: 100 * (p - ps), effect: Math.log(p) - Math.log(ps) };
  });
}

function expectDirect(weights: Weights, rows: readonly number[], target: number) {
  const left = leaveEachOut(weights, rows, target);
  expect(left.measuredFrom).toBe(0);
  expect(left.probability).toBe(directProbability(weights, rows, target));
  direct(weights, rows, target).forEach(({ points, effect }, s) => {
    // The same scores through the same softmax: the points are the direct ones bit for bit.
    expect(left.points[s], `points at step ${s}`).toBe(points);
    // L - L_s from log-softmax (no underflow), against the logarithms of the two probabilities.
    expect(Math.abs(left.effects[s] - effect), `effect at step ${s}`).toBeLessThan(1e-9 * Math.max(1, Math.abs(effect)));
  });
  return left;
}

describe('Leave it out', () => {
  it('equals feeding the text with each word replaced by the unknown word, on Boris’s "who are you?"', () => {
    const rows = [BOUNDARY, ...encode(boris.vocabulary, tokenize('who are you?'))];
    const i = boris.vocabulary.rows.get('i')!;
    const left = expectDirect(boris.weights, rows, i);
    // "?" matters most: without it "i" falls from 100% to a few millionths.
    expect(left.points[4]).toBeGreaterThan(99.9);
    expect(left.effects[4]).toBeGreaterThan(10);
  });

  it('equals saying the replaced message in a Conversation and reading the probability of what came next', () => {
    const words = tokenize('do you like frogs?');
    const said = new Conversation(boris.weights, boris.vocabulary).say(words.join(' '), greedy());
    const target = said.tokens[0];
    const rows = [BOUNDARY, ...encode(boris.vocabulary, words)];
    const left = leaveEachOut(boris.weights, rows, target);
    words.forEach((_, w) => {
      // The word swapped for one Boris never saw, which he reads as the unknown word.
      const text = words.map((word, t) => (t === w ? 'qqqzzz' : word)).join(' ');
      const line = new Conversation(boris.weights, boris.vocabulary).say(text, greedy());
      const ps = line.fed[line.fed.length - 1].probs[target];
      const p = said.fed[said.fed.length - 1].probs[target];
      expect(left.points[w + 1]).toBe(100 * (p - ps));
      expect(left.effects[w + 1]).toBeCloseTo(Math.log(p) - Math.log(ps), 9);
    });
  });

  it('equals the direct computation over a nine-turn conversation, where re-fed contexts rejoin the original', () => {
    const conversation = new Conversation(boris.weights, boris.vocabulary);
    const rows: number[] = [];
    const prompts = ['who are you?', 'what do you love?', 'do you like frogs?', 'where do you live?', 'hello'];
    for (const prompt of [...prompts, ...prompts].slice(0, 9)) {
      const line = conversation.say(prompt, greedy());
      rows.push(...line.fed.map((s) => s.row), ...line.written.map((s) => s.row));
    }
    const k = rows.length - 2;
    const left = expectDirect(boris.weights, rows.slice(0, k + 1), rows[k + 1]);
    // Some words far from the prediction change nothing bit for bit (the re-fed context rejoins the
    // original, and the feeding stops there).
    const words = rows.slice(0, k + 1).map((r, s) => s).filter((s) => rows[s] !== BOUNDARY && rows[s] !== UNKNOWN);
    expect(words.filter((s) => left.effects[s] === 0).length).toBeGreaterThan(0);
    expect(left.refed).toBeLessThan((words.length * (k + 2)) / 2);
  });

  it('equals the direct computation on random weights, with a starting context carried in', () => {
    const weights = randomWeights(6, 10, 3, 1.2);
    const rows = [0, 3, 7, 2, 1, 8, 4, 0, 9, 5];
    expectDirect(weights, rows, 6);
    const start = Float64Array.from({ length: 6 }, (_, j) => Math.sin(j + 1) * 0.7);
    const left = leaveEachOut(weights, rows, 6, start);
    const fromStart = (fed: number[]) => {
      const steps = run(weights, fed, Float64Array.from(start));
      return steps[steps.length - 1].probs[6];
    };
    const p = fromStart(rows);
    expect(left.points[2]).toBe(100 * (p - fromStart(rows.map((r, t) => (t === 2 ? UNKNOWN : r)))));
  });

  it('gives 0 to the line boundary and to a word already read as the unknown word', () => {
    const rows = [BOUNDARY, ...encode(boris.vocabulary, tokenize('do you qqqzzz frogs?'))];
    expect(rows[3]).toBe(UNKNOWN);
    const left = leaveEachOut(boris.weights, rows, 2);
    expect(left.effects[0]).toBe(0);
    expect(left.points[0]).toBe(0);
    expect(left.effects[3]).toBe(0);
    expect(left.points[3]).toBe(0);
  });

  it('keeps within its work budget on a long text: the latest steps are measured, the earliest reported as not measured', () => {
    // The largest sizes, where no re-fed context rejoins.
    const weights = randomWeights(64, 4096, 5, 0.4);
    const rows = [0, ...Array.from({ length: 200 }, (_, i) => 2 + ((i * 37) % 4000))];
    const left = leaveEachOut(weights, rows, 3);
    expect(left.measuredFrom).toBeGreaterThan(1);
    expect(left.measuredFrom).toBeLessThan(rows.length - 50);
    for (let s = 1; s < left.measuredFrom; s++) expect(Number.isNaN(left.effects[s])).toBe(true);
    const E = 64;
    const scored = rows.length - left.measuredFrom;
    expect(left.refed * (E * E + E) + scored * 4096 * (E + 2)).toBeLessThan(MAX_OCCLUSION_WORK + rows.length * (E * E + E) + 4096 * (E + 2));
    // The nearest word is exact.
    const last = rows.length - 1;
    const p = directProbability(weights, rows, 3);
    expect(left.points[last]).toBe(100 * (p - directProbability(weights, rows.map((r, t) => (t === last ? UNKNOWN : r)), 3)));
    // And the explanation says so with nulls.
    const steps = explainPrediction(weights, rows, last, { target: 3, igSteps: 8 }).steps;
    expect(steps[1].occlusion).toBeNull();
    expect(steps[last].occlusion).toBe(left.effects[last]);
  });

  it('is part of the explanation: each step’s occlusion and occlusionPoints', () => {
    const rows = [BOUNDARY, ...encode(boris.vocabulary, tokenize('what do you love?'))];
    const e = explainPrediction(boris.weights, rows, rows.length - 1);
    const left = leaveEachOut(boris.weights, rows, e.target);
    e.steps.forEach((s, i) => {
      expect(s.occlusion).toBe(left.effects[i]);
      expect(s.occlusionPoints).toBe(left.points[i]);
    });
    expect(left.logProbability).toBe(e.logProbability);
  });
});

describe('which words mattered, in words', () => {
  const words = tokenize('who are you?');
  const rows = [BOUNDARY, ...encode(boris.vocabulary, words)];
  const record = explanationRecord(explainPrediction(boris.weights, rows, rows.length - 1), ['', ...words], boris.vocabulary);

  it('lists every word (not the line start) with the measure’s number, and names the top word in one sentence', () => {
    const list = wordsThatMattered(record, 'occlusion');
    expect(list.map((w) => [w.token, w.step])).toEqual([['who', 1], ['are', 2], ['you', 3], ['?', 4]]);
    expect(list.map((w) => w.value)).toEqual(record.steps.slice(1).map((s) => s.occlusion));
    expect(list.map((w) => w.points)).toEqual(record.steps.slice(1).map((s) => s.occlusionPoints));
    const sentence = answerSentence(record, 'occlusion');
    const [, from, to] = /^“\?” mattered most: read as an unknown word, ‘i’ falls from ([\d.e-]+)% to ([\d.e-]+)%\.$/.exec(sentence) ?? [];
    // Four significant figures of p and of p with "?" read as the unknown word.
    expect(from).toBe('100.0');
    expect(Number(to) / 100 / Math.exp(record.logProbability - record.steps[4].occlusion!)).toBeCloseTo(1, 3);
    expect(to.replace(/^0\.0*|\./g, '')).toHaveLength(4);
    expect(wordsThatMattered(record, 'gradient').map((w) => w.value)).toEqual(record.steps.slice(1).map((s) => s.saliency));
    expect(answerSentence(record, 'integrated')).toMatch(/^By integrated gradients, “who” mattered most: \+13\.92 nats/);
  });

  it('says when the gradients are tiny because the prediction is saturated, and when the measures disagree', () => {
    const notes = measureNotes(record);
    expect(notes).toHaveLength(2);
    expect(notes[0]).toMatch(/^Gradient × input is tiny here \(at most 4\.99e-7 nats\) because ‘i’ is already at 100\.0%/);
    expect(notes[1]).toMatch(/^Leave it out picks “\?”, but gradient × input picks “are”, and integrated gradients pick “who”/);
  });
});
