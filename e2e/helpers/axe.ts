import AxeBuilder from '@axe-core/playwright';
import { type Page, expect } from '@playwright/test';

/**
 * Scans the page (or the parts named by `include`, CSS selectors) with axe and fails on any serious or
 * critical finding (on any finding at all with `every`), naming `what` was scanned, the rule and the
 * elements.
 */
export async function expectNoSeriousAccessibilityIssues(page: Page, what: string, include: readonly string[] = [], every = false) {
  // axe.run in the page itself: with no frames, the default's per-frame runs and its finishing run in a
  // new blank page give the same findings at about twice the cost. A frame would need the default.
  expect(page.frames(), `${what}: the page has no frames for axe to miss`).toHaveLength(1);
  let builder = new AxeBuilder({ page }).setLegacyMode(true);
  for (const selector of include) builder = builder.include(selector);
  const { violations } = await builder.analyze();
  const serious = violations.filter((v) => every || v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${what}: ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
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
