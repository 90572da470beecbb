import { type Browser, type BrowserContext, type Locator, type Page, expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseModel } from '../src-main/model/formats/slmJson.ts';
import { importOriginal } from '../src-main/model/formats/original.ts';
import { type DesktopHost, type PageProblems, connectDesktop, deliverTo, startDesktopHost } from './desktop/harness.ts';
import { boris } from '../tests/helpers/boris.ts';
import { readLesson } from '../src-main/service/protocol.ts';
import { LESSON, expectLessonRestored, fromMenu, setUpLesson } from './helpers/lesson.ts';
import { sayGreedily } from './helpers/chat.ts';

/**
 * The desktop app end to end, where Electron's binary cannot run: the built renderer under the
 * production Content-Security-Policy, the built preload run as a sandboxed preload, main's real IPC
 * handlers, menu and single-instance wiring (under the stand-in electron), the real supervisor, the
 * service forked from dist/electron/service.cjs, and the model store on disk. Any page error or CSP
 * violation fails the test. See e2e/desktop/harness.ts for how each part is reproduced.
 */
// Each test forks the real service and waits on it: with another browser test beside it on a busy
// two-core machine a test takes up to twice its time alone, so each has two minutes.
test.describe.configure({ mode: 'serial', timeout: 120_000 });

const fixture = join('tests', 'fixtures', 'original');
const scratch = mkdtempSync(join(tmpdir(), 'slm-desktop-path-'));
let host: DesktopHost;

test.beforeAll(async () => {
  host = await startDesktopHost();
});

test.afterAll(async () => {
  // The bundled Boris was copied into the store on the first run, and is still there.
  expect(existsSync(join(host.fake.userData, 'models', 'boris.slm.json'))).toBe(true);
  await host?.close();
  host.electron.app.emit('will-quit');
  rmSync(host.fake.userData, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

interface Desktop {
  context: BrowserContext;
  page: Page;
  problems: PageProblems;
}

async function openDesktop(browser: Browser, preloadSource?: string): Promise<Desktop> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const problems = await connectDesktop(context, host, preloadSource);
  const page = await context.newPage();
  deliverTo(page, host);
  await page.goto(host.entry);
  return { context, page, problems };
}

/** The desktop app's window once it has opened Boris. */
async function openOnBoris(browser: Browser): Promise<Desktop> {
  const desktop = await openDesktop(browser);
  await ready(desktop.page);
  return desktop;
}

/** Starts a long training run (5,000 epochs of a 4-unit model, whose first epochs come in quickly) and waits until it is under way. */
async function startLongRun(page: Page): Promise<Locator> {
  await page.getByRole('tab', { name: 'Train' }).click();
  const view = page.locator('#view-train');
  await view.getByRole('textbox', { name: 'Epochs' }).fill('5000');
  await view.getByRole('textbox', { name: 'Embedding size' }).fill('4');
  await view.getByRole('button', { name: 'Start training' }).click();
  await expect(view.getByRole('progressbar')).not.toHaveAttribute('aria-valuenow', '0', { timeout: 30_000 });
  return view;
}

async function closeDesktop({ context, problems }: Desktop) {
  await context.close();
  expect(problems.errors, 'page errors').toEqual([]);
  expect(problems.violations, 'Content-Security-Policy violations').toEqual([]);
}

async function ready(page: Page, name = 'Boris') {
  await expect(page.getByText(new RegExp(`${name} · \\d+ words`))).toBeVisible();
}

/** The page never fetched the in-page worker: the model is served by the desktop service. */
async function expectNoWorker(page: Page) {
  const fetched = await page.evaluate(() => performance.getEntriesByType('resource').map((entry) => entry.name));
  expect(fetched.filter((name) => /serviceWorker/.test(name))).toEqual([]);
}

function menuItem(label: string) {
  const find = (items: any[]): any => {
    for (const item of items) {
      if (item.label === label) return item;
      const inner = Array.isArray(item.submenu) ? find(item.submenu) : null;
      if (inner) return inner;
    }
    return null;
  };
  const item = find(host.fake.menu);
  expect(item, `menu item ${label}`).not.toBeNull();
  return item;
}

async function chat(page: Page, text: string) {
  await page.getByRole('textbox', { name: 'Message' }).fill(text);
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByRole('log', { name: 'Conversation' }).getByRole('button', { name: /^Boris's token/ }).first()).toBeVisible();
}

test('chats with Boris through the sandboxed preload, main and the forked service, under the production CSP', async ({ browser }) => {
  const desktop = await openOnBoris(browser);
  const { page } = desktop;
  const csp = (await page.request.get(host.entry)).headers()['content-security-policy'];
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toContain('wasm-unsafe-eval');
  expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');

  await chat(page, 'who are you?');
  const h2 = page.getByRole('img', { name: 'Network view' }).locator('[data-layer="h2"]');
  await expect(h2).toHaveCount(boris.weights.embeddingSize);
  expect(Number.isFinite(Number(await h2.first().getAttribute('data-value')))).toBe(true);
  await expectNoWorker(page);
  expect(host.fake.utilityProcesses.length).toBeGreaterThanOrEqual(1);

  await page.getByRole('button', { name: 'About', exact: true }).click();
  const about = page.getByRole('dialog', { name: 'About slm studio' });
  await expect(about.getByTestId('backend')).toHaveAttribute('data-value', 'desktop service');
  await expect(about).toContainText(process.versions.node);
  await about.getByRole('button', { name: 'Close' }).click();
  await closeDesktop(desktop);
});

test('every view works on the desktop path: compare, embeddings, weights, and a training run with progress', async ({ browser }) => {
  const desktop = await openOnBoris(browser);
  const { page } = desktop;

  await page.getByRole('tab', { name: 'Compare' }).click();
  await page.getByRole('textbox', { name: 'Sentence A' }).fill('i am good');
  await page.getByRole('textbox', { name: 'Sentence B' }).fill('i am happy');
  await expect(page.getByTestId('distance')).toHaveAttribute('data-value', /^\d+(\.\d+)?(e-?\d+)?$/);

  await page.getByRole('tab', { name: 'Embeddings' }).click();
  await page.getByRole('textbox', { name: 'Word' }).fill('frogs');
  await expect(page.getByRole('list', { name: 'Neighbours' }).getByRole('listitem')).not.toHaveCount(0);

  await page.getByRole('tab', { name: 'Weights' }).click();
  await expect(page.locator('#view-weights canvas').first()).toBeVisible();

  await page.getByRole('tab', { name: 'Train' }).click();
  const view = page.locator('#view-train');
  await view.getByRole('textbox', { name: 'Epochs' }).fill('3');
  await view.getByRole('textbox', { name: 'Embedding size' }).fill('6');
  await view.getByRole('button', { name: 'Start training' }).click();
  await expect(view.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '100', { timeout: 60_000 });
  await expect(view.getByTestId('training-message')).toContainText('Training finished');
  await view.getByRole('textbox', { name: 'Model name' }).fill('Desktop frog');
  await view.getByRole('button', { name: 'Save as new model' }).click();
  await expect(view.getByText('Saved as “Desktop frog”')).toBeVisible();
  await closeDesktop(desktop);
});

test('saves, lists, renames and deletes models in the store on disk', async ({ browser }) => {
  const desktop = await openOnBoris(browser);
  const { page } = desktop;
  const store = join(host.fake.userData, 'models');
  const before = readdirSync(store).filter((name) => name.endsWith('.slm.json')).length;
  const listed = await page.evaluate(async () => {
    const slm = (globalThis as any).slm;
    const must = async (body: object) => {
      const answer = await slm.request(body);
      if (!answer.ok) throw new Error(answer.message);
      return answer.result;
    };
    const saved = await must({ type: 'saveModel', name: 'Kept frog' });
    await must({ type: 'renameModel', modelId: saved.id, name: 'Renamed frog' });
    const afterRename = (await must({ type: 'listModels' })).map((m: { name: string }) => m.name);
    const doomed = await must({ type: 'saveModel', name: 'Doomed frog' });
    await must({ type: 'deleteModel', modelId: doomed.id });
    const afterDelete = (await must({ type: 'listModels' })).map((m: { name: string }) => m.name);
    return { afterRename, afterDelete };
  });
  expect(listed.afterRename).toContain('Renamed frog');
  expect(listed.afterRename).not.toContain('Kept frog');
  expect(listed.afterDelete).not.toContain('Doomed frog');
  expect(readdirSync(store).filter((name) => name.endsWith('.slm.json'))).toHaveLength(before + 1);
  // The header's model list shows what the store holds.
  await page.getByRole('banner').getByRole('combobox', { name: 'Model' }).focus();
  await expect(page.getByRole('banner').getByRole('option', { name: 'Renamed frog' })).toBeAttached();
  await closeDesktop(desktop);
});

test("opens a model file and the original's npz + wordmap through native dialogs, saves and exports", async ({ browser }) => {
  const desktop = await openOnBoris(browser);
  const { page } = desktop;
  const files = async (item: string) => {
    await page.getByLabel('Model files').click();
    await page.getByRole('button', { name: item }).click();
  };

  // Save Boris as a model file, through the save dialog.
  const modelPath = join(scratch, 'boris-copy.slm.json');
  host.fake.dialogAnswers.push({ canceled: false, filePath: modelPath });
  await files('Save model file…');
  await expect(page.getByText(`Saved ${modelPath}.`)).toBeVisible();
  const saved = parseModel(readFileSync(modelPath, 'utf8'));
  for (const m of ['w0', 'w1', 'w2'] as const) expect(Array.from(saved.weights[m])).toEqual(Array.from(boris.weights[m]));

  // Export the original's two files into a folder.
  const folder = join(scratch, 'original-export');
  host.fake.dialogAnswers.push({ canceled: false, filePaths: [folder] });
  await files('Export weights.npz + wordmap.json…');
  await expect(page.getByText(`Wrote weights.npz and wordmap.json in ${folder}.`)).toBeVisible();
  const exported = importOriginal({ weights: new Uint8Array(readFileSync(join(folder, 'weights.npz'))), wordmap: readFileSync(join(folder, 'wordmap.json'), 'utf8') });
  for (const m of ['w0', 'w1', 'w2'] as const) expect(Array.from(exported.weights[m])).toEqual(Array.from(boris.weights[m]));

  // Open the original's weights.npz (its wordmap.json beside it) through the open dialog.
  host.fake.dialogAnswers.push({ canceled: false, filePaths: [join(fixture, 'weights.npz')] });
  await files('Open model file…');
  await ready(page, 'weights');
  const original = importOriginal({ weights: new Uint8Array(readFileSync(join(fixture, 'weights.npz'))), wordmap: readFileSync(join(fixture, 'wordmap.json'), 'utf8') });
  await expect(page.getByText(`${original.vocabulary.tokens.length} words`)).toBeVisible();

  // And the model file saved above.
  host.fake.dialogAnswers.push({ canceled: false, filePaths: [modelPath] });
  await files('Open model file…');
  await expect(page.getByText('Opened Boris.')).toBeVisible();
  expect(host.fake.dialogCalls.map((call: { kind: string }) => call.kind)).toEqual(['save', 'open', 'open', 'open']);
  await closeDesktop(desktop);
});

test('a lesson saved through the native save dialog opens with every part as it was, from File › Open lesson… and given to the app', async ({ browser }) => {
  test.setTimeout(240_000);
  const teacher = await openOnBoris(browser);
  const before = await setUpLesson(teacher.page);
  const lessonPath = join(scratch, 'frogs.slm-lesson.json');
  host.fake.dialogAnswers.push({ canceled: false, filePath: lessonPath });
  await fromMenu(teacher.page, 'Save lesson…');
  await expect(teacher.page.getByText(`Saved the lesson as ${lessonPath}.`)).toBeVisible();
  expect(readLesson(readFileSync(lessonPath, 'utf8'))).toMatchObject({ clock: LESSON.clock, epoch: LESSON.epoch, knockouts: [LESSON.knockedOut] });
  await closeDesktop(teacher);

  const student = await openOnBoris(browser);
  host.fake.dialogAnswers.push({ canceled: false, filePaths: [lessonPath] });
  menuItem('Open lesson…').click();
  await expectLessonRestored(student.page, before);
  // The file association: a lesson given to the app asks before the edited weights are dropped, then opens.
  await student.page.getByRole('status').filter({ hasText: 'Opened the lesson' }).getByRole('button', { name: 'Dismiss' }).click();
  student.page.once('dialog', (dialog) => void dialog.accept());
  host.electron.app.emit('second-instance', {}, ['/opt/slm-studio/slm-studio', 'frogs.slm-lesson.json'], scratch);
  await expectLessonRestored(student.page, before);
  await closeDesktop(student);
});

test('the application menu reaches the page through the preload: Open (CmdOrCtrl+O), Help › About, Help › Glossary and Help › Tour of this view', async ({ browser }) => {
  const desktop = await openOnBoris(browser);
  const { page } = desktop;
  const open = menuItem('Open model…');
  expect(open.accelerator).toBe('CmdOrCtrl+O');
  expect(menuItem('Save model as…').accelerator).toBe('CmdOrCtrl+Shift+S');
  host.fake.dialogAnswers.push({ canceled: false, filePaths: [fixture] });
  open.click();
  await ready(page, 'original');
  menuItem('About slm studio').click();
  const about = page.getByRole('dialog', { name: 'About slm studio' });
  await expect(about).toBeVisible();
  await expect(about.getByTestId('backend')).toHaveAttribute('data-value', 'desktop service');
  await about.getByRole('button', { name: 'Close' }).click();
  // Help › Glossary and Help › Tour of this view reach the page the same way.
  menuItem('Glossary').click();
  const glossary = page.getByRole('dialog', { name: 'Glossary' });
  await expect(glossary.getByRole('listitem').filter({ hasText: 'W1 · the context weights' })).toContainText(/W1 is \d+ × \d+/);
  await page.keyboard.press('Escape');
  await expect(glossary).toHaveCount(0);
  menuItem('Tour of this view').click();
  await expect(page.getByRole('dialog', { name: 'Tour' })).toContainText('Tour of Inside · 1 of 9');
  await closeDesktop(desktop);
});

test('a second launch focuses the window and opens the model file it was given', async ({ browser }) => {
  const desktop = await openOnBoris(browser);
  const { page } = desktop;
  const window = host.fake.windows[0];
  window.minimized = true;
  const focused = window.focusCount ?? 0;
  const given = join(scratch, 'given.slm.json');
  host.fake.dialogAnswers.push({ canceled: false, filePath: given });
  await page.getByLabel('Model files').click();
  await page.getByRole('button', { name: 'Save model file…' }).click();
  await expect(page.getByText(`Saved ${given}.`)).toBeVisible();
  host.electron.app.emit('second-instance', {}, ['/opt/slm-studio/slm-studio', '--no-sandbox', 'given.slm.json'], scratch);
  await expect(page.getByText('Opened Boris.')).toBeVisible();
  expect(window.focusCount).toBe(focused + 1);
  expect(window.isMinimized()).toBe(false);
  await closeDesktop(desktop);
});

test("the context path and the Dynamics panel draw one projection: no step's context is sent to be projected twice", async ({ browser }) => {
  const desktop = await openOnBoris(browser);
  const { page } = desktop;
  const service = host.fake.utilityProcesses.at(-1);
  const from = service.sent.length;
  // The steps are counted once the reply has been written out: counted while it is still being
  // revealed, they would miss its last steps, which are projected after.
  await sayGreedily(page, 'who are you?');
  await page.getByRole('button', { name: 'Dynamics and memory' }).click();
  await expect(page.getByTestId('fixed-point')).toBeVisible();
  const steps = await page.getByRole('log', { name: 'Conversation' }).getByRole('button', { name: /token \d+:/ }).count();
  // Both draw every step of the conversation, once the reply has been played through.
  await expect(page.getByRole('img', { name: 'Context path' }).locator('circle.point')).toHaveCount(steps);
  await expect(page.getByRole('img', { name: /The fixed point of .* on the context path's PCA plane/ }).locator('circle.step')).toHaveCount(steps);
  // The conversation's contexts: a fixed point's trajectory, which starts from zeros, is projected on its own.
  const requests: Set<string>[] = service.sent
    .slice(from)
    .filter((message: { type?: string; vectors?: number[][] }) => message.type === 'project' && !message.vectors!.some((vector) => vector.every((x) => x === 0)))
    .map((message: { vectors: number[][] }) => new Set(message.vectors.map((vector) => JSON.stringify(vector))));
  const projected = requests.flatMap((vectors) => [...vectors]);
  expect(projected.length, 'no context is in two requests to project').toBe(steps);
  expect(new Set(projected).size).toBe(steps);
  await closeDesktop(desktop);
});

test('the service killed mid-training: the run is reported as interrupted and the app recovers', async ({ browser }) => {
  const desktop = await openOnBoris(browser);
  const { page } = desktop;
  const view = await startLongRun(page);
  const running = host.fake.utilityProcesses.at(-1);
  running.kill();
  await expect(view.getByTestId('training-message')).toContainText('interrupted because the model service stopped', { timeout: 30_000 });
  await expect(page.getByText(/The model service stopped and was restarted/).first()).toBeVisible();
  const restarted = host.fake.utilityProcesses.at(-1);
  expect(restarted).not.toBe(running);
  // The restarted service answers: Boris talks again, with the model opened once (by the studio).
  await chat(page, 'what do you love?');
  expect(restarted.sent.filter((message: { type?: string }) => message.type === 'open')).toEqual([
    expect.objectContaining({ source: { kind: 'bundled' } }),
  ]);
  await closeDesktop(desktop);
});

test('a request from a foreign frame is refused by main', async ({ browser }) => {
  const desktop = await openDesktop(browser);
  const foreign = await desktop.context.newPage();
  await foreign.goto(host.foreignPage);
  const answer = await foreign.evaluate(async () => {
    try {
      await (globalThis as any).slm.request({ type: 'listModels' });
      return 'answered';
    } catch (error) {
      return (error as Error).message;
    }
  });
  expect(answer).toMatch(/refused: the request did not come from the app/);
  await closeDesktop(desktop);
});

test('a preload that fails as a sandboxed preload gives an error screen, never the in-page worker', async ({ browser }) => {
  // The preload as 13c5d45 built it: an esbuild banner reading __filename, which a sandboxed preload lacks.
  const preload = readFileSync(join('dist', 'electron', 'preload.cjs'), 'utf8');
  const broken = `const __slmModuleUrl = require('node:url').pathToFileURL(__filename).href;\n${preload}`;
  const desktop = await openDesktop(browser, broken);
  const { page } = desktop;
  const failure = page.getByRole('alert');
  await expect(failure).toContainText('slm studio cannot reach its model');
  await expect(failure).toContainText('preload script did not run');
  await expect(page.getByRole('textbox', { name: 'Message' })).toHaveCount(0);
  await expectNoWorker(page);
  await closeDesktop(desktop);
});

/** What the page last told main about its unsaved work (through the preload's reportUnsavedWork). */
function lastUnsavedReport(): string | null | undefined {
  const reports = host.fake.invoked.filter((call: { channel: string }) => call.channel === 'slm:unsaved-work');
  return reports.at(-1)?.args[0];
}

/** The questions main asked with a message box, in order. */
function questions(): { message: string; detail: string; buttons: string[] }[] {
  return host.fake.dialogCalls.filter((call: { kind: string }) => call.kind === 'message').map((call: { options: any }) => call.options);
}

/** The window on the original's weights, opened through the Open dialog: a model opened from files, not saved yet. */
async function openOnUnsavedOriginal(browser: Browser): Promise<Desktop> {
  const desktop = await openOnBoris(browser);
  const { page } = desktop;
  host.fake.dialogAnswers.push({ canceled: false, filePaths: [join(fixture, 'weights.npz')] });
  await page.getByLabel('Model files').click();
  await page.getByRole('button', { name: 'Open model file…' }).click();
  await ready(page, 'weights');
  await expect.poll(lastUnsavedReport).toBe('weights is not saved');
  return desktop;
}

test('a named pipe given through the Open dialog or by a second launch is refused in words, and nothing hangs', async ({ browser }) => {
  const desktop = await openOnBoris(browser);
  const { page } = desktop;
  const pipe = join(scratch, 'x.slm.json');
  execFileSync('mkfifo', [pipe]);
  host.fake.dialogAnswers.push({ canceled: false, filePaths: [pipe] });
  await page.getByLabel('Model files').click();
  await page.getByRole('button', { name: 'Open model file…' }).click();
  await expect(page.getByText(`the model file ${pipe} is a named pipe, not a regular file`)).toBeVisible();
  host.electron.app.emit('second-instance', {}, ['/opt/slm-studio/slm-studio', `file://${pipe}`], '/');
  await expect(page.getByText(`${pipe} could not be opened: the model file ${pipe} is a named pipe, not a regular file`)).toBeVisible();
  // The service and the page go on.
  await chat(page, 'who are you?');
  await closeDesktop(desktop);
});

test("a second launch's file asks before it replaces unsaved work: Cancel keeps the model, Don't save opens the file", async ({ browser }) => {
  const desktop = await openOnUnsavedOriginal(browser);
  const { page } = desktop;
  const asked = questions().length;
  const given = join(process.cwd(), 'resources', 'models', 'boris.slm.json');
  host.fake.dialogAnswers.push({ response: 2 });
  host.electron.app.emit('second-instance', {}, ['/opt/slm-studio/slm-studio', given], scratch);
  await expect.poll(() => questions().length).toBe(asked + 1);
  expect(questions().at(-1)).toMatchObject({
    message: 'Save your work before opening boris.slm.json?',
    detail: expect.stringMatching(/^Weights is not saved\./),
    buttons: ['Save', "Don't save", 'Cancel'],
  });
  // Cancelled: the model opened from files is still the one open, and still unsaved.
  await ready(page, 'weights');
  expect(lastUnsavedReport()).toBe('weights is not saved');

  host.fake.dialogAnswers.push({ response: 1 });
  host.electron.app.emit('open-file', { preventDefault() {} }, given);
  await expect.poll(() => questions().length).toBe(asked + 2);
  await expect(page.getByText('Opened Boris.')).toBeVisible();
  // A model opened from a file is the work now: it is not in the store yet.
  await expect.poll(lastUnsavedReport).toBe('Boris is not saved');
  await closeDesktop(desktop);
});

test('closing the window with unsaved work asks first: Cancel keeps it, Save stores the model and then closes', async ({ browser }) => {
  const desktop = await openOnUnsavedOriginal(browser);
  const { page } = desktop;
  const window = host.fake.windows[0];
  const asked = questions().length;
  host.fake.dialogAnswers.push({ response: 2 });
  window.close();
  await expect.poll(() => questions().length).toBe(asked + 1);
  expect(questions().at(-1)?.message).toBe('Save your work before closing?');
  await ready(page, 'weights');
  expect(window.isDestroyed()).toBe(false);

  const store = join(host.fake.userData, 'models');
  const before = readdirSync(store).filter((name) => name.endsWith('.slm.json'));
  host.fake.dialogAnswers.push({ response: 0 });
  window.close();
  await expect(page.getByText('Saved as “weights”.')).toBeVisible();
  await expect.poll(() => window.isDestroyed()).toBe(true);
  const added = readdirSync(store).filter((name) => name.endsWith('.slm.json') && !before.includes(name));
  expect(added).toHaveLength(1);
  expect(parseModel(readFileSync(join(store, added[0]), 'utf8')).name).toBe('weights');
  await closeDesktop(desktop);
  // The app opens a window again (macOS's activate), for the tests after this one.
  host.electron.app.emit('activate');
  expect(host.fake.windows).toHaveLength(1);
});

test('closing during a training run: Save stops the run and stores the model it made, then closes', async ({ browser }) => {
  const desktop = await openOnBoris(browser);
  const { page } = desktop;
  const view = await startLongRun(page);
  await expect.poll(lastUnsavedReport).toBe('a training run is going');
  const window = host.fake.windows[0];
  const store = join(host.fake.userData, 'models');
  const before = readdirSync(store);
  host.fake.dialogAnswers.push({ response: 0 });
  window.close();
  await expect.poll(() => questions().at(-1)?.detail).toMatch(/^A training run is going\. Save keeps it among your models \(the run is stopped first/);
  const saved = page.getByText(/Saved as “.+”\./);
  await expect(saved).toBeVisible({ timeout: 30_000 });
  await expect.poll(() => window.isDestroyed()).toBe(true);
  await expect(view.getByTestId('training-message')).toContainText('Training stopped');
  const added = readdirSync(store).filter((name) => !before.includes(name) && name.endsWith('.slm.json'));
  expect(added).toHaveLength(1);
  const model = parseModel(readFileSync(join(store, added[0]), 'utf8'));
  expect(await saved.textContent()).toContain(`Saved as “${model.name}”.`);
  expect(model.weights.embeddingSize).toBe(4);
  await closeDesktop(desktop);
  host.electron.app.emit('activate');
});
