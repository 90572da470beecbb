import { type Page, expect } from '@playwright/test';
import axe from 'axe-core';

/**
 * Puts axe-core into the page once, and again only after a navigation has cleared it. Evaluating its
 * half a megabyte of script costs about as much as a scan, so it is not done for every scan.
 */
async function ensureAxe(page: Page) {
  const present = await page.evaluate(() => typeof (window as { axe?: unknown }).axe === 'object');
  if (!present) await page.evaluate(axe.source);
}

/**
 * Scans the page (or the parts named by `include`, CSS selectors) with axe and fails on any serious or
 * critical finding (on any finding at all with `every`), naming `what` was scanned, the rule and the
 * elements. Every rule runs; only the violations are reported back, which is all this looks at.
 */
export async function expectNoSeriousAccessibilityIssues(page: Page, what: string, include: readonly string[] = [], every = false) {
  // axe.run in the page itself: the page has no frames for a per-frame run to reach.
  expect(page.frames(), `${what}: the page has no frames for axe to miss`).toHaveLength(1);
  await ensureAxe(page);
  const violations = await page.evaluate(
    async ({ include }) => {
      const run = (window as unknown as { axe: typeof axe }).axe.run;
      // Each selector on its own ([selector]), so that none is read as a path into a frame.
      const context = include.length ? { include: include.map((selector) => [selector]) } : document;
      const results = await run(context, { resultTypes: ['violations'] });
      return results.violations.map((v) => ({ id: v.id, help: v.help, impact: v.impact, targets: v.nodes.map((n) => n.target.join(' ')) }));
    },
    { include: [...include] },
  );
  const serious = violations.filter((v) => every || v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${what}: ${v.id}: ${v.help} (${v.targets.join(', ')})`)).toEqual([]);
}

/**
 * The same scan in the light theme and then the dark one, switched in place: the app's colours follow
 * prefers-color-scheme (CSS variables, and the heatmaps listen for it), so one flow checks both themes
 * without loading the page and repeating the flow again. Leaves the page in the light theme.
 */
export async function expectNoSeriousAccessibilityIssuesInBothThemes(page: Page, what: string, include: readonly string[] = [], every = false) {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await expectNoSeriousAccessibilityIssues(page, `${what} (${colorScheme})`, include, every);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}
