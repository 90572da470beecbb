import { type Page, expect } from '@playwright/test';
import { openApp, sayGreedily } from './chat.ts';

/** The window sizes every view must fit, and be readable and accessible at. */
export const WINDOW_SIZES = [
  { width: 1280, height: 800 },
  { width: 1440, height: 900 },
] as const;

/**
 * Each view set up as a learner would leave it: a name (for files and messages), the CSS selector of
 * the view's own element, and the clicks that show it. They run in this order on one page.
 */
export const VIEWS: readonly { name: string; root: string; show: (page: Page) => Promise<void> }[] = [
  {
    name: 'inside-explain',
    root: '#view-inside',
    show: async (page) => {
      await page.getByRole('tab', { name: 'Inside' }).click();
      await sayGreedily(page, 'who are you?');
      await page.getByRole('button', { name: 'Explain', exact: true }).click();
      await expect(page.getByRole('list', { name: 'Which words mattered' })).toBeVisible();
    },
  },
  {
    name: 'compare',
    root: '#view-compare',
    show: async (page) => {
      await page.getByRole('tab', { name: 'Compare' }).click();
      await page.getByRole('textbox', { name: 'Sentence A' }).fill('i am good');
      await page.getByRole('textbox', { name: 'Sentence B' }).fill('i am happy');
      await page.getByRole('button', { name: 'Compare', exact: true }).click();
      await expect(page.getByTestId('distance')).not.toBeEmpty();
    },
  },
  {
    name: 'compare-histories',
    root: '#view-compare',
    show: async (page) => {
      await page.getByRole('tab', { name: 'Two histories' }).click();
      await expect(page.getByRole('grid', { name: 'Which units carry the memory' })).toBeVisible({ timeout: 20_000 });
      await expect(page.getByTestId('patched-reply')).toBeVisible();
    },
  },
  {
    name: 'embeddings',
    root: '#view-embeddings',
    show: async (page) => {
      await page.getByRole('tab', { name: 'Embeddings' }).click();
      await page.getByRole('textbox', { name: 'Word' }).fill('frogs');
      await expect(page.getByRole('list', { name: 'Neighbours' }).getByRole('listitem').first()).toBeVisible();
    },
  },
  {
    name: 'weights',
    root: '#view-weights',
    show: async (page) => {
      await page.getByRole('tab', { name: 'Weights' }).click();
      await expect(page.locator('#view-weights canvas').first()).toBeVisible();
    },
  },
  {
    name: 'train',
    root: '#view-train',
    show: async (page) => {
      await page.getByRole('tab', { name: 'Train' }).click();
      await expect(page.getByRole('button', { name: 'Start training' })).toBeVisible();
    },
  },
];

/** Opens the app on Boris, then walks every view, calling `each` once a view is shown. */
export async function walkViews(page: Page, each: (view: (typeof VIEWS)[number]) => Promise<void>) {
  await openApp(page);
  for (const view of VIEWS) {
    await view.show(page);
    await each(view);
  }
}
