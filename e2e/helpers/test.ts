import { type BrowserContext, type Dialog, type Page, test as base } from '@playwright/test';

export { expect } from '@playwright/test';

/**
 * The browser tests' `test`: one browser tab per worker, reused from test to test, instead of a new
 * browser context for each. Opening the app again in the same tab keeps its renderer process, so no
 * test pays for a new context, a new renderer process and compiling the page's scripts afresh.
 *
 * Before each test the tab is put back to a first visit: it leaves the app for a page of the same
 * site that runs nothing (a 404 of the file server), where every storage of the site is emptied;
 * the listeners, routes, window size, colour scheme and mouse of the last test are undone. A test
 * that changes what cannot be undone (an init script, an exposed function, the fake clock,
 * permissions, or anything through `context`), or that fails, leaves the tab to be thrown away: the
 * next test gets a new context, as Playwright's own `page` would give.
 */

interface SharedTab {
  context: BrowserContext;
  page: Page;
  /** Set once a test has changed the tab in a way the reset cannot undo. */
  spoiled: boolean;
  /** Whether a test has had the tab (a fresh one needs no reset). */
  used: boolean;
}

/** The page events tests listen to; their listeners are removed between tests. */
const PAGE_EVENTS = ['console', 'dialog', 'download', 'filechooser', 'pageerror', 'popup', 'request', 'response', 'worker'] as const;

/** Marks the tab spoiled whenever one of these methods of `target` is called. */
function spoilOn<T extends object>(target: T, methods: readonly string[], tab: SharedTab): void {
  const record = target as Record<string, unknown>;
  for (const name of methods) {
    const original = record[name] as (...args: unknown[]) => unknown;
    record[name] = (...args: unknown[]) => {
      tab.spoiled = true;
      return original.apply(target, args);
    };
  }
}

/** Empties every storage of the page's site: what a new browser context starts with. */
async function emptyStorage(page: Page): Promise<void> {
  await page.evaluate(async () => {
    localStorage.clear();
    sessionStorage.clear();
    for (const { name } of await indexedDB.databases()) {
      if (!name) continue;
      // A connection of the app left is closed with its worker; until then the deletion waits ("blocked").
      await new Promise<void>((resolve, reject) => {
        const request = indexedDB.deleteDatabase(name);
        request.onsuccess = () => resolve();
        request.onerror = () => reject(request.error);
      });
    }
    for (const key of await caches.keys()) await caches.delete(key);
  });
}

export const test = base.extend<{ freshTab: boolean }, { sharedTab: { current: SharedTab | null } }>({
  /** `test.use({ freshTab: true })` gives a test a new browser context of its own, and throws it away after. */
  freshTab: [false, { option: true }],
  sharedTab: [
    async ({}, use) => {
      const holder: { current: SharedTab | null } = { current: null };
      await use(holder);
      await holder.current?.context.close();
    },
    { scope: 'worker' },
  ],
  page: async ({ browser, sharedTab, freshTab, viewport, colorScheme, reducedMotion, baseURL }, use, testInfo) => {
    if (sharedTab.current && (sharedTab.current.spoiled || freshTab)) {
      await sharedTab.current.context.close();
      sharedTab.current = null;
    }
    let tab = sharedTab.current;
    if (!tab) {
      const context = await browser.newContext({ baseURL, viewport, colorScheme, reducedMotion });
      tab = { context, page: await context.newPage(), spoiled: freshTab, used: false };
      spoilOn(tab.page, ['addInitScript', 'exposeFunction', 'exposeBinding'], tab);
      spoilOn(tab.page.clock, ['install', 'setFixedTime', 'setSystemTime'], tab);
      spoilOn(context, ['addInitScript', 'exposeFunction', 'exposeBinding', 'grantPermissions', 'newPage'], tab);
      sharedTab.current = tab;
    }
    const { page } = tab;
    if (tab.used) {
      for (const event of PAGE_EVENTS) await page.removeAllListeners(event);
      await page.unrouteAll({ behavior: 'ignoreErrors' });
      // The app asks before it is left with unsaved work; leaving it here loses nothing of a test's.
      const leave = (dialog: Dialog) => void dialog.accept();
      page.on('dialog', leave);
      await page.goto('/__first-visit__');
      page.off('dialog', leave);
      await emptyStorage(page);
      await page.mouse.move(0, 0);
    }
    tab.used = true;
    await page.setViewportSize(viewport ?? { width: 1280, height: 720 });
    await page.emulateMedia({ media: null, colorScheme: colorScheme ?? 'light', reducedMotion: reducedMotion ?? 'no-preference', forcedColors: null });
    await use(page);
    if (testInfo.status !== testInfo.expectedStatus) tab.spoiled = true;
  },
  // A test that asks for the context may change anything in it: its tab is not shared on.
  context: async ({ page, sharedTab }, use) => {
    if (sharedTab.current) sharedTab.current.spoiled = true;
    await use(page.context());
  },
});
