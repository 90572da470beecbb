import { expect, test } from './helpers/test.ts';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readLessonLink } from '../src-main/service/protocol.ts';
import { LESSON, expectLessonRestored, fromMenu, setUpLesson } from './helpers/lesson.ts';
import { serveFolder } from '../scripts/serve-folder.mjs';

/**
 * `npm run build:web` writes a folder any static server can host: here a plain Node file server (no
 * Vite), and the page asks for nothing outside its own origin. The chat runs in it, and a lesson's
 * link (Copy lesson link) opens in a fresh page with every part as it was.
 */
const folder = join(process.cwd(), 'dist', 'web');
let site: Awaited<ReturnType<typeof serveFolder>>;

test.beforeAll(async () => {
  execFileSync('npm', ['run', 'build:web'], { stdio: 'ignore' });
  expect(existsSync(join(folder, 'index.html'))).toBe(true);
  site = await serveFolder(folder);
});
test.afterAll(() => site?.close());

test("the static build runs the chat and opens a lesson's link, served by a plain file server", async ({ page, context }) => {
  test.setTimeout(180_000);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: site.origin });
  const elsewhere: string[] = [];
  context.on('request', (request) => {
    const url = new URL(request.url());
    if (url.origin !== site.origin && url.protocol !== 'blob:' && url.protocol !== 'data:') elsewhere.push(request.url());
  });
  await page.goto(`${site.origin}/`);
  await expect(page.getByText(/Boris · \d+ words/)).toBeVisible({ timeout: 30_000 });
  const before = await setUpLesson(page);

  await fromMenu(page, 'Copy lesson link');
  await expect(page.getByRole('status').filter({ hasText: 'Copied a link to this lesson' })).toBeVisible();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  expect(link.startsWith(`${site.origin}/#lesson=`)).toBe(true);
  expect(readLessonLink(new URL(link).hash)).toMatchObject({ model: { kind: 'bundled', name: 'Boris' }, clock: LESSON.clock, epoch: LESSON.epoch });

  const student = await context.newPage();
  await student.goto(link);
  await expectLessonRestored(student, before);
  expect(elsewhere).toEqual([]);
});
