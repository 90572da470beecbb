import type { Locator, Page } from '@playwright/test';
import { expect, test } from './helpers/test.ts';
import { inspectCorpus } from '../src-main/model/training/corpusReport.ts';
import { tokenize, tokenizeCorpus } from '../src-main/model/network/tokenizer.ts';
import { Trainer } from '../src-main/model/training/training.ts';
import { buildVocabulary, encode } from '../src-main/model/network/vocabulary.ts';
import { CATS_CORPUS, EXAMPLE_PROMPTS, TRAIN_DEFAULTS } from '../src-renderer/lib/presets.ts';
import { openApp } from './helpers/chat.ts';

/**
 * What belongs to the learner stays theirs (the sampling fields), the next-token bars and the reply
 * tree speak of one temperature, and the Train view tells one story about the model that is open.
 */

const catLines = CATS_CORPUS.split('\n');


/** Loads the cats lesson in the Train view and trains it with the view's defaults (changing only `keep` when given). */
async function trainCats(page: Page, keep?: 'the best held-out epoch' | 'the final epoch'): Promise<Locator> {
  await page.getByRole('tab', { name: 'Train' }).click();
  const view = page.locator('#view-train');
  await view.getByRole('button', { name: /^Teach Boris about cats/ }).click();
  await expect(view.getByTestId('corpus-stats')).toContainText(`${catLines.length} lines with words`);
  if (keep) await view.getByRole('radio', { name: keep }).check();
  await view.getByRole('button', { name: 'Start training' }).click();
  await expect(view.getByTestId('training-message')).toContainText('Training finished', { timeout: 30_000 });
  await expect(page.getByText(/^Trained model · \d+ words/)).toBeVisible();
  return view;
}

async function samplingFields(page: Page) {
  return [await page.getByLabel('Temperature').inputValue(), await page.getByRole('spinbutton', { name: 'Top-k' }).inputValue(), await page.getByRole('spinbutton', { name: 'Seed' }).inputValue()];
}

async function sendAndWait(page: Page, prompt: string) {
  await page.getByRole('textbox', { name: 'Message' }).fill(prompt);
  await page.getByRole('button', { name: 'Send' }).click();
  const conversation = page.getByRole('log', { name: 'Conversation' });
  await expect(conversation.locator('.silent.writing')).toHaveCount(0, { timeout: 20_000 });
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();
}

test('temperature, top-k and seed stay as the learner set them when a model is trained, switched or an epoch used', async ({ page }) => {
  await openApp(page);
  await page.getByLabel('Temperature').fill('0');
  await page.getByRole('spinbutton', { name: 'Top-k' }).fill('3');
  await page.getByRole('spinbutton', { name: 'Seed' }).fill('7');
  await trainCats(page);
  expect(await samplingFields(page)).toEqual(['0', '3', '7']);

  // Switched back to Boris.
  await page.getByRole('banner').getByRole('combobox', { name: 'Model' }).selectOption({ label: 'Boris (bundled)' });
  await expect(page.getByRole('heading', { name: 'Chat with Boris' })).toBeVisible();
  expect(await samplingFields(page)).toEqual(['0', '3', '7']);

  // An epoch of Boris's history opened as a model of its own.
  await page.getByRole('slider', { name: 'Epoch' }).fill('40');
  await expect(page.getByTestId('epoch-bar')).toHaveAttribute('data-shown', '40', { timeout: 20_000 });
  await page.getByRole('button', { name: 'Use this epoch' }).click();
  await expect(page.getByText(/Boris, epoch 40 · \d+ words/)).toBeVisible();
  expect(await samplingFields(page)).toEqual(['0', '3', '7']);
});

test('the seed moves on by one each turn and says so, unless the same seed is asked for every turn', async ({ page }) => {
  await openApp(page);
  await page.getByRole('spinbutton', { name: 'Seed' }).fill('3');
  await expect(page.getByTestId('seed-note')).toHaveText('each turn uses the next seed: 3');
  await sendAndWait(page, 'hello');
  await expect(page.getByRole('spinbutton', { name: 'Seed' })).toHaveValue('4');
  await expect(page.getByTestId('seed-note')).toHaveText('each turn uses the next seed: 4');

  await page.getByRole('checkbox', { name: 'Same seed every turn' }).check();
  await expect(page.getByTestId('seed-note')).toHaveText('every turn uses seed 4');
  await sendAndWait(page, 'who are you?');
  await expect(page.getByRole('spinbutton', { name: 'Seed' })).toHaveValue('4');
});

test('the next-token bars and the reply tree show the same temperature, and say which', async ({ page }) => {
  await openApp(page);
  await page.getByLabel('Temperature').fill('0.5');
  await sendAndWait(page, 'who are you?');
  // The learner then sets the field to 0: the turn under the clock was still written at 0.5.
  await page.getByLabel('Temperature').fill('0');
  const conversation = page.getByRole('log', { name: 'Conversation' });
  await conversation.getByRole('button', { name: /^Boris's token 1/ }).click();
  await page.getByRole('button', { name: 'Explain' }).click();
  const tree = page.getByRole('tree', { name: 'Reply tree' });
  await expect(tree.locator('[role="treeitem"][aria-level="1"]').first()).toBeVisible({ timeout: 20_000 });

  // Every first branch of the tree has the probability its next-token bar shows.
  const bars = page.locator('#view-inside g.bar[data-probability]');
  await expect(bars.first()).toBeVisible();
  const barProbability = new Map<string, number>();
  for (const bar of await bars.all()) barProbability.set((await bar.getAttribute('data-token'))!, Number(await bar.getAttribute('data-probability')));
  let compared = 0;
  for (const item of await tree.locator('[role="treeitem"][aria-level="1"]').all()) {
    const token = (await item.getAttribute('data-token'))!;
    if (!barProbability.has(token)) continue;
    expect(Number(await item.getAttribute('data-probability'))).toBeCloseTo(barProbability.get(token)!, 12);
    compared++;
  }
  expect(compared).toBeGreaterThan(0);
  // The tree's caption says which temperature, and that the field now says another.
  await expect(page.getByTestId('tree-temperature')).toHaveAttribute('data-value', '0.5');
  await expect(page.getByTestId('tree-temperature')).toContainText("T 0.5, top-k all (this turn's, as the next-token bars)");
  await expect(page.getByTestId('tree-temperature')).toContainText('next message: T 0');

  // The Weights view's bars say the same temperature.
  await page.getByRole('tab', { name: 'Weights' }).click();
  await expect(page.getByTestId('bars-temperature')).toHaveAttribute('data-value', '0.5');
  await expect(page.getByTestId('bars-temperature')).toContainText('at T 0.5, the temperature this turn was written with');
});

test('a trained model’s chat uses its name and example prompts from its own corpus; Boris keeps his', async ({ page }) => {
  await openApp(page);
  const examples = page.getByRole('group', { name: 'Example messages' }).getByRole('button');
  await expect(examples).toHaveText([...EXAMPLE_PROMPTS]);
  await expect(page.getByRole('textbox', { name: 'Message' })).toHaveAttribute('placeholder', 'Ask Boris something…');

  await trainCats(page);
  await expect(page.getByRole('textbox', { name: 'Message' })).toHaveAttribute('placeholder', 'Ask Trained model something…');
  const prompts = await examples.allTextContents();
  expect(prompts.length).toBeGreaterThan(0);
  for (const prompt of prompts) expect(catLines.some((line) => line.startsWith(prompt.trim())), prompt).toBe(true);

  // Asked the first of them, the cats model answers with the rest of that line.
  await page.getByLabel('Temperature').fill('0');
  const line = catLines.find((l) => l.startsWith(prompts[0].trim()))!;
  await examples.first().click();
  const reply = page.getByRole('log', { name: 'Conversation' }).locator('.turn.boris').last().locator('.chip');
  await expect(reply).toHaveText(tokenize(line.slice(prompts[0].trim().length)), { timeout: 20_000 });

  await page.getByRole('banner').getByRole('combobox', { name: 'Model' }).selectOption({ label: 'Boris (bundled)' });
  await expect(examples).toHaveText([...EXAMPLE_PROMPTS]);
});

test('a lesson with a tiny held-out set keeps the final epoch by default, and says why', async ({ page }) => {
  await openApp(page);
  await page.getByRole('tab', { name: 'Train' }).click();
  const view = page.locator('#view-train');
  // Boris's corpus holds out hundreds of texts: the best held-out epoch.
  await expect(view.getByTestId('corpus-stats')).toContainText('lines with words');
  await expect(view.getByRole('radio', { name: 'the best held-out epoch' })).toBeChecked();
  await view.getByRole('button', { name: /^Teach Boris about cats/ }).click();
  // Two held-out texts: the final epoch, and the view says why.
  await expect(view.getByRole('radio', { name: 'the final epoch' })).toBeChecked();
  await expect(view.getByTestId('keep-why')).toContainText(`only ${inspectCorpus(CATS_CORPUS).heldOutLines} held-out texts`);
});

test('a model trained on cats is named after them, and after saving nothing says it is not saved', async ({ page }) => {
  await openApp(page);
  const view = await trainCats(page);
  // (soft, so that the saving below is checked on its own as well)
  await expect.soft(view.getByRole('textbox', { name: 'Model name' })).toHaveValue('Cats model');
  await expect(page.getByText('It is not saved yet.').first()).toBeVisible();
  await view.getByRole('button', { name: 'Save as new model' }).click();
  await expect(view.getByText(/Saved as “.+”/)).toBeVisible();
  // One status at a time: nothing on the page still says it is not saved.
  await expect(page.getByText('not saved yet')).toHaveCount(0);
});

test('the Train view shows the run of the model that is open: the cat run for the cats model, Boris’s history for Boris', async ({ page }) => {
  await openApp(page);
  const view = await trainCats(page);
  const accuracy = view.locator('path[data-series="test-accuracy"]');
  const catPoints = Number(await accuracy.getAttribute('data-points'));
  expect(catPoints).toBeGreaterThan(1);

  await page.getByRole('banner').getByRole('combobox', { name: 'Model' }).selectOption({ label: 'Boris (bundled)' });
  await expect(page.getByRole('heading', { name: 'Chat with Boris' })).toBeVisible();
  const borisEpochs = await page.getByRole('slider', { name: 'Epoch' }).getAttribute('aria-valuetext');
  const borisLast = Number(/of (\d+)/.exec(borisEpochs ?? '')?.[1]);
  expect(borisLast + 1).not.toBe(catPoints);
  await expect(accuracy).toHaveAttribute('data-points', String(borisLast + 1));
  await expect(view.getByTestId('model-history-note')).toContainText('how Boris was trained');
  // The cat run's sample lines and its scrubber are not shown under Boris's name.
  await expect(view.locator('li[data-epoch]')).toHaveCount(0);
  await expect(view.getByRole('slider', { name: 'Scrub the run' })).toHaveCount(0);
});

test('the held-out figures of a run say which epoch they belong to', async ({ page }) => {
  await openApp(page);
  const view = await trainCats(page, 'the best held-out epoch');
  const lines = tokenizeCorpus(CATS_CORPUS);
  const vocabulary = buildVocabulary(lines);
  const settings = { embedding: Number(TRAIN_DEFAULTS.embedding), epochs: Number(TRAIN_DEFAULTS.epochs), learningRate: Number(TRAIN_DEFAULTS.learningRate), seed: Number(TRAIN_DEFAULTS.seed) };
  const trainer = new Trainer(lines.map((line) => encode(vocabulary, line)), vocabulary, settings);
  while (!trainer.done) trainer.runLines(10_000);
  const best = trainer.bestEpoch;
  const last = trainer.history[trainer.history.length - 1];
  expect(best).not.toBe(last.epoch);
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  const message = view.getByTestId('training-message');
  await expect(message).toContainText(`at epoch ${last.epoch} (held-out accuracy ${pct(last.testAccuracy)}, the charts’ last points)`);
  await expect(message).toContainText(`epoch ${best} (${pct(trainer.history[best].testAccuracy)}), marked “kept” on the charts`);
  // The charts mark the kept epoch, and their legends give that epoch's figure and say so.
  await expect(view.locator('[data-testid="epoch-marker"]').first()).toHaveAttribute('data-epoch', String(best));
  await expect(view.locator('[data-testid="epoch-marker"]').first()).toContainText(`kept: epoch ${best}`);
  await expect(view.getByText(`next token right: ${Math.round(trainer.history[best].testAccuracy * 100)}%`)).toBeVisible();
  for (const legend of await view.getByTestId('legend-epoch').all()) await expect(legend).toHaveText(`at epoch ${best}`);
  // The header's figure is the same epoch's.
  await expect(page.getByTestId('epoch-bar')).toContainText(`held-out ${pct(trainer.history[best].testAccuracy)}`);
});
