import { expect, test } from './helpers/test.ts';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLesson } from '../src-main/service/protocol.ts';
import { openApp } from './helpers/chat.ts';
import { LESSON, expectLessonRestored, fromMenu, pickFromMenu, setUpLesson } from './helpers/lesson.ts';

const scratch = mkdtempSync(join(tmpdir(), 'slm-lesson-'));

async function saveLesson(page: import('@playwright/test').Page): Promise<string> {
  const download = page.waitForEvent('download');
  await fromMenu(page, 'Save lesson…');
  const file = await download;
  const path = join(scratch, `${Date.now()}-${file.suggestedFilename()}`);
  await file.saveAs(path);
  expect(file.suggestedFilename()).toMatch(/\.slm-lesson\.json$/);
  return path;
}

test('a lesson saved to a file opens after a reload with every part as it was and the engine’s numbers', async ({ page }) => {
  test.setTimeout(180_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await openApp(page);
  const before = await setUpLesson(page);
  const path = await saveLesson(page);
  const saved = readLesson(readFileSync(path, 'utf8'));
  expect(saved).toMatchObject({
    model: { kind: 'bundled', name: 'Boris' },
    view: 'inside',
    clock: LESSON.clock,
    explain: { on: true, measure: 'occlusion' },
    unitCard: LESSON.card,
    compare: { sentences: LESSON.sentences },
    epoch: LESSON.epoch,
    knockouts: [LESSON.knockedOut],
    edits: [],
    notes: [{ step: LESSON.clock, text: LESSON.note }],
  });

  await openApp(page);
  await pickFromMenu(page, 'Open lesson…', path);
  await expectLessonRestored(page, before);
  expect(errors).toEqual([]);
});

test('a damaged or hostile lesson says what is wrong and changes nothing', async ({ page }) => {
  await openApp(page);
  await pickFromMenu(page, 'Open lesson…', { name: 'bad.slm-lesson.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"slm-lesson","version":1,"model":{"kind":"bundled","name":"<img src=x onerror=alert(1)>"}}') });
  await expect(page.getByRole('alert')).toContainText('bad.slm-lesson.json is damaged');
  await expect(page.getByText(/Boris · \d+ words/)).toBeVisible();
  await expect(page.getByRole('log', { name: 'Conversation' }).getByRole('button')).toHaveCount(0);
  // A link cut short.
  await page.goto('/#lesson=eJyrVkrLz1eyUlAqSkxR0lFKSs1LSU1RslIqLU4tUqoFAA');
  await expect(page.getByRole('alert')).toContainText('the lesson in this address is damaged');
  await expect(page.getByText(/Boris · \d+ words/)).toBeVisible();
});

test('a lesson whose model is embedded is too large for a link: the app says so and offers the file', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await openApp(page);
  // Boris opened from his model file is not the bundled model: a lesson embeds him.
  await pickFromMenu(page, 'Open model file…', join('resources', 'models', 'boris.slm.json'));
  await expect(page.getByText('Opened Boris.')).toBeVisible();
  await fromMenu(page, 'Copy lesson link');
  await expect(page.getByRole('alert')).toContainText(/This lesson is too large for a link \([\d,]+ characters; a link holds 32,000\): Boris is embedded in it\. Save it as a file with Save lesson…/);
});
