/**
 * "Which of my words mattered?" in words: the list and the one-sentence answer that the app's How far
 * back panel and `slm explain` both show, made from an explanation's numbers (explain.ts), so the two
 * say exactly the same. Three measures answer it:
 *
 * - Leave it out (occlusion.ts): read the word as the unknown word and see how the prediction changes;
 *   the change in percentage points, 100 (p - p_s), and in nats, L - L_s.
 * - Gradient × input, g_s . h1_s: a first-order estimate of what the word's embedding adds to L.
 * - Integrated gradients: each word's share of L(h1) - L(0), the way from every embedding zero.
 *
 * They ask different questions and can disagree; `measureNotes` says so in plain words, and says when
 * the gradients are tiny because the prediction is saturated. Pure: no Node, DOM or Electron.
 */
import { UNKNOWN } from '../network/vocabulary.ts';

export const MEASURES = ['occlusion', 'gradient', 'integrated'] as const;
export type Measure = (typeof MEASURES)[number];

/** The measures' names, as the app's "Measure" box and the command's output call them. */
export const MEASURE_NAMES: Readonly<Record<Measure, string>> = {
  occlusion: 'Leave it out',
  gradient: 'Gradient × input',
  integrated: 'Integrated gradients',
};

/** One step of an explanation, with its token's text ("" for the line boundary). */
export interface MeasuredStep {
  token: string;
  /** The token's row, when known: row 1 is the unknown word, which Leave it out cannot change. */
  row?: number;
  saliency: number;
  integratedGradient: number;
  occlusion: number | null;
  occlusionPoints: number | null;
}

/** An explained prediction: its target's text ("" for the end of the line), L and L(0), and its steps. */
export interface ExplainedPrediction {
  target: string;
  logProbability: number;
  baselineLogProbability: number;
  steps: readonly MeasuredStep[];
}

/** One word of the list. */
export interface WordThatMattered {
  /** The step (from 0, the line start) the word was fed at. */
  step: number;
  token: string;
  /** The measure's number, in nats (Leave it out: L - L_s); null when it was not measured. */
  value: number | null;
  /** Leave it out only: 100 (p - p_s), in percentage points. */
  points: number | null;
  /** Whether the model reads the word as the unknown word already (so leaving it out changes nothing). */
  unknown: boolean;
}

/** A measure's number for a step, in nats: null when Leave it out did not reach it. */
export function measureValue(step: Pick<MeasuredStep, 'saliency' | 'integratedGradient' | 'occlusion'>, measure: Measure): number | null {
  if (measure === 'occlusion') return step.occlusion;
  return measure === 'gradient' ? step.saliency : step.integratedGradient;
}

/** The words of the text up to the prediction, in order (the line boundaries are not words). */
export function wordsThatMattered(explanation: ExplainedPrediction, measure: Measure): WordThatMattered[] {
  const words: WordThatMattered[] = [];
  explanation.steps.forEach((s, step) => {
    if (s.token === '') return;
    words.push({ step, token: s.token, value: measureValue(s, measure), points: measure === 'occlusion' ? s.occlusionPoints : null, unknown: s.row === UNKNOWN });
  });
  return words;
}

/**
 * The list as it is shown: the words that mattered most first (by |value|; not measured last), ties
 * in the order they were said, so the answer's word is on top however long the conversation.
 */
export function rankedWords(words: readonly WordThatMattered[]): WordThatMattered[] {
  const size = (w: WordThatMattered) => (w.value === null ? -1 : Math.abs(w.value));
  return [...words].sort((a, b) => size(b) - size(a) || a.step - b.step);
}

/** The word with the largest |value| (the earliest on ties), or null when no word has a value. */
export function topWord(words: readonly WordThatMattered[]): WordThatMattered | null {
  let best: WordThatMattered | null = null;
  for (const w of words) if (w.value !== null && (best === null || Math.abs(w.value) > Math.abs(best.value!))) best = w;
  return best;
}

// ---------------------------------------------------------------------------------------------
// Numbers and tokens in words

/**
 * A number for people: four significant figures at most, the way a person reads them (an exact short
 * value keeps its own digits: 0.5, not 0.5000; a tiny or huge one in exponent form). The exact value
 * goes in a title, a `data-value` or the JSON, never in a sentence.
 */
export function formatNumber(value: number, significant = 4): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e6 || magnitude < 1e-4) return value.toExponential(significant - 1).replace(/\.?0+e/, 'e');
  const rounded = value.toPrecision(significant);
  // An exact short value loses its trailing zeros (0.5, not 0.5000); a rounded one keeps them (-1.000).
  return Number(rounded) === value ? String(value) : rounded;
}

/** formatNumber with a sign: +0.5, −0.5 (a true minus sign), 0. */
export function signedNumber(value: number): string {
  if (value === 0) return '0';
  const text = formatNumber(Math.abs(value));
  return value > 0 ? `+${text}` : `−${text}`;
}

/** A probability as a percentage to four significant figures: 100.0%, 3.100%, 2.493e-4%. */
export function percentText(probability: number): string {
  return `${formatNumber(probability * 100)}%`;
}

/** A word said, in a sentence: “who”; the line boundary is the line start. */
export function quotedWord(token: string): string {
  return `“${token === '' ? '¶ line start' : token}”`;
}

/** The token predicted, in a sentence: ‘i’; the line boundary is the end of the line. */
export function quotedTarget(token: string): string {
  return `‘${token === '' ? '¶ end of line' : token}’`;
}

// ---------------------------------------------------------------------------------------------
// The answer

/** Below this, the largest |gradient × input| counts as tiny (nats). */
export const TINY_GRADIENT = 1e-3;
/** At or above this probability the softmax counts as saturated. */
export const SATURATED = 0.99;

/**
 * The one-sentence answer for a measure, for example "“?” mattered most: read as an unknown word, ‘i’
 * falls from 100.0% to 2.493e-4%."
 */
export function answerSentence(explanation: ExplainedPrediction, measure: Measure): string {
  const words = wordsThatMattered(explanation, measure);
  const target = quotedTarget(explanation.target);
  const top = topWord(words);
  const p = Math.exp(explanation.logProbability);
  if (words.length === 0) return `No word comes before this prediction of ${target} (${percentText(p)}): only the line start.`;
  if (top === null) return `No word was measured: leaving each out would take longer than the limit allows.`;
  if (measure === 'occlusion') {
    if (top.value === 0) return `No word mattered: read as an unknown word, each leaves ${target} at ${percentText(p)}.`;
    const without = Math.exp(explanation.logProbability - top.value!);
    return `${quotedWord(top.token)} mattered most: read as an unknown word, ${target} ${top.value! > 0 ? 'falls' : 'rises'} from ${percentText(p)} to ${percentText(without)}.`;
  }
  if (measure === 'gradient') {
    return `By gradient × input, ${quotedWord(top.token)} mattered most: ${signedNumber(top.value!)} nats, a first-order estimate of what its embedding adds to log p(${target}).`;
  }
  const change = explanation.logProbability - explanation.baselineLogProbability;
  return (
    `By integrated gradients, ${quotedWord(top.token)} mattered most: ${signedNumber(top.value!)} nats, its share of the ${signedNumber(change)} nats ` +
    `log p(${target}) gains from all-zero embeddings to the words as said (every step’s share, the line start’s too, adds up to that).`
  );
}

/**
 * Plain sentences for what a learner would otherwise puzzle over: gradients tiny because the prediction
 * is saturated, and gradient × input or integrated gradients that pick another word than Leave it out
 * or give its word the opposite sign. Empty when the three agree.
 */
export function measureNotes(explanation: ExplainedPrediction): string[] {
  const notes: string[] = [];
  const target = quotedTarget(explanation.target);
  const p = Math.exp(explanation.logProbability);
  const left = topWord(wordsThatMattered(explanation, 'occlusion'));
  const gradient = wordsThatMattered(explanation, 'gradient');
  const largestGradient = Math.max(0, ...gradient.map((w) => Math.abs(w.value!)));
  if (gradient.length > 0 && largestGradient < TINY_GRADIENT && p >= SATURATED) {
    notes.push(
      `Gradient × input is tiny here (at most ${formatNumber(largestGradient)} nats) because ${target} is already at ${percentText(p)}: ` +
        `the softmax is saturated, so a small nudge to any embedding barely moves it` +
        (left && Math.abs(left.value!) > 100 * largestGradient ? `, while leaving ${quotedWord(left.token)} out moves it ${signedNumber(left.value!)} nats.` : '.'),
    );
  }
  if (left && left.value !== 0) {
    const parts: string[] = [];
    for (const measure of ['gradient', 'integrated'] as const) {
      const words = wordsThatMattered(explanation, measure);
      const top = topWord(words);
      const there = words.find((w) => w.step === left.step)?.value ?? 0;
      const says: string[] = [];
      if (top && top.step !== left.step) says.push(`${measure === 'gradient' ? 'picks' : 'pick'} ${quotedWord(top.token)}`);
      if (there !== 0 && Math.sign(there) !== Math.sign(left.value!)) {
        says.push(`${measure === 'gradient' ? 'gives' : 'give'} ${quotedWord(left.token)} the opposite sign (${signedNumber(there)} nats)`);
      }
      if (says.length > 0) parts.push(`${measure === 'gradient' ? 'gradient × input' : 'integrated gradients'} ${says.join(' and ')}`);
    }
    if (parts.length > 0) {
      notes.push(
        `Leave it out picks ${quotedWord(left.token)}, but ${parts.join(', and ')}: ` +
          'they ask other questions (what a tiny nudge to each embedding would do; each word’s share of the way from all-zero embeddings), so they can disagree with leaving the word out.',
      );
    }
  }
  return notes;
}
