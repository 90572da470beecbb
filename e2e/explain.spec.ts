import type { Page } from '@playwright/test';
import { expect, test } from './helpers/test.ts';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { inPage } from './helpers/explainInPage.ts';
import { openApp, sayGreedily } from './helpers/chat.ts';
import { boris, borisText as modelText } from '../tests/helpers/boris.ts';
import { expectNoSeriousAccessibilityIssuesInBothThemes } from './helpers/axe.ts';

/** Explanations in the app: the numbers shown are the engine's, computed here in the same page. */
const corpusText = readFileSync('resources/corpus/boris.txt', 'utf8');
const PROMPT = 'who are you?';

async function chat(page: Page) {
  await openApp(page);
  await sayGreedily(page, PROMPT);
  const chips = page.getByRole('log', { name: 'Conversation' }).getByRole('button');
  await expect(chips).toHaveCount(9); // ¶ who are you ? i am boris .
  // The "?" the model reads before it answers: step 5.
  await chips.nth(4).click();
  return chips;
}

/** The words of "who are you?" before Boris's "i", and the engine's explanation of that "i" (computed in the page). */
const WORDS = ['who', 'are', 'you', '?'];
const ROWS = [0, ...[...WORDS, 'i'].map((w) => boris.vocabulary.rows.get(w)!)];
type Measured = { saliency: number; integratedGradient: number; occlusion: number | null; occlusionPoints: number | null };
async function engineExplanation(page: Page): Promise<{ steps: Measured[]; logProbability: number; baselineLogProbability: number; completenessGap: number }> {
  return inPage(page, { modelText, rows: ROWS }, (engine, { modelText, rows }) => {
    const model = engine.parseModel(modelText);
    // The prediction after "?" (step 5), whose target is the token that came next: "i".
    return engine.explainPrediction(model.weights, rows, 4, { target: rows[5] });
  });
}

type Listed = { token: string | null; step: number; value: string | null };
/** The list "Which words mattered" as the page shows it, in its order (most first). */
const shownOrder = (page: Page): Promise<Listed[]> =>
  page
    .getByRole('list', { name: 'Which words mattered' })
    .getByRole('listitem')
    .evaluateAll((items) => items.map((i) => ({ token: i.getAttribute('data-token'), step: Number(i.getAttribute('data-step')), value: i.getAttribute('data-value') })));
/** The same items in the order they were said. */
const listed = async (page: Page) => (await shownOrder(page)).sort((a, b) => a.step - b.step);
/** Most first, ties in the order said. */
const ranked = (items: Listed[]) => [...items].sort((a, b) => Math.abs(Number(b.value)) - Math.abs(Number(a.value)) || a.step - b.step);

test("Explain tints the chips and the timeline with the chosen measure's numbers for the step under the clock: Leave it out, then gradient × input", async ({ page }) => {
  const chips = await chat(page);
  await page.getByRole('button', { name: 'Explain' }).click();
  await expect(page.getByRole('button', { name: 'Explain' })).toHaveAttribute('aria-pressed', 'true');
  await expect(chips.nth(0)).toHaveAttribute('data-saliency', /.+/);
  const expected = await engineExplanation(page);
  // Leave it out first: the line start is never left out (0), each word its L - L_s.
  await expect(page.getByLabel('Measure')).toHaveValue('occlusion');
  for (let s = 0; s < 5; s++) {
    await expect(chips.nth(s)).toHaveAttribute('data-saliency', String(expected.steps[s].occlusion));
    await expect(page.locator(`[data-layer="saliency"][data-step="${s}"]`)).toHaveAttribute('data-value', String(expected.steps[s].occlusion));
  }
  // Switching the measure retints the chips and the sal row with gradient × input.
  await page.getByLabel('Measure').selectOption({ label: 'Gradient × input' });
  for (let s = 0; s < 5; s++) {
    await expect(chips.nth(s)).toHaveAttribute('data-saliency', String(expected.steps[s].saliency));
    await expect(page.locator(`[data-layer="saliency"][data-step="${s}"]`)).toHaveAttribute('data-value', String(expected.steps[s].saliency));
  }
  await expect(page.getByRole('list', { name: 'Which words mattered' }).locator('[data-step="4"]')).toHaveAttribute('data-value', String(expected.steps[4].saliency));
  // Steps after the clock's are not part of this prediction.
  await expect(chips.nth(5)).not.toHaveAttribute('data-saliency', /.*/);
  await expect(page.locator('[data-layer="saliency"]')).toHaveCount(5);
  // Moving the clock explains the new step.
  await chips.nth(6).click();
  await expect(page.locator('[data-layer="saliency"]')).toHaveCount(7);
  await page.getByRole('button', { name: 'Explain' }).click();
  await expect(chips.nth(0)).not.toHaveAttribute('data-saliency', /.*/);
  await expect(page.locator('[data-layer="saliency"]')).toHaveCount(0);
});

test("Which words mattered: Leave it out is the default, its list is the engine's occlusion word by word, and one sentence names the top word", async ({ page }) => {
  await chat(page);
  await page.getByRole('button', { name: 'Explain' }).click();
  const expected = await engineExplanation(page);
  await expect(page.getByLabel('Measure')).toHaveValue('occlusion');
  await expect(page.getByLabel('Measure').locator('option')).toHaveText(['Leave it out', 'Gradient × input', 'Integrated gradients']);
  // One item per word, labelled by the word and its step, carrying the engine's exact L - L_s.
  const words = WORDS.map((token, i) => ({ token, step: i + 1, value: String(expected.steps[i + 1].occlusion) }));
  await expect.poll(() => listed(page)).toEqual(words);
  // The word that mattered most on top.
  expect(await shownOrder(page)).toEqual(ranked(words));
  const list = page.getByRole('list', { name: 'Which words mattered' });
  const item = (step: number) => list.locator(`[role="listitem"][data-step="${step}"]`);
  await expect(item(1)).toContainText('who');
  await expect(item(1)).toContainText('step 2');
  // Percentage points and nats, to 4 significant figures.
  for (let step = 1; step <= WORDS.length; step++) {
    await expect(item(step)).toHaveAttribute('data-points', String(expected.steps[step].occlusionPoints));
    await expect(item(step)).toHaveAttribute('aria-label', new RegExp(` pp, [+−][\\d.e-]+ nats$`));
  }
  await expect(item(4)).toContainText('+100.0 pp');
  await expect(item(4)).toContainText(`+${(expected.steps[4].occlusion as number).toPrecision(4)} nats`);
  // The sentence names the word whose leaving out changes "i" most, with both probabilities.
  const top = WORDS[[1, 2, 3, 4].reduce((best, s) => (Math.abs(expected.steps[s].occlusion!) > Math.abs(expected.steps[best].occlusion!) ? s : best), 1) - 1];
  const without = Math.exp(expected.logProbability - expected.steps[WORDS.indexOf(top) + 1].occlusion!) * 100;
  await expect(page.getByTestId('which-words-answer')).toHaveText(`“${top}” mattered most: read as an unknown word, ‘i’ falls from 100.0% to ${without.toPrecision(4)}%.`);
  // Hover gives the exact numbers.
  await item(4).hover();
  await expect(page.getByRole('tooltip')).toContainText(`${expected.steps[4].occlusionPoints} percentage points`);
});

test('Which words mattered says when gradient × input is tiny because the prediction is saturated, and when the measures disagree', async ({ page }) => {
  await chat(page);
  await page.getByRole('button', { name: 'Explain' }).click();
  const expected = await engineExplanation(page);
  // Boris is sure of "i" after "who are you?": the gradients are of the order of 1e-7 nats.
  expect(Math.exp(expected.logProbability)).toBeGreaterThan(0.99);
  expect(Math.max(...expected.steps.map((s) => Math.abs(s.saliency)))).toBeLessThan(1e-3);
  const notes = page.getByTestId('measure-note');
  await expect(notes.filter({ hasText: 'Gradient × input is tiny here' })).toContainText('because ‘i’ is already at 100.0%: the softmax is saturated');
  await expect(notes.filter({ hasText: 'Leave it out picks “?”' })).toContainText('gradient × input picks “are”');
  // Under gradient × input the list shows its own numbers, and the sentence still says why they are tiny.
  await page.getByLabel('Measure').selectOption({ label: 'Gradient × input' });
  await expect.poll(() => listed(page)).toEqual(WORDS.map((token, i) => ({ token, step: i + 1, value: String(expected.steps[i + 1].saliency) })));
  await expect(page.getByTestId('which-words-answer')).toContainText('By gradient × input, “are” mattered most');
  await expect(notes.filter({ hasText: 'Gradient × input is tiny here' })).toBeVisible();
});

test("How far back shows the engine's integrated gradients when asked, and says what they add up to", async ({ page }) => {
  // Three turns, each explained by the quadrature: a minute and more when the other worker is busy.
  test.setTimeout(150_000);
  await chat(page);
  await page.getByRole('button', { name: 'Explain' }).click();
  const expected = await engineExplanation(page);
  expect(Math.abs(expected.completenessGap)).toBeLessThan(1e-4);
  const list = page.getByRole('list', { name: 'Which words mattered' });
  await expect(list).toHaveAttribute('data-measure', 'occlusion');
  await page.getByLabel('Measure').selectOption({ label: 'Integrated gradients' });
  await expect(list).toHaveAttribute('data-measure', 'integrated');
  // Word by word, the engine's numbers; with the line start's, their sum is L(h1) - L(0).
  await expect.poll(() => listed(page)).toEqual(WORDS.map((token, i) => ({ token, step: i + 1, value: String(expected.steps[i + 1].integratedGradient) })));
  const change = expected.logProbability - expected.baselineLogProbability;
  await expect(page.getByTestId('explained-target')).toContainText(`add up to the ${change.toPrecision(4)} nats between`);
  await expect(page.getByTestId('rough-path')).toHaveCount(0);
  await page.getByRole('button', { name: 'What is this? Which words mattered' }).click();
  const help = page.getByRole('dialog', { name: 'Which words mattered' });
  await expect(help).toContainText('Σ IG = L(h1) − L(0)');
  // The help explains Leave it out first, with the live numbers of the step under the clock.
  await expect(help.locator('p').first()).toHaveText(/^Leave it out: read one word as the unknown word/);
  await expect(help).toContainText(`Read “?” as the unknown word and ‘i’ goes to`);
  await page.keyboard.press('Escape');

  // Two more turns: the prediction after the last "?" reaches back 25 steps, where the path is too
  // rough for the quadrature, and the panel says by how much the bars miss.
  await sayGreedily(page, 'what do you love?');
  await sayGreedily(page, 'do you like frogs?');
  const chips = page.getByRole('log', { name: 'Conversation' }).getByRole('button');
  // Every turn written out: ¶ who are you ? i am boris . | ¶ what do you love ? i love frogs . | ¶ do you like frogs ? i love frogs .
  await expect(chips).toHaveCount(29);
  const tokens = await chips.evaluateAll((all) => all.map((chip) => chip.textContent!.trim()));
  const question = tokens.lastIndexOf('?');
  await chips.nth(question).click();
  const later = await inPage(page, { modelText, tokens, question }, (engine, { modelText, tokens, question }) => {
    const model = engine.parseModel(modelText);
    const rows = tokens.map((t: string) => (t === '¶' ? 0 : model.vocabulary.rows.get(t)));
    return engine.explainPrediction(model.weights, rows, question, { target: rows[question + 1] }).completenessGap;
  });
  expect(Math.abs(later)).toBeGreaterThan(1e-4);
  await expect(page.getByTestId('rough-path')).toContainText(`but miss by ${Math.abs(later).toPrecision(4)}`);
});

test('slm explain --measure occlusion --json equals the app’s list “Which words mattered” item by item, and prints the same sentence', async ({ page }) => {
  await chat(page);
  await page.getByRole('button', { name: 'Explain' }).click();
  await expect(page.getByRole('list', { name: 'Which words mattered' }).getByRole('listitem')).toHaveCount(WORDS.length);
  const shown = await shownOrder(page);
  // The built command (npm run build writes dist/cli.js), with Boris, as a person would run it.
  const cli = (...args: string[]) => execFileSync(process.execPath, ['dist/cli.js', 'explain', PROMPT, ...args], { encoding: 'utf8' });
  const record = JSON.parse(cli('--measure', 'occlusion', '--json'));
  expect(record.target).toBe('i');
  const words = record.steps.map((s: { token: string; occlusion: number }, step: number) => ({ token: s.token, step, value: String(s.occlusion) })).filter((w: { token: string }) => w.token !== '');
  // The same items, in the same order (most first), as the command's own list.
  expect(shown).toEqual(ranked(words));
  const sentence = cli('--measure', 'occlusion').split('\n')[1];
  await expect(page.getByTestId('which-words-answer')).toHaveText(sentence);
});

type Item = { token: string; path: number };
/** Nodes in one order for comparing (the app lists them level by level, the engine's walk depth first). */
const ordered = (items: Item[]) => [...items].sort((a, b) => b.path - a.path || a.token.localeCompare(b.token));
const treeItems = async (page: Page) =>
  ordered(
    await page
      .getByRole('tree', { name: 'Reply tree' })
      .getByRole('treeitem')
      .evaluateAll((items) => items.map((i) => ({ token: i.getAttribute('data-token')!, path: Number(i.getAttribute('data-path-probability')) }))),
  );

/**
 * Says PROMPT afresh at this temperature and top-k and puts the clock on its "?": the reply tree is grown
 * at the temperature of the turn under the clock, as the next-token bars are.
 */
async function askAt(page: Page, temperature: number, topK: number) {
  await page.getByRole('button', { name: 'New conversation' }).click();
  await page.getByLabel('Temperature').fill(String(temperature));
  await page.getByLabel('Top-k').fill(String(topK));
  await page.getByRole('textbox', { name: 'Message' }).fill(PROMPT);
  await page.getByRole('button', { name: 'Send' }).click();
  const conversation = page.getByRole('log', { name: 'Conversation' });
  await expect(conversation.getByRole('button', { name: /^Boris's token/ }).first()).toBeVisible();
  await expect(conversation.locator('.silent.writing')).toHaveCount(0, { timeout: 20_000 });
  await conversation.getByRole('button').nth(4).click();
}

async function engineTree(page: Page, temperature: number, topK: number): Promise<Item[]> {
  const rows = [0, ...['who', 'are', 'you', '?'].map((w) => boris.vocabulary.rows.get(w)!)];
  return inPage(page, { modelText, rows, temperature, topK }, (engine, { modelText, rows, temperature, topK }) => {
    const model = engine.parseModel(modelText);
    const steps = engine.run(model.weights, rows);
    const out: { token: string; path: number }[] = [];
    const walk = (nodes: any[]) => {
      for (const n of nodes) {
        out.push({ token: model.vocabulary.tokens[n.row], path: n.pathProbability });
        walk(n.children);
      }
    };
    walk(engine.replyTree(model.weights, steps[steps.length - 1].h2, { temperature, topK }));
    return out;
  }).then(ordered);
}

test('the reply tree of a greedy turn is shown at T 1 as the bars are, reshapes with the temperature and top-k, and a leaf is said', async ({ page }) => {
  await chat(page);
  await page.getByRole('button', { name: 'Explain' }).click();
  const tree = page.getByRole('tree', { name: 'Reply tree' });
  await expect(tree.getByRole('treeitem').first()).toBeVisible();
  // A turn said at temperature 0 (always the likeliest) shows its probabilities at T 1, in the bars and the tree alike.
  const greedy = await engineTree(page, 1, 0);
  await expect.poll(() => treeItems(page)).toEqual(greedy);
  await expect(page.getByTestId('tree-temperature')).toHaveAttribute('data-value', '1');

  await askAt(page, 3, 3);
  const wider = await engineTree(page, 3, 3);
  expect(wider.length).toBeGreaterThan(greedy.length);
  await expect.poll(() => treeItems(page)).toEqual(wider);

  // Hover shows the exact numbers; clicking a leaf says that reply.
  const leaf = tree.locator('[role="treeitem"][tabindex="0"]').first();
  await leaf.hover();
  await expect(page.getByRole('tooltip')).toContainText(`path probability ${await leaf.getAttribute('data-path-probability')}`);
  const turns = page.getByRole('log', { name: 'Conversation' }).locator('.turn');
  const before = await turns.count();
  await leaf.click();
  await expect(turns).toHaveCount(before + 2);
});

/** The boxes of the reply tree's labels (tokens and probabilities) that intersect, and those that leave the drawing. */
async function labelClashes(page: Page): Promise<string[]> {
  return page.getByRole('tree', { name: 'Reply tree' }).evaluate((svg) => {
    const frame = svg.getBoundingClientRect();
    const labels = [...svg.querySelectorAll('text')].map((t) => ({ text: t.textContent!.trim(), box: t.getBoundingClientRect() }));
    const clashes: string[] = [];
    for (let i = 0; i < labels.length; i++) {
      const a = labels[i].box;
      if (a.left < frame.left - 0.5 || a.right > frame.right + 0.5) clashes.push(`"${labels[i].text}" leaves the drawing`);
      for (let j = i + 1; j < labels.length; j++) {
        const b = labels[j].box;
        // Half a pixel of slack for anti-aliasing.
        const apart = a.right <= b.left + 0.5 || b.right <= a.left + 0.5 || a.bottom <= b.top + 0.5 || b.bottom <= a.top + 0.5;
        if (!apart) clashes.push(`"${labels[i].text}" overlaps "${labels[j].text}"`);
      }
    }
    return clashes;
  });
}

test('no label of the reply tree overlaps another at temperatures 0, 0.5, 1 and 2, at 1280x800 and at 1920x1080', async ({ page }) => {
  // Both window sizes in one page: more than the time of the two tests it replaces.
  test.setTimeout(180_000);
  // Nodes glide to their places; without motion the boxes read are the final ones.
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await chat(page);
  await page.getByRole('button', { name: 'Explain' }).click();
  for (const size of [
    { width: 1280, height: 800 },
    { width: 1920, height: 1080 },
  ]) {
    await page.setViewportSize(size);
    for (const temperature of [2, 1, 0.5, 0]) {
      await askAt(page, temperature, 0);
      const expected = await engineTree(page, temperature || 1, 0);
      await expect.poll(() => treeItems(page)).toEqual(expected);
      expect(await labelClashes(page), `at T = ${temperature}, ${size.width}x${size.height}`).toEqual([]);
    }
  }
});

test("a unit's card shows the engine's profile, and knocks the unit out in the Weights view", async ({ page }) => {
  await chat(page);
  await page.locator('.network [data-layer="h2"][data-unit="5"]').click();
  const card = page.getByRole('dialog', { name: 'Unit h2 5' });
  await expect(card).toBeVisible();
  await expect(card.getByRole('list', { name: 'Top contexts' }).getByRole('listitem')).toHaveCount(10);
  const expected = await inPage(page, { modelText, corpusText }, (engine, { modelText, corpusText }) => {
    const model = engine.parseModel(modelText);
    const { lines, heldOut } = engine.corpusRows(model.vocabulary, corpusText);
    const p = engine.unitProfile(model.weights, lines, { layer: 'h2', unit: 5 }, { heldOut });
    return { accuracy: p.knockout.knockedOut.accuracy, top: p.topContexts.map((c: { activation: number }) => c.activation) };
  });
  await expect(card.getByTestId('knockout-accuracy')).toHaveAttribute('data-value', String(expected.accuracy));
  const shown = await card.getByRole('listitem').evaluateAll((items) => items.map((i) => Number(i.getAttribute('data-activation'))));
  expect(shown).toEqual(expected.top);

  await card.getByRole('button', { name: 'Knock out in the Weights view' }).click();
  await expect(page.getByRole('tab', { name: 'Weights' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('button', { name: 'Knock out h2 unit 5' })).toHaveAttribute('aria-pressed', 'true');
  // The table, measured afresh with the unit out, has the card's knocked-out accuracy as its intact one.
  await expect(page.locator('[data-unit="h2:5"]')).toHaveAttribute('data-accuracy', String(expected.accuracy));
});

test("the knock-out table holds every unit's exact effect, sorts, and opens a card", async ({ page }) => {
  await page.goto('/');
  await expect(page.getByText(/Boris · \d+ words/)).toBeVisible({ timeout: 15_000 });
  await page.getByRole('tab', { name: 'Weights' }).click();
  const table = page.getByRole('table');
  await expect(table.getByRole('row')).toHaveCount(1 + 2 * boris.weights.embeddingSize);
  const expected = await inPage(page, { modelText, corpusText }, (engine, { modelText, corpusText }) => {
    const model = engine.parseModel(modelText);
    const t = engine.knockoutTable(model.weights, engine.corpusRows(model.vocabulary, corpusText).heldOut);
    return t.units.map((u: { layer: string; unit: number; loss: number; accuracy: number }) => ({ unit: `${u.layer}:${u.unit}`, loss: u.loss, accuracy: u.accuracy }));
  });
  const shown = async () =>
    table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => ({ unit: r.getAttribute('data-unit')!, loss: Number(r.getAttribute('data-loss')), accuracy: Number(r.getAttribute('data-accuracy')) })));
  const rows = await shown();
  expect([...rows].sort((a, b) => a.unit.localeCompare(b.unit))).toEqual([...expected].sort((a, b) => a.unit.localeCompare(b.unit)));
  // Sorted by the loss change, largest first; then by accuracy, lowest first.
  expect(rows.map((r) => r.loss)).toEqual([...rows.map((r) => r.loss)].sort((a, b) => b - a));
  await table.getByRole('button', { name: 'Accuracy', exact: true }).click();
  await table.getByRole('button', { name: /^Accuracy/ }).click();
  const byAccuracy = (await shown()).map((r) => r.accuracy);
  expect(byAccuracy).toEqual([...byAccuracy].sort((a, b) => a - b));
  await table.getByRole('button', { name: 'h2 5', exact: true }).click();
  await expect(page.getByRole('dialog', { name: 'Unit h2 5' })).toBeVisible();
  await page.getByRole('button', { name: 'Close' }).click();

  // A heatmap's row number opens that unit's card too: W0's rows are h1 units.
  const w0 = page.locator('canvas[data-matrix="w0"]');
  const [left, top, cell] = await Promise.all(['data-left', 'data-top', 'data-cell'].map(async (a) => Number(await w0.getAttribute(a))));
  await w0.click({ position: { x: left / 2, y: top + 2.5 * cell } });
  const card = page.getByRole('dialog', { name: 'Unit h1 2' });
  await expect(card).toBeVisible();
  await expect(card.getByTestId('knockout-accuracy')).toHaveAttribute('data-value', String(expected.find((u: { unit: string }) => u.unit === 'h1:2')!.accuracy));
});

test('Export image saves the reply tree as a PNG at 2x (at least 800 pixels wide) and as SVG, named after view, model and step', async ({ page }) => {
  await chat(page);
  await page.getByLabel('Temperature').fill('2');
  await page.getByRole('button', { name: 'Explain' }).click();
  await expect(page.getByRole('tree', { name: 'Reply tree' }).getByRole('treeitem').first()).toBeVisible();
  const panel = page.locator('figure.reply-tree');
  const box = await panel.getByRole('tree').boundingBox();
  await panel.getByRole('button', { name: 'Export image of the reply tree' }).click();
  const [png] = await Promise.all([page.waitForEvent('download'), panel.getByRole('menuitem', { name: 'PNG (2x)' }).click()]);
  expect(png.suggestedFilename()).toBe('reply-tree-boris-step-5.png');
  await png.saveAs('test-results/screens/reply-tree-export.png');
  const bytes = readFileSync(await png.path());
  expect(bytes.subarray(1, 4).toString()).toBe('PNG');
  // The drawing cropped to the tree, never wider than the panel, and the picture at least 400 wide.
  expect(bytes.readUInt32BE(16)).toBeGreaterThanOrEqual(800);
  expect(bytes.readUInt32BE(16)).toBeLessThanOrEqual(Math.round(Math.max(400, box!.width) * 2));
  await panel.getByRole('button', { name: 'Export image of the reply tree' }).click();
  const [svg] = await Promise.all([page.waitForEvent('download'), panel.getByRole('menuitem', { name: 'SVG' }).click()]);
  expect(svg.suggestedFilename()).toBe('reply-tree-boris-step-5.svg');
  expect(readFileSync(await svg.path(), 'utf8')).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"[\s\S]*data-token="am"/);
});

test('Export image on the network view, the timeline and the context path: PNGs at 2x named after view, model and step', async ({ page }) => {
  await chat(page);
  for (const [view, file] of [
    ['network view', 'network-view-boris-step-5.png'],
    ['context timeline', 'context-timeline-boris-step-5.png'],
    ['context path', 'context-path-boris-step-5.png'],
  ] as const) {
    await page.getByRole('button', { name: `Export image of the ${view}`, exact: true }).click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: 'PNG (2x)' }).click()]);
    expect(download.suggestedFilename()).toBe(file);
    const bytes = readFileSync(await download.path());
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    if (view === 'network view') {
      // The network's layers are taken whole: the picture is as wide as the drawing, twice over.
      const box = (await page.locator('figure.network > svg').first().boundingBox())!;
      expect(bytes.readUInt32BE(16)).toBe(Math.round(box.width * 2));
      await download.saveAs('test-results/screens/network-view-export.png');
    }
  }
});

test('Export image in the Embeddings view saves the word map as a PNG at 2x, with its title band above', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByText(/Boris · \d+ words/)).toBeVisible({ timeout: 15_000 });
  await page.getByRole('tab', { name: 'Embeddings' }).click();
  const map = page.locator('#view-embeddings svg[aria-label^="Map of every word"]');
  await expect(map).toBeVisible();
  const box = (await map.boundingBox())!;
  await page.locator('#view-embeddings').getByRole('button', { name: 'Export image of the word map' }).click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: 'PNG (2x)' }).click()]);
  expect(download.suggestedFilename()).toBe('word-map-boris.png');
  const bytes = readFileSync(await download.path());
  expect(bytes.readUInt32BE(16)).toBeGreaterThanOrEqual(800);
  expect(bytes.readUInt32BE(16)).toBeLessThanOrEqual(Math.round(Math.max(400, box.width) * 2));
  expect(bytes.readUInt32BE(20)).toBeGreaterThan(40);
});

for (const size of [
  { width: 1280, height: 800 },
  { width: 1000, height: 720 },
  { width: 1260, height: 760 },
]) {
  test(`the reply tree sits beside the next-token bars, and the network's headings and bars stay clear, at ${size.width}x${size.height}`, async ({ page }) => {
    await page.setViewportSize(size);
    await chat(page);
    await page.getByRole('button', { name: 'Explain' }).click();
    const tree = page.locator('figure.reply-tree');
    await expect(tree.getByRole('tree', { name: 'Reply tree' })).toBeVisible();
    // Measured once the page has settled (Explain re-lays out the view): retried until it holds.
    await expect(async () => {
      const network = (await page.locator('figure.network').boundingBox())!;
      const treeBox = (await tree.boundingBox())!;
      const bars = (await page.locator('figure.network .bar-p').last().boundingBox())!;
      if (size.width >= 1260) {
        // Beside: to the right of the network, in the same row.
        expect(treeBox.x).toBeGreaterThanOrEqual(network.x + network.width);
        expect(treeBox.y).toBeLessThan(network.y + network.height);
        expect(treeBox.y + treeBox.height).toBeGreaterThan(network.y);
      } else {
        // A narrow window: under the network, above the timeline.
        expect(treeBox.y).toBeGreaterThanOrEqual(network.y + network.height);
        expect(treeBox.y + treeBox.height).toBeLessThanOrEqual((await page.locator('.below').boundingBox())!.y + 1);
      }
      // The bars' percentages stay inside the network's panel, and no two headings overlap.
      expect(bars.x + bars.width).toBeLessThanOrEqual(network.x + network.width);
      const headings = await Promise.all((await page.locator('figure.network .headings text').all()).map(async (h) => (await h.boundingBox())!));
      for (let i = 0; i < headings.length; i++) {
        for (let j = i + 1; j < headings.length; j++) {
          const [a, b] = [headings[i], headings[j]];
          const apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
          expect(apart, `headings ${i} and ${j}`).toBe(true);
        }
      }
    }).toPass({ timeout: 10_000 });
    // The timeline's saliency row is in view inside its panel, without scrolling.
    const saliencyCell = page.locator('figure.timeline [data-layer="saliency"]').first();
    await expect(saliencyCell).toHaveCount(1);
    const scroller = (await page.locator('figure.timeline .scroller').boundingBox())!;
    const saliency = (await saliencyCell.boundingBox())!;
    expect(saliency.y).toBeGreaterThanOrEqual(scroller.y);
    expect(saliency.y + saliency.height).toBeLessThanOrEqual(scroller.y + scroller.height);
  });
}

/**
 * Clicks a panel's Export image, then PNG (2x); checks the file and that it is twice the panel (or
 * twice 400 pixels, for a narrower one), with a title band above it.
 */
async function exportPng(page: Page, panel: ReturnType<Page['locator']>, file: string, scope = panel) {
  await panel.scrollIntoViewIfNeeded();
  const box = (await panel.boundingBox())!;
  await scope.getByRole('button', { name: /^Export image of the / }).first().click();
  // An HTML or canvas panel has no SVG to give: PNG only.
  await expect(page.getByRole('menuitem', { name: 'SVG' })).toHaveCount(0);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: 'PNG (2x)' }).click()]);
  expect(download.suggestedFilename()).toBe(file);
  const bytes = readFileSync(await download.path());
  expect(bytes.subarray(1, 4).toString()).toBe('PNG');
  expect(bytes.readUInt32BE(16)).toBe(Math.round(Math.max(400, box.width) * 2));
  expect(bytes.readUInt32BE(20)).toBeGreaterThan(120); // at least the title band and some of the panel
  await download.saveAs(`test-results/screens/export-${file}`);
  return bytes;
}

test('Export image on the HTML and canvas panels: the chat, the weight heatmaps, next token, the knock-out table and Compare', async ({ page }) => {
  await chat(page);
  await exportPng(page, page.getByRole('log', { name: 'Conversation' }), 'chat-boris-step-5.png', page.locator('section.chat .log-tools'));
  await page.getByRole('tab', { name: 'Weights' }).click();
  for (const name of ['w0', 'w1', 'w2']) {
    const bytes = await exportPng(page, page.locator(`figure.heatmap:has(canvas[data-matrix="${name}"])`), `weights-${name}-boris-step-5.png`);
    // The heatmap's cells are in the picture, not an empty panel: a PNG of thousands of coloured cells is large.
    expect(bytes.length).toBeGreaterThan(20_000);
  }
  await exportPng(page, page.locator('#view-weights .panel.next'), 'next-token-boris-step-5.png');
  await expect(page.getByRole('table').filter({ hasText: 'Δ loss' }).getByRole('row')).toHaveCount(2 * boris.weights.embeddingSize + 1);
  await exportPng(page, page.locator('section[aria-label="Knock-out table"]'), 'knock-out-table-boris-step-5.png');
  await page.getByRole('tab', { name: 'Compare' }).click();
  await page.getByRole('button', { name: 'Add sentence' }).click();
  for (const [i, sentence] of ['i am good', 'frogs are very nice', 'who are you?'].entries()) await page.getByRole('textbox', { name: `Sentence ${'ABC'[i]}` }).fill(sentence);
  await page.getByRole('button', { name: 'Compare', exact: true }).click();
  await expect(page.locator('td[data-row="0"][data-column="2"]')).toBeVisible();
  await exportPng(page, page.getByRole('region', { name: 'Pairwise distances' }), 'pairwise-distances-boris-step-5.png');
  await exportPng(page, page.getByRole('region', { name: 'Where the paths part' }), 'where-the-paths-part-boris-step-5.png');
  await page.getByRole('region', { name: 'Pairwise distances' }).scrollIntoViewIfNeeded();
});

test('the explanations, a unit\'s card and the knock-out table have no accessibility finding, in the light and dark themes', async ({ page }) => {
  // Both themes' checks in one test: more than the time of the two tests it replaces (six scans of every rule).
  test.setTimeout(180_000);
  await chat(page);
  await page.getByLabel('Temperature').fill('2');
  await page.getByRole('button', { name: 'Explain' }).click();
  await expect(page.getByRole('tree', { name: 'Reply tree' }).getByRole('treeitem').nth(2)).toBeVisible();
  await expectNoSeriousAccessibilityIssuesInBothThemes(page, 'explain', ['#view-inside', 'section.chat'], true);
  await page.locator('.network [data-layer="h2"][data-unit="5"]').click();
  await expect(page.getByTestId('knockout-accuracy')).toBeVisible();
  await page.mouse.move(4, 790);
  await expectNoSeriousAccessibilityIssuesInBothThemes(page, 'explain', ['[role="dialog"]'], true);
  await page.getByRole('button', { name: 'Close' }).click();
  await page.getByRole('tab', { name: 'Weights' }).click();
  await page.getByRole('table').scrollIntoViewIfNeeded();
  await expect(page.locator('tbody tr')).toHaveCount(2 * boris.weights.embeddingSize);
  // The whole Weights view, with an Export image on every heatmap, next token and the table.
  await expectNoSeriousAccessibilityIssuesInBothThemes(page, 'explain', ['#view-weights'], true);
});
