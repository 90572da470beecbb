import { expect, test } from './helpers/test.ts';
import { fixedPoint, stepSpectrum } from '../src-main/model/dynamics/dynamics.ts';
import { Conversation } from '../src-main/model/network/generation.ts';
import { nearestWords } from '../src-main/model/geometry/geometry.ts';
import { createRng } from '../src-main/model/network/rng.ts';
import { formatNumber } from '../src-renderer/lib/numbers.ts';
import { boris } from '../tests/helpers/boris.ts';
import { openApp as open, sayGreedily as say } from './helpers/chat.ts';
import { expectNoSeriousAccessibilityIssues } from './helpers/axe.ts';

/**
 * Help everywhere, in words: every view's "?" by its title, the Glossary (every term with its meaning,
 * formula and a live example from the open model), a tour of each view, and no command-line talk.
 */
const E = boris.weights.embeddingSize;
const V = boris.vocabulary.tokens.length;


test("every view has a '?' by its title that opens help with the open model's live numbers", async ({ page }) => {
  await open(page);
  await say(page, 'who are you?');
  const views: [tab: string, name: string, live: RegExp | string][] = [
    ['Inside', 'The Inside view', `Boris: ${V} words, ${E} units per layer.`],
    ['Compare', 'The Compare view', `Boris’s contexts have ${E} numbers`],
    ['Embeddings', 'The Embeddings view', `Boris has ${V} words, each with ${E} numbers`],
    ['Weights', 'The Weights view', `Boris: W0 ${E} × ${V}, W1 ${E} × ${2 * E}, W2 ${V} × ${E}: ${(2 * E * V + 2 * E * E).toLocaleString('en')} weights in all.`],
    ['Train', 'The Train view', `Boris was trained for ${boris.training!.epochs} epochs and keeps epoch ${boris.training!.bestEpoch}`],
  ];
  for (const [tab, name, live] of views) {
    await page.getByRole('tab', { name: tab }).click();
    await page.getByRole('button', { name: `What is this? ${name}` }).click();
    const card = page.getByRole('dialog', { name });
    await expect(card).toContainText(live);
    await expect(card.locator('code')).not.toBeEmpty();
    await page.keyboard.press('Escape');
    await expect(card).toHaveCount(0);
  }
  // Compare's "?" quotes the distance the view shows.
  await page.getByRole('tab', { name: 'Compare' }).click();
  const distance = Number(await page.getByTestId('distance').getAttribute('data-value'));
  await page.getByRole('button', { name: 'What is this? The Compare view' }).click();
  await expect(page.getByRole('dialog', { name: 'The Compare view' })).toContainText(`end ${formatNumber(distance)} apart (euclidean distance)`);
});

test('the terms on screen lead to their explanation: the clock, W0–W2, PCA, UMAP, distances, eigenvalues', async ({ page }) => {
  await open(page);
  await say(page, 'who are you?');
  const ask = async (tab: string, name: string, live: string) => {
    await page.getByRole('tab', { name: tab }).click();
    await page.getByRole('button', { name: `What is this? ${name}` }).first().click();
    await expect(page.getByRole('dialog', { name })).toContainText(live);
    await page.keyboard.press('Escape');
  };
  const turn = new Conversation(boris.weights, boris.vocabulary).say('who are you?', { temperature: 0, rng: createRng(1) });
  const steps = turn.fed.length + turn.written.length;
  await ask('Inside', 'The clock', `The clock is on step ${steps} of ${steps}`);
  await ask('Weights', 'W0 · the token weights', `W0 is ${E} × ${V}`);
  await ask('Weights', 'W1 · the context weights', `W1 is ${E} × ${2 * E}`);
  await ask('Weights', 'W2 · the output weights', `W2 is ${V} × ${E}`);
  await ask('Embeddings', 'PCA', 'of the variance of the corpus’s contexts');
  await ask('Embeddings', 'UMAP', `${V - 1} words`);
  const [euclidean] = nearestWords(boris.weights, boris.vocabulary, 'frogs', 1, 'euclidean');
  const [cosine] = nearestWords(boris.weights, boris.vocabulary, 'frogs', 1, 'cosine');
  await ask('Embeddings', 'Euclidean distance', `“${euclidean.word}”, at ${formatNumber(euclidean.distance)}`);
  await ask('Compare', 'Cosine distance', `“${cosine.word}”, at ${formatNumber(cosine.distance)}`);
  // In the Inside view the Dynamics panel's eigenvalues "?" quotes J's spectrum at the step under the clock.
  await page.getByRole('tab', { name: 'Inside' }).click();
  await page.getByRole('button', { name: /Dynamics and memory/ }).click();
  const last = turn.written.at(-1)!;
  const spectrum = stepSpectrum(boris.weights, last.h2);
  await ask('Inside', 'Eigenvalue', `The largest size is ${formatNumber(spectrum.spectralRadius)}`);
});

test('Help › Glossary lists every term with its meaning, its formula and a live example from the open model', async ({ page }) => {
  test.setTimeout(120_000);
  await open(page);
  await say(page, 'who are you?');
  await page.getByRole('button', { name: 'Help', exact: true }).click();
  await page.getByRole('menuitem', { name: 'Glossary' }).click();
  const glossary = page.getByRole('dialog', { name: 'Glossary' });
  await expect(glossary).toBeVisible();
  const turn = new Conversation(boris.weights, boris.vocabulary).say('who are you?', { temperature: 0, rng: createRng(1) });
  const last = turn.written.at(-1)!;
  const spectrum = stepSpectrum(boris.weights, last.h2);
  const boundary = fixedPoint(boris.weights, 0);
  const top = Array.from(last.probs).reduce((b, p, k, all) => (p > all[b] ? k : b), 0);
  const [euclidean] = nearestWords(boris.weights, boris.vocabulary, 'frogs', 1, 'euclidean');
  const [cosine] = nearestWords(boris.weights, boris.vocabulary, 'frogs', 1, 'cosine');
  const terms: [title: string, live: string | RegExp][] = [
    ['W0 · the token weights', `W0 is ${E} × ${V}`],
    ['W1 · the context weights', `W1 is ${E} × ${2 * E}`],
    ['W2 · the output weights', `W2 is ${V} × ${E}`],
    ['PCA', /hold [\d.]+% and [\d.]+% of the variance/],
    ['UMAP', `${V - 1} words`],
    ['The clock', /The clock is on step \d+ of \d+/],
    ['Nats', `−ln ${formatNumber(last.probs[top])} = ${formatNumber(-Math.log(last.probs[top]))} nats`],
    ['J · how the step passes on a change', `J is ${E} × ${E}`],
    ['Eigenvalue', `J has ${E} eigenvalues`],
    ['Spectral radius ρ', `ρ = ${formatNumber(spectrum.spectralRadius)}`],
    ['Singular value', /σ_max\(W1\[:, \d+:\d+\]\) = [\d.]+/],
    ['A word’s fixed point', `ρ there = ${formatNumber(boundary.spectralRadius)}`],
    ['Euclidean distance', `“${euclidean.word}”, at ${formatNumber(euclidean.distance)}`],
    ['Cosine distance', `“${cosine.word}”, at ${formatNumber(cosine.distance)}`],
    ['h1 · the token embedding', /h1 unit \d+ = tanh/],
    ['softmax at T', /score .* → p = /],
  ];
  // The curves over Boris's training (for the singular value) take the service longest.
  await expect(glossary.getByText(/σ_max\(W1/)).toBeVisible({ timeout: 30_000 });
  const items = glossary.getByRole('listitem');
  expect(await items.count()).toBeGreaterThanOrEqual(terms.length + 10);
  for (const [title, live] of terms) {
    const item = items.filter({ has: page.getByRole('heading', { name: title, exact: true }) });
    await expect(item, title).toHaveCount(1);
    await expect(item.getByTestId('glossary-formula'), title).not.toBeEmpty();
    await expect(item.getByTestId('glossary-example'), title).toContainText(live);
  }
  // Every listed term has a meaning, a formula and a live example.
  const missing = await items.evaluateAll((nodes) =>
    nodes.filter((n) => !n.querySelector('[data-testid="glossary-formula"]') || !n.querySelector('[data-testid="glossary-example"]')).map((n) => n.querySelector('h4')?.textContent),
  );
  expect(missing).toEqual([]);
  await expectNoSeriousAccessibilityIssues(page, 'glossary');
  await page.keyboard.press('Escape');
  await expect(glossary).toHaveCount(0);
});

test('Help offers a tour of each view, and each runs to its end; the Inside tour ends with memory', async ({ page }) => {
  test.setTimeout(240_000);
  await open(page);
  const expected: Record<string, number> = { Inside: 9, Compare: 5, Embeddings: 6, Weights: 5, Train: 5 };
  for (const [view, count] of Object.entries(expected)) {
    await page.getByRole('button', { name: 'Help', exact: true }).click();
    await page.getByRole('menuitem', { name: new RegExp(`^Tour of ${view}`) }).click();
    await expect(page.getByRole('tab', { name: view })).toHaveAttribute('aria-selected', 'true');
    const tour = page.getByRole('dialog', { name: 'Tour' });
    const titles: string[] = [];
    for (let i = 0; i < count; i++) {
      await expect(tour).toContainText(`Tour of ${view} · ${i + 1} of ${count}`);
      await expect(tour.getByRole('heading')).not.toBeEmpty();
      await expect(tour.locator('code')).not.toBeEmpty();
      await expect(tour.getByTestId('tour-live')).not.toBeEmpty();
      titles.push((await tour.getByRole('heading').textContent()) ?? '');
      if (i === 0) await expectNoSeriousAccessibilityIssues(page, `tour of ${view}`);
      if (i < count - 1) await tour.getByRole('button', { name: 'Next', exact: true }).click();
    }
    if (view === 'Inside') {
      expect(titles.at(-1)).toBe('Does he remember?');
      await expect(tour).toContainText('Dynamics and memory');
      await expect(tour).toContainText('Two histories');
    }
    await tour.getByRole('button', { name: 'Done' }).click();
    await expect(tour).toHaveCount(0);
  }
});

test('the Embeddings view says what its distances compare in words, not as a command', async ({ page }) => {
  await open(page);
  await page.getByRole('tab', { name: 'Embeddings' }).click();
  const view = page.locator('#view-embeddings');
  await expect(view).toContainText('Distances compare the words’ token embeddings h1');
  await expect(view).not.toContainText('slm neighbours');
  // No learner-facing text anywhere in the views names a terminal command.
  for (const tab of ['Inside', 'Compare', 'Embeddings', 'Weights', 'Train']) {
    await page.getByRole('tab', { name: tab }).click();
    await expect(page.locator('main')).not.toContainText(/\bslm [a-z]+/);
  }
});

test('an explanation opened near the foot of the window moves above its "?" without a page error', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await open(page);
  await say(page, 'who are you?');
  await expect(page.getByTestId('spectral-radius')).toBeVisible({ timeout: 30_000 });
  const ask = page.getByRole('button', { name: 'What is this? Why a context saturates or fades' });
  await ask.click();
  const card = page.getByRole('dialog', { name: 'Why a context saturates or fades' });
  await expect(card).toContainText('Here ρ =');
  const [cardBox, askBox] = [await card.boundingBox(), await ask.boundingBox()];
  expect(cardBox!.y + cardBox!.height).toBeLessThanOrEqual(askBox!.y);
  expect(errors).toEqual([]);
});
