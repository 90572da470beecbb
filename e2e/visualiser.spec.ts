import type { Page } from '@playwright/test';
import { expect, test } from './helpers/test.ts';
import { Conversation } from '../src-main/model/network/generation.ts';
import type { Step } from '../src-main/model/network/network.ts';
import { createRng } from '../src-main/model/network/rng.ts';
import { engineProbabilities, engineStepsInPage } from './helpers/engineInPage.ts';
import { boris, borisText } from '../tests/helpers/boris.ts';
import { expectNoSeriousAccessibilityIssues } from './helpers/axe.ts';
import { openApp } from './helpers/chat.ts';


/** What the engine computes for one greedy turn of a fresh conversation. */
function engineSteps(prompt: string): Step[] {
  const line = new Conversation(boris.weights, boris.vocabulary).say(prompt, { temperature: 0, rng: createRng(1) });
  return [...line.fed, ...line.written];
}

async function say(page: Page, prompt: string, steps: number) {
  await page.getByLabel('Temperature').fill('0');
  await page.getByRole('textbox', { name: 'Message' }).fill(prompt);
  await page.getByRole('button', { name: 'Send' }).click();
  // The reply is written out as the clock plays through it; wait until every chip is there.
  await expect(page.getByRole('log', { name: 'Conversation' }).getByRole('button')).toHaveCount(steps);
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();
}

const network = (page: Page) => page.getByRole('img', { name: 'Network view' });
const timeline = (page: Page) => page.getByRole('img', { name: 'Context timeline' });

async function values(page: Page, selector: string): Promise<number[]> {
  return page.locator(selector).evaluateAll((nodes) => nodes.map((n) => Number((n as SVGElement).dataset.value)));
}

test("every drawn cell and bar holds the engine's exact number, at every step", async ({ page }) => {
  await openApp(page);
  // Math.tanh and Math.exp round differently in the last bit in Node's V8 and Chromium's, so the
  // expected numbers are the engine's as it runs inside the page (the worker runs that same code).
  const steps = await engineStepsInPage(page, borisText, 'who are you?');
  expect(steps.map((s) => s.h2.length)).toEqual(engineSteps('who are you?').map((s) => s.h2.length));
  await say(page, 'who are you?', steps.length);
  const chips = page.getByRole('log', { name: 'Conversation' }).getByRole('button');
  const E = boris.weights.embeddingSize;
  const pageProbs = steps.map((s) => s.probs);

  for (let i = 0; i < steps.length; i++) {
    await chips.nth(i).click();
    await expect(page.getByText(`step ${i + 1} of ${steps.length}`)).toBeVisible();
    await expect(chips.nth(i)).toHaveAttribute('aria-current', 'step');
    const contextIn = i === 0 ? new Array<number>(E).fill(0) : steps[i - 1].h2;
    const net = network(page);
    expect(await net.locator('[data-layer="h1"]').evaluateAll((n) => n.map((e) => Number((e as SVGElement).dataset.value)))).toEqual(
      Array.from(steps[i].h1),
    );
    expect(await net.locator('[data-layer="h2"]').evaluateAll((n) => n.map((e) => Number((e as SVGElement).dataset.value)))).toEqual(
      Array.from(steps[i].h2),
    );
    expect(await net.locator('[data-layer="c"]').evaluateAll((n) => n.map((e) => Number((e as SVGElement).dataset.value)))).toEqual(
      Array.from(contextIn),
    );
    // The timeline's column for this step holds the same numbers.
    for (const [layer, expected] of [['h1', steps[i].h1], ['h2', steps[i].h2]] as const) {
      expect(await values(page, `[aria-label="Context timeline"] [data-layer="${layer}"][data-step="${i}"]`)).toEqual(Array.from(expected));
    }
    // Once the clock has settled, the bars are the engine's six most likely next tokens, with their probabilities.
    const probs = pageProbs[i];
    const top = probs.map((_, row) => row).sort((a, b) => probs[b] - probs[a]).slice(0, 6);
    await expect
      .poll(async () => (await net.locator('[data-tip="bar"][opacity="1"]').evaluateAll((n) => n.map((e) => Number((e as SVGElement).dataset.row)))).sort((a, b) => a - b))
      .toEqual(expect.arrayContaining([...top].sort((a, b) => a - b)));
    const shown = await net.locator('[data-tip="bar"]').evaluateAll((n) => n.map((e) => [Number((e as SVGElement).dataset.row), Number((e as SVGElement).dataset.probability)]));
    for (const [row, p] of shown) expect(p).toBe(probs[row]);
  }
});

test('the slider, the buttons and the keyboard move every view together', async ({ page }) => {
  // The page's timers run on a clock the test can move on, to show that a paused clock stays put.
  await page.clock.install();
  await openApp(page);
  const steps = engineSteps('what do you love?');
  await say(page, 'what do you love?', steps.length);
  const chips = page.getByRole('log', { name: 'Conversation' }).getByRole('button');
  const last = steps.length - 1;

  /** Every view shows step k: the chip, the transport, the network's cells, the timeline cursor, the path. */
  async function expectAt(k: number, settles = true) {
    await expect(page.getByText(`step ${k + 1} of ${steps.length}`)).toBeVisible();
    await expect(chips.nth(k)).toHaveAttribute('aria-current', 'step');
    await expect(network(page).locator('[data-layer="h2"][data-unit="0"]')).toHaveAttribute('data-value', String(steps[k].h2[0]));
    await expect(page.locator('figure.timeline .cursor')).toHaveAttribute('data-clock', String(k));
    await expect(page.locator('[aria-label="Context path"] .here')).toHaveAttribute('data-clock', String(k));
    if (!settles) return;
    // The cursor eases to the step's column and stops there.
    const column = timeline(page).locator(`[data-tip="column"][data-step="${k}"]`);
    const columnX = Number(await column.getAttribute('x'));
    await expect.poll(async () => Math.abs(Number(await page.locator('figure.timeline .cursor').getAttribute('data-x')) - columnX)).toBeLessThan(0.01);
  }

  await expectAt(last);
  await page.getByRole('slider', { name: 'Step' }).fill('0');
  await expectAt(0);
  await page.getByRole('button', { name: 'Step forward' }).click();
  await expectAt(1);
  await page.getByRole('button', { name: 'Step back' }).click();
  await expectAt(0);

  // The keyboard, with the focus on the page rather than a control.
  await page.locator('body').click({ position: { x: 5, y: 790 } });
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expectAt(2);
  await page.keyboard.press('ArrowLeft');
  await expectAt(1);

  // Space plays: the clock runs to the last step and stops; space again pauses.
  await page.getByLabel('Speed').selectOption('16');
  await page.locator('body').click({ position: { x: 5, y: 790 } });
  await page.keyboard.press(' ');
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
  await expectAt(last);
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();
  await page.getByRole('slider', { name: 'Step' }).fill('0');
  await page.getByLabel('Speed').selectOption('1');
  await page.getByRole('button', { name: 'Play' }).click();
  await expectAt(1, false);
  await page.locator('body').click({ position: { x: 5, y: 790 } });
  await page.keyboard.press(' ');
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();
  const paused = await page.getByRole('slider', { name: 'Step' }).inputValue();
  // A second and a half of the page's time at once: a clock still playing, a step a second, would move.
  await page.clock.runFor(1500);
  expect(await page.getByRole('slider', { name: 'Step' }).inputValue()).toBe(paused);
});

/** The main regions of the window, which must lie inside it and not overlap one another. */
async function regions(page: Page) {
  const names = ['Chat', 'Transport', 'Network view', 'Context timeline', 'Context path'];
  const boxes = [];
  for (const [name, locator] of [
    ['Chat', page.locator('section.chat')],
    ['Transport', page.getByRole('group', { name: 'Transport' })],
    ['Network view', network(page)],
    ['Context timeline', page.locator('figure.timeline')],
    ['Context path', page.locator('figure.path')],
  ] as const) {
    const box = await locator.boundingBox();
    expect(box, `${name} is drawn`).not.toBeNull();
    boxes.push({ name, ...box! });
  }
  expect(boxes.map((b) => b.name)).toEqual(names);
  return boxes;
}

test('the views fit the window without overlapping, at 1280x800 and 1920x1080, in the light and dark themes', async ({ page }) => {
  // Four window sizes and themes in one page: the time of the four tests it replaces.
  test.setTimeout(120_000);
  await openApp(page);
  const steps = engineSteps('who are you?');
  await say(page, 'who are you?', steps.length);
  await page.getByRole('log', { name: 'Conversation' }).getByRole('button').nth(4).click();
  for (const [width, height] of [
    [1280, 800],
    [1920, 1080],
  ]) {
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.setViewportSize({ width, height });
      await page.emulateMedia({ colorScheme });
      const at = `${width}x${height}, ${colorScheme}`;
      // The drawings follow the window in the next frames: measured until they have.
      await expect(async () => {
        const boxes = await regions(page);
        for (const box of boxes) {
          expect(box.x, `${box.name} left edge (${at})`).toBeGreaterThanOrEqual(0);
          expect(box.y, `${box.name} top edge (${at})`).toBeGreaterThanOrEqual(0);
          expect(box.x + box.width, `${box.name} right edge (${at})`).toBeLessThanOrEqual(width + 0.5);
          expect(box.y + box.height, `${box.name} bottom edge (${at})`).toBeLessThanOrEqual(height + 0.5);
          expect(box.width * box.height, `${box.name} has room (${at})`).toBeGreaterThan(10_000);
        }
        for (let a = 0; a < boxes.length; a++) {
          for (let b = a + 1; b < boxes.length; b++) {
            const A = boxes[a];
            const B = boxes[b];
            const overlapX = Math.min(A.x + A.width, B.x + B.width) - Math.max(A.x, B.x);
            const overlapY = Math.min(A.y + A.height, B.y + B.height) - Math.max(A.y, B.y);
            expect(overlapX <= 0.5 || overlapY <= 0.5, `${A.name} and ${B.name} do not overlap (${at})`).toBe(true);
          }
        }
      }).toPass({ timeout: 10_000 });
    }
  }
});

test('hovering a cell, an edge or a bar tells its exact value and meaning', async ({ page }) => {
  await openApp(page);
  const steps = engineSteps('who are you?');
  await say(page, 'who are you?', steps.length);
  await page.getByRole('log', { name: 'Conversation' }).getByRole('button').nth(2).click();
  await expect(network(page).locator('[data-layer="h2"][data-unit="3"]')).toHaveAttribute('data-value', String(steps[2].h2[3]));
  await network(page).locator('[data-layer="h2"][data-unit="3"]').hover();
  await expect(page.getByRole('tooltip')).toContainText(`h2 unit 3 = ${steps[2].h2[3]}`);
  const E = boris.weights.embeddingSize;
  const edge = page.locator('figure.network svg.lit.listening [data-tip="w1"]').last();
  const index = Number(await edge.getAttribute('data-edge'));
  await edge.hover({ force: true });
  await expect(page.getByRole('tooltip')).toContainText(`W1[${Math.floor(index / (2 * E))}, ${index % (2 * E)}] = ${boris.weights.w1[index]}`);
  const bar = network(page).locator('[data-tip="bar"]').first();
  await bar.hover();
  const row = Number(await bar.getAttribute('data-row'));
  const pageProbs = await engineProbabilities(page, borisText, 'who are you?', []);
  await expect(page.getByRole('tooltip')).toContainText(`= ${pageProbs[2][row]}`);
});

test('has no serious or critical accessibility findings', async ({ page }) => {
  await openApp(page);
  const steps = engineSteps('who are you?');
  await say(page, 'who are you?', steps.length);
  await expectNoSeriousAccessibilityIssues(page, 'visualiser');
});
