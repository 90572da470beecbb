import { test } from '@playwright/test';
import { expectNoSeriousAccessibilityIssues } from './helpers/axe.ts';
import { WINDOW_SIZES, walkViews } from './helpers/views.ts';

// One axe scan per view and window size; light at one size and dark at the other, so both themes'
// colours are checked. (`npm run shots` takes every view at both sizes in both themes, with axe.)
for (const [i, size] of WINDOW_SIZES.entries()) {
  const scheme = i % 2 === 0 ? 'light' : 'dark';
  test.describe(`${size.width}x${size.height}, ${scheme}`, () => {
    test.use({ viewport: size, colorScheme: scheme });
    test(`every view has no serious or critical accessibility issue at ${size.width}x${size.height} (${scheme})`, async ({ page }) => {
      test.setTimeout(120_000);
      await walkViews(page, (view) => expectNoSeriousAccessibilityIssues(page, view.name));
    });
  });
}
