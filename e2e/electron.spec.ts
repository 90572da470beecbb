import { _electron as electron, expect, test } from '@playwright/test';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The desktop app itself, through Playwright's Electron driver. These run wherever the Electron
 * binary is installed (`npx install-electron --no`); where it is not, they are skipped and say so.
 */
function electronBinary(): string | null {
  const pathFile = join('node_modules', 'electron', 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join('node_modules', 'electron', 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

const binary = process.env.ELECTRON_BINARY ?? electronBinary();
const missing = 'the Electron binary is missing (node_modules/electron/dist); install it with `npx install-electron --no`';
if (!binary) console.log(`Skipping the desktop tests: ${missing}`);
test.skip(!binary, missing);

async function launch() {
  const userData = mkdtempSync(join(tmpdir(), 'slm-electron-'));
  const app = await electron.launch({ executablePath: binary!, args: ['.', `--user-data-dir=${userData}`] });
  const window = await app.firstWindow();
  return { app, window, userData };
}

test('starts on the bundled Boris, with the renderer isolated from Node', async () => {
  const { app, window, userData } = await launch();
  try {
    await expect(window.getByText(/Boris · \d+ words/)).toBeVisible();
    expect(await window.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
    expect(await window.evaluate(() => Object.keys((globalThis as { slm?: object }).slm ?? {}).sort())).toEqual([
      'about',
      'chooseModel',
      'exportOriginal',
      'onCommand',
      'onEvent',
      'request',
      'saveModelAs',
    ]);
    // The page knows it is the desktop app's, and its model runs in the desktop service.
    expect(window.url()).toMatch(/^app:\/\/slm\/index\.html\?shell=desktop$/);
    await window.getByRole('button', { name: 'About', exact: true }).click();
    await expect(window.getByTestId('backend')).toHaveAttribute('data-value', 'desktop service');
    expect(existsSync(join(userData, 'models', 'boris.slm.json'))).toBe(true);
  } finally {
    await app.close();
  }
});

test('chats with Boris through the utility process', async () => {
  const { app, window } = await launch();
  try {
    await window.getByRole('textbox', { name: 'Message' }).fill('who are you?');
    await window.getByRole('button', { name: 'Send' }).click();
    await expect(window.getByRole('slider', { name: 'Step' })).toBeVisible();
    await expect(window.getByRole('log', { name: 'Conversation' }).getByRole('button')).not.toHaveCount(0);
    // The visualiser draws the step under the clock from the utility process's numbers.
    const h2 = window.getByRole('img', { name: 'Network view' }).locator('[data-layer="h2"]');
    const { embedding } = JSON.parse(readFileSync(join('resources', 'models', 'boris.slm.json'), 'utf8')) as { embedding: number };
    await expect(h2).toHaveCount(embedding);
    expect(Number.isFinite(Number(await h2.first().getAttribute('data-value')))).toBe(true);
  } finally {
    await app.close();
  }
});

test('trains a model in the utility process and reports progress', async () => {
  const { app, window } = await launch();
  try {
    await expect(window.getByText(/Boris · \d+ words/)).toBeVisible();
    const done = await window.evaluate(async () => {
      const api = (globalThis as any).slm;
      const events: any[] = [];
      const finished = new Promise<any>((resolve) =>
        api.onEvent((event: any) => {
          events.push(event);
          if (event.event === 'trainDone') resolve(event);
        }),
      );
      const corpus = Array.from({ length: 30 }, (_, i) => (i % 2 ? 'who are you? i am boris.' : 'what do you love? frogs.')).join('\n');
      const answer = await api.request({ type: 'train', settings: { corpus, embedding: 6, epochs: 20, learningRate: 0.01, seed: 1 } });
      if (!answer.ok) throw new Error(answer.message);
      const result = await finished;
      return { status: result.status, progress: events.filter((e) => e.event === 'trainProgress').length };
    });
    expect(done.status).toBe('completed');
    expect(done.progress).toBeGreaterThan(0);
  } finally {
    await app.close();
  }
});
