import type { Page } from '@playwright/test';
import { expect, test } from './helpers/test.ts';
import { readFileSync } from 'node:fs';
import { tokenizeCorpus } from '../src-main/model/network/tokenizer.ts';
import { Trainer } from '../src-main/model/training/training.ts';
import { initialWeights } from '../src-main/model/training/setup.ts';
import { buildVocabulary, encode } from '../src-main/model/network/vocabulary.ts';
import { hoverWeight } from './helpers/heatmap.ts';
import { boris } from '../tests/helpers/boris.ts';
import { expectNoSeriousAccessibilityIssues } from './helpers/axe.ts';

const corpus = readFileSync('resources/corpus/boris.txt', 'utf8');
/** Boris's dialogues: a line of the corpus, or several joined by "+" lines (docs/model.md). */
const lines = tokenizeCorpus(corpus);
const textLines = corpus.split('\n').filter((line) => line.trim() !== '').length;
const vocabulary = buildVocabulary(lines);
const V = vocabulary.tokens.length;

async function openTrain(page: Page) {
  await page.goto('/');
  await expect(page.getByText(/Boris · \d+ words/)).toBeVisible();
  await page.getByRole('tab', { name: 'Train' }).click();
  const view = page.locator('#view-train');
  // Boris's corpus is loaded and inspected by the service.
  await expect(view.getByTestId('corpus-stats')).toContainText(
    `${textLines.toLocaleString('en')} lines with words, in ${lines.length.toLocaleString('en')} texts`,
  );
  return view;
}

async function settings(view: ReturnType<Page['locator']>, values: { embedding: string; epochs: string; learningRate: string; seed: string }) {
  await view.getByRole('textbox', { name: 'Embedding size' }).fill(values.embedding);
  await view.getByRole('textbox', { name: 'Epochs' }).fill(values.epochs);
  await view.getByRole('textbox', { name: 'Learning rate' }).fill(values.learningRate);
  await view.getByRole('textbox', { name: 'Seed' }).fill(values.seed);
}

test('a short run fills the progress bar, draws the curves, and saves a model the chat opens and talks with', async ({ page }) => {
  const view = await openTrain(page);
  await expect(view.getByRole('list', { name: 'Vocabulary preview' }).getByText('frogs', { exact: false }).first()).toBeVisible();
  await settings(view, { embedding: '8', epochs: '4', learningRate: '0.01', seed: '3' });
  await view.getByRole('button', { name: 'Start training' }).click();
  const bar = view.getByRole('progressbar');
  await expect(bar).toHaveAttribute('aria-valuenow', '100', { timeout: 30_000 });
  await expect(view.getByTestId('training-message')).toContainText('Training finished');

  // The same settings through the engine: as many epochs drawn, the same final accuracy and samples;
  // the chat below checks the best weights themselves, through a reply the engine predicts token for token.
  const trainer = new Trainer(lines.map((line) => encode(vocabulary, line)), vocabulary, { embedding: 8, epochs: 4, learningRate: 0.01, seed: 3 });
  while (!trainer.done) trainer.runLines(10_000);
  for (const series of ['train-loss', 'test-loss', 'test-accuracy']) {
    await expect(view.locator(`path[data-series="${series}"]`)).toHaveAttribute('data-points', String(trainer.history.length));
  }
  await expect(view.locator('path[data-series="test-accuracy"]')).toHaveAttribute('d', /^M[\d.]+,[\d.]+(L[\d.]+,[\d.]+){4}$/);
  const last = trainer.history[trainer.history.length - 1];
  await expect(view.getByText(`next token right: ${Math.round(last.testAccuracy * 100)}%`)).toBeVisible();
  // Samples are compared at epoch 2: Chromium's V8 and Node 20's give different last bits for
  // Math.pow (the Adam step size, 0.999 ** t), exp, tanh and log, so over Boris's 9,425 lines the
  // weights drift apart in the last bits and by epoch 3 a sampled word can differ.
  const early = trainer.history[2];
  await expect(view.locator('li[data-epoch="2"]')).toContainText(early.samples[0] || '(empty line)');

  // The chat switched to the trained model; save it, go back to Boris, then open it again.
  await expect(page.getByText(/Trained model · \d+ words · 8 units per layer/)).toBeVisible();
  await view.getByRole('textbox', { name: 'Model name' }).fill('Little frog');
  await view.getByRole('button', { name: 'Save as new model' }).click();
  await expect(view.getByText('Saved as “Little frog”')).toBeVisible();
  await view.getByRole('combobox', { name: 'Model' }).selectOption({ label: 'Boris (bundled)' });
  await expect(page.getByText(/^Boris · 78 words/)).toBeVisible();
  // With Boris open, the run's save form is gone (it would save Boris); the header's picker remains.
  await expect(view.getByRole('button', { name: 'Save as new model' })).toHaveCount(0);
  const header = page.getByRole('banner');
  await header.getByRole('combobox', { name: 'Model' }).selectOption({ label: 'Little frog' });
  await expect(page.getByRole('heading', { name: 'Chat with Little frog' })).toBeVisible();

  await page.getByLabel('Temperature').fill('0');
  await page.getByRole('textbox', { name: 'Message' }).fill('who are you?');
  await page.getByRole('button', { name: 'Send' }).click();
  const { Conversation } = await import('../src-main/model/network/generation.ts');
  const { createRng } = await import('../src-main/model/network/rng.ts');
  const reply = new Conversation(trainer.best, vocabulary).say('who are you?', { temperature: 0, rng: createRng(1) });
  const expected = reply.written.map((step) => vocabulary.tokens[step.row] || '¶');
  // The chips name the open model as the one who wrote them.
  const chips = page.getByRole('log', { name: 'Conversation' }).getByRole('button', { name: /^Little frog's token/ });
  await expect(chips).toHaveCount(expected.length);
  expect(expected.length).toBeGreaterThan(0);
  await expect(chips).toHaveText(expected);
});

test('a diverging run stops with a clear message, keeps its last good weights and leaves the chat’s model alone', async ({ page }) => {
  const view = await openTrain(page);
  await settings(view, { embedding: '6', epochs: '5', learningRate: '1e6', seed: '7' });
  await view.getByRole('button', { name: 'Start training' }).click();
  const message = view.getByTestId('training-message');
  await expect(message).toContainText('training diverged', { timeout: 30_000 });
  await expect(message).toContainText('Try a smaller learning rate than 1000000');
  await expect(message).toHaveAttribute('role', 'alert');
  await expect(view.getByText('The chat still has the model it had before this run.')).toBeVisible();
  // The last good weights (epoch 0: the seeded start) are what the heatmaps show.
  const start = initialWeights(6, V, 7);
  for (const [matrix, row, column, columns] of [['w0', 1, 5, V], ['w1', 4, 9, 12], ['w2', 20, 3, 6]] as const) {
    expect(await hoverWeight(page, view, matrix, row, column)).toBe(start[matrix][row * columns + column]);
  }
  // The chat's model is Boris, unedited, with his weights as they were.
  await expect(page.getByText(new RegExp(`^Boris · 78 words · ${boris.weights.embeddingSize} units per layer`))).toBeVisible();
  await page.getByRole('tab', { name: 'Weights' }).click();
  const weights = page.locator('#view-weights');
  expect(await hoverWeight(page, weights, 'w0', 3, 10)).toBe(boris.weights.w0[3 * V + 10]);
  expect(await hoverWeight(page, weights, 'w2', 40, 7)).toBe(boris.weights.w2[40 * boris.weights.embeddingSize + 7]);
});

test('bad input gets a clear message and loses nothing', async ({ page }) => {
  const view = await openTrain(page);
  const corpusBox = view.getByRole('textbox', { name: 'Corpus' });
  // A line with no words is flagged by its number.
  await corpusBox.fill('who are you? i am boris.\n★ ★ ★\nfrogs are nice.\n');
  await expect(view.getByText('1 line it cannot use')).toBeVisible();
  await expect(view.getByRole('list', { name: 'Flagged lines' }).locator('li[data-line="2"]')).toContainText('no words');
  // Hyper-parameters that are not numbers.
  await settings(view, { embedding: '8', epochs: 'ten', learningRate: 'abc', seed: '1' });
  await expect(view.getByText('Epochs must be a number, not “ten”')).toBeVisible();
  await view.getByRole('button', { name: 'Start training' }).click();
  await expect(view.getByTestId('training-message')).toContainText('Check the hyper-parameters');
  await expect(view.getByTestId('training-message')).toContainText('The learning rate must be a number, not “abc”');
  await expect(corpusBox).toHaveValue('who are you? i am boris.\n★ ★ ★\nfrogs are nice.\n');
  // An empty corpus.
  await settings(view, { embedding: '8', epochs: '2', learningRate: '0.01', seed: '1' });
  await corpusBox.fill('   \n');
  await view.getByRole('button', { name: 'Start training' }).click();
  await expect(view.getByTestId('training-message')).toContainText('The corpus has no lines with words in them');
  await expect(view.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '0');
  await expect(page.getByText(/^Boris · 78 words/)).toBeVisible();
});

test('pause and resume a run, then stop it', async ({ page }) => {
  const view = await openTrain(page);
  await settings(view, { embedding: '8', epochs: '400', learningRate: '0.005', seed: '1' });
  await view.getByRole('button', { name: 'Start training' }).click();
  await expect(view.locator('li[data-epoch="1"]')).toBeVisible({ timeout: 30_000 });
  await view.getByRole('button', { name: 'Pause' }).click();
  await expect(view.getByRole('button', { name: 'Resume' })).toBeVisible();
  await expect(view.getByRole('progressbar')).toHaveAttribute('aria-valuetext', /paused/);
  // The chat answers while the run is paused (the app stays responsive).
  await page.getByRole('textbox', { name: 'Message' }).fill('hello');
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByRole('log', { name: 'Conversation' }).getByRole('button', { name: /^Boris's token/ }).first()).toBeVisible();
  await view.getByRole('button', { name: 'Resume' }).click();
  await expect(view.getByRole('button', { name: 'Pause' })).toBeEnabled();
  await view.getByRole('button', { name: 'Stop training' }).click();
  await expect(view.getByTestId('training-message')).toContainText('Training stopped');
  await expect(page.getByText(/Trained model · \d+ words · 8 units per layer/)).toBeVisible();
});

test('the Train view after a run, in the light and dark themes, at 1280x800 and 1920x1080, without serious accessibility problems', async ({ page }) => {
  // Both themes' checks in one test: the time of the two tests it replaces.
  test.setTimeout(120_000);
  const view = await openTrain(page);
  // Two epochs draw every chart and table the view has after a run.
  await settings(view, { embedding: '8', epochs: '2', learningRate: '0.01', seed: '2' });
  await view.getByRole('button', { name: 'Start training' }).click();
  await expect(view.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '100', { timeout: 30_000 });
  await expect(view.getByRole('button', { name: 'Save as new model' })).toBeVisible();
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await page.setViewportSize({ width: 1280, height: 800 });
    // The chat's heading names the new model whole, not cut short beside its button.
    const heading = page.locator('#chat-title');
    await expect(heading).toHaveText('Chat with Trained model');
    expect(await heading.evaluate((h) => h.scrollWidth <= h.clientWidth)).toBe(true);
    await page.setViewportSize({ width: 1920, height: 1080 });
    await view.evaluate((node) => node.scrollTo(0, node.scrollHeight));
    await expectNoSeriousAccessibilityIssues(page, `train (${colorScheme})`, ['#view-train']);
  }
});

test('a preset started at once keeps the epoch it says: the story’s final epoch, before its corpus report is back', async ({ page }) => {
  const view = await openTrain(page);
  // Boris's corpus keeps its best held-out epoch; the story keeps its final one (the one that answers its questions).
  await expect(view.getByRole('radio', { name: 'the best held-out epoch' })).toBeChecked();
  await view.getByRole('button', { name: /^A story: the lighthouse/ }).click();
  await view.getByRole('button', { name: 'Start training' }).click();
  await expect(view.getByRole('button', { name: 'Stop training' })).toBeEnabled();
  await expect(view.getByRole('radio', { name: 'the final epoch' })).toBeChecked();
  await view.getByRole('button', { name: 'Stop training' }).click();
  await expect(view.getByTestId('training-message')).toContainText('keeps the final epoch’s weights', { timeout: 60_000 });
});
