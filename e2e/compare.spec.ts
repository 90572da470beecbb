import AxeBuilder from '@axe-core/playwright';
import { type Page, expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { contextPath, distance, sentenceDistance } from '../src-main/model/geometry.ts';
import { parseModel } from '../src-main/model/modelFile.ts';

const boris = parseModel(readFileSync('resources/models/boris.slm.json', 'utf8'));
const engineDistance = (a: string, b: string, metric: 'euclidean' | 'cosine' = 'euclidean') => sentenceDistance(boris.weights, boris.vocabulary, a, b, metric);

async function openCompare(page: Page) {
  await page.goto('/');
  await expect(page.getByText(/Boris · \d+ words/)).toBeVisible();
  await page.getByRole('tab', { name: 'Compare' }).click();
  // The view compares its example pair on its own once the model is open.
  await expect(page.getByTestId('distance')).toBeVisible();
}

async function compare(page: Page, a: string, b: string) {
  await page.getByRole('textbox', { name: 'Sentence A' }).fill(a);
  await page.getByRole('textbox', { name: 'Sentence B' }).fill(b);
  await page.getByRole('button', { name: 'Compare', exact: true }).click();
}

test("shows the engine's distance for a pair, in both metrics, with where the paths part", async ({ page }) => {
  await openCompare(page);
  const a = 'i am good';
  const b = 'frogs are very nice';
  await compare(page, a, b);
  const shown = page.getByTestId('distance');
  await expect(shown).toHaveAttribute('data-value', String(engineDistance(a, b)));
  await expect(shown).toHaveText(engineDistance(a, b).toFixed(4));

  // Where the two paths are furthest apart, by the engine's own contexts.
  const pa = contextPath(boris.weights, boris.vocabulary, a).contexts;
  const pb = contextPath(boris.weights, boris.vocabulary, b).contexts;
  const perStep = pa.slice(0, Math.min(pa.length, pb.length)).map((c, i) => distance(c, pb[i]));
  const widest = perStep.indexOf(Math.max(...perStep));
  const steps = page.getByRole('list', { name: 'Distance between A and B at each step' }).getByRole('listitem');
  await expect(steps).toHaveCount(perStep.length);
  expect(await steps.evaluateAll((items) => items.map((li) => Number((li as HTMLElement).dataset.value)))).toEqual(perStep);
  await expect(page.locator('li.widest')).toHaveAttribute('data-step', String(widest));
  await expect(page.getByText(`A and B diverge most at step ${widest}`)).toBeVisible();

  // The per-unit difference of the final contexts.
  const bars = page.locator('[data-difference]');
  await expect(bars).toHaveCount(boris.weights.embedding);
  const difference = await bars.evaluateAll((nodes) => nodes.map((n) => Number(n.getAttribute('data-difference'))));
  expect(difference).toEqual(Array.from(pa.at(-1)!, (x, unit) => x - pb.at(-1)![unit]));

  await page.getByRole('radio', { name: 'Cosine' }).check();
  await expect(shown).toHaveAttribute('data-value', String(engineDistance(a, b, 'cosine')));
});

test('compares a list of sentences in a pairwise matrix, and any pair closely', async ({ page }) => {
  await openCompare(page);
  const sentences = ['i am good', 'i am happy', 'frogs are very nice', 'who are you?'];
  await page.getByRole('button', { name: 'Add sentence' }).click();
  await page.getByRole('button', { name: 'Add sentence' }).click();
  for (const [i, sentence] of sentences.entries()) await page.getByRole('textbox', { name: `Sentence ${'ABCD'[i]}` }).fill(sentence);
  await page.getByRole('button', { name: 'Compare', exact: true }).click();
  const cells = page.locator('table[aria-label="Pairwise distances"] td[data-value]');
  await expect(cells).toHaveCount(16);
  await expect(cells.first()).toHaveAttribute('data-value', '0');
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 4; j++) {
      await expect(page.locator(`td[data-row="${i}"][data-column="${j}"]`)).toHaveAttribute('data-value', String(engineDistance(sentences[i], sentences[j])));
    }
  }
  await page.getByRole('button', { name: /^B and D:/ }).click();
  await expect(page.getByText(/^Distance B–D/)).toBeVisible();
  await expect(page.getByTestId('distance')).toHaveAttribute('data-value', String(engineDistance(sentences[1], sentences[3])));
  await page.getByRole('button', { name: 'Remove sentence C' }).click();
  await expect(page.getByRole('textbox', { name: 'Sentence C' })).toHaveValue('who are you?');
});

test('bad input gives a clear message and nothing breaks', async ({ page }) => {
  await openCompare(page);
  await compare(page, 'i am good', '   ');
  await expect(page.getByRole('alert')).toHaveText('Sentence B is empty: type a few words to compare.');
  await compare(page, '$$$', 'i am good');
  await expect(page.getByRole('alert')).toHaveText('Sentence A has no words to compare');
  await compare(page, 'i love zebras', 'i love frogs');
  await expect(page.getByText('Not in Boris\'s vocabulary: “zebras”.')).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(page.getByTestId('distance')).toHaveAttribute('data-value', String(engineDistance('i love zebras', 'i love frogs')));
});

/** No two of the view's panels overlap, and nothing is wider than the view. */
async function expectTidyLayout(page: Page) {
  const view = page.locator('#view-compare');
  const fits = await view.evaluate((el) => el.scrollWidth <= el.clientWidth);
  expect(fits).toBe(true);
  const boxes = await page.locator('#view-compare .panel, #view-compare .summary, #view-compare form').evaluateAll((nodes) =>
    nodes.map((n) => n.getBoundingClientRect().toJSON() as DOMRect),
  );
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const [p, q] = [boxes[i], boxes[j]];
      const apart = p.right <= q.left || q.right <= p.left || p.bottom <= q.top || q.bottom <= p.top;
      expect(apart, `parts ${i} and ${j} overlap`).toBe(true);
    }
  }
}

async function showList(page: Page) {
  await page.getByRole('button', { name: 'Add sentence' }).click();
  await page.getByRole('textbox', { name: 'Sentence C' }).fill('frogs are very nice');
  await page.getByRole('button', { name: 'Compare', exact: true }).click();
  await expect(page.locator('table[aria-label="Pairwise distances"]')).toBeVisible();
}

for (const scheme of ['light', 'dark'] as const) {
  test.describe(`${scheme} theme`, () => {
    test.use({ colorScheme: scheme });
    test(`screenshots, layout and accessibility (${scheme})`, async ({ page }) => {
      await openCompare(page);
      await showList(page);
      await expectTidyLayout(page);
      await page.screenshot({ path: `test-results/screens/compare-${scheme}.png` });
      const { violations } = await new AxeBuilder({ page }).include('#view-compare').analyze();
      const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
      await page.setViewportSize({ width: 1920, height: 1080 });
      await expectTidyLayout(page);
      await page.screenshot({ path: `test-results/screens/compare-${scheme}-1920.png` });
    });
  });
}
