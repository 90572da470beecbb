import type { Page } from '@playwright/test';
import { expect, test } from './helpers/test.ts';
import { readFileSync } from 'node:fs';
import { Conversation } from '../src-main/model/network/generation.ts';
import { contextPath, corpusSentences, distance, lineDistanceScale, percentBelow, sentenceDistance } from '../src-main/model/geometry/geometry.ts';
import { compareMemory } from '../src-main/model/dynamics/memory.ts';
import { createRng } from '../src-main/model/network/rng.ts';
import { formatNumber } from '../src-renderer/lib/numbers.ts';
import { boris } from '../tests/helpers/boris.ts';
import { expectNoSeriousAccessibilityIssues } from './helpers/axe.ts';

const engineDistance = (a: string, b: string, metric: 'euclidean' | 'cosine' = 'euclidean') => sentenceDistance(boris.weights, boris.vocabulary, a, b, metric);
const corpusLines = corpusSentences(readFileSync('resources/corpus/boris.txt', 'utf8'));
/** The engine's percentage of distances between two lines of Boris's corpus below d. */
const enginePercent = (d: number, metric: 'euclidean' | 'cosine' = 'euclidean') => percentBelow(lineDistanceScale(boris.weights, boris.vocabulary, corpusLines, metric), d);

/** A conversation said by the engine: each line answered with a generator seeded `seed` (greedy at temperature 0). */
function engineConversation(lines: string[], last: string, temperature = 0, seed = 0) {
  const conversation = new Conversation(boris.weights, boris.vocabulary);
  const replies = lines.map((line) => conversation.say(line, { temperature, topK: 0, rng: createRng(seed) }).text);
  return { replies, reply: conversation.say(last, { temperature, topK: 0, rng: createRng(seed) }).text };
}

async function openCompare(page: Page) {
  await page.goto('/');
  await expect(page.getByText(/Boris · \d+ words/)).toBeVisible();
  await page.getByRole('tab', { name: 'Compare' }).click();
  // The view compares its example pair on its own once the model is open.
  await expect(page.getByTestId('distance')).toBeVisible();
}

async function compare(page: Page, a: string, b: string) {
  await page.getByRole('textbox', { name: 'Sentence A' }).fill(a);
  await page.getByRole('textbox', { name: 'Sentence B' }).fill(b);
  await page.getByRole('button', { name: 'Compare', exact: true }).click();
}

test("shows the engine's distance for a pair, in both metrics, with where the paths part", async ({ page }) => {
  await openCompare(page);
  const a = 'i am good';
  const b = 'frogs are very nice';
  await compare(page, a, b);
  const shown = page.getByTestId('distance');
  await expect(shown).toHaveAttribute('data-value', String(engineDistance(a, b)));
  await expect(shown).toHaveText(engineDistance(a, b).toFixed(4));

  // Where the two paths are furthest apart, by the engine's own contexts.
  const pa = contextPath(boris.weights, boris.vocabulary, a).contexts;
  const pb = contextPath(boris.weights, boris.vocabulary, b).contexts;
  const perStep = pa.slice(0, Math.min(pa.length, pb.length)).map((c, i) => distance(c, pb[i]));
  const widest = perStep.indexOf(Math.max(...perStep));
  const steps = page.getByRole('list', { name: 'Distance between A and B at each step' }).getByRole('listitem');
  await expect(steps).toHaveCount(perStep.length);
  expect(await steps.evaluateAll((items) => items.map((li) => Number((li as HTMLElement).dataset.value)))).toEqual(perStep);
  await expect(page.locator('li.widest')).toHaveAttribute('data-step', String(widest));
  await expect(page.getByText(`A and B diverge most at step ${widest}`)).toBeVisible();

  // The per-unit difference of the final contexts.
  const bars = page.locator('[data-difference]');
  await expect(bars).toHaveCount(boris.weights.embeddingSize);
  const difference = await bars.evaluateAll((nodes) => nodes.map((n) => Number(n.getAttribute('data-difference'))));
  expect(difference).toEqual(Array.from(pa.at(-1)!, (x, unit) => x - pb.at(-1)![unit]));

  await page.getByRole('radio', { name: 'Cosine' }).check();
  await expect(shown).toHaveAttribute('data-value', String(engineDistance(a, b, 'cosine')));
});

test('compares a list of sentences in a pairwise matrix, and any pair closely', async ({ page }) => {
  await openCompare(page);
  const sentences = ['i am good', 'i am happy', 'frogs are very nice', 'who are you?'];
  await page.getByRole('button', { name: 'Add sentence' }).click();
  await page.getByRole('button', { name: 'Add sentence' }).click();
  for (const [i, sentence] of sentences.entries()) await page.getByRole('textbox', { name: `Sentence ${'ABCD'[i]}` }).fill(sentence);
  await page.getByRole('button', { name: 'Compare', exact: true }).click();
  const cells = page.locator('table[aria-label="Pairwise distances"] td[data-value]');
  await expect(cells).toHaveCount(16);
  await expect(cells.first()).toHaveAttribute('data-value', '0');
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 4; j++) {
      await expect(page.locator(`td[data-row="${i}"][data-column="${j}"]`)).toHaveAttribute('data-value', String(engineDistance(sentences[i], sentences[j])));
    }
  }
  await page.getByRole('button', { name: /^B and D:/ }).click();
  await expect(page.getByText(/^Distance B–D/)).toBeVisible();
  await expect(page.getByTestId('distance')).toHaveAttribute('data-value', String(engineDistance(sentences[1], sentences[3])));
  await page.getByRole('button', { name: 'Remove sentence C' }).click();
  await expect(page.getByRole('textbox', { name: 'Sentence C' })).toHaveValue('who are you?');
});

test('bad input gives a clear message and nothing breaks', async ({ page }) => {
  await openCompare(page);
  await compare(page, 'i am good', '   ');
  await expect(page.getByRole('alert')).toHaveText('Sentence B is empty: type a few words to compare.');
  await compare(page, '$$$', 'i am good');
  await expect(page.getByRole('alert')).toHaveText('Sentence A has no words to compare');
  await compare(page, 'i love zebras', 'i love frogs');
  await expect(page.getByText('Not in Boris\'s vocabulary: “zebras”.')).toBeVisible();
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(page.getByTestId('distance')).toHaveAttribute('data-value', String(engineDistance('i love zebras', 'i love frogs')));
});

async function openHistories(page: Page) {
  await openCompare(page);
  await page.getByRole('tab', { name: 'Two histories' }).click();
  await expect(page.getByRole('tab', { name: 'Two histories' })).toHaveAttribute('aria-selected', 'true');
}

async function compareHistories(page: Page, a: string, b: string, last: string) {
  await page.getByRole('textbox', { name: 'History A' }).fill(a);
  await page.getByRole('textbox', { name: 'History B' }).fill(b);
  await page.getByRole('textbox', { name: 'Last line' }).fill(last);
  await page.getByRole('button', { name: 'Compare histories' }).click();
}

test("Two histories shows both conversations side by side with the engine's replies, the decay of the difference, and how much of it is kept", async ({ page }) => {
  await openHistories(page);
  // The example: "do you like frogs?" against a fresh start, then "why?".
  await expect(page.getByRole('textbox', { name: 'History A' })).toHaveValue('do you like frogs?');
  await expect(page.getByRole('textbox', { name: 'History B' })).toHaveValue('');
  await expect(page.getByRole('textbox', { name: 'Last line' })).toHaveValue('why?');
  const a = engineConversation(['do you like frogs?'], 'why?');
  const b = engineConversation([], 'why?');
  expect([a.reply, b.reply]).toEqual(['frogs are my best friend.', 'i am boris.']);
  const replyA = page.getByTestId('reply-a');
  await expect(replyA).toHaveAttribute('data-reply', a.reply);
  await expect(replyA).toContainText(a.reply);
  await expect(page.getByTestId('reply-b')).toHaveAttribute('data-reply', b.reply);
  const columnA = page.getByRole('region', { name: 'Conversation after history A' });
  await expect(columnA).toContainText('do you like frogs?');
  await expect(columnA).toContainText(a.replies[0]);
  await expect(page.getByRole('region', { name: 'Conversation after history B' })).toContainText('A fresh start: nothing said before.');

  // The decay curve: the engine's distance before the last line and after each of its steps, with each step's ρ.
  const memory = compareMemory(boris, [['do you like frogs?'], []], 'why?');
  const bars = page.locator('#compare-panel-histories rect.bar');
  await expect(bars).toHaveCount(memory.steps.length + 1);
  await expect(bars.nth(0)).toHaveAttribute('data-value', String(memory.startDistance));
  for (const [i, s] of memory.steps.entries()) await expect(bars.nth(i + 1)).toHaveAttribute('data-value', String(s.distance));
  const radii = await page.locator('#compare-panel-histories [data-radius]').evaluateAll((nodes) => nodes.map((n) => Number(n.getAttribute('data-radius'))));
  expect(radii).toEqual(memory.steps.flatMap((s) => s.spectralRadius));

  // One sentence says how much of the difference is kept.
  const end = memory.steps[memory.steps.length - 1].distance;
  const kept = (100 * end) / memory.startDistance;
  expect(kept).toBeGreaterThan(10);
  await expect(page.getByTestId('memory-verdict')).toHaveText(
    `After “why ?” the contexts are still ${formatNumber(end)} apart, ${formatNumber(kept)}% of the ${formatNumber(memory.startDistance)} they started with: Boris remembers.`,
  );
  await expect(page.getByTestId('memory-replies')).toContainText(`The replies differ: “${a.reply}” after history A, “${b.reply}” after history B`);

  // Two lines of history separated by "/": the difference fades, the replies are the same.
  await compareHistories(page, 'hello / who are you?', '', 'what do you love?');
  const two = engineConversation(['hello', 'who are you?'], 'what do you love?');
  const fresh = engineConversation([], 'what do you love?');
  await expect(page.getByTestId('reply-a')).toHaveAttribute('data-reply', two.reply);
  await expect(page.getByTestId('reply-b')).toHaveAttribute('data-reply', fresh.reply);
  await expect(page.getByRole('region', { name: 'Conversation after history A' })).toContainText(two.replies[1]);
  const faded = compareMemory(boris, [['hello', 'who are you?'], []], 'what do you love?');
  expect(faded.keptShare!).toBeLessThan(0.01);
  await expect(page.getByTestId('memory-verdict')).toContainText(`${formatNumber(faded.keptShare! * 100)}% of the ${formatNumber(faded.startDistance)} they started with: Boris has forgotten.`);

  // Replies sampled as the chat samples: every line with the chat's temperature and seed.
  await page.getByRole('spinbutton', { name: 'Temperature', exact: true }).fill('1.5');
  await page.getByRole('spinbutton', { name: 'Seed', exact: true }).fill('3');
  await page.getByRole('radio', { name: /As the chat samples/ }).check();
  await expect(page.getByTestId('histories-sampling')).toHaveText('(T 1.5 · top-k 0 · seed 3, the same for every line)');
  await compareHistories(page, 'do you like frogs? / who are you?', 'hello', 'why?');
  const sampledA = engineConversation(['do you like frogs?', 'who are you?'], 'why?', 1.5, 3);
  const sampledB = engineConversation(['hello'], 'why?', 1.5, 3);
  await expect(page.getByTestId('reply-a')).toHaveAttribute('data-reply', sampledA.reply);
  await expect(page.getByTestId('reply-b')).toHaveAttribute('data-reply', sampledB.reply);
  await expect(page.getByRole('region', { name: 'Conversation after history A' })).toContainText(sampledA.replies[1]);
  await expect(page.getByRole('region', { name: 'Conversation after history B' })).toContainText(sampledB.replies[0]);

  // An empty last line is refused in words, and the answer shown stays.
  await page.getByRole('textbox', { name: 'Last line' }).fill('  ');
  await page.getByRole('button', { name: 'Compare histories' }).click();
  await expect(page.getByRole('alert')).toHaveText('The last line is empty: type what is said after both histories.');
  await expect(page.getByTestId('reply-a')).toHaveAttribute('data-reply', sampledA.reply);
});

test("every distance Compare shows comes with its place among the distances between two lines of the corpus, the engine's percentile", async ({ page }) => {
  await openCompare(page);
  const [a, b] = ['i am good', 'frogs are very nice'];
  await compare(page, a, b);
  const d = engineDistance(a, b);
  await expect(page.getByTestId('distance')).toHaveAttribute('data-value', String(d));
  const scale = page.getByTestId('distance-scale');
  const p = enginePercent(d);
  expect(p).toBeGreaterThan(0);
  expect(p).toBeLessThan(100);
  await expect(scale).toHaveAttribute('data-value', String(p));
  await expect(scale).toHaveText(`${formatNumber(d)}, larger than ${formatNumber(p)}% of the distances between two lines of the corpus.`);
  // Where the paths part: the widest step's distance, placed too.
  const pa = contextPath(boris.weights, boris.vocabulary, a).contexts;
  const pb = contextPath(boris.weights, boris.vocabulary, b).contexts;
  const perStep = pa.slice(0, Math.min(pa.length, pb.length)).map((c, i) => distance(c, pb[i]));
  const widest = Math.max(...perStep);
  await expect(page.getByTestId('widest-scale')).toHaveAttribute('data-value', String(enginePercent(widest)));
  await expect(page.getByTestId('widest-scale')).toContainText(`${formatNumber(widest)}, larger than`);

  await page.getByRole('radio', { name: 'Cosine' }).check();
  const cosine = engineDistance(a, b, 'cosine');
  await expect(scale).toHaveAttribute('data-value', String(enginePercent(cosine, 'cosine')));
  await expect(scale).toContainText('of the cosine distances between two lines of the corpus');
  await page.getByRole('radio', { name: 'Euclidean' }).check();

  // The matrix's cells say it too.
  await page.getByRole('button', { name: 'Add sentence' }).click();
  await page.getByRole('textbox', { name: 'Sentence C' }).fill('who are you?');
  await page.getByRole('button', { name: 'Compare', exact: true }).click();
  for (const [name, other] of [['A and C', a], ['B and C', b]]) {
    const cell = page.getByRole('button', { name: new RegExp(`^${name}:`) });
    const percent = enginePercent(engineDistance(other, 'who are you?'));
    await expect(cell).toHaveAttribute('data-percent', String(percent));
    const said = percent >= 100 ? 'larger than every one of the distances' : `larger than ${formatNumber(percent)}% of the distances`;
    await expect(cell).toHaveAccessibleName(`${name}: ${formatNumber(engineDistance(other, 'who are you?'))}, ${said} between two lines of the corpus; look closely at this pair`);
  }

  // And Two histories places the distance left after the last line.
  await page.getByRole('tab', { name: 'Two histories' }).click();
  const memory = compareMemory(boris, [['do you like frogs?'], []], 'why?');
  const end = memory.steps[memory.steps.length - 1].distance;
  const memoryScale = page.getByTestId('memory-scale');
  await expect(memoryScale).toHaveAttribute('data-value', String(enginePercent(end)));
  await expect(memoryScale).toContainText(`For scale: ${formatNumber(end)}, larger than ${formatNumber(enginePercent(end))}% of the distances between two lines of the corpus`);
});

/** No two of the view's panels overlap, and nothing is wider than the view. */
/** Checked until it holds: a resize, a theme change or a table being drawn moves things for a moment. */
async function expectTidyLayout(page: Page) {
  await expect(() => tidyLayout(page)).toPass({ timeout: 10_000 });
}

async function tidyLayout(page: Page) {
  const view = page.locator('#view-compare');
  const fits = await view.evaluate((el) => el.scrollWidth <= el.clientWidth);
  expect(fits).toBe(true);
  const boxes = await page.locator('#view-compare .panel, #view-compare .summary, #view-compare form').evaluateAll((nodes) =>
    nodes.map((n) => n.getBoundingClientRect().toJSON() as DOMRect),
  );
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const [p, q] = [boxes[i], boxes[j]];
      const apart = p.right <= q.left || q.right <= p.left || p.bottom <= q.top || q.bottom <= p.top;
      expect(apart, `parts ${i} and ${j} overlap`).toBe(true);
    }
  }
}

async function showList(page: Page) {
  await page.getByRole('button', { name: 'Add sentence' }).click();
  await page.getByRole('textbox', { name: 'Sentence C' }).fill('frogs are very nice');
  await page.getByRole('button', { name: 'Compare', exact: true }).click();
  await expect(page.locator('table[aria-label="Pairwise distances"]')).toBeVisible();
}

test('the Compare view is tidy and has no serious accessibility finding, in the light and dark themes', async ({ page }) => {
  // Both themes' checks in one test: the time of the two tests it replaces.
  test.setTimeout(120_000);
  await openCompare(page);
  await showList(page);
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await page.setViewportSize({ width: 1280, height: 800 });
    await expectTidyLayout(page);
    await expectNoSeriousAccessibilityIssues(page, `compare (${colorScheme})`, ['#view-compare']);
    await page.setViewportSize({ width: 1920, height: 1080 });
    await expectTidyLayout(page);
  }
  // Two histories too.
  await page.getByRole('tab', { name: 'Two histories' }).click();
  await expect(page.getByTestId('memory-verdict')).toBeVisible();
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await expectTidyLayout(page);
    await expectNoSeriousAccessibilityIssues(page, `compare, two histories (${colorScheme})`, ['#view-compare']);
  }
});
