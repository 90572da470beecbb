import { topRows } from '../../src-main/service/protocol.ts';
import { formatNumber as n } from './numbers.ts';
import type { Anatomy } from './stepAnatomy.svelte.ts';
import type { StudioCore } from './studio.svelte.ts';
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
  'patching',
  'attribution',
  // the weights, the clock, units and the geometry of the views
  'w0',
  'w1',
  'w2',
  'clock',
  'nats',
  'umap',
  'euclidean',
  'cosine',
  'jacobian',
  'eigenvalue',
  'spectral-radius',
  'singular-value',
  // the tour's memory stop
  'remember',
  // each view as a whole, by its title
  'view-inside',
  'view-compare',
  'view-embeddings',
  'view-weights',
  'view-train',
] as const;
export type Term = (typeof TERMS)[number];

/**
 * Figures the service takes a moment to compute, asked for when a Glossary, a tour or a "?" opens
 * (lib/liveFacts.svelte.ts): every one is a value the service sent. Missing ones are simply not quoted.
 */
export interface LiveFacts {
  /** J's spectrum at the step under the clock. */
  spectrum?: { step: number; token: string; spectralRadius: number; eigenvalues: readonly (readonly [number, number])[] } | null;
  /** The line boundary's fixed point. */
  fixedPoint?: { iterations: number; method: string; converged: boolean; residual: number; spectralRadius: number; stable: boolean; eigenvalues: number } | null;
  /** The largest singular value of W1's context half, at the checkpoint that is the model's own weights (or its last one). */
  singular?: { epoch: number; value: number; own: boolean } | null;
  /** The share of the corpus contexts' variance along the context path's two PCA axes. */
  contextVariance?: readonly number[] | null;
  /** A word's nearest word by each distance. */
  neighbours?: { word: string; euclidean: { word: string; distance: number } | null; cosine: { word: string; distance: number } | null } | null;
}

/** The Glossary's terms, in the order a learner meets them, grouped by what they are about. */
export const GLOSSARY: readonly { id: string; title: string; terms: readonly Term[] }[] = [
  { id: 'step', title: 'One step of the network', terms: ['input', 'w0', 'embedding', 'context', 'w1', 'h2', 'tanh', 'w2', 'softmax', 'next-token'] },
  { id: 'sampling', title: 'Probabilities and sampling', terms: ['nats', 'temperature', 'top-k'] },
  { id: 'time', title: 'The conversation over time', terms: ['clock', 'timeline', 'path', 'pca'] },
  { id: 'words', title: 'Words and distances', terms: ['umap', 'euclidean', 'cosine'] },
  { id: 'memory', title: 'Memory and dynamics', terms: ['jacobian', 'eigenvalue', 'spectral-radius', 'singular-value', 'fixed-point', 'memory', 'patching'] },
  { id: 'training', title: 'Training and testing', terms: ['held-out', 'overfitting', 'knock-out', 'attribution'] },
];

export interface HelpEntry {
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

function tokenLabel(studio: StudioCore, row: number): string {
  return quotedOutput(studio.model?.tokens[row] ?? '?');
}

export function helpFor(term: Term, studio: StudioCore, anatomy: Anatomy | null, facts: LiveFacts = {}): HelpEntry {
  const name = studio.model?.name ?? 'Boris';
  const step = studio.current;
  const record = step?.record;
  const where = step ? `Step ${step.index + 1} of ${studio.timeline.length}, input ${quotedInput(record!.token)}` : '';
  const noStep = step ? [] : ['Send a message to see this step’s numbers.'];
  const E = studio.model?.embeddingSize ?? 0;
  const V = studio.model?.tokens.length ?? 0;

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
        live: facts.contextVariance && facts.contextVariance.length >= 2
          ? [`For ${name}, the context path’s two axes hold ${n(facts.contextVariance[0] * 100)}% and ${n(facts.contextVariance[1] * 100)}% of the variance of the corpus’s contexts: together ${n((facts.contextVariance[0] + facts.contextVariance[1]) * 100)}% of what tells ${E}-number contexts apart.`]
          : [`${name}’s contexts have ${E} numbers each; PCA keeps the two directions that tell them apart most.`],
      };
    case 'held-out':
      return {
        title: 'Held-out set',
        sentence:
          'Training reads the corpus as texts: a line, or a dialogue (a line and the “+” lines that continue it) read as one. The last tenth of the texts is never trained on; the held-out loss and accuracy measure how the model does on text it has not seen.',
        formula: 'accuracy = share of held-out next tokens that the model ranks first',
        live: heldOutLive(studio),
      };
    case 'overfitting':
      return {
        title: 'Overfitting',
        sentence: 'When the held-out loss rises while the training loss still falls, the model is learning its training texts by heart instead of what carries over to new ones.',
        formula: 'training loss ↓ while held-out loss ↑',
        live: overfitLive(studio),
      };
    case 'knock-out':
      return {
        title: 'Knocking out a unit',
        sentence: 'A knocked-out unit has its weights set to zero, so it always reads 0; if the replies change, that unit mattered.',
        formula: 'h1 unit: W0 row = 0 · h2 unit: W1 row = 0',
        live: E > 0 ? [`In ${name}, knocking out an h1 unit zeroes its ${V} weights in W0; an h2 unit, its ${2 * E} weights in W1.`] : [],
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
        live: fixedPointLive(name, facts),
      };
    case 'memory':
      return {
        title: 'Memory across turns',
        sentence:
          `The same last turn said after two different histories: the distance between the two contexts, step by step, is what ${name} still remembers of the difference. ` +
          'Each step multiplies the difference by about its J, so where ρ is below 1 the curve falls.',
        formula: 'd(t) = |cA(t) − cB(t)| · d(t) ≈ |J(t) · (cA(t−1) − cB(t−1))|',
        live: spectrumLive(studio, facts),
      };
    case 'patching':
      return {
        title: 'Which units carry the memory',
        sentence:
          `Say the last line after history B, but at one step copy one unit of the context from history A and carry on: the share of the gap between B's and A's log p of A's next word that comes back is how much of the memory that unit carries there. ` +
          'Copying every unit at a step gives A’s context itself, so it restores exactly 100%; a few units that together bring back most of it are where the memory lives.',
        formula: 'share = (L_patched − L_B) / (L_A − L_B)',
        live: E > 0 ? [`${name} has ${E} context units: Compare › Two histories patches each of them at each step of the last line, ${E} runs a step.`] : [],
      };
    case 'attribution':
      return {
        title: 'Which words mattered',
        sentence:
          'Leave it out: read one word as the unknown word (what the model makes of any word it never learned), feed everything else unchanged, and see how the probability p of the predicted word changes. ' +
          'What p loses is that word’s effect, in percentage points, and in nats of log p. ' +
          'The two other measures use the gradient g of L = log p with respect to each step’s embedding h1: gradient × input, g · h1, estimates the same from a tiny nudge, so it is near zero when p is already near 100% (the softmax is saturated); ' +
          'integrated gradients average g on the way from every h1 zero to the words as said, so the steps’ shares add up to the whole change in L between the two. They answer other questions and may pick another word.',
        formula: 'effect = L − L_s · points = 100 (p − p_s) · saliency = g · h1 · Σ IG = L(h1) − L(0)',
        live: step ? [`${where}.`] : noStep,
      };

    case 'w0': {
      const row = exampleRow(studio);
      const j = record ? loudest(record.h1) : 0;
      return {
        title: 'W0 · the token weights',
        sentence: 'W0 holds one column of E numbers for every word of the vocabulary; a token’s column, through tanh, is its embedding h1.',
        formula: `W0 is E × V · h1 = tanh(W0[:, token])`,
        live: E > 0 ? [`For ${name}, W0 is ${E} × ${V} (${E} units, ${V} words): ${(E * V).toLocaleString('en')} weights.`, `The column of ${tokenLabel(studio, row)} (row ${row}): W0[${j}, ${row}] = ${n(studio.model!.weights.w0[j * V + row])}.`] : [],
      };
    }
    case 'w1': {
      const j = record ? loudest(record.h2) : 0;
      return {
        title: 'W1 · the context weights',
        sentence: 'W1 mixes the token’s embedding h1 with the context carried in c: each h2 unit has one row of W1, whose first E weights read h1 and last E read c.',
        formula: 'W1 is E × 2E · h2 = tanh(W1 · [h1 ; c])',
        live: E > 0 ? [`For ${name}, W1 is ${E} × ${2 * E}: ${(2 * E * E).toLocaleString('en')} weights; columns 0–${E - 1} read h1, columns ${E}–${2 * E - 1} read c.`, `Row ${j} begins W1[${j}, 0] = ${n(studio.model!.weights.w1[j * 2 * E])}; its context half begins W1[${j}, ${E}] = ${n(studio.model!.weights.w1[j * 2 * E + E])}.`] : [],
      };
    }
    case 'w2': {
      const row = record ? topRows(record.probs, 1)[0] : exampleRow(studio);
      const j = record ? loudest(record.h2) : 0;
      return {
        title: 'W2 · the output weights',
        sentence: 'W2 has one row of E weights for every word: the row’s dot product with h2 is that word’s score, and softmax turns the scores into next-token probabilities.',
        formula: 'W2 is V × E · score(word) = W2[word] · h2',
        live: E > 0 ? [`For ${name}, W2 is ${V} × ${E}: ${(E * V).toLocaleString('en')} weights.`, `The row of ${tokenLabel(studio, row)}${record ? ', the likeliest next token here,' : ''} has W2[${row}, ${j}] = ${n(studio.model!.weights.w2[row * E + j])}.`] : [],
      };
    }
    case 'clock':
      return {
        title: 'The clock',
        sentence: 'One clock says which step every view shows: Play moves it through the conversation, Step back and Step forward move it one token, and clicking a chip puts it on that token.',
        formula: 'step t: input token(t) → h1(t) → h2(t) → p(next token)',
        live: step ? [`The clock is on step ${step.index + 1} of ${studio.timeline.length}: the input ${quotedInput(record!.token)}.`] : ['The clock waits for the first step: send a message.'],
      };
    case 'nats': {
      const base = {
        title: 'Nats',
        sentence: 'Nats measure surprise: a token the model gave probability p costs −ln p nats. A sure prediction (p = 1) costs 0; the lower p, the more it costs. The training loss is the average over every next token.',
        formula: 'surprise = −ln p (nats) · p = e^(−nats)',
      };
      const live: string[] = [];
      if (record && step) {
        const next = studio.followerOf(step.index);
        const row = next?.row ?? topRows(record.probs, 1)[0];
        const p = record.probs[row];
        live.push(`After ${quotedInput(record.token)} (step ${step.index + 1}), ${tokenLabel(studio, row)} ${next ? 'came next' : 'is the likeliest'} with p = ${n(p * 100)}%: −ln ${n(p)} = ${n(-Math.log(p))} nats.`);
      }
      if (V > 0) live.push(`Guessing blindly among ${name}’s ${V} words would cost ln ${V} = ${n(Math.log(V))} nats per token.`);
      const last = studio.model?.history?.metrics.at(-1);
      if (last?.testLoss != null) live.push(`At epoch ${last.epoch}, the held-out loss was ${n(last.testLoss)} nats per token.`);
      return { ...base, live };
    }
    case 'umap':
      return {
        title: 'UMAP',
        sentence: 'UMAP places every word on the page so that each word’s nearest words stay near it; unlike PCA, it bends the space, so the distance between two far groups means little. It is seeded, so the same model gives the same map.',
        formula: 'keep each word’s nearest neighbours (by h1) near it on the page',
        live: V > 0 ? [`For ${name}: ${V - 1} words (every word but ${LINE_MARK}), each ${E} numbers of h1, each kept near its ${Math.min(15, V - 2)} nearest words.`] : [],
      };
    case 'euclidean':
      return {
        title: 'Euclidean distance',
        sentence: 'The straight-line distance between two lists of numbers: the square root of the summed squared differences. 0 means identical; it grows with every unit that differs.',
        formula: 'd(a, b) = √Σ (aᵢ − bᵢ)²',
        live: neighbourLive(facts, 'euclidean', E),
      };
    case 'cosine':
      return {
        title: 'Cosine distance',
        sentence: 'How far apart two lists of numbers point, whatever their lengths: 0 for the same direction, 1 at right angles, 2 for opposite directions.',
        formula: 'd(a, b) = 1 − (a · b) / (|a| |b|)',
        live: neighbourLive(facts, 'cosine', E),
      };
    case 'jacobian':
      return {
        title: 'J · how the step passes on a change',
        sentence: 'J says how a small change to the context carried in changes the new context: W1’s context half, each row scaled by the slope of tanh at that unit (1 − h2², near 0 where a unit is pinned at ±1).',
        formula: 'J = diag(1 − h2²) · W1[:, E:2E]',
        live: jacobianLive(studio, facts),
      };
    case 'eigenvalue':
      return {
        title: 'Eigenvalue',
        sentence: 'An eigenvalue λ of J is a factor by which J stretches one special direction of change (its eigenvector); inside the unit circle (|λ| < 1) a change along it fades, outside it grows. Some come in complex pairs: those directions turn as well.',
        formula: 'J · v = λ · v',
        live: eigenLive(studio, facts),
      };
    case 'spectral-radius':
      return {
        title: 'Spectral radius ρ',
        sentence: 'The largest size among J’s eigenvalues: the most a small change in the context is stretched, step after step. Below 1 every difference fades; above 1 some difference grows until tanh saturates it.',
        formula: 'ρ = max |λ(J)|',
        live: spectrumLive(studio, facts),
      };
    case 'singular-value':
      return {
        title: 'Singular value',
        sentence: 'The singular values of a matrix are the most and least it can stretch any change, in any direction; the largest one bounds what W1’s context half can do to a difference before tanh, whatever the step.',
        formula: 'σ_max(M) = max |M · v| / |v| ≥ ρ(M)',
        live: facts.singular
          ? [`For ${name}${facts.singular.own ? ` (the weights it keeps, epoch ${facts.singular.epoch})` : ` at epoch ${facts.singular.epoch}, its latest checkpoint`}: σ_max(W1[:, ${E}:${2 * E}]) = ${n(facts.singular.value)}.`]
          : facts.singular === undefined
            ? [`Measuring ${name}’s W1…`]
            : [`${name} kept no checkpoints of its training, so σ_max is not measured here; a model trained in the Train view shows it at every epoch in the Dynamics panel.`],
      };
    case 'remember':
      return {
        title: 'Does he remember?',
        sentence:
          `To see whether ${name} still carries what was said turns ago, say the same last line after two different histories and watch how far apart his contexts stay. ` +
          `Open “Dynamics and memory” at the bottom of the Inside view for its Memory panel, or pick “Two histories” in the Compare view to see both conversations and ${name}’s replies side by side.`,
        formula: 'd(t) = |cA(t) − cB(t)|: falls to 0 when the difference is forgotten',
        live: spectrumLive(studio, facts),
      };
    case 'view-inside':
      return {
        title: 'The Inside view',
        sentence: `Every step of the conversation, one token at a time: the token goes in at the left, through its embedding h1 and the new context h2, and comes out as the next-token probabilities; the timeline and the path below show the whole conversation.`,
        formula: 'h1 = tanh(W0[:, token]) · h2 = tanh(W1 · [h1 ; c]) · p = softmax(W2 · h2 / T)',
        live: [modelLine(studio), ...(step ? [`${where}: ${topRows(record!.probs, 1).map((row) => `${tokenLabel(studio, row)} is likeliest next, ${n(record!.probs[row] * 100)}%`)[0]}.`] : noStep)],
      };
    case 'view-compare':
      return {
        title: 'The Compare view',
        sentence: 'Each sentence is fed from a fresh context; the distance between two sentences is the distance between the contexts h2 they end in. The paths show where their contexts part on the way.',
        formula: 'distance(A, B) = d(h2 at A’s last token, h2 at B’s last token)',
        live: [`${name}’s contexts have ${E} numbers, so each sentence ends as a point among ${E} numbers.`],
      };
    case 'view-embeddings':
      return {
        title: 'The Embeddings view',
        sentence: 'Every word of the vocabulary placed by its token embedding h1, the same for the word wherever it appears; words the model treats alike land near each other. Type or point at a word for its nearest words.',
        formula: 'h1(word) = tanh(W0[:, word])',
        live: [`${name} has ${V} words, each with ${E} numbers; the map draws them in two.`],
      };
    case 'view-weights': {
      const total = E * V + 2 * E * E + V * E;
      return {
        title: 'The Weights view',
        sentence: 'Every number the model learned, as three heatmaps (W0, W1, W2); edit a weight or knock out a unit, and the conversation is said again with the new weights at once.',
        formula: 'W0: E × V · W1: E × 2E · W2: V × E',
        live: E > 0 ? [`${name}: W0 ${E} × ${V}, W1 ${E} × ${2 * E}, W2 ${V} × ${E}: ${total.toLocaleString('en')} weights in all.${studio.model!.edited ? ' Some are edited.' : ''}`] : [],
      };
    }
    case 'view-train': {
      const training = studio.model?.training;
      return {
        title: 'The Train view',
        sentence: 'Training reads the corpus line by line, measures the surprise (in nats) at each next token, and nudges every weight to lower it; one pass over the corpus is one epoch. A held-out part of the corpus checks it on lines it never trained on.',
        formula: 'loss = mean of −ln p(next token) · weight ← weight − step × slope (Adam)',
        live: training
          ? [`${name} was trained for ${training.epochs} epochs and keeps epoch ${training.bestEpoch}${training.bestAccuracy != null ? `, whose held-out accuracy was ${n(training.bestAccuracy * 100)}%` : ''}.`]
          : [`${name} carries no record of its training.`],
      };
    }
  }
}

/** The latest open line Boris finished: what was typed, his guess, his answer. */
function guessed(studio: StudioCore): string[] {
  const turn = [...studio.turns].reverse().find((t) => t.guess && t.guess.length > 0);
  if (!turn) return [];
  const words = (steps: number[]) => steps.map((i) => studio.timeline[i]?.record.token ?? '').join(' ');
  const answer = studio.turns[turn.index + 1];
  return [`You wrote “${turn.text}”; he finished it with “${words(turn.guess!)}”${answer && answer.steps.length > 0 ? ` and answered “${words(answer.steps)}”` : ''}.`];
}


/** The open model in one line: its name, its words and its units. */
function modelLine(studio: StudioCore): string {
  const model = studio.model;
  return model ? `${model.name}: ${model.tokens.length} words, ${model.embeddingSize} units per layer.` : 'The model is opening.';
}

/** The row an example quotes: the token under the clock, else “frogs” (Boris’s favourite), else the first word. */
function exampleRow(studio: StudioCore): number {
  const record = studio.current?.record;
  if (record && record.row > 1) return record.row;
  const vocabulary = studio.model?.tokens ?? [];
  const frogs = vocabulary.indexOf('frogs');
  return frogs > 1 ? frogs : Math.min(2, Math.max(0, vocabulary.length - 1));
}

function neighbourLive(facts: LiveFacts, metric: 'euclidean' | 'cosine', E: number): string[] {
  const found = facts.neighbours?.[metric];
  if (!facts.neighbours || !found) return [`Words are compared by their ${E} numbers of h1; sentences by their ${E} numbers of h2.`];
  return [`The nearest word to “${facts.neighbours.word}” by ${metric === 'euclidean' ? 'Euclidean' : 'cosine'} distance is “${found.word}”, at ${n(found.distance)}.`];
}

function spectrumLive(studio: StudioCore, facts: LiveFacts): string[] {
  const lines: string[] = [];
  const s = facts.spectrum;
  if (s)
    lines.push(
      `At step ${s.step + 1} (${quotedInput(s.token)}), ρ = ${n(s.spectralRadius)}: ${
        s.spectralRadius < 1
          ? `small differences in the context shrink, by about ×${n(s.spectralRadius)} a step: they fade`
          : `along J’s strongest direction a small difference grows ×${n(s.spectralRadius)} a step, until tanh saturates it; along the others it may still fade`
      }.`,
    );
  else if (!studio.current) lines.push('Send a message to see ρ at each step.');
  const f = facts.fixedPoint;
  if (f) lines.push(`At ${LINE_MARK}’s fixed point, where every line starts, ρ = ${n(f.spectralRadius)}${f.stable ? ': nearby contexts fall into it' : ': it does not hold the contexts near it'}.`);
  return lines;
}

function eigenLive(studio: StudioCore, facts: LiveFacts): string[] {
  const s = facts.spectrum;
  if (!s) return studio.current ? ['Measuring J at this step…'] : ['Send a message to see J’s eigenvalues at each step.'];
  const sizes = s.eigenvalues.map(([re, im]) => Math.hypot(re, im));
  const outside = sizes.filter((m) => m > 1).length;
  const inside = sizes.length - sizes.filter((m) => m > 1).length;
  const complex = s.eigenvalues.filter(([, im]) => Math.abs(im) > 1e-12).length;
  return [
    `At step ${s.step + 1} (${quotedInput(s.token)}), J has ${s.eigenvalues.length} eigenvalues: ${outside} outside the unit circle (|λ| > 1), ${inside} inside${complex > 0 ? `; ${complex} of them form ${complex / 2} complex pairs` : ''}. The largest size is ${n(s.spectralRadius)}.`,
  ];
}

function jacobianLive(studio: StudioCore, facts: LiveFacts): string[] {
  const record = studio.current?.record;
  const E = studio.model?.embeddingSize ?? 0;
  if (!record) return [`For ${studio.model?.name ?? 'Boris'}, J is ${E} × ${E}. Send a message to see it at each step.`];
  const saturated = record.h2.filter((v) => Math.abs(v) > 0.95).length;
  const lines = [`At step ${studio.current!.index + 1}, J is ${E} × ${E}; ${saturated} of ${E} h2 units are pinned near ±1 (|h2| > 0.95), so their rows of J are close to 0.`];
  if (facts.spectrum) lines.push(`Its spectral radius here: ρ = ${n(facts.spectrum.spectralRadius)}.`);
  return lines;
}

function fixedPointLive(name: string, facts: LiveFacts): string[] {
  const f = facts.fixedPoint;
  if (!f) return [];
  return [
    `${name}’s ${LINE_MARK} (line boundary) ${f.converged ? `reaches its fixed point after ${f.iterations} ${f.method === 'newton' ? 'Newton steps' : 'steps'} (left over: ${n(f.residual)})` : `does not settle within ${f.iterations} steps`}; ρ there = ${n(f.spectralRadius)}, ${f.stable ? 'stable' : 'not stable'}.`,
  ];
}

function heldOutLive(studio: StudioCore): string[] {
  const model = studio.model;
  const training = model?.training;
  if (!model || !training) return [];
  const kept = model.history?.metrics.find((m) => m.epoch === training.bestEpoch);
  return [
    `${model.name} keeps epoch ${training.bestEpoch} of ${training.epochs}${training.bestAccuracy != null ? `: it ranked first ${n(training.bestAccuracy * 100)}% of the held-out next tokens` : ''}${kept?.testLoss != null ? `, at a held-out loss of ${n(kept.testLoss)} nats` : ''}.`,
  ];
}

function overfitLive(studio: StudioCore): string[] {
  const metrics = (studio.model?.history?.metrics ?? []).filter((m) => m.testLoss != null && m.trainLoss != null);
  if (metrics.length < 2) return [];
  const lowest = metrics.reduce((a, b) => (b.testLoss! < a.testLoss! ? b : a));
  const last = metrics[metrics.length - 1];
  return [
    `${studio.model!.name}’s held-out loss was lowest at epoch ${lowest.epoch} (${n(lowest.testLoss!)} nats); at epoch ${last.epoch} it is ${n(last.testLoss!)}, with training loss ${n(last.trainLoss!)}.`,
  ];
}

const embeddingSentence = 'The token’s own embedding: its column of W0, squashed by tanh; it depends on the token alone, not on what came before.';
const contextSentence = 'What the model remembers of everything before this step: the previous step’s h2, carried in as c.';
const h2Sentence = 'The new context: each h2 unit weighs all of h1 and c through its row of W1, then tanh squashes the sum; it becomes the next step’s c.';
