import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { largeBenchCorpus, writeLargeModel } from '../../scripts/bench-large.ts';
import { pickFromMenu } from '../helpers/lesson.ts';

/**
 * `npm run shots`: every view at 1280x800 with the benchmark's large model open (V = 4,096, E = 32,
 * the size real text reaches), as PNGs in test-results/shots/ (SHOTS_DIR changes it). It uses
 * dist/bench-large.slm.json when `node dist/bench.js --large` wrote one, or trains it (one epoch).
 * Pictures for people to look at: nothing compares them, so they are not part of `npm test`.
 */
const folder = process.env.SHOTS_DIR ?? 'test-results/shots';

test.use({ viewport: { width: 1280, height: 800 } });

test('every view with a 4,096-word model open, at 1280x800', async ({ page }) => {
  test.setTimeout(300_000);
  const file = join('dist', 'bench-large.slm.json');
  if (!existsSync(file)) {
    mkdirSync('dist', { recursive: true });
    writeLargeModel(largeBenchCorpus(), file);
  }
  const shot = (name: string) => page.screenshot({ path: `${folder}/large-${name}-1280x800.png` });
  await page.goto('/');
  await expect(page.getByText(/Boris · \d+ words/)).toBeVisible({ timeout: 15_000 });
  await pickFromMenu(page, 'Open model file…', file);
  await expect(page.getByText(/^Opened Large/)).toBeVisible({ timeout: 60_000 });

  const message = page.getByRole('textbox', { name: 'Message' });
  await message.fill('the');
  await expect(page.getByRole('button', { name: 'Send' })).toBeEnabled();
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible({ timeout: 60_000 });
  await shot('inside');

  await page.getByRole('button', { name: 'Explain', exact: true }).click();
  await expect(page.getByRole('list', { name: 'Which words mattered' })).toBeVisible({ timeout: 60_000 });
  await shot('explain');
  await page.getByRole('button', { name: 'Explain', exact: true }).click();

  await page.getByRole('button', { name: /Dynamics and memory/ }).click();
  await page.getByTestId('fixed-point-key').scrollIntoViewIfNeeded();
  await shot('dynamics');

  await page.getByRole('tab', { name: 'Compare' }).click();
  await page.getByRole('button', { name: 'Compare', exact: true }).click();
  await expect(page.getByTestId('distance')).not.toBeEmpty();
  await shot('compare');

  await page.getByRole('tab', { name: 'Embeddings' }).click();
  await expect(page.locator('#view-embeddings svg circle').first()).toBeVisible({ timeout: 60_000 });
  await shot('embeddings');

  await page.getByRole('tab', { name: 'Weights' }).click();
  await expect(page.locator('#view-weights canvas').first()).toBeVisible();
  await shot('weights');
  await page.getByText(/^W2 · next-token scores/).scrollIntoViewIfNeeded();
  await shot('weights-w2');

  await page.getByRole('tab', { name: 'Train' }).click();
  await expect(page.getByRole('button', { name: 'Start training' })).toBeVisible();
  await shot('train');
});
