/**
 * Loss and next-token accuracy over lines, each fed [boundary, tokens..., boundary] from a zero
 * context, forward only: the numbers training reports for its held-out lines, knock-outs compare, and
 * `slm eval` prints. The training kernel computes them (kernel/linePass.ts).
 */
import type { KernelPass } from './kernel/linePass.ts';

export interface LinesEvaluation {
  /** Mean cross-entropy per prediction. */
  loss: number;
  /** Share of predictions whose most likely token is the right one. */
  accuracy: number;
  predictions: number;
}

export function evaluateLines(pass: KernelPass, lines: readonly (readonly number[])[]): LinesEvaluation {
  let loss = 0;
  let correct = 0;
  let predictions = 0;
  for (const line of lines) {
    const steps = line.length + 1;
    loss += pass.forward(line) * steps;
    correct += pass.correctPredictions(line);
    predictions += steps;
  }
  return { loss: predictions > 0 ? loss / predictions : NaN, accuracy: predictions > 0 ? correct / predictions : NaN, predictions };
}
