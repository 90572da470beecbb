/**
 * Loss and next-token accuracy over lines, each fed [boundary, tokens..., boundary] from a zero
 * context, forward only: the numbers training reports for its held-out lines, knock-outs compare, and
 * `slm eval` prints. The training kernel computes them (kernel/linePass.ts).
 */
import type { KernelPass } from '../kernel/linePass.ts';
import { type Sliced, finish } from '../network/slices.ts';

export interface LinesEvaluation {
  /** Mean cross-entropy per prediction. */
  loss: number;
  /** Share of predictions whose most likely token is the right one. */
  accuracy: number;
  predictions: number;
}

export function evaluateLines(pass: KernelPass, lines: readonly (readonly number[])[]): LinesEvaluation {
  return finish(evaluateLinesSteps(pass, lines));
}

/**
 * `evaluateLines` in steps: yields after every `linesPerPiece` lines. Around each yield `between`
 * runs (a knock-out puts its row back while others may use the pass, and takes it out again after).
 */
export function* evaluateLinesSteps(
  pass: KernelPass,
  lines: readonly (readonly number[])[],
  between: { before(): void; after(): void } = { before() {}, after() {} },
  linesPerPiece = 16,
): Sliced<LinesEvaluation> {
  let loss = 0;
  let correct = 0;
  let predictions = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const steps = line.length + 1;
    loss += pass.forward(line) * steps;
    correct += pass.correctPredictions(line);
    predictions += steps;
    if ((i + 1) % linesPerPiece === 0 && i + 1 < lines.length) {
      between.before();
      yield;
      between.after();
    }
  }
  return { loss: predictions > 0 ? loss / predictions : NaN, accuracy: predictions > 0 ? correct / predictions : NaN, predictions };
}
