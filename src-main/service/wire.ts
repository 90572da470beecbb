/**
 * Typed arrays to the plain numbers the protocol carries (messages pass through Electron IPC, a
 * utility process's port, a Web Worker and a Node child process unchanged): the one place the service
 * makes the conversion.
 */
import type { Step, Weights } from '../model/network/network.ts';
import type { StepRecord } from './protocol.ts';

export const numbers = (values: ArrayLike<number>): number[] => Array.from(values);

export function weightsOnWire(weights: Weights): { w0: number[]; w1: number[]; w2: number[] } {
  return { w0: numbers(weights.w0), w1: numbers(weights.w1), w2: numbers(weights.w2) };
}

/** One step as the app sees it: the input token's text (`token`), its row, and every activation. */
export function stepRecord(step: Step, text: string): StepRecord {
  return { token: text, row: step.row, h1: numbers(step.h1), h2: numbers(step.h2), probs: numbers(step.probs) };
}
