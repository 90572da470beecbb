import type { Tip } from './tip.ts';
import { type StepRecord, isGreedy } from '../../src-main/service/protocol.ts';
import { inputName, outputName } from './tokens.ts';

/** The unknown word, as the vocabulary holds it (row 1): named as such where a row is named. */
const UNKNOWN_WORD = '-';

/** A row the model scores, named. */
export function outputRowName(vocabulary: readonly string[], row: number): string {
  return vocabulary[row] === UNKNOWN_WORD ? '- (unknown word)' : outputName(vocabulary[row]);
}

/** A row fed to the model, named. */
export function inputRowName(vocabulary: readonly string[], row: number): string {
  return vocabulary[row] === UNKNOWN_WORD ? '- (unknown word)' : inputName(vocabulary[row]);
}

/** What the network view's tooltip needs to know of the model and the step under the clock. */
export interface NetworkTipContext {
  vocabulary: readonly string[];
  E: number;
  w0: readonly number[];
  w1: readonly number[];
  w2: readonly number[];
  /** The step under the clock (a TimelineStep), or null before anything was said. */
  exact: { index: number; temperature: number; record: Pick<StepRecord, 'row' | 'h1' | 'h2'> } | null;
  /** The context carried into that step. */
  exactC: readonly number[];
  /** The open model's name: who wrote a token that is not the person's. */
  modelName: string;
  /** The token that followed that step, and who wrote it. */
  chosenNow: { row: number; by: 'boris' | 'you' } | null;
}

/**
 * The network view's tooltip for the part under the pointer, in words, from the part's data
 * attributes (`data-tip` says which kind of part: a cell, an edge of W0, W1 or W2, a bar, the input).
 */
export function networkTip(d: Readonly<Record<string, string | undefined>>, { vocabulary, E, w0, w1, w2, exact, exactC, modelName, chosenNow }: NetworkTipContext): Tip | null {
  const V = vocabulary.length;
  const unit = Number(d.unit);
  const where = exact ? ` at step ${exact.index + 1} (input ${inputRowName(vocabulary, exact.record.row)})` : '';
  // Before any message there is no step: say so, rather than a value that does not exist.
  const is = (what: string) => (exact ? `${what} = ${d.value}` : `${what}: no step yet`);
  const noStep = 'Send a message: each of its tokens becomes a step with a value here.';
  switch (d.tip) {
    case 'h1':
      return {
        title: is(`h1 unit ${unit}`),
        lines: [`Token embedding${where}: tanh(W0[${unit}, token]).`, exact ? 'It depends on the input token alone.' : noStep],
      };
    case 'c':
      return {
        title: is(`context in, unit ${unit}`),
        lines: [`The previous step's h2 unit ${unit}, carried in${where}.`, exact ? 'Zeros at the very start of a conversation.' : noStep],
      };
    case 'h2':
      return {
        title: is(`h2 unit ${unit}`),
        lines: [`New context${where}: tanh(W1 · [h1 ; c]) for unit ${unit}.`, exact ? 'It becomes the context of the next step.' : noStep],
      };
    case 'w0': {
      const w = w0[unit * V + Number(d.row)];
      return { title: `W0[${unit}, ${d.row}] = ${w}`, lines: [`From the input ${inputRowName(vocabulary, Number(d.row))} to h1 unit ${unit}; h1 = tanh of it.`] };
    }
    case 'w1': {
      const index = Number(d.edge);
      const j = Math.floor(index / (2 * E));
      const k = index % (2 * E);
      const input = k < E ? `h1 unit ${k}` : `context unit ${k - E}`;
      if (!exact) return { title: `W1[${j}, ${k}] = ${w1[index]}`, lines: [`From ${input} to h2 unit ${j}.`, noStep] };
      const value = k < E ? exact.record.h1[k] : exactC[k - E];
      return {
        title: `W1[${j}, ${k}] = ${w1[index]}`,
        lines: [`From ${input} to h2 unit ${j}.`, `Carries weight × input = ${(w1[index] * value).toPrecision(4)} at this step (before tanh).`],
      };
    }
    case 'w2': {
      const row = Number(d.row);
      const w = w2[row * E + unit];
      if (!exact) return { title: `W2[${row}, ${unit}] = ${w}`, lines: [`From h2 unit ${unit} to the score of ${outputRowName(vocabulary, row)}.`, noStep] };
      return {
        title: `W2[${row}, ${unit}] = ${w}`,
        lines: [`From h2 unit ${unit} to the score of ${outputRowName(vocabulary, row)}.`, `Adds ${(w * exact.record.h2[unit]).toPrecision(4)} to that score at this step (before softmax).`],
      };
    }
    case 'bar': {
      const row = Number(d.row);
      return {
        title: `P(${outputRowName(vocabulary, row)} next) = ${d.probability}`,
        lines: [
          exact && !isGreedy(exact.temperature)
            ? `softmax(W2 · h2 / T) at this turn's temperature T = ${exact.temperature}.`
            : 'softmax(W2 · h2): this turn took the most likely token (T = 0), so these are shown at T = 1.',
          chosenNow?.row === row ? (chosenNow.by === 'boris' ? `${modelName} wrote this one next.` : 'You wrote this one next.') : '',
        ].filter(Boolean),
      };
    }
    case 'input':
      return exact ? { title: `input: ${inputRowName(vocabulary, exact.record.row)}`, lines: [`Vocabulary row ${exact.record.row}; its W0 column is the token's embedding before tanh.`] } : null;
  }
  return null;
}
