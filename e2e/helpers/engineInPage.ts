import type { Page } from '@playwright/test';
import type { Step } from '../../src-main/model/network/network.ts';
import { pageBundle } from './pageBundle.ts';

/** The engine's conversation, bundled and run in the page under test (see pageBundle.ts). */
const bundle = pageBundle(`
      import { Conversation } from './src-main/model/network/generation.ts';
      import { parseModel } from './src-main/model/formats/slmJson.ts';
      import { createRng } from './src-main/model/network/rng.ts';
      globalThis.slmEngine = { Conversation, parseModel, createRng };
    `);

export interface WeightChange {
  matrix: 'w0' | 'w1' | 'w2';
  index: number;
  value: number;
}

/** Next-token probabilities of every step of one greedy turn, with the model's weights changed so, computed in the page. */
export async function engineProbabilities(page: Page, modelText: string, prompt: string, changes: WeightChange[]): Promise<number[][]> {
  await page.evaluate(bundle);
  return page.evaluate(
    ({ modelText, prompt, changes }) => {
      const engine = (globalThis as any).slmEngine;
      const model = engine.parseModel(modelText);
      for (const change of changes) model.weights[change.matrix][change.index] = change.value;
      const line = new engine.Conversation(model.weights, model.vocabulary).say(prompt, { temperature: 0, rng: engine.createRng(1) });
      return [...line.fed, ...line.written].map((step: Step) => Array.from(step.probs));
    },
    { modelText, prompt, changes },
  );
}

export interface StepInPage {
  h1: number[];
  h2: number[];
  probs: number[];
}

/**
 * Every step of one greedy turn, computed by the engine in the page: what the app's own engine gives
 * there, to the last bit (Node's V8 and Chromium's round Math.tanh and Math.exp differently in the
 * last bit, so numbers computed in the test process can differ there).
 */
export async function engineStepsInPage(page: Page, modelText: string, prompt: string, weights?: Record<'w0' | 'w1' | 'w2', number[]>): Promise<StepInPage[]> {
  await page.evaluate(bundle);
  return page.evaluate(
    ({ modelText, prompt, weights }) => {
      const engine = (globalThis as any).slmEngine;
      const model = engine.parseModel(modelText);
      // Other weights of the same shape (a checkpoint of the model's history), when given.
      if (weights) for (const name of ['w0', 'w1', 'w2'] as const) model.weights[name].set(weights[name]);
      const line = new engine.Conversation(model.weights, model.vocabulary).say(prompt, { temperature: 0, rng: engine.createRng(1) });
      return [...line.fed, ...line.written].map((step: Step) => ({
        h1: Array.from(step.h1),
        h2: Array.from(step.h2),
        probs: Array.from(step.probs),
      }));
    },
    { modelText, prompt, weights },
  );
}
