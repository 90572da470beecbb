import { type FileChooser, type Page, expect } from '@playwright/test';
import { boris, borisText } from '../../tests/helpers/boris.ts';
import { sayGreedily } from './chat.ts';
import { engineStepsInPage } from './engineInPage.ts';

/** The moment every lesson test sets up, saves, and finds again. */
export const LESSON = {
  prompt: 'hello boris?',
  title: 'Frogs at epoch 40',
  note: 'Here Boris has read "boris": watch the context.',
  clock: 3,
  epoch: 40,
  knockedOut: { layer: 'h2', unit: 3 },
  card: { layer: 'h2', unit: 5 },
  sentences: ['i like frogs', 'i like toads', 'frogs are green'],
} as const;

/** Chooses `item` of the Files menu. */
export async function fromMenu(page: Page, item: string) {
  await page.getByLabel('Model files').click();
  await page.getByRole('button', { name: item }).click();
}

/** Chooses `item` of the Files menu (Open model file…, Open lesson…) and gives the file picker it opens `files`. */
export async function pickFromMenu(page: Page, item: string, files: Parameters<FileChooser['setFiles']>[0]) {
  const chooser = page.waitForEvent('filechooser');
  await fromMenu(page, item);
  await (await chooser).setFiles(files);
}

/** The exact h2 values of the network view's cells, for the step under the clock. */
export async function networkH2(page: Page): Promise<number[]> {
  return page
    .locator('#view-inside [data-layer="h2"][data-unit]')
    .filter({ has: page.locator('xpath=self::*[not(@data-step)]') })
    .evaluateAll((nodes) => nodes.map((n) => Number((n as SVGElement).dataset.value)));
}

/** What a page shows of the lesson's parts, to compare before saving and after opening. */
export async function shownParts(page: Page) {
  return {
    conversation: await page.getByRole('log', { name: 'Conversation' }).getByRole('button').allTextContents(),
    step: await page.getByRole('slider', { name: 'Step' }).inputValue(),
    explain: await page.getByRole('button', { name: 'Explain', exact: true }).getAttribute('aria-pressed'),
    measure: await page.getByLabel('Measure').inputValue(),
    epoch: await page.getByTestId('epoch-bar').getAttribute('data-shown'),
  };
}

/**
 * Sets up the lesson as a teacher would: a greedy turn, a knock-out, an epoch of the history, three
 * Compare sentences, the clock on a step with Explain (Leave it out) on, a unit card, a title and a note.
 */
export async function setUpLesson(page: Page) {
  await sayGreedily(page, LESSON.prompt);
  await page.getByRole('tab', { name: 'Weights' }).click();
  const knock = page.locator('#view-weights').getByRole('button', { name: `Knock out ${LESSON.knockedOut.layer} unit ${LESSON.knockedOut.unit}` });
  await knock.click();
  await expect(knock).toHaveAttribute('aria-pressed', 'true', { timeout: 20_000 });
  await page.getByRole('slider', { name: 'Epoch' }).fill(String(LESSON.epoch));
  await expect(page.getByTestId('epoch-bar')).toHaveAttribute('data-shown', String(LESSON.epoch), { timeout: 20_000 });

  await page.getByRole('tab', { name: 'Compare' }).click();
  await page.getByRole('textbox', { name: 'Sentence A' }).fill(LESSON.sentences[0]);
  await page.getByRole('textbox', { name: 'Sentence B' }).fill(LESSON.sentences[1]);
  await page.getByRole('button', { name: 'Add sentence' }).click();
  await page.getByRole('textbox', { name: 'Sentence C' }).fill(LESSON.sentences[2]);
  await page.getByRole('button', { name: 'Compare', exact: true }).click();
  await expect(page.getByTestId('distance')).not.toBeEmpty();

  await page.getByRole('tab', { name: 'Inside' }).click();
  await page.getByRole('slider', { name: 'Step' }).fill(String(LESSON.clock));
  await page.getByRole('button', { name: 'Explain', exact: true }).click();
  await expect(page.getByLabel('Measure')).toHaveValue('occlusion');
  await expect(page.getByRole('list', { name: 'Which words mattered' })).toBeVisible();
  await page.locator(`.network [data-layer="${LESSON.card.layer}"][data-unit="${LESSON.card.unit}"]`).click();
  await expect(page.getByRole('dialog', { name: `Unit ${LESSON.card.layer} ${LESSON.card.unit}` })).toBeVisible();
  await page.getByRole('dialog', { name: `Unit ${LESSON.card.layer} ${LESSON.card.unit}` }).press('Escape');

  await fromMenu(page, 'Write lesson notes…');
  const notes = page.getByRole('complementary', { name: 'Lesson notes' });
  await notes.getByLabel('Title').fill(LESSON.title);
  await notes.getByLabel(`Note at step ${LESSON.clock + 1}`).fill(LESSON.note);
  await notes.getByRole('button', { name: 'Done writing notes' }).click();
  // The unit card is open again when the lesson is saved (Escape put it away while the notes were written).
  await page.locator(`.network [data-layer="${LESSON.card.layer}"][data-unit="${LESSON.card.unit}"]`).click();
  await expect(page.getByRole('dialog', { name: `Unit ${LESSON.card.layer} ${LESSON.card.unit}` })).toBeVisible();
  return shownParts(page);
}

/**
 * Checks a restored lesson: every part as it was saved, the note at the clock, the network's h2 cells
 * at the clock equal to the engine's (run in the page) with the epoch's weights, the knock-out and the
 * Compare sentences.
 */
export async function expectLessonRestored(page: Page, before: Awaited<ReturnType<typeof shownParts>>) {
  await expect(page.getByRole('status').filter({ hasText: `Opened the lesson “${LESSON.title}” as it was saved` })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole('dialog', { name: `Unit ${LESSON.card.layer} ${LESSON.card.unit}` })).toBeVisible();
  await expect(page.getByRole('complementary', { name: 'Lesson notes' })).toContainText(LESSON.note);
  await expect(page.getByRole('tab', { name: 'Inside' })).toHaveAttribute('aria-selected', 'true');
  await expect.poll(() => shownParts(page)).toEqual(before);
  const weights = boris.training!.checkpoints.find((c) => c.epoch === LESSON.epoch)!.weights;
  const inPage = await engineStepsInPage(page, borisText, LESSON.prompt, { w0: Array.from(weights.w0), w1: Array.from(weights.w1), w2: Array.from(weights.w2) });
  await expect.poll(() => networkH2(page)).toEqual(inPage[LESSON.clock].h2);
  // The knock-out is in force under the epoch shown: back on the model's own weights, the unit is out.
  await page.getByRole('dialog', { name: `Unit ${LESSON.card.layer} ${LESSON.card.unit}` }).press('Escape');
  await page.getByRole('button', { name: 'Own weights' }).click();
  await page.getByRole('tab', { name: 'Weights' }).click();
  await expect(page.locator('#view-weights').getByRole('button', { name: `Knock out ${LESSON.knockedOut.layer} unit ${LESSON.knockedOut.unit}` })).toHaveAttribute('aria-pressed', 'true', { timeout: 20_000 });
  // The Compare view's sentences, in the view (it is built when it is first shown).
  await page.getByRole('tab', { name: 'Compare' }).click();
  for (const [i, sentence] of LESSON.sentences.entries()) await expect(page.getByRole('textbox', { name: `Sentence ${'ABC'[i]}` })).toHaveValue(sentence);
}
