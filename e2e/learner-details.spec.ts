import type { Locator, Page } from '@playwright/test';
import { expect, test } from './helpers/test.ts';
import { hsl } from 'd3-color';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openApp as open, sayGreedily as say } from './helpers/chat.ts';
import { pickFromMenu } from './helpers/lesson.ts';

/**
 * The rough edges a first-time learner met. Each test failed on the code before
 * its fix.
 */


const SMALL_CORPUS = 'who are you? i am boris.\nwhat do you love? i love frogs.\nhello. hello friend.\nfrogs are nice. yes they are.\n';

async function trainSmall(page: Page, epochs = '3') {
  await page.getByRole('tab', { name: 'Train' }).click();
  const view = page.locator('#view-train');
  await view.getByRole('textbox', { name: 'Corpus' }).fill(SMALL_CORPUS);
  await view.getByRole('textbox', { name: 'Embedding size' }).fill('4');
  await view.getByRole('textbox', { name: 'Epochs' }).fill(epochs);
  await view.getByRole('button', { name: 'Start training' }).click();
  return view;
}

type Box = { x: number; y: number; width: number; height: number };
const overlap = (a: Box, b: Box) => Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x) > 0.5 && Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y) > 0.5;

async function box(locator: Locator): Promise<Box> {
  const b = await locator.boundingBox();
  expect(b).not.toBeNull();
  return b!;
}

/** The box of `locator` once it is the same over two animation frames. */
async function stillBox(page: Page, locator: Locator): Promise<Box> {
  let last = await box(locator);
  await expect
    .poll(async () => {
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
      const now = await box(locator);
      const still = now.x === last.x && now.y === last.y && now.width === last.width && now.height === last.height;
      last = now;
      return still;
    })
    .toBe(true);
  return last;
}

/** The union of the boxes of every element a locator matches. */
async function union(locator: Locator): Promise<Box> {
  const boxes = await locator.evaluateAll((nodes) => nodes.map((n) => n.getBoundingClientRect()).map((r) => [r.left, r.top, r.right, r.bottom]));
  const left = Math.min(...boxes.map((b) => b[0]));
  const top = Math.min(...boxes.map((b) => b[1]));
  return { x: left, y: top, width: Math.max(...boxes.map((b) => b[2])) - left, height: Math.max(...boxes.map((b) => b[3])) - top };
}

test('hovering the network before any message says no value, not "undefined" or "0.000 at this step"', async ({ page }) => {
  await open(page);
  const network = page.getByRole('img', { name: 'Network view' });
  await network.locator('[data-layer="h1"][data-unit="5"]').hover();
  const tip = page.getByRole('tooltip');
  await expect(tip).toContainText('h1 unit 5');
  await expect(tip).toContainText('no step yet');
  await expect(tip).not.toContainText('undefined');
  // A point a third of the way along one W1 edge, in screen coordinates.
  const point = await page.locator('figure.network svg.wiring [data-tip="w1"]').nth(1).evaluate((path) => {
    const p = path as SVGPathElement;
    const at = p.getPointAtLength(p.getTotalLength() / 3);
    const m = p.getScreenCTM()!;
    return { x: at.x * m.a + at.y * m.c + m.e, y: at.x * m.b + at.y * m.d + m.f };
  });
  await page.mouse.move(point.x, point.y);
  await expect(tip).toContainText('W1[');
  await expect(tip).not.toContainText('at this step');
});

test('the sampling fields are checked as the learner types, in plain words, and the protocol never speaks', async ({ page }) => {
  await open(page);
  const message = page.getByRole('textbox', { name: 'Message' });
  await message.fill('hello');
  const send = page.getByRole('button', { name: 'Send' });
  const temperature = page.getByLabel('Temperature');
  const max = Number(await temperature.getAttribute('max'));
  for (const [field, bad, words] of [
    ['Temperature', '-1', /Temperature .*from 0 to/],
    ['Temperature', String(max + 2), /Temperature .*from 0 to/],
    ['Top-k', '2.5', /Top-k .*whole number/],
    ['Seed', '-1', /Seed .*whole number/],
  ] as const) {
    const input = page.getByLabel(field, { exact: true });
    await input.fill(bad);
    await expect(input).toHaveAttribute('aria-invalid', 'true');
    await expect(page.locator('section.chat')).toContainText(words);
    await expect(send).toBeDisabled();
    await message.press('Enter');
    await expect(page.locator('body')).not.toContainText('cannot read this request');
    await expect(page.getByRole('log', { name: 'Conversation' }).getByRole('button')).toHaveCount(0);
    await input.fill(field === 'Temperature' ? '0.5' : '1');
    await expect(input).not.toHaveAttribute('aria-invalid', 'true');
  }
  await expect(send).toBeEnabled();
});

test('choosing a model in the header opens it at once; the header and the chat agree', async ({ page }) => {
  await open(page);
  // Another model, Mia, opened from a file.
  const mia = join(mkdtempSync(join(tmpdir(), 'slm-learner-')), 'mia.slm.json');
  writeFileSync(mia, JSON.stringify({ ...JSON.parse(readFileSync('resources/models/boris.slm.json', 'utf8')), name: 'Mia' }));
  await pickFromMenu(page, 'Open model file…', mia);
  await expect(page.getByText(/^Mia · 78 words/)).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Chat with Mia' })).toBeVisible();
  const picker = page.getByRole('banner').getByRole('combobox', { name: 'Model' });
  await expect(picker.locator('option:checked')).toHaveText('Mia (not saved)');
  await picker.selectOption({ label: 'Boris (bundled)' });
  await expect(page.getByText(/^Boris · 78 words/)).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Chat with Boris' })).toBeVisible();
  await expect(picker.locator('option:checked')).toHaveText('Boris (bundled)');
});

test('a finished run keeps the conversation, and says so', async ({ page }) => {
  await open(page);
  await say(page, 'who are you?');
  const view = await trainSmall(page);
  await expect(view.getByTestId('training-message')).toContainText('Training finished', { timeout: 30_000 });
  await expect(page.getByText(/^Trained model · \d+ words/)).toBeVisible();
  // The conversation is still there, said again by the trained model, and the app says so.
  const log = page.getByRole('log', { name: 'Conversation' });
  await expect(log.getByRole('button', { name: /^Your token/ })).toHaveCount(5);
  await expect(page.getByRole('status').filter({ hasText: 'said again' })).toBeVisible();
});

test('a notice does not cover the transport', async ({ page }) => {
  await open(page);
  await pickFromMenu(page, 'Open model file…', 'resources/models/boris.slm.json');
  const notice = page.getByText('Opened Boris.');
  await expect(notice).toBeVisible();
  const transport = await box(page.getByRole('group', { name: 'Transport' }));
  expect(overlap(await box(notice), transport)).toBe(false);
});

test('the Files menu closes on Escape and on a click outside it', async ({ page }) => {
  await open(page);
  const item = page.getByRole('button', { name: 'Open model file…' });
  await page.getByLabel('Model files').click();
  await expect(item).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(item).toBeHidden();
  await page.getByLabel('Model files').click();
  await expect(item).toBeVisible();
  await page.getByRole('log', { name: 'Conversation' }).click();
  await expect(item).toBeHidden();
});

test('the empty loss chart does not repeat one label down its y axis', async ({ page }) => {
  await open(page);
  await page.getByRole('tab', { name: 'Train' }).click();
  const labels = await page.locator('#view-train figure.chart').first().locator('svg g.axis text[text-anchor="end"]').allTextContents();
  expect(labels.length).toBeGreaterThan(1);
  expect(new Set(labels).size).toBe(labels.length);
});

test('the empty-corpus message goes once the corpus is fixed', async ({ page }) => {
  await open(page);
  await page.getByRole('tab', { name: 'Train' }).click();
  const view = page.locator('#view-train');
  const corpus = view.getByRole('textbox', { name: 'Corpus' });
  await corpus.fill('  \n');
  await view.getByRole('button', { name: 'Start training' }).click();
  await expect(view.getByTestId('training-message')).toContainText('The corpus has no lines with words in them');
  await corpus.fill(SMALL_CORPUS);
  await expect(view.getByTestId('corpus-stats')).toContainText('4 lines with words');
  await expect(view.getByText('The corpus has no lines with words in them')).toHaveCount(0);
});

test.describe('layout at 1024x700', () => {
  test.use({ viewport: { width: 1024, height: 700 } });
  test('the legend, the loop and its label, the header and the subtitles all have room', async ({ page }) => {
    await open(page);
    await say(page, 'who are you?');
    const network = page.locator('figure.network');
    const legend = await box(page.locator('div.network > .legend'));
    expect(overlap(legend, await union(network.locator('[data-layer="h2"]')))).toBe(false);
    expect(overlap(legend, await union(network.locator('[data-tip="bar"]')))).toBe(false);
    // No point of the dashed loop lies inside its own label.
    const crossings = await page.evaluate(() => {
      const path = document.querySelector('figure.network path.loop') as SVGPathElement;
      const label = (document.querySelector('figure.network text.loop-label') as SVGTextElement).getBBox();
      const inside: number[] = [];
      const length = path.getTotalLength();
      for (let s = 0; s <= length; s += 2) {
        const p = path.getPointAtLength(s);
        if (p.x > label.x + 1 && p.x < label.x + label.width - 1 && p.y > label.y + 1 && p.y < label.y + label.height - 1) inside.push(s);
      }
      return inside.length;
    });
    expect(crossings).toBe(0);
    for (const selector of ['header.top .model', 'figure.timeline figcaption .hint', 'figure.path figcaption .hint']) {
      const cut = await page.locator(selector).evaluate((n) => n.scrollWidth > n.clientWidth + 1);
      expect(cut, `${selector} is cut off`).toBe(false);
    }
  });
});

test('the first-run intro keeps "c · context carried in" in sight', async ({ page }) => {
  await open(page);
  const hint = await box(page.locator('.network > p.hint'));
  for (const heading of await page.locator('figure.network .headings text').all()) {
    expect(overlap(hint, await box(heading)), (await heading.textContent()) ?? undefined).toBe(false);
  }
  expect(overlap(hint, await union(page.locator('figure.network [data-layer]')))).toBe(false);
});

test('sixteen sentences get sixteen colours and a whole matrix', async ({ page }) => {
  await open(page);
  await page.getByRole('tab', { name: 'Compare' }).click();
  await expect(page.getByTestId('distance')).toBeVisible();
  const words = ['frogs', 'i am boris', 'hello', 'who are you', 'what do you love', 'i love frogs', 'yes', 'no', 'good', 'i am happy', 'tell me a story', 'water', 'ponds', 'friend', 'how are you', 'green'];
  const filled = await page.getByRole('textbox', { name: /^Sentence [A-Z]$/ }).count();
  for (let i = filled; i < 16; i++) await page.getByRole('button', { name: 'Add sentence' }).click();
  for (let i = 0; i < 16; i++) await page.getByRole('textbox', { name: `Sentence ${String.fromCharCode(65 + i)}`, exact: true }).fill(words[i]);
  await page.getByRole('button', { name: 'Compare', exact: true }).click();
  const matrix = page.getByRole('table', { name: 'Pairwise distances' });
  await expect(matrix.locator('td[data-row="15"][data-column="15"]')).toBeVisible();
  const colours = await matrix.locator('thead .swatch').evaluateAll((nodes) => nodes.map((n) => getComputedStyle(n).backgroundColor));
  expect(colours).toHaveLength(16);
  expect(new Set(colours).size).toBe(16);
  const scroll = matrix.locator('xpath=..');
  expect(await scroll.evaluate((n) => n.scrollWidth <= n.clientWidth + 1)).toBe(true);
  const last = await box(matrix.locator('thead th').last());
  const panel = await box(page.locator('section.panel', { has: matrix }));
  expect(last.x + last.width).toBeLessThanOrEqual(panel.x + panel.width);
});

test.describe('dark mode', () => {
  test.use({ colorScheme: 'dark' });
  test("the empty network's placeholders are not glaring white", async ({ page }) => {
    await open(page);
    const fills = await page.locator('figure.network rect[data-layer]').evaluateAll((nodes) => nodes.map((n) => getComputedStyle(n).fill));
    expect(fills.length).toBeGreaterThan(0);
    for (const fill of fills) expect(hsl(fill).l).toBeLessThan(0.5);
  });
});

test("the context path's label stays inside the plot at every step", async ({ page }) => {
  await open(page);
  await say(page, 'who are you?');
  const chips = page.getByRole('log', { name: 'Conversation' }).getByRole('button');
  const count = await chips.count();
  const svg = page.getByRole('img', { name: 'Context path' });
  for (let i = 0; i < count; i++) {
    await chips.nth(i).click();
    await expect(svg.locator('.here')).toHaveAttribute('data-clock', String(i));
    // The point glides to the step: the label is measured once it holds still over two frames.
    const label = await stillBox(page, svg.locator('.here-label'));
    const frame = await box(svg);
    expect(label.x + label.width, `step ${i + 1}`).toBeLessThanOrEqual(frame.x + frame.width + 0.5);
    expect(label.x).toBeGreaterThanOrEqual(frame.x - 0.5);
  }
});

test('the page has a favicon, the app icon, and no 404 on load', async ({ page }) => {
  const missing: string[] = [];
  page.on('response', (response) => {
    if (response.status() === 404) missing.push(response.url());
  });
  await open(page);
  const href = await page.locator('link[rel="icon"]').getAttribute('href');
  expect(href).toBeTruthy();
  const icon = await page.request.get(new URL(href!, page.url()).toString());
  expect(icon.status()).toBe(200);
  expect(icon.headers()['content-type']).toContain('image/png');
  await page.waitForLoadState('networkidle');
  expect(missing).toEqual([]);
});

test('leaving the page mid-training asks first', async ({ page }) => {
  await open(page);
  const leaving = () =>
    page.evaluate(() => {
      const event = new Event('beforeunload', { cancelable: true });
      window.dispatchEvent(event);
      return event.defaultPrevented;
    });
  expect(await leaving()).toBe(false);
  const view = await trainSmall(page, '100000');
  await expect.poll(leaving, { timeout: 30_000 }).toBe(true);
  await view.getByRole('button', { name: 'Stop training' }).click();
  await expect(view.getByTestId('training-message')).toContainText('Training stopped');
  // The trained model is open and not saved yet: still unsaved work.
  expect(await leaving()).toBe(true);
});

test('what the learner types while a reply is on its way is kept, not emptied when the reply comes', async ({ page }) => {
  // Each message to the model service is held up for a moment, as a service busy with an explanation holds it.
  await page.addInitScript(() => {
    const post = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function (this: Worker, message: unknown, ...rest: never[]) {
      if ((message as { type?: string } | null)?.type === 'generate') setTimeout(() => post.call(this, message, ...rest), 800);
      else post.call(this, message, ...rest);
    } as typeof post;
  });
  await open(page);
  const field = page.getByRole('textbox', { name: 'Message' });
  await field.fill('who are you?');
  await page.getByRole('button', { name: 'Send' }).click();
  await field.fill('do you love frogs?');
  await expect(page.getByRole('log', { name: 'Conversation' }).getByRole('button', { name: /^Boris's token/ }).first()).toBeVisible();
  await expect(field).toHaveValue('do you love frogs?');
  // Sent as it was typed, the field is emptied as before.
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByRole('log', { name: 'Conversation' }).getByRole('button', { name: /^Your token 2: do$/ })).toBeVisible();
  await expect(field).toHaveValue('');
});
