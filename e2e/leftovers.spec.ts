import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './helpers/test.ts';
import { corpusRows, knockoutTexts } from '../src-main/model/units/knockout.ts';
import { boris, borisText } from '../tests/helpers/boris.ts';
import { openApp } from './helpers/chat.ts';
import { pickFromMenu } from './helpers/lesson.ts';

const LONG_NAME = 'Boris after a long afternoon of training on every frog story in the pond';

test('a model with a long name keeps the header to one row, names itself in full on hover, and its chips name it', async ({ page }, info) => {
  await openApp(page);
  const header = page.getByRole('banner');
  const oneRow = (await header.boundingBox())!.height;
  mkdirSync(info.outputDir, { recursive: true });
  const file = join(info.outputDir, 'long-name.slm.json');
  writeFileSync(file, JSON.stringify({ ...JSON.parse(borisText), name: LONG_NAME }));
  await pickFromMenu(page, 'Open model file…', file);
  const name = header.locator('.model .name');
  await expect(name).toHaveText(LONG_NAME);
  await expect(name).toHaveAttribute('title', LONG_NAME);
  // Cut short on screen (its text is still the whole name, for a screen reader).
  expect(await name.evaluate((element) => element.scrollWidth > element.clientWidth)).toBe(true);
  expect((await header.boundingBox())!.height).toBe(oneRow);

  await page.getByLabel('Temperature').fill('0');
  await page.getByRole('textbox', { name: 'Message' }).fill('who are you?');
  await page.getByRole('button', { name: 'Send' }).click();
  const conversation = page.getByRole('log', { name: 'Conversation' });
  await expect(conversation.getByRole('button', { name: new RegExp(`^${LONG_NAME}'s token 1:`) })).toBeVisible();
  await expect(conversation.getByRole('button', { name: /^Boris's token/ })).toHaveCount(0);
});

test('the knock-out table says how many held-out texts it measured, of how many', async ({ page }) => {
  const { heldOut } = corpusRows(boris.vocabulary, readFileSync(join(import.meta.dirname, '..', 'resources', 'corpus', 'boris.txt'), 'utf8'));
  const measured = knockoutTexts(boris.weights, heldOut).length;
  await openApp(page);
  await page.getByRole('tab', { name: 'Weights' }).click();
  const table = page.getByRole('region', { name: 'Knock-out table' });
  await expect(table.locator('tbody tr')).toHaveCount(2 * boris.weights.embeddingSize, { timeout: 20_000 });
  const said =
    measured < heldOut.length
      ? `on the first ${measured.toLocaleString('en')} of the ${heldOut.length.toLocaleString('en')} held-out texts`
      : new RegExp(`on the ${heldOut.length.toLocaleString('en')} held-out`);
  await expect(table.getByText('Each unit knocked out alone')).toContainText(said);
});
