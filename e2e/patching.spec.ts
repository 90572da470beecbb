import type { Page } from '@playwright/test';
import { expect, test } from './helpers/test.ts';
import { patchMemory } from '../src-main/model/dynamics/patching.ts';
import { formatNumber } from '../src-renderer/lib/numbers.ts';
import { boris } from '../tests/helpers/boris.ts';
import { slm } from '../tests/helpers/slm.ts';
import { expectNoSeriousAccessibilityIssues } from './helpers/axe.ts';
import { openApp } from './helpers/chat.ts';

/** Compare's Two histories with its example ("do you like frogs?" against a fresh start, then "why?"), patched. */
async function openPatching(page: Page) {
  await openApp(page);
  await page.getByRole('tab', { name: 'Compare' }).click();
  await page.getByRole('tab', { name: 'Two histories' }).click();
  const grid = page.getByRole('grid', { name: 'Which units carry the memory' });
  await expect(grid).toBeVisible({ timeout: 20_000 });
  return grid;
}

const FROGS: [string[], string[]] = [['do you like frogs?'], []];

test('the heatmap of which units carry the memory equals `slm patch --json`, cell by cell', async ({ page }) => {
  const grid = await openPatching(page);
  const { code, out } = await slm('patch', '--a', 'do you like frogs?', '--b', '', '--last', 'why?', '--json');
  expect(code).toBe(0);
  const record = JSON.parse(out) as { steps: { token: string; units: { unit: number; restored: number }[] }[] };
  const expected = record.steps.flatMap((step, s) => step.units.map((u) => ({ step: String(s), unit: String(u.unit), value: String(u.restored) })));
  expect(expected).toHaveLength(3 * boris.weights.embeddingSize);
  const cells = grid.locator('[data-step][data-unit]');
  await expect(cells).toHaveCount(expected.length);
  const shown = await cells.evaluateAll((nodes) => nodes.map((n) => ({ step: n.getAttribute('data-step'), unit: n.getAttribute('data-unit'), value: n.getAttribute('data-value') })));
  expect(shown).toEqual(expected);
});

test('the answer names the carrying units, a click on a cell or a chosen unit says the last line again with that patch, and a unit card is one click away', async ({ page }) => {
  const grid = await openPatching(page);
  const found = patchMemory(boris, FROGS, 'why?');
  expect(found.carriers!.units).toEqual([7, 22]);
  await expect(page.getByTestId('patching-answer')).toContainText('units 7 and 22 carry most of it: together they bring back 98.69%');
  // The carriers are patched at the line's start at first: the reply comes back to A's.
  const reply = page.getByTestId('patched-reply');
  await expect(reply).toHaveAttribute('data-reply', 'frogs are my best friend.');
  await expect(reply).toHaveAttribute('data-units', '7,22');

  // Hovering a cell says what patching it brings back.
  const cell = grid.locator('[data-step="0"][data-unit="12"]');
  await cell.hover();
  await expect(page.getByRole('tooltip')).toContainText(`patching unit 12 at “¶ line start” pushes “frogs”`);
  // Clicking it says the last line again with unit 12 alone patched there.
  await cell.click();
  const twelve = patchMemory(boris, FROGS, 'why?', undefined, { units: [12], step: 0 }).together!;
  await expect(reply).toHaveAttribute('data-units', '12');
  await expect(reply).toHaveAttribute('data-reply', twelve.reply);
  await grid.locator('[data-step="2"][data-unit="7"]').click();
  await expect(reply).toHaveAttribute('data-step', '2');
  await expect(reply).toHaveAttribute('data-reply', patchMemory(boris, FROGS, 'why?', undefined, { units: [7], step: 2 }).together!.reply);

  // Choosing units in the ranked list patches them together at the line's start.
  const ranked = page.getByRole('list', { name: /Units at/ });
  await ranked.getByRole('checkbox', { name: 'unit 7' }).check();
  await expect(reply).toHaveAttribute('data-units', '7');
  await ranked.getByRole('checkbox', { name: 'unit 22' }).check();
  await expect(reply).toHaveAttribute('data-units', '7,22');
  await expect(reply).toHaveAttribute('data-reply', 'frogs are my best friend.');
  await ranked.getByRole('checkbox', { name: 'unit 7' }).uncheck();
  await expect(reply).toHaveAttribute('data-units', '22');
  await expect(reply).toHaveAttribute('data-reply', patchMemory(boris, FROGS, 'why?', undefined, { units: [22], step: 0 }).together!.reply);

  await expect(page.getByTestId('together-steps')).toHaveCount(0);
  await ranked.getByRole('checkbox', { name: 'unit 21' }).check();
  const three = patchMemory(boris, FROGS, 'why?', undefined, { units: [21, 22], step: 0 }).together!;
  await expect(page.getByTestId('together-steps')).toContainText(`Units 21 and 22 patched together at each step: ¶ ${formatNumber(100 * three.steps[0].restored!)}%`);

  // The grid is one tab stop: the arrow keys walk its cells and Enter patches the cell reached.
  await grid.locator('[data-step="2"][data-unit="7"]').focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Enter');
  await expect(reply).toHaveAttribute('data-units', '8');
  await expect(reply).toHaveAttribute('data-step', '1');

  await ranked.getByRole('button', { name: 'Open the card of unit h2 7' }).click();
  await expect(page.getByRole('dialog', { name: 'Unit h2 7' })).toBeVisible();
});

for (const scheme of ['light', 'dark'] as const) {
  test(`which units carry the memory is accessible, with its "?" and Export image (${scheme})`, async ({ page }) => {
    // axe over a grid of 72 cells takes a while on a busy machine.
    test.setTimeout(120_000);
    await page.emulateMedia({ colorScheme: scheme });
    await openPatching(page);
    await expect(page.getByTestId('patched-reply')).toBeVisible();
    const panel = page.locator('section.patching');
    await panel.getByRole('button', { name: 'Export image of the which units carry the memory' }).click();
    const download = page.waitForEvent('download');
    await panel.getByRole('menuitem', { name: 'PNG (2x)' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^which-units-carry-the-memory-boris.*\.png$/);
    if (process.env.PATCH_SHOTS) await file.saveAs(`${process.env.PATCH_SHOTS}/export-${scheme}.png`);
    await panel.getByRole('button', { name: /^What/ }).first().click();
    await expect(page.getByText(/copy one unit of the context from history A/)).toBeVisible();
    await expect(page.getByText(/Patching unit 7 at “¶ line start” brings back/)).toBeVisible();
    await page.keyboard.press('Escape');
    await expectNoSeriousAccessibilityIssues(page, 'which units carry the memory', ['section.patching']);
    if (process.env.PATCH_SHOTS) await panel.screenshot({ path: `${process.env.PATCH_SHOTS}/patching-${scheme}.png` });
  });
}
