/**
 * Knocking out a unit, exactly as the Weights view does it: an h1 unit by setting its W0 row to zeros
 * (its embedding cell is then tanh(0) = 0 for every token), an h2 (context) unit by setting its W1 row
 * to zeros (the cell is then 0 at every step). And the effect of that on the held-out lines.
 */
import { inputError } from '../network/errors.ts';
import { countDialogues } from '../training/heldOut.ts';
import { type LinesEvaluation, evaluateLinesSteps } from '../training/evaluation.ts';
import { KernelPass } from '../kernel/linePass.ts';
import { type Weights, copyWeightsInto } from '../network/network.ts';
import { MAX_KNOCKOUT_PASS_WORK } from '../network/limits.ts';
import { tokenizeCorpusSteps } from '../network/tokenizer.ts';
import { type Sliced, finish } from '../network/slices.ts';
import { splitCorpus } from '../training/setup.ts';
import { type Vocabulary, encode } from '../network/vocabulary.ts';

export type Layer = 'h1' | 'h2';

export interface UnitId {
  layer: Layer;
  unit: number;
}

/** The weight row whose zeroing knocks a unit out: W0's row for h1, W1's row for h2. */
export function knockoutRow(weights: Weights, { layer, unit }: UnitId): { matrix: 'w0' | 'w1'; row: number; start: number; width: number } {
  checkUnit(weights, { layer, unit });
  const width = layer === 'h1' ? weights.vocabularySize : 2 * weights.embeddingSize;
  return { matrix: layer === 'h1' ? 'w0' : 'w1', row: unit, start: unit * width, width };
}

/** Zeroes the unit's row in `weights` (in place). */
export function knockOutInPlace(weights: Weights, id: UnitId): void {
  const { matrix, start, width } = knockoutRow(weights, id);
  weights[matrix].fill(0, start, start + width);
}

export function checkUnit(weights: Weights, { layer, unit }: UnitId): void {
  if (layer !== 'h1' && layer !== 'h2') throw inputError(`a unit's layer is h1 or h2, not ${JSON.stringify(layer)}`);
  if (!Number.isInteger(unit) || unit < 0 || unit >= weights.embeddingSize) {
    throw inputError(`${layer} has units 0 to ${weights.embeddingSize - 1}; there is no unit ${unit}`);
  }
}

/** Reads "h2:5" (also "h2 5" or "h2-5"). */
export function parseUnitId(text: string): UnitId {
  const match = /^\s*(h1|h2)\s*[:\s-]\s*(\d+)\s*$/i.exec(text);
  if (!match) throw inputError(`name a unit as LAYER:INDEX, like h2:5 or h1:0, not ${JSON.stringify(text)}`);
  return { layer: match[1].toLowerCase() as Layer, unit: Number(match[2]) };
}

export type { LinesEvaluation };

/**
 * Loss and accuracy over lines fed [boundary, tokens..., boundary] from zeros, the numbers training
 * reports for the held-out set (the same kernel computes them). One pass is reused for many
 * knock-outs of the weights it was given, and each evaluation is remembered, so the knock-out table
 * and the unit cards share them.
 */
export class LineEvaluator {
  private readonly pass: KernelPass;
  /** Lines between two yields: 16 at Boris's size, fewer for a large vocabulary (each scores V tokens). */
  private readonly linesPerPiece: number;
  private intact: LinesEvaluation | null = null;
  private readonly knockedOut = new Map<string, LinesEvaluation>();

  constructor(
    weights: Weights,
    private readonly lines: readonly (readonly number[])[],
  ) {
    const longest = lines.reduce((most, line) => Math.max(most, line.length), 0) + 1;
    this.pass = new KernelPass(weights.embeddingSize, weights.vocabularySize, longest);
    copyWeightsInto(this.pass.weights, weights);
    const tokens = lines.reduce((sum, line) => sum + line.length + 1, 0);
    const perLine = (tokens / Math.max(1, lines.length)) * weights.vocabularySize * weights.embeddingSize;
    this.linesPerPiece = Math.max(1, Math.min(16, Math.floor(5_000_000 / perLine)));
  }

  /** The evaluation with the weights as given. */
  evaluate(): LinesEvaluation {
    return finish(this.evaluateSteps());
  }

  /** `evaluate` in steps. */
  *evaluateSteps(): Sliced<LinesEvaluation> {
    if (!this.intact) this.intact = yield* evaluateLinesSteps(this.pass, this.lines, undefined, this.linesPerPiece);
    return this.intact;
  }

  /** The evaluation with one unit knocked out (the weights are put back afterwards). */
  evaluateWithout(id: UnitId): LinesEvaluation {
    return finish(this.evaluateWithoutSteps(id));
  }

  /**
   * `evaluateWithout` in steps. The unit's row is put back around every yield, so another
   * evaluation that runs meanwhile sees the weights as given.
   */
  *evaluateWithoutSteps(id: UnitId): Sliced<LinesEvaluation> {
    const key = `${id.layer}:${id.unit}`;
    let found = this.knockedOut.get(key);
    if (found) return found;
    const { matrix, start, width } = knockoutRow(this.pass.weights, id);
    const values = this.pass.weights[matrix];
    const row = values.slice(start, start + width);
    const putBack = () => values.set(row, start);
    const takeOut = () => values.fill(0, start, start + width);
    takeOut();
    try {
      found = yield* evaluateLinesSteps(this.pass, this.lines, { before: putBack, after: takeOut }, this.linesPerPiece);
    } finally {
      putBack();
    }
    this.knockedOut.set(key, found);
    return found;
  }
}

export interface UnitKnockout {
  layer: Layer;
  unit: number;
  loss: number;
  accuracy: number;
  /** Knocked-out minus intact: positive when the unit's loss rises without it. */
  lossChange: number;
  accuracyChange: number;
}

export interface KnockoutTable {
  /** Held-out texts: single lines and dialogues (heldOut.ts). */
  heldOutLines: number;
  /** Of those, the dialogues of several lines. */
  heldOutDialogues: number;
  predictions: number;
  /** The intact model. */
  loss: number;
  accuracy: number;
  /** Every h1 unit, then every h2 unit. */
  units: UnitKnockout[];
}

/** Every unit's knock-out effect on the held-out texts. */
export function knockoutTable(weights: Weights, heldOut: readonly (readonly number[])[]): KnockoutTable {
  if (heldOut.length === 0) throw inputError('there are no held-out texts to measure knock-outs on');
  const evaluator = new LineEvaluator(weights, heldOut);
  const intact = evaluator.evaluate();
  const units: UnitKnockout[] = [];
  for (const layer of ['h1', 'h2'] as const) {
    for (let unit = 0; unit < weights.embeddingSize; unit++) {
      const knocked = evaluator.evaluateWithout({ layer, unit });
      units.push({
        layer,
        unit,
        loss: knocked.loss,
        accuracy: knocked.accuracy,
        lossChange: knocked.loss - intact.loss,
        accuracyChange: knocked.accuracy - intact.accuracy,
      });
    }
  }
  return { heldOutLines: heldOut.length, heldOutDialogues: countDialogues(heldOut), predictions: intact.predictions, loss: intact.loss, accuracy: intact.accuracy, units };
}

/** A corpus as a model sees it: every text (a line, or a dialogue as one sequence) as rows of its vocabulary, and the held-out last 10%. */
export function corpusRows(vocabulary: Vocabulary, text: string): { lines: number[][]; heldOut: number[][] } {
  return finish(corpusRowsSteps(vocabulary, text));
}

/** `corpusRows` in steps. */
export function* corpusRowsSteps(vocabulary: Vocabulary, text: string): Sliced<{ lines: number[][]; heldOut: number[][] }> {
  const lines = (yield* tokenizeCorpusSteps(text)).map((line) => encode(vocabulary, line));
  if (lines.length < 2) throw inputError(`the corpus needs at least 2 lines with words in them (to hold some out); it has ${lines.length}`);
  return { lines, heldOut: splitCorpus(lines).test };
}

/** A corpus's rows ready for knock-outs: its texts, the held-out texts measured (knockoutTexts), and how many there are in all. */
export interface KnockoutCorpus {
  lines: number[][];
  heldOut: number[][];
  heldOutTexts: number;
}

/** What `corpusRows` read, with the held-out texts cut to those the knock-outs of `weights` are measured on. */
export function knockoutCorpus(weights: Pick<Weights, 'vocabularySize' | 'embeddingSize'>, rows: { lines: number[][]; heldOut: number[][] }): KnockoutCorpus {
  return { lines: rows.lines, heldOut: knockoutTexts(weights, rows.heldOut), heldOutTexts: rows.heldOut.length };
}

/**
 * The held-out texts the knock-outs are measured on: all of them when one pass over them fits in
 * MAX_KNOCKOUT_PASS_WORK, otherwise the first ones that do (at least one), so a large model's table
 * takes seconds rather than minutes. Every text keeps its whole length.
 */
export function knockoutTexts(weights: Pick<Weights, 'vocabularySize' | 'embeddingSize'>, heldOut: readonly (readonly number[])[]): number[][] {
  const perPrediction = weights.vocabularySize * weights.embeddingSize + 2 * weights.embeddingSize * weights.embeddingSize;
  const kept: number[][] = [];
  let work = 0;
  for (const text of heldOut) {
    // A text of n tokens is fed [boundary, ...tokens] and predicts n + 1 times.
    work += (text.length + 1) * perPrediction;
    if (work > MAX_KNOCKOUT_PASS_WORK && kept.length > 0) break;
    kept.push([...text]);
  }
  return kept;
}
