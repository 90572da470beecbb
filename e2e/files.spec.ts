import type { Page } from '@playwright/test';
import { expect, test } from './helpers/test.ts';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Conversation } from '../src-main/model/network/generation.ts';
import { parseModel } from '../src-main/model/formats/slmJson.ts';
import { importOriginal } from '../src-main/model/formats/original.ts';
import { createRng } from '../src-main/model/network/rng.ts';
import { boris } from '../tests/helpers/boris.ts';
import { fromMenu, pickFromMenu } from './helpers/lesson.ts';

const scratch = mkdtempSync(join(tmpdir(), 'slm-files-'));

async function downloads(page: Page, count: number, action: () => Promise<void>): Promise<Map<string, string>> {
  const saved = new Map<string, string>();
  const arriving = new Promise<void>((resolve) => {
    page.on('download', async (download) => {
      const path = join(scratch, download.suggestedFilename());
      await download.saveAs(path);
      saved.set(download.suggestedFilename(), path);
      if (saved.size === count) resolve();
    });
  });
  await action();
  await arriving;
  return saved;
}

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await expect(page.getByText(/Boris · \d+ words/)).toBeVisible({ timeout: 15_000 });
});

test("exports the original's files and the app's model file with Boris's exact weights, and opens them again", async ({ page }) => {
  const original = await downloads(page, 2, () => fromMenu(page, 'Export weights.npz + wordmap.json…'));
  const imported = importOriginal({ weights: new Uint8Array(readFileSync(original.get('weights.npz')!)), wordmap: readFileSync(original.get('wordmap.json')!, 'utf8') });
  expect(imported.vocabulary.tokens).toEqual(boris.vocabulary.tokens);
  for (const m of ['w0', 'w1', 'w2'] as const) expect(Array.from(imported.weights[m])).toEqual(Array.from(boris.weights[m]));

  const own = await downloads(page, 1, () => fromMenu(page, 'Save model file…'));
  const saved = parseModel(readFileSync(own.get('Boris.slm.json')!, 'utf8'));
  for (const m of ['w0', 'w1', 'w2'] as const) expect(Array.from(saved.weights[m])).toEqual(Array.from(boris.weights[m]));

  // Open the original's two files: the chat talks with them, with the engine's numbers.
  await pickFromMenu(page, 'Open model file…', [original.get('weights.npz')!, original.get('wordmap.json')!]);
  await expect(page.getByText('Opened Original model.')).toBeVisible();
  await expect(page.getByText(/Original model · 78 words/)).toBeVisible();
  await page.getByLabel('Temperature').fill('0');
  await page.getByRole('textbox', { name: 'Message' }).fill('who are you?');
  await page.getByRole('button', { name: 'Send' }).click();
  const line = new Conversation(imported.weights, imported.vocabulary).say('who are you?', { temperature: 0, rng: createRng(1) });
  const steps = [...line.fed, ...line.written];
  await expect(page.getByRole('log', { name: 'Conversation' }).getByRole('button')).toHaveCount(steps.length);
  const last = steps[steps.length - 1];
  await expect(page.getByRole('img', { name: 'Network view' }).locator('[data-layer="h2"][data-unit="5"]')).toHaveAttribute('data-value', String(last.h2[5]));
});

test('a file it cannot use gets a clear message and the open model stays', async ({ page }) => {
  const broken = join(scratch, 'broken.slm.json');
  writeFileSync(broken, '{"format": "slm-studio-model", "version": 1, "vocabulary": ["", "-"]');
  await pickFromMenu(page, 'Open model file…', broken);
  await expect(page.getByRole('alert')).toContainText('broken.slm.json');
  await expect(page.getByText(/Boris · 78 words/)).toBeVisible();

  const lonely = join(scratch, 'weights.npz');
  writeFileSync(lonely, 'PK');
  await pickFromMenu(page, 'Open model file…', lonely);
  await expect(page.getByRole('alert')).toContainText('weights.npz needs its wordmap.json');
  await expect(page.getByText(/Boris · 78 words/)).toBeVisible();
  await page.getByLabel('Model files').click();
});
