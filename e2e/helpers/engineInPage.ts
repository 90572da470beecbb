import type { Page } from '@playwright/test';
import { pageBundle } from './pageBundle.ts';

/** The engine's conversation, bundled and run in the page under test (see pageBundle.ts). */
const bundle = pageBundle(`
      import { Conversation } from './src-main/model/generation.ts';
      import { parseModel } from './src-main/model/modelFile.ts';
      import { createRng } from './src-main/model/rng.ts';
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
      return [...line.fed, ...line.written].map((step: { nextTokenProbs: Float64Array }) => Array.from(step.nextTokenProbs));
    },
    { modelText, prompt, changes },
  );
}
