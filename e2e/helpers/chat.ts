import { type Page, expect } from '@playwright/test';

/** Opens the app and waits for Boris. */
export async function openApp(page: Page) {
  await page.goto('/');
  await expect(page.getByText(/Boris · \d+ words/)).toBeVisible({ timeout: 15_000 });
}

/** Says `prompt` at temperature 0 and waits until its reply has been written out and the clock stopped. */
export async function sayGreedily(page: Page, prompt: string) {
  const conversation = page.getByRole('log', { name: 'Conversation' });
  // The reply is a new turn: waiting for it, not for any turn, keeps the waits below from passing on the last reply's.
  const replies = conversation.locator('.turn.boris');
  const before = await replies.count();
  await page.getByLabel('Temperature').fill('0');
  await page.getByRole('textbox', { name: 'Message' }).fill(prompt);
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(replies).toHaveCount(before + 1);
  await expect(conversation.locator('.silent.writing')).toHaveCount(0, { timeout: 20_000 });
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();
}
