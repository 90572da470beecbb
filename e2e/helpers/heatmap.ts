import { type Locator, type Page, expect } from '@playwright/test';

/**
 * Moves the mouse over one cell (as the model stores it) of a heatmap and returns the readout's exact
 * value. The heatmap is measured again and pointed at again until the readout names that cell: after
 * an edit the view may still be settling (a panel above it filled in, a scroll bar come or gone), and
 * a pointer placed by the old layout lands on another cell.
 */
export async function hoverWeight(page: Page, scope: Locator, matrix: 'w0' | 'w1' | 'w2', row: number, column: number): Promise<number> {
  const canvas = scope.locator(`canvas[data-matrix="${matrix}"]`);
  const readout = scope.locator(`output[data-matrix="${matrix}"][data-row="${row}"][data-column="${column}"]`);
  let value = NaN;
  await expect(async () => {
    await canvas.scrollIntoViewIfNeeded();
    const [left, top, cell, turned] = await canvas.evaluate((node) => {
      const d = (node as HTMLElement).dataset;
      return [Number(d.left), Number(d.top), Number(d.cell), d.turned === 'true'] as const;
    });
    const box = await canvas.boundingBox();
    if (!box) throw new Error(`the ${matrix} heatmap is not visible`);
    const [r, c] = turned ? [column, row] : [row, column];
    await page.mouse.move(box.x + left + (c + 0.5) * cell, box.y + top + (r + 0.5) * cell);
    await expect(readout).toHaveCount(1, { timeout: 1000 });
    // Read while the pointer is still on the cell: a panel that fills in a moment later moves it away.
    value = Number(await readout.getAttribute('data-value', { timeout: 1000 }));
  }).toPass({ timeout: 20_000 });
  return value;
}

/** The next-token bars of a view: [token, exact probability] from the top. */
export async function readBars(scope: Locator): Promise<[string, number][]> {
  return scope
    .getByRole('list', { name: 'Most likely next tokens' })
    .locator('li')
    .evaluateAll((items) => items.map((li) => [(li as HTMLElement).dataset.token ?? '', Number((li as HTMLElement).dataset.prob)] as [string, number]));
}
