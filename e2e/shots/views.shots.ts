import { test } from '@playwright/test';
import { expectNoSeriousAccessibilityIssues } from '../helpers/axe.ts';
import { WINDOW_SIZES, walkViews } from '../helpers/views.ts';

/**
 * `npm run shots`: every view at every window size, light and dark, as PNGs in test-results/shots/
 * (SHOTS_DIR changes it), each scanned with axe. Pictures for people to look at: nothing compares
 * them, so they are not part of `npm test`.
 */
const folder = process.env.SHOTS_DIR ?? 'test-results/shots';

for (const size of WINDOW_SIZES) {
  for (const scheme of ['light', 'dark'] as const) {
    test.describe(`${size.width}x${size.height} ${scheme}`, () => {
      test.use({ viewport: size, colorScheme: scheme });
      test(`every view at ${size.width}x${size.height}, ${scheme}`, async ({ page }) => {
        test.setTimeout(180_000);
        await walkViews(page, async (view) => {
          await page.screenshot({ path: `${folder}/${view.name}-${size.width}x${size.height}-${scheme}.png` });
          await page.screenshot({ path: `${folder}/${view.name}-${size.width}x${size.height}-${scheme}-full.png`, fullPage: true });
          await expectNoSeriousAccessibilityIssues(page, view.name);
        });
      });
    });
  }
}
