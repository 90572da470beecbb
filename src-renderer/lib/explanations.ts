import { topRows } from '../../src-main/service/protocol.ts';
import { formatNumber as n } from './numbers.ts';
import type { Anatomy } from './stepAnatomy.svelte.ts';
import type { Studio } from './studio.svelte.ts';
import { LINE_MARK, quotedInput, quotedOutput } from './tokens.ts';

/**
 * Every part of the screen explained in plain words: one sentence, the formula, and the live numbers
 * of the step under the clock (all of them values the service sent; only display arithmetic here).
 * The "?" buttons, the tour and the Anatomy of a step all read from this one place.
 */
export const TERMS = [
  'chat',
  'guess',
  'input',
  'embedding',
  'context',
  'h2',
  'tanh',
  'next-token',
  'softmax',
  'temperature',
  'top-k',
  'timeline',
  'path',
  'pca',
  'held-out',
  'overfitting',
  'knock-out',
  'dynamics',
  'fixed-point',
  'memory',
  'attribution',
] as const;
export type Term = (typeof TERMS)[number];

export interface Explanation {
  title: string;
  sentence: string;
  formula: string | null;
  /** Lines of this step's numbers; empty before anything was said. */
  live: string[];
}

/** The index of the largest |value|: the unit an explanation quotes as its example. */
function loudest(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (Math.abs(values[i]) > Math.abs(values[best])) best = i;
  return best;
}

function tokenLabel(studio: Studio, row: number): string {
  return quotedOutput(studio.model?.vocabulary[row] ?? '?');
}

export function explain(term: Term, studio: Studio, anatomy: Anatomy | null): Explanation {
  const name = studio.model?.name ?? 'Boris';
  const step = studio.current;
  const record = step?.record;
  const where = step ? `Step ${step.index + 1} of ${studio.timeline.length}, input ${quotedInput(record!.token)}` : '';
  const noStep = step ? [] : ['Send a message to see this step’s numbers.'];
  const E = studio.model?.embedding ?? 0;
  const V = studio.model?.vocabulary.length ?? 0;

  switch (term) {
    case 'chat':
      return {
        title: 'The chat',
        sentence: `Every token you send and every token ${name} writes is one step of the model; click a chip to put the clock on it.`,
        formula: 'one chip = one step: token → h1 → h2 → p(next token)',
        live: step ? [`${where}.`, `The conversation has ${studio.timeline.length} steps so far.`] : noStep,
      };
    case 'guess':
      return {
        title: `${name}’s guess of how your line ends`,
        sentence: `${name} learned from lines shaped “question? answer.”, so a message without a “?” is a question he first finishes (the dashed chips, in your bubble); only after his “?” does his answer begin.`,
        formula: `line = [${LINE_MARK}, your tokens, his guess …, ?, his answer …, ${LINE_MARK}]`,
        live: guessed(studio),
      };
    case 'input': {
      return {
        title: 'The input token',
        sentence: 'The token fed in at this step; its row in the vocabulary picks one column of W0.',
        formula: `row = the token’s place in the vocabulary (0 is the line boundary ${LINE_MARK}, 1 the unknown word “-”)`,
        live: step ? [`${where}: vocabulary row ${record!.row} of ${V}.`] : noStep,
      };
    }
    case 'embedding': {
      if (!record) return { title: 'h1 · the token embedding', sentence: embeddingSentence, formula: 'h1 = tanh(W0[:, token])', live: noStep };
      const j = loudest(record.h1);
      const w = studio.model!.weights.w0[j * V + record.row];
      return {
        title: 'h1 · the token embedding',
        sentence: embeddingSentence,
        formula: 'h1 = tanh(W0[:, token])',
        live: [`${where} (row ${record.row}).`, `h1 unit ${j} = tanh(W0[${j}, ${record.row}]) = tanh(${n(w)}) = ${n(record.h1[j])}, the largest of its ${E} units.`],
      };
    }
    case 'context': {
      if (!step) return { title: 'c · the context carried in', sentence: contextSentence, formula: 'c(t) = h2(t − 1), zeros at the start', live: noStep };
      const c = studio.contextIn(step.index);
      const j = loudest(c);
      return {
        title: 'c · the context carried in',
        sentence: contextSentence,
        formula: 'c(t) = h2(t − 1), zeros at the start',
        live:
          step.index === 0
            ? [`${where}: the very first step, so c is all zeros.`]
            : [`${where}: c is step ${step.index}’s h2.`, `c unit ${j} = ${n(c[j])}, the largest of its ${E} units.`],
      };
    }
    case 'h2': {
      const base = { title: 'h2 · the new context', sentence: h2Sentence, formula: 'h2 = tanh(W1 · [h1 ; c])' };
      if (!record) return { ...base, live: noStep };
      const j = loudest(record.h2);
      return {
        ...base,
        live: [
          `${where}.`,
          anatomy
            ? `h2 unit ${j}: W1[${j}] · [h1 ; c] = ${n(anatomy.preActivation[j])}, and tanh(${n(anatomy.preActivation[j])}) = ${n(record.h2[j])}.`
            : `h2 unit ${j} = ${n(record.h2[j])}.`,
        ],
      };
    }
    case 'tanh': {
      const base = {
        title: 'tanh',
        sentence: 'tanh squashes any number into −1 … +1: near 0 it barely changes a number, large sums are pinned close to ±1.',
        formula: 'tanh(x) = (eˣ − e⁻ˣ) / (eˣ + e⁻ˣ)',
      };
      if (!record || !anatomy) return { ...base, live: noStep };
      const j = loudest(anatomy.preActivation);
      return { ...base, live: [`${where}.`, `h2 unit ${j}: tanh(${n(anatomy.preActivation[j])}) = ${n(record.h2[j])}.`] };
    }
    case 'next-token': {
      const base = {
        title: 'The next-token bars',
        sentence: `How likely each token is to come next, after this step; the ✓ marks the token that did come next (${name}’s choice, or yours).`,
        formula: 'p = softmax(W2 · h2 / T)',
      };
      if (!record) return { ...base, live: noStep };
      const top = topRows(record.probs, 3);
      return { ...base, live: [`${where}.`, top.map((row) => `${tokenLabel(studio, row)} ${n(record.probs[row] * 100)}%`).join(', ') + '.'] };
    }
    case 'softmax': {
      const base = {
        title: 'softmax at T',
        sentence: 'softmax turns the scores W2 · h2 into probabilities that add up to 1; dividing by T first sharpens them (T < 1) or flattens them (T > 1).',
        formula: 'p(k) = exp(s(k) / T) / Σ exp(s(i) / T)',
      };
      if (!record || !anatomy) return { ...base, live: noStep };
      const [first, second] = topRows(anatomy.probs, 2);
      return {
        ...base,
        live: [
          `${where}, T = ${n(anatomy.temperature)}${step!.temperature === 0 ? ' (this turn took the likeliest token, T = 0, so the bars show T = 1)' : ''}.`,
          `${tokenLabel(studio, first)}: score ${n(anatomy.logits[first])} → p = ${n(anatomy.probs[first])}; ${tokenLabel(studio, second)}: score ${n(anatomy.logits[second])} → p = ${n(anatomy.probs[second])}.`,
        ],
      };
    }
    case 'temperature':
      return {
        title: 'Temperature',
        sentence: 'Temperature divides the scores before softmax: low T makes the likeliest token likelier still, high T evens the chances; 0 always takes the likeliest.',
        formula: 'p = softmax(scores / T)',
        live: [`The next message is sampled at T = ${studio.sampling.temperature}.`, ...(step ? [`The step under the clock was sampled at T = ${step.temperature}.`] : [])],
      };
    case 'top-k': {
      const k = studio.sampling.topK;
      const live = [`The next message keeps ${k > 0 ? `the ${k} likeliest tokens` : 'every token (top-k 0)'}.`];
      if (record) {
        const share = topRows(record.probs, 3).reduce((sum, row) => sum + record.probs[row], 0);
        live.push(`At this step the 3 likeliest tokens hold ${n(share * 100)}% of the probability.`);
      }
      return {
        title: 'Top-k',
        sentence: 'Top-k keeps only the k likeliest tokens, shares their probability out again, and samples from them; 0 keeps them all.',
        formula: 'p′(k) = p(k) / Σ p(top k) for the k likeliest, 0 for the rest',
        live,
      };
    }
    case 'timeline':
      return {
        title: 'The context timeline',
        sentence: `One column per step: h2 on top, h1 below, each unit coloured by its value (purple −1, white 0, orange +1); bold labels are tokens ${name} wrote, grey ones yours.`,
        formula: 'column t = [h2(t) ; h1(t)]',
        live: step ? [`${where}: the outlined column.`] : noStep,
      };
    case 'path':
      return {
        title: 'The context path',
        sentence: 'Each step’s context h2 becomes a point; contexts that are alike land close together, so the path shows where the conversation has been.',
        formula: 'point(t) = PCA(h2(t))',
        live: step ? [`${where}: the ringed point.`] : noStep,
      };
    case 'pca':
      return {
        title: 'PCA',
        sentence: `PCA finds the two directions along which the corpus’s contexts differ most; every context is drawn by how far it lies along each, so ${E} numbers fit on a page.`,
        formula: 'point = (u1 · (h2 − mean), u2 · (h2 − mean))',
        live: [],
      };
    case 'held-out':
      return {
        title: 'Held-out set',
        sentence:
          'Training reads the corpus as texts: a line, or a dialogue (a line and the “+” lines that continue it) read as one. The last tenth of the texts is never trained on; the held-out loss and accuracy measure how the model does on text it has not seen.',
        formula: 'accuracy = share of held-out next tokens that the model ranks first',
        live: [],
      };
    case 'overfitting':
      return {
        title: 'Overfitting',
        sentence: 'When the held-out loss rises while the training loss still falls, the model is learning its training texts by heart instead of what carries over to new ones.',
        formula: 'training loss ↓ while held-out loss ↑',
        live: [],
      };
    case 'knock-out':
      return {
        title: 'Knocking out a unit',
        sentence: 'A knocked-out unit has its weights set to zero, so it always reads 0; if the replies change, that unit mattered.',
        formula: 'h1 unit: W0 row = 0 · h2 unit: W1 row = 0',
        live: [],
      };
    // The dynamics terms' live numbers come from the Dynamics and Memory panels (Explain's `extra`).
    case 'dynamics':
      return {
        title: 'Why a context saturates or fades',
        sentence:
          'Two slightly different contexts carried in become two new contexts whose difference is about J times the old one. ' +
          'J is W1’s context half, with each row scaled by the slope of tanh, 1 − h2²: a saturated unit, pinned near ±1, has slope near 0 and passes on almost nothing of what came in. ' +
          'The eigenvalues of J say how much each direction is stretched through the units that are not saturated; the largest |λ| is the spectral radius ρ. ' +
          'Below 1, every difference fades: he forgets. Above 1, a difference along that direction grows: he remembers it, through those few units, while the saturated ones still pass on almost nothing.',
        formula: 'J = diag(1 − h2²) · W1[:, E:2E] · ρ = max |λ(J)|',
        live: step ? [`${where}.`] : noStep,
      };
    case 'fixed-point':
      return {
        title: 'A word’s fixed point',
        sentence:
          'Feed one word again and again and the context moves until it stops changing: the fixed point c*, where the step gives back what it was given. ' +
          'If J there has ρ < 1, contexts nearby fall into it (stable); the line boundary’s fixed point is where a line’s start pulls every context.',
        formula: 'c* = tanh(W1 · [h1(word) ; c*])',
        live: [],
      };
    case 'memory':
      return {
        title: 'Memory across turns',
        sentence:
          `The same last turn said after two different histories: the distance between the two contexts, step by step, is what ${name} still remembers of the difference. ` +
          'Each step multiplies the difference by about its J, so where ρ is below 1 the curve falls.',
        formula: 'd(t) = |cA(t) − cB(t)| · d(t) ≈ |J(t) · (cA(t−1) − cB(t−1))|',
        live: [],
      };
    case 'attribution':
      return {
        title: 'How much each step drives the prediction',
        sentence:
          'L is the log-probability of the word predicted at the clock, and g the gradient of L with respect to each step’s embedding h1. ' +
          'Gradient × input, g · h1, says what a small change to that step would do. ' +
          'Integrated gradients average g along the way from every h1 set to zero to the words as said, so the steps’ shares add up to the whole change in L between the two.',
        formula: 'saliency = g · h1 · IG = h1 · ∫₀¹ g(α·h1) dα · Σ IG = L(h1) − L(0)',
        live: step ? [`${where}.`] : noStep,
      };
  }
}

/** The latest open line Boris finished: what was typed, his guess, his answer. */
function guessed(studio: Studio): string[] {
  const turn = [...studio.turns].reverse().find((t) => t.guess && t.guess.length > 0);
  if (!turn) return [];
  const words = (steps: number[]) => steps.map((i) => studio.timeline[i]?.record.token ?? '').join(' ');
  const answer = studio.turns[turn.index + 1];
  return [`You wrote “${turn.text}”; he finished it with “${words(turn.guess!)}”${answer && answer.steps.length > 0 ? ` and answered “${words(answer.steps)}”` : ''}.`];
}

const embeddingSentence = 'The token’s own embedding: its column of W0, squashed by tanh; it depends on the token alone, not on what came before.';
const contextSentence = 'What the model remembers of everything before this step: the previous step’s h2, carried in as c.';
const h2Sentence = 'The new context: each h2 unit weighs all of h1 and c through its row of W1, then tanh squashes the sum; it becomes the next step’s c.';
