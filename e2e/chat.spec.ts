import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { Conversation } from '../src-main/model/generation.ts';
import { parseModel } from '../src-main/model/modelFile.ts';
import { createRng } from '../src-main/model/rng.ts';

const boris = parseModel(readFileSync('resources/models/boris.slm.json', 'utf8'));

test("chat with Boris and inspect every step with the engine's exact numbers", async ({ page }) => {
  await page.goto('/');
  await expect(page.getByText(/Boris · \d+ words/)).toBeVisible();
  await page.getByLabel('Temperature').fill('0');
  await page.getByRole('textbox', { name: 'Message' }).fill('who are you?');
  await page.getByRole('button', { name: 'Send' }).click();
  const log = page.getByRole('log', { name: 'Conversation' });

  const expected = new Conversation(boris.weights, boris.vocabulary).say('who are you?', { temperature: 0, rng: createRng(1) });
  const steps = [...expected.fed, ...expected.written];
  const chips = log.getByRole('button');
  await expect(chips).toHaveCount(steps.length);

  for (let i = 0; i < steps.length; i++) {
    await chips.nth(i).click();
    await expect(page.getByText(`step ${i + 1} of ${steps.length}`)).toBeVisible();
    for (const [layer, values] of [['h1', steps[i].tokenEmbedding], ['h2', steps[i].context]] as const) {
      const cells = page.locator(`[data-layer="${layer}"]`);
      await expect(cells).toHaveCount(values.length);
      const shown = await cells.evaluateAll((nodes) => nodes.map((n) => Number((n as HTMLElement).dataset.value)));
      expect(shown).toEqual(Array.from(values));
    }
  }
  await page.screenshot({ path: 'test-results/screens/chat-light.png', fullPage: true });
});

test('the step slider and buttons move the clock', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('textbox', { name: 'Message' }).fill('what do you love?');
  await page.getByRole('button', { name: 'Send' }).click();
  const slider = page.getByRole('slider', { name: 'Step' });
  await expect(slider).toBeVisible();
  const last = Number(await slider.getAttribute('max'));
  await expect(page.getByText(`step ${last + 1} of ${last + 1}`)).toBeVisible();
  await page.getByRole('button', { name: 'Step back' }).click();
  await expect(page.getByText(`step ${last} of ${last + 1}`)).toBeVisible();
  await slider.fill('0');
  await expect(page.getByText(`step 1 of ${last + 1}`)).toBeVisible();
  await page.getByRole('button', { name: 'Step forward' }).click();
  await expect(page.getByText(`step 2 of ${last + 1}`)).toBeVisible();
});

test.describe('dark theme', () => {
  test.use({ colorScheme: 'dark' });
  test('renders the chat in the dark theme', async ({ page }) => {
    await page.goto('/');
    await page.getByRole('textbox', { name: 'Message' }).fill('hello boris?');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect(page.getByRole('slider', { name: 'Step' })).toBeVisible();
    await page.screenshot({ path: 'test-results/screens/chat-dark.png', fullPage: true });
  });
});
