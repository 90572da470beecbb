import AxeBuilder from '@axe-core/playwright';
import { type Page, expect } from '@playwright/test';

/**
 * Scans the page (or the parts named by `include`, CSS selectors) with axe and fails on any serious or
 * critical finding (on any finding at all with `every`), naming `what` was scanned, the rule and the
 * elements.
 */
export async function expectNoSeriousAccessibilityIssues(page: Page, what: string, include: readonly string[] = [], every = false) {
  let builder = new AxeBuilder({ page });
  for (const selector of include) builder = builder.include(selector);
  const { violations } = await builder.analyze();
  const serious = violations.filter((v) => every || v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${what}: ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
}
