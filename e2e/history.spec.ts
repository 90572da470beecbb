import type { Page } from '@playwright/test';
import { expect, test } from './helpers/test.ts';
import { readFileSync } from 'node:fs';
import { embeddingMap } from '../src-main/model/geometry/embeddingMap.ts';
import { Conversation } from '../src-main/model/network/generation.ts';
import { sentenceDistance } from '../src-main/model/geometry/geometry.ts';
import type { Weights } from '../src-main/model/network/network.ts';
import { createRng } from '../src-main/model/network/rng.ts';
import { tokenizeCorpus } from '../src-main/model/network/tokenizer.ts';
import { Trainer } from '../src-main/model/training/training.ts';
import { buildVocabulary, encode } from '../src-main/model/network/vocabulary.ts';
import { openApp, sayGreedily } from './helpers/chat.ts';
import { engineStepsInPage } from './helpers/engineInPage.ts';
import { hoverWeight } from './helpers/heatmap.ts';
import { boris, borisText } from '../tests/helpers/boris.ts';
import { expectNoSeriousAccessibilityIssuesInBothThemes } from './helpers/axe.ts';

const checkpoints = boris.training!.checkpoints;
const PROMPT = 'hello boris?';

function engineSteps(weights: Weights) {
  const line = new Conversation(weights, boris.vocabulary).say(PROMPT, { temperature: 0, rng: createRng(1) });
  return { steps: [...line.fed, ...line.written], text: line.text };
}

const epochSlider = (page: Page) => page.getByRole('slider', { name: 'Epoch' });

async function chooseEpoch(page: Page, epoch: number) {
  await epochSlider(page).fill(String(epoch));
  await expect(page.getByTestId('epoch-bar')).toHaveAttribute('data-shown', String(epoch), { timeout: 20_000 });
}

/** The exact h2 values of the network view's cells, for the step under the clock. */
async function networkH2(page: Page): Promise<number[]> {
  return page
    .locator('#view-inside [data-layer="h2"][data-unit]')
    .filter({ has: page.locator('xpath=self::*[not(@data-step)]') })
    .evaluateAll((nodes) => nodes.map((n) => Number((n as SVGElement).dataset.value)));
}

test('the Epoch slider changes every view to the engine’s numbers for that checkpoint', async ({ page }) => {
  test.setTimeout(120_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await openApp(page);
  await expect(epochSlider(page)).toBeVisible();
  // Boris opens on his own weights: the slider sits at the epoch they are.
  await expect(epochSlider(page)).toHaveValue(String(boris.training!.bestEpoch));
  await expect(page.getByRole('button', { name: 'Use this epoch' })).toBeDisabled();
  await sayGreedily(page, PROMPT);

  // The first epoch after 0 whose greedy reply differs from his own weights' reply.
  const own = engineSteps(boris.weights).text;
  const epoch = checkpoints.findIndex((c, i) => i > 0 && engineSteps(c.weights).text !== own);
  expect(epoch).toBeGreaterThan(0);
  await chooseEpoch(page, epoch);
  const weights = checkpoints[epoch].weights;
  const engine = engineSteps(weights);

  // The conversation is said again with that epoch's weights: his reply, and the activations under the clock.
  const conversation = page.getByRole('log', { name: 'Conversation' });
  await expect(conversation.getByRole('button', { name: /^Boris's token/ })).toHaveCount(engine.steps.length - (PROMPT.split(' ').length + 2));
  const last = engine.steps.length - 1;
  await page.getByRole('slider', { name: 'Step' }).fill(String(last));
  // The engine's numbers as it runs in the page (Chromium's Math.tanh and Node's differ in the last bit).
  const inPage = await engineStepsInPage(page, borisText, PROMPT, { w0: Array.from(weights.w0), w1: Array.from(weights.w1), w2: Array.from(weights.w2) });
  expect(inPage.length).toBe(engine.steps.length);
  await expect.poll(() => networkH2(page)).toEqual(inPage[last].h2);

  // The Weights heatmaps.
  await page.getByRole('tab', { name: 'Weights' }).click();
  const weightsView = page.locator('#view-weights');
  expect(await hoverWeight(page, weightsView, 'w1', 2, 5)).toBe(weights.w1[2 * 2 * boris.weights.embeddingSize + 5]);

  // Compare's distance.
  await page.getByRole('tab', { name: 'Compare' }).click();
  await page.getByRole('textbox', { name: 'Sentence A' }).fill('i am good');
  await page.getByRole('textbox', { name: 'Sentence B' }).fill('i am happy');
  await page.getByRole('button', { name: 'Compare', exact: true }).click();
  const expectedDistance = sentenceDistance(weights, boris.vocabulary, 'i am good', 'i am happy');
  await expect(page.getByTestId('distance')).toHaveAttribute('data-value', String(expectedDistance));

  // The word map, in the PCA plane of Boris's own weights, kept for every epoch. Node's and Chromium's
  // V8 may round a last bit of the PCA's Jacobi sweeps differently, so places are compared to 1e-9.
  await page.getByRole('tab', { name: 'Embeddings' }).click();
  const point = page.locator('#view-embeddings g.word[data-word="frogs"]');
  const place = async () => [Number(await point.getAttribute('data-x')), Number(await point.getAttribute('data-y'))];
  const engineFrogs = (w: Weights) => {
    const map = embeddingMap(w, boris.vocabulary, 'pca', 1, boris.weights);
    return map.points[map.words.indexOf('frogs')];
  };
  const near = (a: number[], b: number[]) => Math.abs(a[0] - b[0]) < 1e-9 && Math.abs(a[1] - b[1]) < 1e-9;
  await expect.poll(async () => near(await place(), engineFrogs(weights))).toBe(true);

  // Moving on an epoch moves the words.
  await chooseEpoch(page, 60);
  await expect.poll(async () => near(await place(), engineFrogs(checkpoints[60].weights))).toBe(true);
  expect(near(engineFrogs(weights), engineFrogs(checkpoints[60].weights))).toBe(false);
  // The Compare distance follows too.
  await page.getByRole('tab', { name: 'Compare' }).click();
  await expect(page.getByTestId('distance')).toHaveAttribute('data-value', String(sentenceDistance(checkpoints[60].weights, boris.vocabulary, 'i am good', 'i am happy')));

  // The curves mark the epoch.
  await page.getByRole('tab', { name: 'Train' }).click();
  await expect(page.locator('#view-train [data-testid="epoch-marker"]').first()).toHaveAttribute('data-epoch', '60');

  // Own weights brings Boris back; "Use this epoch" opens the checkpoint as an unsaved model.
  await page.getByRole('button', { name: 'Own weights' }).click();
  await expect(page.getByTestId('epoch-bar')).toHaveAttribute('data-shown', '');
  await chooseEpoch(page, 40);
  await page.getByRole('button', { name: 'Use this epoch' }).click();
  await expect(page.getByText(/Boris, epoch 40 · \d+ words/)).toBeVisible();
  await expect(epochSlider(page)).toHaveValue('40');
  // Nothing went wrong on the page on the way (an effect that feeds itself shows up here).
  expect(errors).toEqual([]);
});

test('the history plays from the start and can be held', async ({ page }) => {
  // The page's timers run on a clock the test can move on, to show that a held play stays put.
  await page.clock.install();
  await openApp(page);
  await chooseEpoch(page, 90);
  await page.getByRole('button', { name: 'Animate epochs' }).click();
  await expect(page.getByRole('button', { name: 'Animate epochs' })).toHaveAttribute('aria-pressed', 'true');
  // From the end it starts again at 0, then moves on.
  await expect.poll(async () => Number(await epochSlider(page).inputValue()), { timeout: 20_000 }).toBeGreaterThan(4);
  await page.getByRole('button', { name: 'Animate epochs' }).click();
  await expect(page.getByRole('button', { name: 'Animate epochs' })).toHaveAttribute('aria-pressed', 'false');
  const held = await epochSlider(page).inputValue();
  // The epoch it was held on is drawn: no request is left under way.
  await expect(page.getByTestId('epoch-bar')).toHaveAttribute('data-shown', held);
  // Six of the play's ticks of the page's time at once: a play still going would choose the next epoch.
  await page.clock.runFor(600);
  expect(await epochSlider(page).inputValue()).toBe(held);
});

test('the Train view’s run can be scrubbed while it trains', async ({ page }) => {
  test.setTimeout(120_000);
  await openApp(page);
  await page.getByRole('tab', { name: 'Train' }).click();
  const view = page.locator('#view-train');
  await expect(view.getByTestId('corpus-stats')).toContainText('lines with words');
  await view.getByRole('textbox', { name: 'Embedding size' }).fill('6');
  await view.getByRole('textbox', { name: 'Epochs' }).fill('60');
  await view.getByRole('textbox', { name: 'Learning rate' }).fill('0.01');
  await view.getByRole('textbox', { name: 'Seed' }).fill('2');
  await view.getByRole('combobox', { name: 'Pace' }).selectOption({ index: 1 });
  await view.getByRole('button', { name: 'Start training' }).click();
  const scrub = view.getByRole('slider', { name: 'Scrub the run' });
  await expect(scrub).toBeVisible({ timeout: 30_000 });
  await scrub.fill('1');
  await expect(view.getByText('Epoch 1 of the run')).toBeVisible();
  // Still training, and the heatmaps hold epoch 1's weights: the engine's, from the same settings.
  await expect(view.getByRole('button', { name: 'Stop training' })).toBeEnabled();
  const lines = tokenizeCorpus(readFileSync('resources/corpus/boris.txt', 'utf8'));
  const vocabulary = buildVocabulary(lines);
  const trainer = new Trainer(lines.map((l) => encode(vocabulary, l)), vocabulary, { embedding: 6, epochs: 1, learningRate: 0.01, seed: 2 });
  while (!trainer.done) trainer.runLines(10_000);
  const w1 = trainer.checkpoints[1].weights.w1;
  expect(await hoverWeight(page, view, 'w1', 1, 4)).toBe(w1[1 * 12 + 4]);
  await expect(view.locator('[data-testid="epoch-marker"]').first()).toHaveAttribute('data-epoch', '1');
  await view.getByRole('button', { name: 'Follow the run' }).click();
  await expect(view.getByText(/^Live · epoch \d+/)).toBeVisible();
  await view.getByRole('button', { name: 'Stop training' }).click();
});

test('the Epoch slider has no serious accessibility finding, in the light and dark themes, and the views open at a checkpoint', async ({ page }) => {
  test.setTimeout(120_000);
  await openApp(page);
  await sayGreedily(page, PROMPT);
  await chooseEpoch(page, 12);
  await expectNoSeriousAccessibilityIssuesInBothThemes(page, 'history', ['header']);
  await page.getByRole('tab', { name: 'Embeddings' }).click();
  await expect(page.locator('#view-embeddings g.word').first()).toBeVisible();
  await page.getByRole('tab', { name: 'Train' }).click();
  await page.getByTestId('model-history-note').scrollIntoViewIfNeeded();
  await page.locator('#view-train svg[aria-label="Loss by epoch"]').scrollIntoViewIfNeeded();
  await page.getByRole('tab', { name: 'Weights' }).click();
});
