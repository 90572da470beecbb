import type { Page } from '@playwright/test';
import { expect, test } from './helpers/test.ts';
import { execFileSync } from 'node:child_process';
import { embeddingMap } from '../src-main/model/geometry/embeddingMap.ts';
import { boris } from '../tests/helpers/boris.ts';
import { expectNoSeriousAccessibilityIssues } from './helpers/axe.ts';
import { openApp } from './helpers/chat.ts';

/** What `slm neighbours` says, from the built command line. */
function cliNeighbours(word: string, k: number, metric: 'euclidean' | 'cosine' = 'euclidean'): { word: string; distance: number }[] {
  const out = execFileSync(process.execPath, ['dist/cli.js', 'neighbours', word, '-k', String(k), '--metric', metric, '--json'], { encoding: 'utf8' });
  return JSON.parse(out);
}

async function openEmbeddings(page: Page) {
  await openApp(page);
  await page.getByRole('tab', { name: 'Embeddings' }).click();
  await expect(page.locator('#view-embeddings g.word').first()).toBeVisible();
}

async function shownNeighbours(page: Page) {
  return page
    .getByRole('list', { name: 'Neighbours' })
    .getByRole('listitem')
    .evaluateAll((items) => items.map((li) => ({ word: (li as HTMLElement).dataset.word!, distance: Number((li as HTMLElement).dataset.distance) })));
}

test('a view is built when it is first shown, and keeps what the learner did in it', async ({ page }) => {
  await openApp(page);
  for (const view of ['compare', 'embeddings', 'weights', 'train']) await expect(page.locator(`#view-${view} > *`)).toHaveCount(0);
  await page.getByRole('tab', { name: 'Embeddings' }).click();
  await page.getByRole('textbox', { name: 'Word' }).fill('frogs');
  await expect(page.getByRole('list', { name: 'Neighbours' }).getByRole('listitem').first()).toBeVisible();
  await page.getByRole('tab', { name: 'Inside' }).click();
  await expect(page.locator('#view-embeddings')).toBeHidden();
  await page.getByRole('tab', { name: 'Embeddings' }).click();
  await expect(page.getByRole('textbox', { name: 'Word' })).toHaveValue('frogs');
  await expect(page.getByRole('list', { name: 'Neighbours' }).getByRole('listitem').first()).toBeVisible();
});

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

/** Every word's place as the service gave it (data-x, data-y), by word, once `method`'s map is drawn. */
async function mapOf(page: Page, method: 'pca' | 'umap'): Promise<Record<string, [number, number]>> {
  await expect(page.locator(`#view-embeddings .map-area[data-method="${method}"][aria-busy="false"]`)).toBeVisible();
  return page.locator('#view-embeddings g.word').evaluateAll((groups) =>
    Object.fromEntries(groups.map((g) => [(g as SVGGElement).dataset.word, [Number(g.getAttribute('data-x')), Number(g.getAttribute('data-y'))]])),
  );
}

function engineMap(method: 'pca'): Record<string, [number, number]> {
  const map = embeddingMap(boris.weights, boris.vocabulary, method);
  return Object.fromEntries(map.words.map((word, i) => [word, map.points[i]]));
}

/**
 * Node's and Chromium's V8 may round a last bit differently in the same arithmetic (the PCA's Jacobi
 * sweeps), so PCA places are compared to 1e-9, far below a pixel. UMAP's optimisation amplifies such
 * bits, so its map is compared browser to browser: the same after a reload, bit for bit.
 */
function expectSamePlaces(shown: Record<string, [number, number]>, expected: Record<string, [number, number]>) {
  expect(Object.keys(shown)).toEqual(Object.keys(expected));
  for (const [word, [x, y]] of Object.entries(expected)) {
    expect(shown[word][0], word).toBeCloseTo(x, 9);
    expect(shown[word][1], word).toBeCloseTo(y, 9);
  }
}

test("places every word where the engine's PCA puts it; the seeded UMAP map is the same after a reload", async ({ page }) => {
  await openEmbeddings(page);
  expectSamePlaces(await mapOf(page, 'pca'), engineMap('pca'));
  await page.getByRole('radio', { name: 'UMAP' }).check();
  const umap = await mapOf(page, 'umap');
  expect(Object.keys(umap)).toEqual(Object.keys(engineMap('pca')));
  expect(umap).not.toEqual(engineMap('pca'));
  await page.reload();
  await page.getByRole('tab', { name: 'Embeddings' }).click();
  await page.getByRole('radio', { name: 'UMAP' }).check();
  expect(await mapOf(page, 'umap')).toEqual(umap);
});

test('zoom and pan move the words on screen', async ({ page }) => {
  await openEmbeddings(page);
  await mapOf(page, 'pca');
  const before = await places(page);
  const span = (p: Record<string, [number, number]>) => Math.hypot(p.frogs[0] - p.boris[0], p.frogs[1] - p.boris[1]);
  await page.getByRole('button', { name: 'Zoom in' }).click();
  await expect.poll(async () => span(await places(page)) / span(before)).toBeCloseTo(1.5, 3);
  await page.getByRole('button', { name: 'Reset view' }).click();
  await expect.poll(async () => span(await places(page)) / span(before)).toBeCloseTo(1, 3);
  // Dragging the empty map pans every word by the same amount.
  const box = (await page.locator('#view-embeddings svg[aria-label^="Map of every word"]').boundingBox())!;
  await page.mouse.move(box.x + 12, box.y + box.height - 12);
  await page.mouse.down();
  await page.mouse.move(box.x + 72, box.y + box.height - 42, { steps: 5 });
  await page.mouse.up();
  const after = await places(page);
  expect(after.frogs[0] - before.frogs[0]).toBeCloseTo(60, 3);
  expect(after.boris[1] - before.boris[1]).toBeCloseTo(-30, 3);
});

test('the Embeddings view fits 1280x800 and 1920x1080 and has no serious accessibility finding, in the light and dark themes', async ({ page }) => {
  // Both themes' checks in one test: the time of the two tests it replaces.
  test.setTimeout(120_000);
  await openEmbeddings(page);
  await page.getByRole('textbox', { name: 'Word' }).fill('frogs');
  await expect(page.getByRole('list', { name: 'Neighbours' }).getByRole('listitem')).toHaveCount(8);
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
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
    }
    await expectNoSeriousAccessibilityIssues(page, `embeddings (${colorScheme})`, ['#view-embeddings']);
  }
});
