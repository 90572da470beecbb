import type { Page } from '@playwright/test';
import { expect, test } from './helpers/test.ts';
import { tokenize, tokenizeCorpus } from '../src-main/model/network/tokenizer.ts';
import { buildCappedVocabulary, capCounts, describeCap } from '../src-main/model/network/vocabulary.ts';
import { CATS_CORPUS } from '../src-renderer/lib/presets.ts';
import { openApp } from './helpers/chat.ts';

/**
 * Your own text: a corpus with more words than the vocabulary cap trains, and the Train view says
 * what was kept and dropped; and a model trained here speaks of its own corpus in every view.
 */

/** 40 lines over 60 distinct words, some much more frequent than others. */
const OVER_CAP = Array.from({ length: 40 }, (_, i) => `the pond ${i % 3 === 0 ? 'frog' : 'newt'} sees word${i % 30} and word${(i * 7) % 30} today.`).join('\n');
const CAP = 10;

test('a corpus over the vocabulary cap trains in the Train view, which shows what it kept and dropped', async ({ page }) => {
  const capped = buildCappedVocabulary(tokenizeCorpus(OVER_CAP), CAP);
  const counts = capCounts(capped);
  expect(counts.dropped).toBeGreaterThan(20);

  await openApp(page);
  await page.getByRole('tab', { name: 'Train' }).click();
  const view = page.locator('#view-train');
  await expect(view.getByTestId('corpus-stats')).toContainText('lines with words');
  await view.getByRole('textbox', { name: 'Corpus' }).fill(OVER_CAP);
  await view.getByRole('textbox', { name: 'Vocabulary cap' }).fill(String(CAP));
  const cap = view.getByTestId('vocabulary-cap');
  await expect(cap).toHaveText(`Vocabulary cap ${CAP}: ${describeCap(counts)}.`);
  await expect(cap).toHaveAttribute('data-kept', String(CAP));
  await expect(cap).toHaveAttribute('data-dropped', String(counts.dropped));
  await expect(cap).toHaveAttribute('data-value', String(counts.share));
  await expect(view.getByTestId('corpus-stats')).toContainText(`${CAP + 2} in the vocabulary`);

  // The dropped words, most frequent first.
  await view.getByText(`Words read as “-” (${counts.dropped})`).click();
  const dropped = view.getByRole('list', { name: 'Words read as unknown' }).getByRole('listitem');
  await expect(dropped).toHaveCount(counts.dropped);
  await expect(dropped.first()).toHaveText(`${capped.dropped[0].token}${capped.dropped[0].count}`);

  // A bad cap is said, and keeps the run from starting.
  await view.getByRole('textbox', { name: 'Vocabulary cap' }).fill('5000');
  await expect(view.getByText('The vocabulary cap must be a whole number from 1 to 4,094')).toBeVisible();
  await view.getByRole('textbox', { name: 'Vocabulary cap' }).fill(String(CAP));

  await view.getByRole('textbox', { name: 'Embedding size' }).fill('4');
  await view.getByRole('textbox', { name: 'Epochs' }).fill('3');
  await view.getByRole('button', { name: 'Start training' }).click();
  await expect(view.getByTestId('training-message')).toContainText('Training finished', { timeout: 30_000 });
  await expect(page.getByText(`Trained model · ${CAP + 2} words`)).toBeVisible();
  // The model's training record keeps the cap, and the view says it.
  await expect(view.getByTestId('model-vocabulary-cap')).toHaveText(`Trained model was trained under a vocabulary cap of ${CAP} words: it ${describeCap(counts)}.`);
});

/** Trains the cats lesson with the Train view's defaults. */
async function trainCats(page: Page) {
  await page.getByRole('tab', { name: 'Train' }).click();
  const view = page.locator('#view-train');
  await view.getByRole('button', { name: /^Teach Boris about cats/ }).click();
  await expect(view.getByTestId('corpus-stats')).toContainText('20 lines with words');
  await view.getByRole('button', { name: 'Start training' }).click();
  await expect(view.getByTestId('training-message')).toContainText('Training finished', { timeout: 60_000 });
  await expect(page.getByText(/^Trained model · \d+ words/)).toBeVisible();
  return view;
}

const catLines = CATS_CORPUS.split('\n');
const fromCats = (text: string) => catLines.some((line) => line.startsWith(text.trim()));

test('every example of a model trained here comes from its own corpus, in the chat, the tour, Embeddings and Compare, also once saved and opened again', async ({ page }) => {
  await openApp(page);
  const view = await trainCats(page);
  const examples = page.getByRole('group', { name: 'Example messages' }).getByRole('button');

  async function speaksOfCats(name: string) {
    await expect(page.getByRole('textbox', { name: 'Message' })).toHaveAttribute('placeholder', `Ask ${name} something…`);
    await expect(examples.first()).toBeVisible();
    const prompts = await examples.allTextContents();
    expect(prompts.length).toBeGreaterThan(1);
    for (const prompt of prompts) expect(fromCats(prompt), prompt).toBe(true);
    return prompts.map((p) => p.trim());
  }
  const prompts = await speaksOfCats('Trained model');

  // Compare: its example pairs and its first sentences are the model's own lines.
  await page.getByRole('tab', { name: 'Compare' }).click();
  await expect(page.getByRole('textbox', { name: 'Sentence A' })).toHaveValue(prompts[0]);
  await expect(page.getByRole('textbox', { name: 'Sentence B' })).toHaveValue(prompts[1]);
  await expect(page.getByTestId('distance')).toContainText(/\d/);
  await page.getByRole('group', { name: 'Example pairs' }).getByRole('button', { name: 'Same line, two histories' }).click();
  expect(fromCats((await page.getByRole('textbox', { name: 'Sentence A' }).inputValue()).split('?')[0])).toBe(true);

  // Embeddings: the search suggests the model's own words.
  await page.getByRole('tab', { name: 'Embeddings' }).click();
  const suggestions = await page.getByTestId('word-suggestions').getByRole('button').allTextContents();
  expect(suggestions.length).toBeGreaterThan(0);
  const catWords = new Set(tokenizeCorpus(CATS_CORPUS).flat());
  for (const word of suggestions) expect(catWords.has(word), word).toBe(true);
  expect(suggestions[0]).toBe('cats');
  await expect(page.getByRole('textbox', { name: 'Word' })).toHaveAttribute('placeholder', 'e.g. cats');

  // The tour asks the model the first question of its corpus.
  await page.getByRole('tab', { name: 'Inside' }).click();
  await page.getByRole('button', { name: 'New here? Take the tour' }).click();
  await expect(page.getByRole('dialog', { name: 'Tour' })).toContainText('1 of');
  const asked = page.getByRole('log', { name: 'Conversation' }).locator('.turn.you').first().locator('.chip');
  // The words asked, after the line start's mark.
  await expect.poll(async () => (await asked.allTextContents()).map((t) => t.trim()).filter((t) => t !== '¶')).toEqual(tokenize(prompts[0]));
  await page.getByRole('dialog', { name: 'Tour' }).getByRole('button', { name: 'Skip tour' }).click();

  // Saved, Boris opened, then the saved model opened again: it still speaks of its corpus.
  await page.getByRole('tab', { name: 'Train' }).click();
  await view.getByRole('textbox', { name: 'Model name' }).fill('Whiskers');
  await view.getByRole('button', { name: 'Save as new model' }).click();
  await expect(view.getByText('Saved as “Whiskers”')).toBeVisible();
  const picker = page.getByRole('banner').getByRole('combobox', { name: 'Model' });
  await picker.selectOption({ label: 'Boris (bundled)' });
  await expect(page.getByRole('textbox', { name: 'Message' })).toHaveAttribute('placeholder', 'Ask Boris something…');
  await picker.selectOption({ label: 'Whiskers' });
  expect(await speaksOfCats('Whiskers')).toEqual(prompts);
});
