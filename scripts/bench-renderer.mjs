// The renderer's part of `npm run bench`, measured in Chromium against the built renderer (dist/renderer)
// with the real model service in its Web Worker: the frame rate while a conversation plays, the time
// from Send to Boris's first drawn token, the frame rate while a model trains, and the size of the JavaScript the window loads. Prints one
// JSON object. Run after `npm run build`. It also runs one training run (Boris's corpus, E = 16) in a
// Web Worker in the page and in this Node process, interleaved, and reports the worker's speed as a
// ratio of Node's (the same engine code, bundled once for each from scripts/bench-training-run.ts).
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from './find-chromium.mjs';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const port = Number(process.env.BENCH_PORT ?? 4179);
const SENDS = 20;
const PLAYS = 3;
const TRAINING_SECONDS = 4;
const WORKER_RUNS = 5;
const WORKER_TRAINING = { embedding: 16, epochs: 10, learningRate: 0.005, seed: 1 };
const PROMPTS = ['who are you?', 'what do you love?', 'do you like frogs?', 'where do you live?', 'hello boris!'];

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const quantile = (values, q) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))];
const round = (value, digits = 3) => Number(value.toPrecision(digits + 2));

/** Every JavaScript file the renderer ships (the page's chunks and the model service's worker), gzipped. */
function javascriptSize() {
  const assets = join(root, 'dist', 'renderer', 'assets');
  const files = readdirSync(assets).filter((name) => name.endsWith('.js'));
  const sizes = files.map((name) => {
    const bytes = readFileSync(join(assets, name));
    return { file: name, bytes: bytes.length, gzipped: gzipSync(bytes, { level: 9 }).length };
  });
  const gzipped = sizes.reduce((sum, s) => sum + s.gzipped, 0);
  return { files: sizes, totalKilobytesGzipped: round(gzipped / 1024) };
}

async function startPreview() {
  const server = spawn(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'preview', '--port', String(port), '--strictPort'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const began = Date.now();
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/`)).ok) return server;
    } catch {
      // not listening yet
    }
    if (Date.now() - began > 30_000) {
      server.kill();
      throw new Error(`vite preview did not start on port ${port}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Runs in the page before the app: watches the model service's Web Worker from outside the app, and
 * keeps how long the last `generate` request took from being posted to the worker to its answer
 * arriving (the model service's round trip), in `window.slmServiceMs`.
 */
function timeServiceRoundTrips() {
  const PageWorker = window.Worker;
  window.Worker = class extends PageWorker {
    constructor(...args) {
      super(...args);
      const posted = new Map();
      this.addEventListener('message', (event) => {
        const id = event.data?.id;
        if (!posted.has(id) || event.data.type === 'event') return;
        window.slmServiceMs = performance.now() - posted.get(id);
        posted.delete(id);
      });
      const post = this.postMessage.bind(this);
      this.postMessage = (message, ...rest) => {
        if (message?.type === 'generate') posted.set(message.id, performance.now());
        return post(message, ...rest);
      };
    }
  };
}

/**
 * Types a message and sends it; resolves with the milliseconds until the reply's first token is drawn
 * (or, for a reply that ends the line at once, the note that says so: that is its first drawn token),
 * and how many of them the model service's round trip took (timed at the worker, see
 * timeServiceRoundTrips). A reply that is not drawn within a minute fails the run instead of hanging it.
 */
async function sendAndTime(page, prompt) {
  await page.getByRole('textbox', { name: 'Message' }).fill(prompt);
  await page.getByRole('button', { name: 'Send' }).waitFor();
  await page.waitForFunction(() => [...document.querySelectorAll('button')].some((b) => b.textContent.trim() === 'Send' && !b.disabled));
  return page.evaluate(async () => {
    const log = document.querySelector('[role="log"]');
    const send = [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Send');
    const before = document.querySelectorAll('.turn.boris').length;
    const drawn = new Promise((resolve, reject) => {
      const observer = new MutationObserver(() => {
        const turns = document.querySelectorAll('.turn.boris');
        const reply = turns.length > before ? turns[turns.length - 1] : null;
        const first = reply?.querySelector('.chip') ?? reply?.querySelector('.silent');
        if (first) {
          observer.disconnect();
          // The token is in the document; it is on screen once the next frame has been painted.
          requestAnimationFrame(() => setTimeout(() => resolve(first.classList.contains('silent')), 0));
        }
      });
      observer.observe(log, { childList: true, subtree: true });
      setTimeout(() => reject(new Error('no reply was drawn within a minute of Send')), 60_000);
    });
    window.slmServiceMs = NaN;
    const start = performance.now();
    send.click();
    const silent = await drawn;
    const total = performance.now() - start;
    return { total, service: window.slmServiceMs, silent };
  });
}

/**
 * Every frame's length in ms, from the next frame on: while the conversation plays from its first step
 * to its last (`play`), or for a number of seconds.
 */
function recordFrames(page, { play = false, seconds = 0 }) {
  return page.evaluate(
    async ({ play, seconds }) => {
      const frames = [];
      let running = true;
      let last;
      const tick = (now) => {
        frames.push(now - last);
        last = now;
        if (running) requestAnimationFrame(tick);
      };
      requestAnimationFrame((now) => {
        last = now;
        requestAnimationFrame(tick);
      });
      if (play) {
        const buttons = () => [...document.querySelectorAll('button')];
        buttons().find((b) => b.textContent.trim() === 'Play').click();
        await new Promise((resolve) => {
          const poll = () => (buttons().some((b) => b.textContent.trim() === 'Play') ? resolve() : setTimeout(poll, 50));
          setTimeout(poll, 100);
        });
      } else {
        await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
      }
      running = false;
      return frames;
    },
    { play, seconds },
  );
}

/** Plays the conversation from its first step to its last and returns every frame's length in ms. */
async function playAndRecordFrames(page) {
  await page.getByRole('slider', { name: 'Step' }).fill('0');
  await page.waitForTimeout(600);
  return recordFrames(page, { play: true });
}

/**
 * The same training run in this Node process and in a Web Worker of a page on the preview's origin,
 * alternately, WORKER_RUNS times each; the medians of their training tokens per second and the ratio.
 */
async function trainingInWorker(browser) {
  const bundle = (format, entry) =>
    build({ entryPoints: [join(root, 'scripts', entry)], bundle: true, write: false, format, platform: format === 'esm' ? 'node' : 'browser', target: 'es2022', logLevel: 'warning' }).then(
      (result) => result.outputFiles[0].text,
    );
  const folder = mkdtempSync(join(tmpdir(), 'slm-bench-worker-'));
  try {
    const nodeModule = join(folder, 'training-run.mjs');
    writeFileSync(nodeModule, await bundle('esm', 'bench-training-run.ts'));
    const { trainingRun } = await import(pathToFileURL(nodeModule).href);
    const workerCode = await bundle('iife', 'bench-worker.ts');
    const request = { corpus: readFileSync(join(root, 'resources', 'corpus', 'boris.txt'), 'utf8'), ...WORKER_TRAINING };

    const page = await browser.newPage();
    const base = `http://127.0.0.1:${port}/__bench-worker/`;
    await page.route(`${base}**`, (route) => {
      const isScript = route.request().url().endsWith('.js');
      route.fulfill({ contentType: isScript ? 'text/javascript' : 'text/html', body: isScript ? workerCode : '<!doctype html><title>training worker</title>' });
    });
    await page.goto(`${base}index.html`);
    await page.evaluate(() => {
      window.benchWorker = new Worker('/__bench-worker/worker.js');
    });
    const inWorker = () =>
      page.evaluate(
        (request) =>
          new Promise((resolve, reject) => {
            window.benchWorker.onmessage = (event) => (event.data.ok ? resolve(event.data.result) : reject(new Error(event.data.error)));
            window.benchWorker.postMessage(request);
          }),
        request,
      );
    // One untimed run on each side first, so that both measure compiled code.
    trainingRun({ ...request, epochs: 2 });
    await inWorker();
    const node = [];
    const worker = [];
    for (let r = 0; r < WORKER_RUNS; r++) {
      node.push(trainingRun(request).tokensPerSecond);
      worker.push((await inWorker()).tokensPerSecond);
    }
    await page.close();
    const ratio = round(median(worker) / median(node));
    return { corpus: 'boris', ...WORKER_TRAINING, nodeTokensPerSecond: median(node), nodeRuns: node, workerTokensPerSecond: median(worker), workerRuns: worker, ratio };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Sends prompts until the conversation has at least 30 steps; then plays it PLAYS times: frames a second. */
async function playing(page, prompts) {
  await page.getByRole('button', { name: 'New conversation' }).click();
  let steps = 0;
  for (let i = 0; steps < 30; i++) {
    await sendAndTime(page, prompts[i % prompts.length]);
    await page.getByRole('button', { name: 'Play' }).waitFor();
    steps = Number(await page.getByRole('slider', { name: 'Step' }).getAttribute('max')) + 1;
  }
  const fpsRuns = [];
  const longestFrames = [];
  for (let run = 0; run < PLAYS; run++) {
    const frames = await playAndRecordFrames(page);
    fpsRuns.push(round(1000 / median(frames)));
    longestFrames.push(round(Math.max(...frames)));
  }
  return { steps, fpsRuns, longestFrames, medianFps: median(fpsRuns) };
}

/**
 * The large model (V = 4,096, E = 32) that `node dist/bench.js --large` wrote: the time from choosing
 * its file to the app saying it opened it, Send to its first drawn token, and frames a second while
 * its conversation plays (the next-token bars and heatmaps then follow 4,096 probabilities a step);
 * and the same for Boris in the same page just before, for scale.
 */
async function largeModel(browser) {
  const file = join(root, 'dist', 'bench-large.slm.json');
  if (!existsSync(file)) return { skipped: 'no dist/bench-large.slm.json: run `node dist/bench.js --large` first' };
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.addInitScript(timeServiceRoundTrips);
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.getByText(/Boris · \d+ words/).waitFor();
  // Boris first, in the same page and the same minute: on a shared machine the large model's figures
  // mean most beside his.
  const borisFirstToken = [];
  for (let i = 0; i < 5; i++) {
    borisFirstToken.push((await sendAndTime(page, PROMPTS[i])).total);
    await page.getByRole('button', { name: 'Play' }).waitFor();
  }
  const borisPlay = await playing(page, PROMPTS);
  const opens = [];
  for (let i = 0; i < 3; i++) {
    const chooser = page.waitForEvent('filechooser');
    await page.getByLabel('Model files').click();
    await page.getByRole('button', { name: 'Open model file…' }).click();
    const began = Date.now();
    await (await chooser).setFiles(file);
    await page.getByText(/^Opened Large/).waitFor({ timeout: 120_000 });
    await page.getByText(/Large \(V \d+, E 32\) · [\d,]+ words/).waitFor();
    opens.push(Date.now() - began);
    await page.getByRole('button', { name: /dismiss|close/i }).first().click().catch(() => {});
  }
  const prompts = ['do you like the frog?', 'i like it.', 'the frog is very big.', 'you do it with the frog.'];
  const firstToken = [];
  const serviceRoundTrip = [];
  let endedAtOnce = 0;
  for (let i = 0; i < 10; i++) {
    if (i % 5 === 0) await page.getByRole('button', { name: 'New conversation' }).click().catch(() => {});
    const timing = await sendAndTime(page, prompts[i % prompts.length]);
    firstToken.push(timing.total);
    serviceRoundTrip.push(timing.service);
    if (timing.silent) endedAtOnce++;
    await page.getByRole('button', { name: 'Play' }).waitFor();
  }
  const play = await playing(page, prompts);
  await page.close();
  return {
    model: JSON.parse(readFileSync(file, 'utf8')).name,
    fileMegabytes: round(readFileSync(file).length / 1e6),
    openMs: { runs: opens, median: median(opens) },
    sendToFirstDrawnToken: {
      sends: firstToken.length,
      medianMs: round(median(firstToken)),
      maxMs: round(Math.max(...firstToken)),
      serviceRoundTripMedianMs: round(median(serviceRoundTrip)),
      // Replies whose first drawn token is the note that the model ended the line at once.
      endedAtOnce,
    },
    playing: { steps: play.steps, runs: PLAYS, medianFps: play.medianFps, fpsRuns: play.fpsRuns, longestFrameMs: play.longestFrames },
    borisJustBefore: { sendToFirstDrawnTokenMedianMs: round(median(borisFirstToken)), sends: borisFirstToken.length, playingMedianFps: borisPlay.medianFps },
  };
}

const server = await startPreview();
let browser;
try {
  const found = await findChromium();
  console.error(`Renderer benchmark in ${found.source}: ${found.path}`);
  browser = await chromium.launch({ executablePath: found.path, args: CHROMIUM_ARGS, env: { ...process.env, ...found.env } });
  if (process.argv.includes('--large')) {
    console.log(JSON.stringify({ renderer: { browser: `chromium ${browser.version()}`, viewport: '1280x800', largeModel: await largeModel(browser) } }, null, 2));
    await browser.close();
    server.kill();
    process.exit(0);
  }
  const training = await trainingInWorker(browser);
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.addInitScript(timeServiceRoundTrips);
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.getByText(/Boris · \d+ words/).waitFor();

  // Send to first drawn token, over several conversations of a few turns each.
  const firstToken = [];
  const serviceRoundTrip = [];
  for (let i = 0; i < SENDS; i++) {
    if (i % 5 === 0) await page.getByRole('button', { name: 'New conversation' }).click().catch(() => {});
    const timing = await sendAndTime(page, PROMPTS[i % PROMPTS.length]);
    firstToken.push(timing.total);
    serviceRoundTrip.push(timing.service);
    await page.getByRole('button', { name: 'Play' }).waitFor();
  }

  // A conversation of at least 30 steps, played from the start at the default speed.
  const { steps, fpsRuns, longestFrames } = await playing(page, PROMPTS);
  const speed = Number(await page.getByLabel('Speed').inputValue());
  // The app while a model trains in the worker: the Train view shows the curves and the heatmaps moving.
  await page.getByRole('tab', { name: 'Train' }).click();
  await page.getByRole('textbox', { name: /^Epochs/ }).fill('200');
  await page.getByRole('button', { name: 'Start training' }).click();
  await page.getByRole('progressbar').waitFor();
  await page.waitForTimeout(1000);
  const trainingFrames = await recordFrames(page, { seconds: TRAINING_SECONDS });
  await page.getByRole('button', { name: 'Stop training' }).click();
  const trainingFps = round(1000 / median(trainingFrames));

  const large = await largeModel(browser);
  const size = javascriptSize();
  const fps = median(fpsRuns);
  const sendMs = round(median(firstToken));
  console.log(
    JSON.stringify(
      {
        renderer: {
          browser: `chromium ${browser.version()}`,
          viewport: '1280x800',
          playing: { steps, stepsPerSecond: speed, runs: PLAYS, medianFps: fps, fpsRuns, longestFrameMs: longestFrames },
          whileTraining: { seconds: TRAINING_SECONDS, frames: trainingFrames.length, medianFps: trainingFps, longestFrameMs: round(Math.max(...trainingFrames)) },
          sendToFirstDrawnToken: {
            sends: SENDS,
            medianMs: sendMs,
            p90Ms: round(quantile(firstToken, 0.9)),
            maxMs: round(Math.max(...firstToken)),
            serviceRoundTripMedianMs: round(median(serviceRoundTrip)),
          },
          javascript: size,
          trainingInWorker: training,
          largeModel: large,
          targets: {
            browserWorkerVsNode: { target: 0.8, ratio: training.ratio, met: training.ratio >= 0.8 },
            playingFps: { target: 55, measured: fps, met: fps >= 55 },
            trainingFps: { target: 50, measured: trainingFps, met: trainingFps >= 50 },
            sendToFirstTokenMs: { target: 50, measured: sendMs, met: sendMs <= 50 },
            javascriptKilobytesGzipped: { target: 250, measured: size.totalKilobytesGzipped, met: size.totalKilobytesGzipped <= 250 },
          },
        },
      },
      null,
      2,
    ),
  );
} finally {
  await browser?.close();
  server.kill();
}
