import AxeBuilder from '@axe-core/playwright';
import { type Page, expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';

/** What `slm neighbours` says, from the built command line. */
function cliNeighbours(word: string, k: number, metric: 'euclidean' | 'cosine' = 'euclidean'): { word: string; distance: number }[] {
  const out = execFileSync(process.execPath, ['dist/cli.js', 'neighbours', word, '-k', String(k), '--metric', metric, '--json'], { encoding: 'utf8' });
  return JSON.parse(out);
}

async function openEmbeddings(page: Page) {
  await page.goto('/');
  await expect(page.getByText(/Boris · \d+ words/)).toBeVisible();
  await page.getByRole('tab', { name: 'Embeddings' }).click();
  await expect(page.locator('#view-embeddings g.word').first()).toBeVisible();
}

async function shownNeighbours(page: Page) {
  return page
    .getByRole('list', { name: 'Neighbours' })
    .getByRole('listitem')
    .evaluateAll((items) => items.map((li) => ({ word: (li as HTMLElement).dataset.word!, distance: Number((li as HTMLElement).dataset.distance) })));
}

test('typing a word lists the same neighbours as `slm neighbours`', async ({ page }) => {
  await openEmbeddings(page);
  await page.getByRole('textbox', { name: 'Word' }).fill('frogs');
  const expected = cliNeighbours('frogs', 8);
  await expect(page.getByRole('list', { name: 'Neighbours' }).getByRole('listitem')).toHaveCount(8);
  await expect.poll(() => shownNeighbours(page)).toEqual(expected);
  // Rounded figures as the CLI prints them, too.
  await expect(page.getByRole('list', { name: 'Neighbours' }).getByRole('listitem').first()).toContainText(expected[0].distance.toFixed(4));

  await page.getByRole('radio', { name: 'Cosine' }).check();
  await page.getByRole('spinbutton', { name: 'How many' }).fill('5');
  await expect.poll(() => shownNeighbours(page)).toEqual(cliNeighbours('frogs', 5, 'cosine'));
});

test('hovering a word lists its neighbours; clicking one sends it to the chat', async ({ page }) => {
  await openEmbeddings(page);
  // A word whose dot no other word's covers, so the pointer lands on it alone.
  const clear = await page.locator('#view-embeddings g.word').evaluateAll((groups) =>
    groups
      .filter((g) => {
        const box = g.querySelector('circle')!.getBoundingClientRect();
        return document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2)?.closest('g.word') === g;
      })
      .map((g) => (g as SVGGElement).dataset.word!)
      .filter((word) => /^[a-z]+$/.test(word)),
  );
  expect(clear.length).toBeGreaterThan(1);
  const word = clear.includes('boris') ? 'boris' : clear[0];
  await page.locator(`#view-embeddings g.word[data-word="${word}"] circle.hit`).hover();
  await expect(page.getByRole('heading', { name: `Nearest to “${word}”` })).toBeVisible();
  await expect.poll(() => shownNeighbours(page)).toEqual(cliNeighbours(word, 8));

  const sent = clear.includes('frogs') ? 'frogs' : clear[1];
  await page.locator(`#view-embeddings g.word[data-word="${sent}"] circle.hit`).click();
  await expect(page.getByRole('log', { name: 'Conversation' }).getByRole('button', { name: `Your token 2: ${sent}` })).toBeVisible();
  await expect(page.getByText(`Sent “${sent}” to the chat.`)).toBeVisible();
});

test('an unknown word gets a clear message', async ({ page }) => {
  await openEmbeddings(page);
  await page.getByRole('textbox', { name: 'Word' }).fill('zebra');
  await expect(page.getByRole('alert')).toContainText('"zebra" is not in the model\'s vocabulary');
  await expect(page.getByRole('list', { name: 'Neighbours' }).getByRole('listitem')).toHaveCount(0);
});

/** Every word's place on screen, by word. */
async function places(page: Page): Promise<Record<string, [number, number]>> {
  return page.locator('#view-embeddings g.word').evaluateAll((groups) =>
    Object.fromEntries(
      groups.map((g) => {
        const c = g.querySelector('circle')!;
        return [(g as SVGGElement).dataset.word, [Number(c.getAttribute('cx')), Number(c.getAttribute('cy'))]];
      }),
    ),
  );
}

test('UMAP gives the same map every time; zoom spreads the words', async ({ page }) => {
  await openEmbeddings(page);
  const pca = await places(page);
  await page.getByRole('radio', { name: 'UMAP' }).check();
  await expect.poll(async () => JSON.stringify(await places(page))).not.toBe(JSON.stringify(pca));
  const umap = await places(page);
  await page.reload();
  await page.getByRole('tab', { name: 'Embeddings' }).click();
  await page.getByRole('radio', { name: 'UMAP' }).check();
  await expect.poll(async () => JSON.stringify(await places(page))).toBe(JSON.stringify(umap));

  const span = (p: Record<string, [number, number]>) => Math.hypot(p.frogs[0] - p.boris[0], p.frogs[1] - p.boris[1]);
  await page.getByRole('button', { name: 'Zoom in' }).click();
  await expect.poll(async () => span(await places(page)) / span(umap)).toBeCloseTo(1.5, 3);
  await page.getByRole('button', { name: 'Reset view' }).click();
  await expect.poll(async () => span(await places(page)) / span(umap)).toBeCloseTo(1, 3);
});

for (const scheme of ['light', 'dark'] as const) {
  test.describe(`${scheme} theme`, () => {
    test.use({ colorScheme: scheme });
    test(`screenshots, layout and accessibility (${scheme})`, async ({ page }) => {
      await openEmbeddings(page);
      await page.getByRole('textbox', { name: 'Word' }).fill('frogs');
      await expect(page.getByRole('list', { name: 'Neighbours' }).getByRole('listitem')).toHaveCount(8);
      for (const size of [
        { width: 1280, height: 800 },
        { width: 1920, height: 1080 },
      ]) {
        await page.setViewportSize(size);
        const [map, side] = await Promise.all(['#view-embeddings .map', '#view-embeddings .side'].map((s) => page.locator(s).boundingBox()));
        expect(map!.x + map!.width).toBeLessThanOrEqual(side!.x);
        expect(side!.y + side!.height).toBeLessThanOrEqual(size.height);
        expect(map!.y + map!.height).toBeLessThanOrEqual(size.height);
        const fits = await page.locator('#view-embeddings').evaluate((el) => el.scrollWidth <= el.clientWidth && el.scrollHeight <= el.clientHeight);
        expect(fits).toBe(true);
        await page.screenshot({ path: `test-results/screens/embeddings-${scheme}${size.width === 1920 ? '-1920' : ''}.png` });
      }
      const { violations } = await new AxeBuilder({ page }).include('#view-embeddings').analyze();
      const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    });
  });
}
