import type { Page } from '@playwright/test';
import { expect, test } from './helpers/test.ts';

/**
 * The browser tests share one tab per worker (e2e/helpers/test.ts): each test must still start where a
 * new browser context would, with nothing left of the test before it. These run in order, in one worker.
 */
test.describe.configure({ mode: 'serial' });

let previous: Page | undefined;

test('a test leaves storage, a listener, a route, a window size and a colour scheme behind', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByText(/^Boris · \d+ words/)).toBeVisible({ timeout: 15_000 });
  await page.evaluate(async () => {
    localStorage.setItem('left-behind', '1');
    sessionStorage.setItem('left-behind', '1');
    await new Promise<void>((resolve) => {
      const request = indexedDB.open('left-behind');
      request.onsuccess = () => {
        request.result.close();
        resolve();
      };
    });
  });
  page.on('dialog', (dialog) => void dialog.accept());
  await page.route('**/never', (route) => route.abort());
  await page.setViewportSize({ width: 700, height: 500 });
  await page.emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
  previous = page;
});

test('the next test gets the same tab back as a first visit', async ({ page }) => {
  expect(page, 'the tab is shared').toBe(previous);
  expect(page.viewportSize()).toEqual({ width: 1280, height: 800 });
  await page.goto('/');
  await expect(page.getByText(/^Boris · \d+ words/)).toBeVisible({ timeout: 15_000 });
  const state = await page.evaluate(async () => ({
    session: sessionStorage.length,
    databases: (await indexedDB.databases()).map((d) => d.name),
    dark: matchMedia('(prefers-color-scheme: dark)').matches,
    reduced: matchMedia('(prefers-reduced-motion: reduce)').matches,
  }));
  expect(state.databases).not.toContain('left-behind');
  expect(state).toMatchObject({ session: 0, dark: false, reduced: false });
  // With no listener left, Playwright dismisses a dialog: the last test's listener would accept it.
  expect(await page.evaluate(() => confirm('Still listened to?'))).toBe(false);
  expect(await page.evaluate(() => fetch('/never').then((r) => r.status))).toBe(404);
  // The app may keep its own settings once open; nothing of the last test's is there.
  expect(await page.evaluate(() => localStorage.getItem('left-behind'))).toBeNull();
  await page.addInitScript(() => ((window as { marked?: boolean }).marked = true));
  previous = page;
});

test('a test that adds an init script leaves the next test a new context', async ({ page }) => {
  expect(page, 'an init script cannot be taken back, so the tab is not shared on').not.toBe(previous);
  await page.goto('/');
  expect(await page.evaluate(() => (window as { marked?: boolean }).marked)).toBeUndefined();
});
