import { expect, test } from './helpers/test.ts';
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

test('the scan reports a serious finding, inside what it is asked to scan and nowhere else', async ({ page }) => {
  // A button with no name is a critical finding; an image with no text is a serious one.
  await page.setContent('<main><h1>t</h1><div id="a"><button></button></div><div id="b"><p>fine</p></div><img src="x.png"></main>');
  await expect(expectNoSeriousAccessibilityIssues(page, 'planted')).rejects.toThrow(/planted: button-name/);
  await expect(expectNoSeriousAccessibilityIssues(page, 'planted')).rejects.toThrow(/image-alt/);
  await expect(expectNoSeriousAccessibilityIssues(page, 'only b', ['#b'])).resolves.toBeUndefined();
  // axe stays in the page between scans, and comes back after a navigation clears it.
  await page.setContent('<main><h1>t</h1><button></button></main>');
  await expect(expectNoSeriousAccessibilityIssues(page, 'after a new page')).rejects.toThrow(/button-name/);
});
