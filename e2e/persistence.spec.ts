import type { Page } from '@playwright/test';
import { expect, test } from './helpers/test.ts';

/**
 * The browser build keeps saved models in IndexedDB (in the service's Web Worker): a model saved in
 * the training studio is still listed after a reload and opens; a full storage quota is one clear
 * message, and what was already saved is kept.
 */
async function trainAndSave(page: Page, name: string): Promise<ReturnType<Page['locator']>> {
  await page.getByRole('tab', { name: 'Train' }).click();
  const view = page.locator('#view-train');
  await expect(view.getByTestId('corpus-stats')).toContainText('lines with words');
  await view.getByRole('textbox', { name: 'Embedding size' }).fill('4');
  await view.getByRole('textbox', { name: 'Epochs' }).fill('2');
  await view.getByRole('textbox', { name: 'Learning rate' }).fill('0.01');
  await view.getByRole('textbox', { name: 'Seed' }).fill('3');
  await view.getByRole('button', { name: 'Start training' }).click();
  await expect(view.getByTestId('training-message')).toContainText('Training finished', { timeout: 30_000 });
  await view.getByRole('textbox', { name: 'Model name' }).fill(name);
  await view.getByRole('button', { name: 'Save as new model' }).click();
  return view;
}

async function openApp(page: Page): Promise<void> {
  await page.goto('/');
  await expect(page.getByText(/^Boris · \d+ words/)).toBeVisible({ timeout: 15_000 });
}

test('a saved model is still listed after a reload, and opens', async ({ page }) => {
  await openApp(page);
  const view = await trainAndSave(page, 'Pond keeper');
  await expect(view.getByText('Saved as “Pond keeper”')).toBeVisible();

  await page.reload();
  await expect(page.getByText(/^Boris · \d+ words/)).toBeVisible({ timeout: 15_000 });
  const header = page.getByRole('banner');
  const picker = header.getByRole('combobox', { name: 'Model' });
  await picker.focus();
  await expect(picker.locator('option', { hasText: 'Pond keeper' })).toHaveCount(1);
  await picker.selectOption({ label: 'Pond keeper' });
  await expect(page.getByRole('heading', { name: 'Chat with Pond keeper' })).toBeVisible();
  await expect(page.getByText(/^Pond keeper · \d+ words · 4 units per layer/)).toBeVisible();
});

test('a full storage quota is shown when saving, and the models saved before are kept', async ({ page }) => {
  await openApp(page);
  let view = await trainAndSave(page, 'First frog');
  await expect(view.getByText('Saved as “First frog”')).toBeVisible();

  // The browser refuses every write from now on, as it does when the quota is used up.
  const [worker] = page.workers();
  await worker.evaluate(() => {
    IDBObjectStore.prototype.put = function () {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
  });
  view = await trainAndSave(page, 'Second frog');
  const message = view.getByTestId('training-message');
  await expect(message).toContainText("The model could not be saved: the browser has no room left for this page's saved models (its storage quota is used up)");
  await expect(message).toHaveAttribute('role', 'alert');
  // The trained model is still open, unsaved, and can be saved as a file instead.
  await expect(page.getByText(/^Trained model · \d+ words/)).toBeVisible();

  await page.reload();
  await expect(page.getByText(/^Boris · \d+ words/)).toBeVisible({ timeout: 15_000 });
  const picker = page.getByRole('banner').getByRole('combobox', { name: 'Model' });
  await picker.focus();
  await expect(picker.locator('option', { hasText: 'First frog' })).toHaveCount(1);
  await expect(picker.locator('option', { hasText: 'Second frog' })).toHaveCount(0);
});
