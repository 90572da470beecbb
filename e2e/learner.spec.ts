import type { Page } from '@playwright/test';
import { expect, test } from './helpers/test.ts';
import { stepAnatomy } from '../src-main/model/explanations/anatomy.ts';
import { Conversation } from '../src-main/model/network/generation.ts';
import { createRng } from '../src-main/model/network/rng.ts';
import { tokenizeCorpus } from '../src-main/model/network/tokenizer.ts';
import { Trainer } from '../src-main/model/training/training.ts';
import { buildVocabulary, encode } from '../src-main/model/network/vocabulary.ts';
import { formatNumber } from '../src-renderer/lib/numbers.ts';
import { expectNoSeriousAccessibilityIssues } from './helpers/axe.ts';
import { hoverWeight } from './helpers/heatmap.ts';
import { CATS_CORPUS } from '../src-renderer/lib/presets.ts';
import { openApp as open, sayGreedily as say } from './helpers/chat.ts';
import { boris } from '../tests/helpers/boris.ts';

/** What a first-time learner gets: an honest chat, explanations, the tour, the anatomy. */
const E = boris.weights.embeddingSize;

/** One greedy turn of a fresh conversation, as the engine writes it. */
function engineTurn(prompt: string) {
  return new Conversation(boris.weights, boris.vocabulary).say(prompt, { temperature: 0, rng: createRng(1) });
}


const log = (page: Page) => page.getByRole('log', { name: 'Conversation' });

test("Boris's guess of how an open line ends is in the learner's bubble; the reply holds only the reply", async ({ page }) => {
  await open(page);
  await say(page, 'hello');
  const written = engineTurn('hello').tokens.map((row) => boris.vocabulary.tokens[row]);
  const close = written.indexOf('?');
  expect(close).toBeGreaterThanOrEqual(0);
  const you = log(page).locator('.turn.you');
  await expect(you.getByRole('button', { name: /^Boris's guess of how your line ends, token/ })).toHaveText(written.slice(0, close + 1));
  await expect(you).toContainText('guess of how your line ends');
  await expect(log(page).locator('.turn.boris').getByRole('button')).toHaveText(written.slice(close + 1));
  // A closed question gets no guess: the reply is all his.
  await say(page, 'who are you?');
  await expect(log(page).locator('.turn.you').nth(1).getByRole('button', { name: /guess/ })).toHaveCount(0);
  // The guess is explained on screen.
  await you.getByRole('button', { name: /What is this\? Boris’s guess/ }).click();
  await expect(page.getByRole('dialog', { name: /guess of how your line ends/ })).toContainText('question? answer.');
});

test('unknown words and dropped characters are marked on the chips', async ({ page }) => {
  await open(page);
  await say(page, 'tell me about quantum 🐸 frogs ★');
  const you = log(page).locator('.turn.you');
  const quantum = you.getByRole('button', { name: /quantum \(not in Boris's vocabulary: read as the unknown word “-”\)/ });
  await expect(quantum).toBeVisible();
  await expect(quantum).toContainText('→ -');
  await expect(you.getByRole('button', { name: /: frogs$/ })).toBeVisible();
  await expect(you.locator('.dropped')).toHaveText('not read: 🐸 ★');
});

test('best or final epoch, the held-out size, overfitting in words, and a pace for watching', async ({ page }) => {
  await open(page);
  await page.getByRole('tab', { name: 'Train' }).click();
  const view = page.locator('#view-train');
  // The cats corpus is a preset: 20 lines.
  await view.getByRole('button', { name: 'Teach Boris about cats (20 lines)' }).click();
  await expect(view.getByTestId('corpus-stats')).toContainText('20 lines with words');
  const settings = { embedding: 8, epochs: 60, learningRate: 0.03, seed: 1 };
  await view.getByRole('textbox', { name: 'Embedding size' }).fill(String(settings.embedding));
  await view.getByRole('textbox', { name: 'Epochs' }).fill(String(settings.epochs));
  await view.getByRole('textbox', { name: 'Learning rate' }).fill(String(settings.learningRate));
  await view.getByRole('radio', { name: 'the final epoch' }).check();
  // Watch it at 2 epochs a second: the run is still going once its first epoch is in.
  await view.getByRole('combobox', { name: 'Pace' }).selectOption({ label: '2 epochs a second' });
  await view.getByRole('button', { name: 'Start training' }).click();
  await expect(view.locator('li[data-epoch="1"]')).toBeVisible({ timeout: 30_000 });
  await expect(view.getByRole('button', { name: 'Stop training' })).toBeEnabled();
  expect(Number(await view.getByRole('progressbar').getAttribute('aria-valuenow'))).toBeLessThan(100);
  await view.getByRole('combobox', { name: 'Pace' }).selectOption({ label: 'as fast as it can' });
  await expect(view.getByTestId('training-message')).toContainText('Training finished', { timeout: 60_000 });
  await expect(view.getByTestId('training-message')).toContainText(`keeps the final epoch’s weights (epoch ${settings.epochs}`);

  // The engine's run with the same settings: its split and its curves.
  const lines = tokenizeCorpus(CATS_CORPUS);
  const vocabulary = buildVocabulary(lines);
  const trainer = new Trainer(
    lines.map((line) => encode(vocabulary, line)),
    vocabulary,
    settings,
  );
  while (!trainer.done) trainer.runLines(1000);
  await expect(view.getByTestId('held-out-size')).toContainText(`Held out: ${trainer.split.test.length} lines`);
  await expect(view.getByTestId('held-out-size')).toContainText('matter of luck');
  const history = trainer.history;
  const lowest = history.reduce((a, b) => (b.testLoss < a.testLoss ? b : a));
  const last = history[history.length - 1];
  const overfits = last.epoch - lowest.epoch >= 2 && last.testLoss > lowest.testLoss * 1.02 && last.trainLoss < lowest.trainLoss;
  expect(overfits, 'the example run overfits').toBe(true);
  await expect(view.getByTestId('overfitting')).toContainText(`held-out loss has risen since epoch ${lowest.epoch}`);
  // The chat's model keeps the final epoch's weights: it answers as the engine's final weights do.
  await expect(page.getByText(/^Trained model · \d+ words/)).toBeVisible();
});

test('the tour has 9 stops with live numbers, the last on memory; it can be skipped and reopened from Help', async ({ page }) => {
  await open(page);
  await page.getByRole('button', { name: 'New here? Take the tour' }).click();
  const tour = page.getByRole('dialog', { name: 'Tour' });
  await expect(tour).toContainText('1 of 9');
  // The tour asked Boris its example, and the clock is on "who".
  await expect(page.getByText(/^step 2 of \d+: “who”$/)).toBeVisible();
  const who = engineTurn('who are you?').fed[1];
  const titles: string[] = [];
  for (let i = 0; i < 9; i++) {
    await expect(tour).toContainText(`${i + 1} of 9`);
    titles.push((await tour.getByRole('heading').textContent()) ?? '');
    await expect(tour.locator('code')).not.toBeEmpty();
    if (i === 2) {
      const j = Array.from(who.h1).reduce((b, v, k, all) => (Math.abs(v) > Math.abs(all[b]) ? k : b), 0);
      await expect(tour.getByTestId('tour-live')).toContainText(`h1 unit ${j} = tanh(W0[${j}, ${who.row}])`);
      await expect(tour.getByTestId('tour-live')).toContainText(`= ${formatNumber(who.h1[j])}`);
    }
    if (i < 8) await tour.getByRole('button', { name: 'Next', exact: true }).click();
  }
  expect(titles).toEqual([
    'The chat',
    'The input token',
    'h1 · the token embedding',
    'c · the context carried in',
    'h2 · the new context',
    'The next-token bars',
    'The context timeline',
    'The context path',
    'Does he remember?',
  ]);
  await tour.getByRole('button', { name: 'Done' }).click();
  await expect(tour).toHaveCount(0);
  // Reopened from Help; Escape skips it.
  await page.getByRole('button', { name: 'Help', exact: true }).click();
  await page.getByRole('menuitem', { name: /^Tour of Inside/ }).click();
  await expect(tour).toContainText('1 of 9');
  await page.keyboard.press('Escape');
  await expect(tour).toHaveCount(0);
});

test("every '?' of the Inside view opens an explanation with the step's live numbers", async ({ page }) => {
  await open(page);
  await say(page, 'who are you?');
  const steps = (() => {
    const turn = engineTurn('who are you?');
    return [...turn.fed, ...turn.written];
  })();
  await log(page).getByRole('button').nth(2).click();
  const asks = page.getByRole('button', { name: /^What (is this|does)/ });
  const count = await asks.count();
  expect(count).toBeGreaterThanOrEqual(13);
  for (let i = 0; i < count; i++) {
    await asks.nth(i).click();
    const card = page.getByRole('dialog').last();
    await expect(card).toBeVisible();
    await expect(card.locator('p').first()).not.toBeEmpty();
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog')).toHaveCount(0);
  }
  // The new context's sum before tanh is the service's, for the loudest unit.
  const context = steps[1].h2;
  const anatomy = stepAnatomy(boris.weights, steps[2].row, context, 1);
  const j = Array.from(steps[2].h2).reduce((b, v, k, all) => (Math.abs(v) > Math.abs(all[b]) ? k : b), 0);
  await page.getByRole('button', { name: 'What is this? h2 · the new context' }).click();
  await expect(page.getByRole('dialog', { name: 'h2 · the new context' })).toContainText(
    `h2 unit ${j}: W1[${j}] · [h1 ; c] = ${formatNumber(anatomy.preActivation[j])}, and tanh(${formatNumber(anatomy.preActivation[j])}) = ${formatNumber(steps[2].h2[j])}`,
  );
});

test("the anatomy of a step plays the step's maths with the engine's numbers", async ({ page }) => {
  await open(page);
  await say(page, 'who are you?');
  const turn = engineTurn('who are you?');
  const steps = [...turn.fed, ...turn.written];
  await log(page).getByRole('button').nth(3).click();
  await page.getByRole('button', { name: 'Anatomy of a step' }).click();
  const panel = page.getByTestId('anatomy');
  await expect(panel).toHaveAttribute('data-stage', '0');
  // It moves on by itself, slowly.
  await expect(panel).toHaveAttribute('data-stage', '1', { timeout: 10_000 });
  await panel.getByRole('button', { name: 'Hold' }).click();
  const expected = stepAnatomy(boris.weights, steps[3].row, steps[2].h2, 1);
  const values = (kind: string) => panel.locator(`[data-anatomy="${kind}"]`).evaluateAll((n) => n.map((e) => Number((e as SVGElement).dataset.value)));
  await panel.getByRole('button', { name: '7. softmax at T' }).click();
  expect(await values('column')).toEqual(Array.from(expected.column));
  expect(await values('h1')).toEqual(Array.from(expected.h1));
  expect(await values('input')).toEqual(Array.from(expected.input));
  expect(await values('sum')).toEqual(Array.from(expected.preActivation));
  expect(await values('h2')).toEqual(Array.from(steps[3].h2));
  const probabilities = await panel.locator('[data-anatomy="probability"]').evaluateAll((n) => n.map((e) => [Number((e as SVGElement).dataset.row), Number((e as SVGElement).dataset.value)]));
  expect(probabilities).toHaveLength(6);
  for (const [row, p] of probabilities) expect(p).toBeCloseTo(expected.probs[row], 12);
  await panel.getByRole('button', { name: '4. W1 rows · [h1 ; c]' }).click();
  await expect(panel.getByTestId('anatomy-live')).toContainText(`h2 unit 0:`);
  await expect(panel.getByTestId('anatomy-live')).toContainText(`= ${formatNumber(expected.preActivation[0], 3)}`);
  await panel.getByRole('button', { name: 'Close anatomy' }).click();
  await expect(panel).toHaveCount(0);
});

test('example prompts, teaching pairs and the cats corpus', async ({ page }) => {
  await open(page);
  await page.getByLabel('Temperature').fill('0');
  await page.getByRole('group', { name: 'Example messages' }).getByRole('button', { name: 'what do you love?' }).click();
  const turn = engineTurn('what do you love?');
  await expect(log(page).getByRole('button')).toHaveCount(turn.fed.length + turn.written.length, { timeout: 20_000 });
  await page.getByRole('tab', { name: 'Compare' }).click();
  await page.getByRole('button', { name: 'Same question, two histories' }).click();
  await expect(page.getByRole('textbox', { name: 'Sentence A' })).toHaveValue('hello. who are you?');
  await expect(page.getByRole('textbox', { name: 'Sentence B' })).toHaveValue('i love frogs very much. who are you?');
  await expect(page.getByTestId('pair-lesson')).toContainText('history');
  await expect(page.getByTestId('distance')).toContainText(/\d\.\d{4}/);
});

test('the weight field rounds and keeps the exact value; the legends say what marks mean', async ({ page }) => {
  await open(page);
  await say(page, 'who are you?');
  await expect(page.locator('figure.network .chosen-note')).toHaveText('✓ Boris chose it');
  await expect(page.locator('figure.timeline figcaption')).toContainText('bold: Boris wrote it, grey: you did');
  await page.getByRole('tab', { name: 'Weights' }).click();
  const view = page.locator('#view-weights');
  await view.getByRole('combobox', { name: 'Matrix' }).selectOption('w1');
  await view.getByRole('spinbutton', { name: 'Row' }).fill('3');
  await view.getByRole('spinbutton', { name: 'Row' }).press('Enter');
  await view.getByRole('spinbutton', { name: 'Column' }).fill('5');
  await view.getByRole('spinbutton', { name: 'Column' }).press('Enter');
  const exact = boris.weights.w1[3 * 2 * E + 5];
  const field = view.getByRole('textbox', { name: 'Value' });
  await expect(field).toHaveValue(formatNumber(exact));
  await expect(view.getByTestId('weight-exact')).toHaveText(`exactly ${exact}`);
  // Copying the rounded field copies the exact value.
  const copied = await field.evaluate((input) => {
    const data = new DataTransfer();
    input.dispatchEvent(new ClipboardEvent('copy', { clipboardData: data, bubbles: true, cancelable: true }));
    return data.getData('text/plain');
  });
  expect(copied).toBe(String(exact));
  // Setting it untouched keeps the exact weight: nothing is edited.
  await view.getByRole('button', { name: 'Set weight', exact: true }).click();
  await expect(page.getByText(/^Boris · 78 words/)).toBeVisible();
  expect(await hoverWeight(page, view, 'w1', 3, 5)).toBe(exact);
  // A value typed by hand is taken as typed.
  await field.fill('0.25');
  await view.getByRole('button', { name: 'Set weight', exact: true }).click();
  await expect(page.getByText(/^Boris \(edited\) · 78 words/)).toBeVisible();
  expect(await hoverWeight(page, view, 'w1', 3, 5)).toBe(0.25);
});

test('one tab stop per drawing, arrow keys inside with values announced; Space plays from chips and the slider', async ({ page }) => {
  await open(page);
  await say(page, 'who are you?');
  const turn = engineTurn('who are you?');
  const steps = [...turn.fed, ...turn.written];
  const chips = log(page).getByRole('button');
  await chips.nth(2).click();
  // Space on a chip plays; again, pauses.
  await page.getByLabel('Speed').selectOption('1');
  await chips.nth(0).focus();
  await page.keyboard.press(' ');
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
  await page.keyboard.press(' ');
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();
  await page.getByRole('slider', { name: 'Step' }).focus();
  await page.keyboard.press(' ');
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
  await page.keyboard.press(' ');
  await expect(page.getByRole('button', { name: 'Play' })).toBeVisible();
  await chips.nth(2).click();
  await expect(page.getByText(`step 3 of ${steps.length}`)).toBeVisible();

  // The network view: one tab stop; right goes from the input to h1, down walks its units.
  const network = page.getByRole('img', { name: 'Network view' });
  await network.focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowDown');
  await expect(page.getByRole('tooltip')).toContainText(`h1 unit 1 = ${steps[2].h1[1]}`);
  await expect(network.locator('..').locator('[aria-live="polite"]')).toContainText(`h1 unit 1 = ${steps[2].h1[1]}`);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tooltip')).toContainText(`h2 unit`);
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tooltip')).toContainText('P(');
  // The arrows walked the drawing: the clock did not move.
  await expect(page.getByText(`step 3 of ${steps.length}`)).toBeVisible();
  // Tab leaves the drawing in one press.
  await page.keyboard.press('Tab');
  expect(await network.evaluate((n) => n === document.activeElement)).toBe(false);

  // The timeline: columns with the arrows, Enter goes there.
  const timeline = page.getByRole('img', { name: 'Context timeline' });
  await timeline.focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tooltip')).toContainText('step 4');
  await page.keyboard.press('Enter');
  await expect(page.getByText(`step 4 of ${steps.length}`)).toBeVisible();
  // The path's points.
  const path = page.getByRole('img', { name: 'Context path' });
  await path.focus();
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByRole('tooltip')).toContainText('step 3');

  // The embedding map is one tab stop, not one per word.
  await page.getByRole('tab', { name: 'Embeddings' }).click();
  const words = page.locator('#view-embeddings g.word');
  await expect(words.first()).toBeVisible({ timeout: 20_000 });
  expect(await words.count()).toBeGreaterThan(50);
  expect(await words.evaluateAll((nodes) => nodes.filter((n) => n.getAttribute('tabindex') === '0').length)).toBe(1);
  const first = page.locator('#view-embeddings g.word[tabindex="0"]');
  await first.focus();
  const before = await first.getAttribute('data-word');
  await page.keyboard.press('ArrowRight');
  const focused = await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.word);
  expect(focused).toBeTruthy();
  expect(focused).not.toBe(before);
  expect(await words.evaluateAll((nodes) => nodes.filter((n) => n.getAttribute('tabindex') === '0').length)).toBe(1);
});

// --- the tour and every explanation, in a small window and a common one, light and dark, with axe ----
// (Screenshots of them are `npm run shots`'s; here each card must fit the window and pass axe.)

/** The card or dialog in view: inside the window, and no serious or critical accessibility finding. */
async function expectReadable(page: Page, what: string, dialog = page.getByRole('dialog')) {
  await expect(dialog).toBeVisible();
  const window = page.viewportSize()!;
  // A card glides to its place: measured until it has arrived.
  await expect(async () => {
    const box = (await dialog.boundingBox())!;
    expect(box.x >= 0 && box.y >= 0 && box.x + box.width <= window.width + 1 && box.y + box.height <= window.height + 1, `${what} is inside the window`).toBe(true);
  }).toPass({ timeout: 10_000 });
  await expectNoSeriousAccessibilityIssues(page, what, ['[role="dialog"]']);
}

for (const [width, height, scheme] of [
  [1280, 800, 'light'],
  [1024, 700, 'dark'],
] as const) {
  test.describe(`${width}x${height} ${scheme}`, () => {
    test.use({ viewport: { width, height }, colorScheme: scheme });
    test(`every tour stop and every explanation fits a ${width}x${height} window and passes axe (${scheme})`, async ({ page }) => {
      test.setTimeout(180_000);
      await open(page);
      await expectNoSeriousAccessibilityIssues(page, 'first run');
      await page.getByRole('button', { name: 'Help', exact: true }).click();
      await page.getByRole('menuitem', { name: /^Tour of Inside/ }).click();
      const tour = page.getByRole('dialog', { name: 'Tour' });
      for (let i = 0; i < 9; i++) {
        await expect(tour).toContainText(`${i + 1} of 9`);
        await expectReadable(page, `tour stop ${i + 1}`, tour);
        if (i < 8) await tour.getByRole('button', { name: 'Next', exact: true }).click();
      }
      await tour.getByRole('button', { name: 'Done' }).click();
      // An open line, so that the chat shows Boris's guess and its "?" too.
      await say(page, 'hello');
      const asks = page.getByRole('button', { name: /^What (is this|does)/ });
      const count = await asks.count();
      expect(count).toBeGreaterThan(10);
      for (let i = 0; i < count; i++) {
        const name = (await asks.nth(i).getAttribute('aria-label'))!;
        await asks.nth(i).click();
        await expectReadable(page, name);
        await page.keyboard.press('Escape');
        await expect(page.getByRole('dialog')).toHaveCount(0);
      }
      await page.getByRole('button', { name: 'Anatomy of a step' }).click();
      await page.getByTestId('anatomy').getByRole('button', { name: 'Hold' }).click();
      await page.getByRole('button', { name: '4. W1 rows · [h1 ; c]' }).click();
      await expect(page.getByRole('button', { name: '4. W1 rows · [h1 ; c]' })).toHaveAttribute('aria-current', 'step');
      await expectNoSeriousAccessibilityIssues(page, 'anatomy', ['[data-testid="anatomy"]']);
      // The Train and Weights views' explanations.
      for (const [tab, label] of [
        ['Train', 'What is this? Held-out set'],
        ['Train', 'What is this? Overfitting'],
        ['Weights', 'What is this? Knocking out a unit'],
      ] as const) {
        await page.getByRole('tab', { name: tab }).click();
        await page.getByRole('button', { name: label }).click();
        await expectReadable(page, label);
        await page.keyboard.press('Escape');
      }
    });
  });
}
