import type { Locator, Page } from '@playwright/test';
import { expect, test } from './helpers/test.ts';
import { openApp, sayGreedily } from './helpers/chat.ts';


/**
 * What a learner must always be able to find and read on the Inside, Embeddings and Weights views:
 * no panel goes away when Explain is on, no button or "?" covers a heading, no caption is cut, the
 * dynamics say plainly what is remembered and what is lost, and the epoch animation is one run from
 * epoch 0 that never blanks the context path.
 */

type Box = { x: number; y: number; width: number; height: number };
const overlap = (a: Box, b: Box) => Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x) > 0.5 && Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y) > 0.5;

async function boxOf(locator: Locator): Promise<Box> {
  const b = await locator.boundingBox();
  expect(b, `${locator} has a box`).not.toBeNull();
  return b!;
}

const SIZES = [
  [1280, 800],
  [1440, 900],
] as const;

test('with Explain on, the context path, its export, the timeline, the network and How far back all stay on screen (1280x800 and 1440x900)', async ({ page }) => {
  // Both window sizes in one page: the time of the two tests it replaces.
  test.setTimeout(120_000);
  await openApp(page);
  await sayGreedily(page, 'do you like frogs?');
  const inside = page.locator('#view-inside');
  for (const [width, height] of SIZES) {
    await page.setViewportSize({ width, height });
    await inside.getByRole('button', { name: 'Explain' }).click();
    await expect(inside.getByRole('tree', { name: 'Reply tree' })).toBeVisible();
    const panels: [string, Locator][] = [
      ['network', inside.getByRole('img', { name: 'Network view' })],
      ['timeline', inside.locator('figure.timeline')],
      ['context path', inside.getByRole('img', { name: 'Context path' })],
      ['context path export', inside.locator('figure.path').getByRole('button', { name: /^Export image/ })],
      ['how far back', inside.getByRole('combobox', { name: 'Measure' })],
    ];
    const boxes: [string, Box][] = [];
    for (const [name, panel] of panels) {
      await panel.scrollIntoViewIfNeeded();
      await expect(panel, name).toBeVisible();
      await expect(panel, `${name} is on screen`).toBeInViewport();
      const box = await boxOf(panel);
      // Whole across: nothing hangs off the window's sides.
      expect(box.x, `${name} starts inside the window (${width}x${height})`).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width, `${name} ends inside the window (${width}x${height})`).toBeLessThanOrEqual(width);
      expect(box.height, `${name} has a readable height (${width}x${height})`).toBeGreaterThan(name.includes('export') || name === 'how far back' ? 10 : 120);
      boxes.push([name, box]);
    }
    // The drawings do not sit on one another.
    const drawings = boxes.filter(([name]) => ['network', 'timeline', 'context path'].includes(name));
    for (const [a, boxA] of drawings) for (const [b, boxB] of drawings) if (a < b) expect(overlap(boxA, boxB), `${a} and ${b} overlap (${width}x${height})`).toBe(false);
    // Turning Explain off again keeps the context path where it was, drawn.
    await inside.getByRole('button', { name: 'Explain' }).click();
    await expect(inside.getByRole('img', { name: 'Context path' }).locator('circle.point').first()).toBeVisible();
  }
});

/** The boxes of the network's headings, of its "?" marks and of its buttons. */
async function networkMarks(page: Page) {
  const inside = page.locator('#view-inside');
  const headings = await inside.locator('figure.network svg.wiring g.headings text').evaluateAll((nodes) =>
    nodes.map((n) => {
      const r = n.getBoundingClientRect();
      return { text: n.textContent ?? '', box: { x: r.left, y: r.top, width: r.width, height: r.height } };
    }),
  );
  const covers: { name: string; box: Box }[] = [];
  for (const ask of await inside.locator('figure.network .ask-at button').all()) covers.push({ name: `“?” ${await ask.getAttribute('aria-label')}`, box: await boxOf(ask) });
  for (const button of await inside.locator('.network > .explain-toggle button, .network .explain-toggle button').all())
    covers.push({ name: `button ${await button.textContent()}`, box: await boxOf(button) });
  return { headings, covers };
}

const WIDTHS = [1024, 1280, 1440];

test(`the network's Export image and Explain buttons and its "?" marks cover none of its headings (${WIDTHS.join(', ')} wide)`, async ({ page }) => {
  // Three window widths in one page: the time of the three tests it replaces.
  test.setTimeout(120_000);
  await openApp(page);
  await sayGreedily(page, 'do you like frogs?');
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 800 });
    for (const explaining of [false, true]) {
      if (explaining) {
        await page.locator('#view-inside').getByRole('button', { name: 'Explain' }).click();
        await expect(page.getByRole('tree', { name: 'Reply tree' })).toBeVisible();
      }
      // The network follows the window in the next frames: measured until it has.
      await expect(async () => {
        const { headings, covers } = await networkMarks(page);
        expect(headings.map((h) => h.text)).toContain('next token');
        expect(covers.length).toBeGreaterThanOrEqual(7);
        for (const heading of headings)
          for (const cover of covers)
            expect(overlap(heading.box, cover.box), `${cover.name} covers “${heading.text}” (Explain ${explaining ? 'on' : 'off'}, ${width} wide)`).toBe(false);
      }).toPass({ timeout: 10_000 });
    }
    await page.locator('#view-inside').getByRole('button', { name: 'Explain' }).click();
    await expect(page.getByRole('tree', { name: 'Reply tree' })).toHaveCount(0);
  }
});

test(`the Weights view's caption under W1 is whole (${WIDTHS.join(', ')} wide)`, async ({ page }) => {
  await openApp(page);
  await page.getByRole('tab', { name: 'Weights' }).click();
  const caption = page.locator('#view-weights .w1 output.readout');
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 800 });
    await expect(caption).toContainText("click a row's number for its unit's card.");
    await expect(async () => {
      const cut = await caption.evaluate((node) => node.scrollWidth > node.clientWidth + 1 || node.scrollHeight > node.clientHeight + 1);
      expect(cut, `the caption is cut at ${width} wide`).toBe(false);
      const panel = await boxOf(page.locator('#view-weights .panel.w1'));
      const text = await boxOf(caption);
      expect(text.x + text.width, `the caption leaves its panel at ${width} wide`).toBeLessThanOrEqual(panel.x + panel.width);
    }).toPass({ timeout: 10_000 });
  }
});

test('opening the help on why a context saturates or fades raises no page error', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await openApp(page);
  await sayGreedily(page, 'do you like frogs?');
  const section = page.getByRole('region', { name: 'Dynamics and memory' });
  await expect(section.getByTestId('spectral-radius')).toBeVisible();
  const ask = section.getByRole('button', { name: 'What is this? Why a context saturates or fades' });
  for (let i = 0; i < 2; i++) {
    await ask.click();
    const card = page.getByRole('dialog', { name: 'Why a context saturates or fades' });
    await expect(card).toBeVisible();
    await expect(card).toContainText('ρ =');
    // The card fits in the window: the bar is at its foot, so the card opens above the "?".
    await expect(card).toBeInViewport({ ratio: 1 });
    await ask.click();
    await expect(card).toBeHidden();
  }
  expect(errors).toEqual([]);
});

test('the Dynamics and memory bar says what opening it shows, and keeps what is remembered apart from what is lost', async ({ page }) => {
  await openApp(page);
  await sayGreedily(page, 'do you like frogs?');
  const section = page.getByRole('region', { name: 'Dynamics and memory' });
  await expect(section.getByTestId('dynamics-opens')).toContainText(/eigenvalues.*fixed point.*two .*histories/);
  const reading = section.getByTestId('dynamics-reading');
  await expect(reading).toBeVisible();
  const radius = Number(await section.getByTestId('spectral-radius').getAttribute('data-value'));
  const units = await page.locator('#view-inside figure.network [data-layer="h2"][data-unit]').evaluateAll((nodes) => nodes.map((n) => Number((n as SVGElement).dataset.value)));
  const saturated = units.filter((v) => Math.abs(v) > 0.95).length;
  const keeps = section.getByTestId('dynamics-keeps');
  const lost = section.getByTestId('dynamics-saturated');
  // One part says how a difference is stretched or shrunk, and through how many units; the other how many units pass on almost nothing.
  if (radius >= 1) {
    await expect(keeps).toContainText(/^Remembers: a small difference in what came before grows ×/);
    if (saturated > 0 && saturated < units.length) await expect(keeps).toContainText(`through the ${units.length - saturated} unit`);
    await expect(lost).toContainText(/^Forgets:/);
  } else {
    await expect(keeps).toContainText(/^Forgets: a small difference in what came before shrinks to ×/);
  }
  await expect(lost).toHaveAttribute('data-value', String(saturated));
  if (saturated > 0) await expect(lost).toContainText(`${saturated} of ${units.length} units are saturated`);
  await expect(keeps).not.toContainText('saturated');
  await expect(lost).not.toContainText('×');

  // Opened: every kind of mark on the two plots has its label.
  await section.getByRole('button', { name: /Dynamics and memory/ }).click();
  await expect(section.getByTestId('dynamics-opens')).toContainText('Below');
  const key = section.getByTestId('eigen-key');
  for (const words of ['λ at this step: fades', '|λ| > 1 at this step: grows', 'λ at the word’s fixed point', 'solid: ρ, the largest |λ|', 'dashed: |λ| = 1']) await expect(key).toContainText(words);
  await expect(section.getByTestId('rho-circle-label')).toHaveText(/^ρ = \d/);
  const fixedKey = section.getByTestId('fixed-point-key');
  for (const words of ['this conversation’s contexts', 'the step under the clock', 'from zeros', 'its fixed point c*']) await expect(fixedKey).toContainText(words);
});

const epochSlider = (page: Page) => page.getByRole('slider', { name: 'Epoch' });

test('Animate epochs plays the run from epoch 0, from the model’s own epoch and from the end, and a held play goes on', async ({ page }) => {
  test.setTimeout(90_000);
  await openApp(page);
  const animate = page.getByRole('button', { name: 'Animate epochs' });
  const own = Number(await epochSlider(page).inputValue());
  expect(own).toBeGreaterThan(10);
  await animate.click();
  await expect(animate).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(async () => Number(await epochSlider(page).inputValue()), { timeout: 10_000 }).toBeLessThan(5);
  await expect.poll(async () => Number(await epochSlider(page).inputValue()), { timeout: 20_000 }).toBeGreaterThan(8);
  // Held, it goes on from where it was held.
  await animate.click();
  await expect(animate).toHaveAttribute('aria-pressed', 'false');
  const held = Number(await epochSlider(page).inputValue());
  await animate.click();
  await expect.poll(async () => Number(await epochSlider(page).inputValue()), { timeout: 10_000 }).toBeGreaterThan(held);
  await animate.click();
  // From the end it starts again at 0.
  const last = Number(await epochSlider(page).getAttribute('max'));
  await epochSlider(page).fill(String(last));
  await expect(page.getByTestId('epoch-bar')).toHaveAttribute('data-shown', String(last), { timeout: 20_000 });
  await animate.click();
  await expect.poll(async () => Number(await epochSlider(page).inputValue()), { timeout: 10_000 }).toBeLessThan(5);
  await animate.click();
});

test('while the epochs play, the context path stays drawn and the epoch label names the weights drawn', async ({ page }) => {
  test.setTimeout(90_000);
  await openApp(page);
  await sayGreedily(page, 'do you like frogs?');
  await expect(page.getByRole('img', { name: 'Context path' }).locator('circle.point').first()).toBeVisible();
  await page.getByRole('button', { name: 'Animate epochs' }).click();
  // Watch every frame until the run has passed epoch 25: the path never empties, and the label is the epoch whose weights are drawn.
  const seen = await page.evaluate(
    () =>
      new Promise<{ frames: number; blank: number; lagging: string[] }>((resolve) => {
        let frames = 0;
        let blank = 0;
        const lagging: string[] = [];
        const began = performance.now();
        const look = () => {
          frames++;
          const points = document.querySelectorAll('svg[aria-label="Context path"] circle.point').length;
          if (points === 0) blank++;
          const bar = document.querySelector<HTMLElement>('[data-testid="epoch-bar"]')!;
          const label = bar.querySelector('[data-testid="epoch-value"]')!.textContent;
          const shown = bar.dataset.shown ?? '';
          if (shown !== '' && label !== shown) lagging.push(`${label} while ${shown} is drawn`);
          if ((shown !== '' && Number(shown) >= 25) || performance.now() - began > 30_000) resolve({ frames, blank, lagging });
          else requestAnimationFrame(look);
        };
        requestAnimationFrame(look);
      }),
  );
  await page.getByRole('button', { name: 'Animate epochs' }).click();
  expect(seen.frames).toBeGreaterThan(20);
  expect(seen.blank).toBe(0);
  expect(seen.lagging).toEqual([]);
});

test('the word looked at on the map and its nearest words are always labelled, and no two labels pile up', async ({ page }) => {
  await openApp(page);
  await page.getByRole('tab', { name: 'Embeddings' }).click();
  const view = page.locator('#view-embeddings');
  await expect(view.locator('g.word').first()).toBeVisible();
  for (const word of ['frogs', 'hi', 'love']) {
    await view.getByRole('textbox', { name: 'Word' }).fill(word);
    const neighbours = view.getByRole('list', { name: 'Neighbours' });
    await expect(neighbours.getByRole('listitem').first()).toBeVisible();
    const nearest = await neighbours.getByRole('listitem').evaluateAll((items) => items.map((i) => (i as HTMLElement).dataset.word ?? ''));
    const looked = [word, ...nearest.filter((w) => w !== '')];
    expect(looked.length).toBeGreaterThan(3);
    for (const w of looked) await expect(view.locator(`g.word[data-word="${w}"] text`), `“${w}” is labelled`).toHaveCount(1);
    // No label covers another.
    const boxes = await view.locator('g.word text').evaluateAll((nodes) => nodes.map((n) => n.getBoundingClientRect()).map((r) => ({ x: r.left, y: r.top, width: r.width, height: r.height })));
    const shrink = (b: Box): Box => ({ x: b.x + 1, y: b.y + 2, width: b.width - 2, height: b.height - 4 });
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) expect(overlap(shrink(boxes[i]), shrink(boxes[j]))).toBe(false);
  }
});
