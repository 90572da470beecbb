import type { Page } from '@playwright/test';
import { pageBundle } from './pageBundle.ts';

/**
 * The engine's explanations, bundled and run in the page under test (see pageBundle.ts).
 */
const bundle = pageBundle(`
      import { explainPrediction } from './src-main/model/explanations/explain.ts';
      import { corpusRows, knockoutTable } from './src-main/model/units/knockout.ts';
      import { parseModel } from './src-main/model/formats/slmJson.ts';
      import { run } from './src-main/model/network/network.ts';
      import { replyTree } from './src-main/model/explanations/replyTree.ts';
      import { unitProfile } from './src-main/model/units/unitProfile.ts';
      globalThis.slmExplain = { explainPrediction, corpusRows, knockoutTable, parseModel, run, replyTree, unitProfile };
    `);

/** Runs `work` in the page with the engine's explanation functions and the model and corpus given. */
export async function inPage<A, R>(page: Page, args: A, work: (engine: any, args: A) => R): Promise<R> {
  await page.evaluate(bundle);
  return page.evaluate(
    ({ source, args }) => {
      const engine = (globalThis as any).slmExplain;
      // eslint-disable-next-line no-new-func
      return new Function('engine', 'args', `return (${source})(engine, args);`)(engine, args);
    },
    { source: work.toString(), args },
  );
}
