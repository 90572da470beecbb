import type { Page } from '@playwright/test';
import { expect, test } from './helpers/test.ts';
import { Conversation } from '../src-main/model/network/generation.ts';
import type { Weights } from '../src-main/model/network/network.ts';
import { createRng } from '../src-main/model/network/rng.ts';
import { type WeightChange, engineProbabilities } from './helpers/engineInPage.ts';
import { hoverWeight, readBars } from './helpers/heatmap.ts';
import { boris, borisText } from '../tests/helpers/boris.ts';
import { expectNoSeriousAccessibilityIssues } from './helpers/axe.ts';

const E = boris.weights.embeddingSize;
const V = boris.vocabulary.tokens.length;
const PROMPT = 'who are you?';

/** The engine's steps for the prompt with these weights, greedy as in the test's chat. */
function engineSteps(weights: Weights) {
  const line = new Conversation(weights, boris.vocabulary).say(PROMPT, { temperature: 0, rng: createRng(1) });
  return [...line.fed, ...line.written];
}

/** The engine's top tokens at a step, as the bars order them. */
function topTokens(probs: ArrayLike<number>, count = 8): [string, number][] {
  return Array.from(probs, (p, row) => ({ p, row }))
    .sort((a, b) => b.p - a.p || a.row - b.row)
    .slice(0, count)
    .map(({ p, row }) => [boris.vocabulary.tokens[row], p]);
}

async function chatThenOpenWeights(page: Page) {
  await page.goto('/');
  await expect(page.getByText(/Boris · \d+ words/)).toBeVisible({ timeout: 15_000 });
  await page.getByLabel('Temperature').fill('0');
  await page.getByRole('textbox', { name: 'Message' }).fill(PROMPT);
  await page.getByRole('button', { name: 'Send' }).click();
  const steps = engineSteps(boris.weights);
  const chips = page.getByRole('log', { name: 'Conversation' }).getByRole('button');
  await expect(chips).toHaveCount(steps.length);
  await page.getByRole('tab', { name: 'Weights' }).click();
  return page.locator('#view-weights');
}

test("editing a weight, knocking out a unit and resetting move the bars to the engine's exact numbers", async ({ page }) => {
  const view = await chatThenOpenWeights(page);
  // The step where the model reads "?" and chooses its first word.
  const at = PROMPT.split(/(?=\?)| /).length;
  await page.getByRole('log', { name: 'Conversation' }).getByRole('button').nth(at).click();
  const bars = view.getByRole('list', { name: 'Most likely next tokens' });
  await expect(bars).toHaveAttribute('data-step', String(at));
  const before = engineSteps(boris.weights)[at];
  // Exact numbers come from the engine run in the page (the same Math.exp as the app's).
  const expectedAt = async (changes: WeightChange[]) => topTokens((await engineProbabilities(page, borisText, PROMPT, changes))[at]);
  const unedited = await expectedAt([]);
  expect(await readBars(view)).toEqual(unedited);
  // The knock-out table of the saved weights, once measured (every unit of h1 and h2).
  await expect(page.getByRole('region', { name: 'Knock-out table' }).locator('tbody tr')).toHaveCount(2 * E, { timeout: 20_000 });

  // Raise the second most likely token's score through the context unit that is most active here.
  const second = Array.from(before.probs).map((p, row) => ({ p, row })).sort((a, b) => b.p - a.p)[1].row;
  const unit = Array.from(before.h2).reduce((best, v, i, all) => (Math.abs(v) > Math.abs(all[best]) ? i : best), 0);
  const value = boris.weights.w2[second * E + unit] + 4 * Math.sign(before.h2[unit]);
  await view.getByRole('combobox', { name: 'Matrix' }).selectOption('w2');
  await view.getByRole('spinbutton', { name: 'Row' }).fill(String(second));
  await view.getByRole('spinbutton', { name: 'Row' }).press('Enter');
  await view.getByRole('spinbutton', { name: 'Column' }).fill(String(unit));
  await view.getByRole('spinbutton', { name: 'Column' }).press('Enter');
  await view.getByRole('textbox', { name: 'Value' }).fill(String(value));
  await view.getByRole('button', { name: 'Set weight', exact: true }).click();

  const changes: WeightChange[] = [{ matrix: 'w2', index: second * E + unit, value }];
  const expected = await expectedAt(changes);
  expect(expected).not.toEqual(unedited);
  await expect.poll(() => readBars(view)).toEqual(expected);
  await expect(page.getByText(/Boris \(edited\)/)).toBeVisible();
  expect(await hoverWeight(page, view, 'w2', second, unit)).toBe(value);
  // Edited weights are no epoch of the run: the Epoch bar quotes no epoch's number or accuracy for them.
  const bar = page.getByTestId('epoch-bar');
  await expect(bar.getByTestId('epoch-value')).toHaveText('–');
  await expect(bar).toContainText('its own weights, edited');
  await expect(bar).not.toContainText('held-out');

  // Knock out context unit 3: its W1 row becomes zeros.
  await view.getByRole('button', { name: 'Knock out h2 unit 3' }).click();
  // The knock-out table says it is measuring the new weights (about 49 passes over the held-out set),
  // dims the figures it still shows, then shows the new ones.
  const table = page.getByRole('region', { name: 'Knock-out table' });
  await expect(table.getByTestId('table-measuring')).toBeVisible();
  await expect(table.locator('.scroll')).toHaveAttribute('aria-busy', 'true');
  await expect(table.locator('.scroll')).toHaveCSS('opacity', '0.5');
  await expect(table.getByTestId('table-measuring')).toHaveCount(0, { timeout: 20_000 });
  await expect(table.locator('.scroll')).toHaveAttribute('aria-busy', 'false');
  await expect(view.getByRole('button', { name: 'Knock out h2 unit 3' })).toHaveAttribute('aria-pressed', 'true');
  for (let j = 0; j < 2 * E; j++) changes.push({ matrix: 'w1', index: 3 * 2 * E + j, value: 0 });
  const knocked = await expectedAt(changes);
  expect(knocked).not.toEqual(expected);
  await expect.poll(() => readBars(view)).toEqual(knocked);
  expect(await hoverWeight(page, view, 'w1', 3, 5)).toBe(0);

  // Reset brings Boris's saved weights back.
  await view.getByRole('button', { name: 'Reset weights' }).click();
  await expect.poll(() => readBars(view)).toEqual(unedited);
  await expect(view.getByRole('button', { name: 'Knock out h2 unit 3' })).toHaveAttribute('aria-pressed', 'false');
  expect(await hoverWeight(page, view, 'w1', 3, 5)).toBe(boris.weights.w1[3 * 2 * E + 5]);
  await expect(bar.getByTestId('epoch-value')).toHaveText(String(boris.training!.bestEpoch));
  await expect(bar).toContainText(`its own weights (epoch ${boris.training!.bestEpoch})`);
});

test('every heatmap cell reads out its exact weight', async ({ page }) => {
  const view = await chatThenOpenWeights(page);
  for (const [matrix, row, column, columns] of [
    ['w0', 0, 0, V],
    ['w0', E - 1, V - 1, V],
    ['w1', 7, 20, 2 * E],
    ['w2', V - 1, E - 1, E],
    ['w2', 10, 3, E],
  ] as const) {
    expect(await hoverWeight(page, view, matrix, row, column)).toBe(boris.weights[matrix][row * columns + column]);
  }
});

test('dragging a weight changes it and the conversation follows', async ({ page }) => {
  const view = await chatThenOpenWeights(page);
  const canvas = view.locator('canvas[data-matrix="w0"]');
  const start = await hoverWeight(page, view, 'w0', 2, 5);
  await page.mouse.down();
  const box = (await canvas.boundingBox())!;
  const { y } = { y: box.y + Number(await canvas.getAttribute('data-top')) + 2.5 * Number(await canvas.getAttribute('data-cell')) };
  await page.mouse.move(box.x + 40, y - 60, { steps: 6 });
  await page.mouse.up();
  await expect(page.getByText(/Boris \(edited\)/)).toBeVisible();
  await expect.poll(async () => Number(await view.getByRole('textbox', { name: 'Value' }).inputValue())).toBeGreaterThan(start);
});

test('the Weights view in the light and dark themes, at 1280x800 and 1920x1080, without serious accessibility problems', async ({ page }) => {
  // Both themes' checks in one test: the time of the two tests it replaces.
  test.setTimeout(120_000);
  const view = await chatThenOpenWeights(page);
  await view.getByRole('button', { name: 'Knock out h1 unit 4' }).click();
  await expect(page.getByText(/Boris \(edited\)/)).toBeVisible();
  // The top of the view, once the knock-out table has measured every unit (docs/weights.png).
  await expect(view.locator('section[aria-label="Knock-out table"] tbody tr')).toHaveCount(2 * E, { timeout: 30_000 });
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await page.setViewportSize({ width: 1280, height: 800 });
    await view.evaluate((node) => node.scrollTo(0, 0));
    await hoverWeight(page, view, 'w0', 4, 9);
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.locator('#view-weights').evaluate((node) => node.scrollTo(0, 0));
    await hoverWeight(page, view, 'w0', 6, 2);
    await expectNoSeriousAccessibilityIssues(page, `weights (${colorScheme})`, ['#view-weights']);
  }
});
