import type { Page } from '@playwright/test';
import { expect, test } from './helpers/test.ts';
import { readFileSync } from 'node:fs';
import { textDynamics, wordFixedPoint } from '../src-main/cli/dynamicsCommand.ts';
import { trainingDynamics } from '../src-main/model/dynamics/dynamics.ts';
import { compareMemory } from '../src-main/model/dynamics/memory.ts';
import { openApp, sayGreedily } from './helpers/chat.ts';
import { boris } from '../tests/helpers/boris.ts';
import { expectNoSeriousAccessibilityIssuesInBothThemes } from './helpers/axe.ts';

/** The Dynamics and Memory panels: the numbers shown are the engine's, as `slm dynamics` computes them in this process. */
const PROMPT = 'do you like frogs?';

async function chat(page: Page) {
  await openApp(page);
  await sayGreedily(page, PROMPT);
  const chips = page.getByRole('log', { name: 'Conversation' }).getByRole('button');
  await expect(chips.nth(6)).toBeVisible();
  return chips;
}

test("the spectral radius shown is the engine's for the step under the clock, and follows the clock", async ({ page }) => {
  const chips = await chat(page);
  const expected = textDynamics(boris, PROMPT); // ¶ do you like frogs ?
  const radius = page.getByTestId('spectral-radius');
  for (const step of [4, 1, 5]) {
    await chips.nth(step).click();
    await expect(radius).toHaveAttribute('data-value', String(expected[step].spectralRadius));
  }
  await expect(page.getByRole('region', { name: 'Dynamics and memory' })).toContainText(`step 6 “?”`);
});

test("the Dynamics panel finds a word's fixed point, and the Memory panel compares two histories, with the engine's numbers", async ({ page }) => {
  await chat(page);
  await page.getByRole('button', { name: 'Dynamics and memory' }).click();
  // The line boundary's fixed point comes first.
  const boundary = wordFixedPoint(boris, '');
  await expect(page.getByTestId('fixed-point')).toHaveAttribute('data-value', String(boundary.spectralRadius));
  await expect(page.getByTestId('fixed-point')).toContainText(`settles after ${boundary.iterations} steps`);
  await page.getByRole('textbox', { name: 'Fixed-point word' }).fill('frogs');
  await page.getByRole('button', { name: 'Find' }).click();
  const frogs = wordFixedPoint(boris, 'frogs');
  await expect(page.getByTestId('fixed-point')).toHaveAttribute('data-value', String(frogs.spectralRadius));
  await expect(page.getByTestId('fixed-point')).toHaveAttribute('data-stable', String(frogs.stable));
  await expect(page.getByRole('img', { name: /Eigenvalues of J/ }).locator('circle.eig')).toHaveCount(boris.weights.embeddingSize);
  await expect(page.getByRole('img', { name: /Eigenvalues of J/ }).locator('circle.fixed')).toHaveCount(boris.weights.embeddingSize);
  // Hover an eigenvalue, or walk them with the arrow keys, for its value.
  const eigen = page.getByRole('img', { name: /Eigenvalues of J/ });
  await eigen.locator('circle.eig').first().hover();
  await expect(page.getByRole('tooltip')).toContainText(/at this step; \|λ\| = /);
  await eigen.focus();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByRole('tooltip')).toContainText(/λ = /);
  await page.getByRole('textbox', { name: 'Fixed-point word' }).fill('zebra');
  await page.getByRole('button', { name: 'Find' }).click();
  await expect(page.getByRole('alert')).toContainText('"zebra" is not one word Boris knows');
  // Boris kept his checkpoints: the curves over training have one point per epoch, marked at his own.
  const curves = trainingDynamics(boris.training!.checkpoints);
  const chart = page.getByRole('img', { name: 'Memory over training by epoch' });
  await expect(chart).toBeVisible();
  await expect(chart.getByTestId('epoch-marker')).toHaveAttribute('data-epoch', String(boris.training!.bestEpoch));
  expect(curves.length).toBe(boris.training!.checkpoints.length);

  // Memory: "why?" after "do you like frogs?" and after a fresh start.
  const memory = compareMemory(boris, [['do you like frogs?'], []], 'why?');
  const bars = page.locator('figure.memory-panel rect.bar');
  await expect(bars).toHaveCount(memory.steps.length + 1);
  await expect(bars.nth(0)).toHaveAttribute('data-value', String(memory.startDistance));
  for (let i = 0; i < memory.steps.length; i++) await expect(bars.nth(i + 1)).toHaveAttribute('data-value', String(memory.steps[i].distance));
  await page.getByRole('img', { name: /Distance between the two contexts/ }).focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tooltip')).toContainText('after ¶');
  await page.getByRole('textbox', { name: 'History B' }).fill('do you like cars?');
  await page.getByRole('button', { name: 'Compare histories' }).click();
  const cars = compareMemory(boris, [['do you like frogs?'], ['do you like cars?']], 'why?');
  await expect(bars.nth(0)).toHaveAttribute('data-value', String(cars.startDistance));
  // Several turns, separated by "/", and this conversation as history A.
  await expect(page.getByRole('button', { name: 'Use this conversation' })).toBeDisabled();
  await page.getByRole('textbox', { name: 'Message' }).fill('why?');
  await page.getByRole('button', { name: 'Send' }).click();
  await page.getByRole('button', { name: 'Use this conversation' }).click();
  await expect(page.getByRole('textbox', { name: 'History A' })).toHaveValue(PROMPT);
  await expect(page.getByRole('textbox', { name: 'Last turn' })).toHaveValue('why?');
  const conversation = compareMemory(boris, [[PROMPT], []], 'why?');
  await expect(bars.last()).toHaveAttribute('data-value', String(conversation.steps.at(-1)!.distance));
  await page.getByRole('textbox', { name: 'History A' }).fill('hello / do you like cars?');
  await page.getByRole('button', { name: 'Compare histories' }).click();
  const two = compareMemory(boris, [['hello', 'do you like cars?'], []], 'why?');
  await expect(bars.nth(0)).toHaveAttribute('data-value', String(two.startDistance));
  await expect(page.getByTestId('memory-summary')).toContainText(`${two.steps.length} steps`);
  // Export image: each panel's drawing as a PNG at 2x, named after the panel, the model and the step.
  for (const [panel, name, drawing, what] of [
    ['figure.dynamics-panel', 'dynamics', 'figure.dynamics-panel svg.backdrop', 'the dynamics'],
    ['figure.memory-panel', 'memory', 'figure.memory-panel svg', 'the memory chart'],
  ] as const) {
    const box = (await page.locator(drawing).boundingBox())!;
    await page.locator(panel).getByRole('button', { name: `Export image of ${what}` }).click();
    const [png] = await Promise.all([page.waitForEvent('download'), page.locator(panel).getByRole('menuitem', { name: 'PNG (2x)' }).click()]);
    expect(png.suggestedFilename()).toMatch(new RegExp(`^${name}-boris-step-\\d+\\.png$`));
    const bytes = readFileSync(await png.path());
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    expect(bytes.readUInt32BE(16)).toBeGreaterThanOrEqual(800);
    expect(bytes.readUInt32BE(16)).toBeLessThanOrEqual(Math.round(Math.max(400, box.width) * 2));
    await png.saveAs(`test-results/screens/${name}-export.png`);
  }
  // The "?" explains the step under the clock with its numbers.
  await page.getByRole('button', { name: 'What is this? Why a context saturates or fades' }).first().click();
  await expect(page.getByRole('dialog', { name: 'Why a context saturates or fades' })).toContainText(/Here ρ = \d/);
});

/**
 * Every position the largest eigenvalue's dot takes while the clock moves from one step to another,
 * read from the page's own attribute changes (one entry per change of cx or cy).
 */
async function dotPath(page: Page, chips: ReturnType<Page['locator']>, from: number, to: number): Promise<string[]> {
  const dot = page.getByRole('img', { name: /Eigenvalues of J/ }).locator('circle.eig[data-index="0"]');
  await chips.nth(from).click();
  await expect(dot).toHaveAttribute('data-value', String(textDynamics(boris, PROMPT)[from].spectralRadius));
  // Settled: the same place for ten frames running.
  const settle = () =>
    dot.evaluate(
      (node) =>
        new Promise<void>((resolve) => {
          let last = '';
          let same = 0;
          const look = () => {
            const now = `${node.getAttribute('cx')},${node.getAttribute('cy')}`;
            same = now === last ? same + 1 : 0;
            last = now;
            if (same >= 10) resolve();
            else requestAnimationFrame(look);
          };
          look();
        }),
    );
  await settle();
  await dot.evaluate((node) => {
    const seen: string[] = [`${node.getAttribute('cx')},${node.getAttribute('cy')}`];
    (window as unknown as { dotSeen: string[] }).dotSeen = seen;
    new MutationObserver(() => seen.push(`${node.getAttribute('cx')},${node.getAttribute('cy')}`)).observe(node, { attributes: true, attributeFilter: ['cx', 'cy'] });
  });
  await chips.nth(to).click();
  await expect(dot).toHaveAttribute('data-value', String(textDynamics(boris, PROMPT)[to].spectralRadius));
  await settle();
  return page.evaluate(() => [...new Set((window as unknown as { dotSeen: string[] }).dotSeen)]);
}

test('the eigenvalue dots glide from step to step, and jump when motion is reduced', async ({ page }) => {
  const chips = await chat(page);
  await page.getByRole('button', { name: 'Dynamics and memory' }).click();
  // From "frogs" to "?": the largest eigenvalue moves.
  const gliding = await dotPath(page, chips, 4, 5);
  expect(gliding[0]).not.toBe(gliding.at(-1));
  expect(gliding.length, `places: ${gliding.join(' ')}`).toBeGreaterThan(3);
  await page.emulateMedia({ reducedMotion: 'reduce' });
  const jumping = await dotPath(page, chips, 4, 5);
  expect(jumping).toEqual([gliding[0], gliding.at(-1)]);
});

test('the Dynamics and memory panels have no accessibility finding, in the light and dark themes', async ({ page }) => {
  // Both themes' checks in one test: the time of the two tests it replaces.
  test.setTimeout(120_000);
  const chips = await chat(page);
  await chips.nth(5).click();
  await expect(page.getByTestId('spectral-radius')).toBeVisible();
  await page.getByRole('button', { name: 'Dynamics and memory' }).click();
  await expect(page.getByTestId('fixed-point')).toBeVisible();
  await expect(page.locator('figure.memory-panel rect.bar').first()).toBeVisible();
  await page.getByRole('region', { name: 'Dynamics and memory' }).scrollIntoViewIfNeeded();
  await expectNoSeriousAccessibilityIssuesInBothThemes(page, 'dynamics', ['#view-inside'], true);
  await page.getByRole('button', { name: 'What is this? Why a context saturates or fades' }).first().click();
  await expect(page.getByRole('dialog', { name: 'Why a context saturates or fades' })).toBeVisible();
});
