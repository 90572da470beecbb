import type { Page } from '@playwright/test';
import { expect, test } from './helpers/test.ts';
import { readFileSync } from 'node:fs';
import { openApp, sayGreedily } from './helpers/chat.ts';

/** Exports a teacher can put on a slide: title, word labels and legend, 4x, and a named button per panel. */

/** Every <text> element's content in an SVG document, with its class attribute. */
function texts(svg: string): { cls: string; text: string }[] {
  return [...svg.matchAll(/<text([^>]*)>([\s\S]*?)<\/text>/g)].map((m) => ({ cls: /class="([^"]*)"/.exec(m[1])?.[1] ?? '', text: m[2].replace(/<[^>]+>/g, '') }));
}


async function exportAs(page: Page, name: string, item: string) {
  await page.getByRole('button', { name, exact: true }).click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: item }).click()]);
  return download;
}

test('the context path exports at 4x at least 1,600 pixels wide, and as an SVG with its title, word labels and legend as text', async ({ page }) => {
  await openApp(page);
  await sayGreedily(page, 'who are you?');
  await expect(page.locator('svg[aria-label="Context path"] circle.point')).toHaveCount(9);

  const png = await exportAs(page, 'Export image of the context path', 'PNG (4x)');
  expect(png.suggestedFilename()).toBe('context-path-boris-step-9.png');
  const bytes = readFileSync(await png.path());
  expect(bytes.subarray(1, 4).toString()).toBe('PNG');
  // The PNG header: width at byte 16, height at byte 20.
  expect(bytes.readUInt32BE(16)).toBeGreaterThanOrEqual(1600);
  expect(bytes.readUInt32BE(20)).toBeGreaterThan(600);
  await png.saveAs('test-results/screens/context-path-export-4x.png');

  const svg = await exportAs(page, 'Export image of the context path', 'SVG');
  expect(svg.suggestedFilename()).toBe('context-path-boris-step-9.svg');
  const document = readFileSync(await svg.path(), 'utf8');
  const all = texts(document);
  const content = all.map((t) => t.text.trim());
  // The title, and the line saying which model and step it is.
  expect(content).toContain('Context path');
  expect(content.some((t) => /Boris · step 9/.test(t))).toBe(true);
  // The words of the conversation label their points: the words you wrote and Boris's reply.
  const words = new Set(content);
  for (const word of ['who', 'are', 'you', 'am', 'boris']) expect(words.has(word), `the word label "${word}"`).toBe(true);
  // The legend says what each mark is.
  for (const key of ['a word you wrote', 'a word Boris wrote', 'the step under the clock', 'the path, fading with age']) expect(content).toContain(key);
  // Text stays text: no pictures inside, and its fonts are named, none fetched.
  expect(document).not.toMatch(/<image|<foreignObject/);
  expect(document).toMatch(/font-family="[^"]*DejaVu Sans/);
  expect(document.replaceAll('xmlns="http://www.w3.org/2000/svg"', '')).not.toMatch(/https?:\/\/|@import|@font-face/);
});

/** The accessible name of every Export image button now on the page. */
async function exportNames(page: Page, scope: ReturnType<Page['locator']>) {
  const buttons = await scope.getByRole('button', { name: /^Export image/ }).all();
  const names: string[] = [];
  for (const button of buttons) {
    const name = (await button.getAttribute('aria-label')) ?? (await button.textContent()) ?? '';
    await expect(button).toHaveAccessibleName(name);
    names.push(name);
  }
  return names;
}

test('every Export image button on the Inside view has its own accessible name, "Export image of the <panel>"', async ({ page }) => {
  await openApp(page);
  await sayGreedily(page, 'who are you?');
  const inside = page.locator('#view-inside');
  await page.getByRole('button', { name: /Dynamics and memory/ }).click();
  await expect(page.locator('figure.memory-panel')).toBeVisible();
  const names = await exportNames(page, page.locator('body'));
  expect(names).toEqual(expect.arrayContaining(['Export image of the network view', 'Export image of the context timeline', 'Export image of the context path', 'Export image of the conversation']));
  await page.getByRole('button', { name: 'Explain' }).click();
  await expect(inside.getByRole('tree', { name: 'Reply tree' })).toBeVisible();
  const explaining = await exportNames(page, page.locator('body'));
  expect(explaining).toContain('Export image of the reply tree');
  for (const list of [names, explaining]) {
    expect(list.length).toBeGreaterThanOrEqual(4);
    expect(new Set(list).size, list.join(' | ')).toBe(list.length);
    for (const name of list) expect(name).toMatch(/^Export image of the \S/);
  }
});
