import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from './helpers.ts';
import { execFileSync, fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../src-main/cli/run.ts';
import { Conversation } from '../src-main/model/network/generation.ts';
import { parseModel } from '../src-main/model/formats/slmJson.ts';
import { createRng } from '../src-main/model/network/rng.ts';
import { forkService } from '../src-main/service/forkConnection.ts';
import { type ServiceEvent, parseEvent } from '../src-main/service/protocol.ts';
import { ServiceError, ServiceSupervisor, type SupervisorOptions } from '../src-main/service/supervisor.ts';

/**
 * The model service in a real child process, started through dist/electron/service.cjs: the same file the
 * Electron utility process runs.
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'dist', 'electron', 'service.cjs');
const scratch = mkdtempSync(join(tmpdir(), 'slm-service-'));
const resources = join(scratch, 'resources');
const corpusText = Array.from({ length: 40 }, (_, i) =>
  ['who are you? i am boris.', 'what do you love? frogs.', 'how are you? i am good.', 'are frogs nice? frogs are very nice.'][i % 4],
).join('\n');

beforeAll(async () => {
  mkdirSync(join(resources, 'corpus'), { recursive: true });
  mkdirSync(join(resources, 'models'), { recursive: true });
  writeFileSync(join(resources, 'corpus', 'boris.txt'), corpusText);
  const quiet = { out: () => {}, err: () => {}, errIsTerminal: false };
  const code = await runCli(
    ['train', '--corpus', join(resources, 'corpus', 'boris.txt'), '--epochs', '30', '--embedding', '8', '--name', 'Boris', '--out', join(resources, 'models', 'boris.slm.json')],
    quiet,
  );
  if (code !== 0) throw new Error('could not train the test model');
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function startService(store: string, options: SupervisorOptions = {}) {
  const connections: ReturnType<typeof forkService>[] = [];
  /** What the supervisor sent each service it started, in order. */
  const sent: unknown[][] = [];
  const supervisor = new ServiceSupervisor(() => {
    const connection = forkService(entry, ['--store', store, '--resources', resources]);
    const messages: unknown[] = [];
    const send = connection.send.bind(connection);
    connection.send = (message) => {
      messages.push(message);
      send(message);
    };
    connections.push(connection);
    sent.push(messages);
    return connection;
  }, options);
  const events: ServiceEvent[] = [];
  const arrivals: number[] = [];
  supervisor.onEvent((event) => {
    events.push(event);
    arrivals.push(performance.now());
  });
  return { supervisor, events, arrivals, connections, sent };
}

describe('the model service in a child process', () => {
  it("answers a turn with every step, the engine's exact numbers, and sends no event for it", async () => {
    const { supervisor, events } = startService(join(scratch, 'store-generate'));
    try {
      const info = await supervisor.request({ type: 'open', source: { kind: 'bundled' } });
      expect(info.name).toBe('Boris');
      const result = await supervisor.request({ type: 'generate', prompt: 'who are you?', temperature: 0, topK: 0, seed: 1 });
      const model = parseModel(readFileSync(join(resources, 'models', 'boris.slm.json'), 'utf8'));
      const line = new Conversation(model.weights, model.vocabulary).say('who are you?', { temperature: 0, rng: createRng(1) });
      expect(result.reply).toBe(line.text);
      const steps = [...line.fed, ...line.written];
      expect(result.steps).toHaveLength(steps.length);
      result.steps.forEach((step, i) => {
        // The prompt's tokens as read (from the line boundary on), then the reply's.
        expect(step.token).toBe(i < line.fed.length ? ['', 'who', 'are', 'you', '?'][i] : model.vocabulary.tokens[steps[i].row]);
        expect(step.row).toBe(steps[i].row);
        expect(step.h1).toEqual(Array.from(steps[i].h1));
        expect(step.h2).toEqual(Array.from(steps[i].h2));
        expect(step.probs).toEqual(Array.from(steps[i].probs));
      });
      // The reply carries the whole turn: nothing is streamed beside it.
      expect(events).toEqual([]);
      // The conversation carries on: the second turn starts from the first's context.
      const second = await supervisor.request({ type: 'generate', prompt: 'what do you love?', temperature: 0, topK: 0, seed: 1 });
      const expected = new Conversation(model.weights, model.vocabulary);
      expected.say('who are you?', { temperature: 0, rng: createRng(1) });
      expect(second.reply).toBe(expected.say('what do you love?', { temperature: 0, rng: createRng(1) }).text);
    } finally {
      supervisor.dispose();
    }
  });

  it('edits weights all-or-none and replays the conversation with them', async () => {
    const { supervisor } = startService(join(scratch, 'store-edit'));
    try {
      await supervisor.request({ type: 'open', source: { kind: 'bundled' } });
      const turns = [
        { prompt: 'who are you?', temperature: 0, topK: 0, seed: 1 },
        { prompt: 'what do you love?', temperature: 0.5, topK: 3, seed: 7 },
      ];
      for (const turn of turns) await supervisor.request({ type: 'generate', ...turn });
      const model = parseModel(readFileSync(join(resources, 'models', 'boris.slm.json'), 'utf8'));
      const E = model.weights.embeddingSize;
      const V = model.vocabulary.tokens.length;
      // A bad edit among good ones changes nothing.
      await expect(
        supervisor.request({ type: 'setWeights', edits: [{ matrix: 'w1', row: 0, column: 0, value: 3 }, { matrix: 'w2', row: V, column: 0, value: 1 }] }),
      ).rejects.toThrow(`w2 has ${V} rows and ${E} columns; there is no cell (${V}, 0)`);
      // Knock out context unit 2 (W1's row to zeros) and change one output weight.
      const edits = [
        ...Array.from({ length: 2 * E }, (_, column) => ({ matrix: 'w1' as const, row: 2, column, value: 0 })),
        { matrix: 'w2' as const, row: 5, column: 1, value: -2.5 },
      ];
      const info = await supervisor.request({ type: 'setWeights', edits });
      expect(info.edited).toBe(true);
      expect(info.weights.w1[0]).toBe(model.weights.w1[0]);
      for (const edit of edits) {
        const columns = edit.matrix === 'w1' ? 2 * E : E;
        model.weights[edit.matrix][edit.row * columns + edit.column] = edit.value;
      }
      const replayed = await supervisor.request({ type: 'replay', turns });
      const expected = new Conversation(model.weights, model.vocabulary);
      replayed.forEach((turn, t) => {
        const line = expected.say(turns[t].prompt, { temperature: turns[t].temperature, topK: turns[t].topK, rng: createRng(turns[t].seed) });
        expect(turn.reply).toBe(line.text);
        const steps = [...line.fed, ...line.written];
        expect(turn.steps.map((s) => s.probs)).toEqual(steps.map((s) => Array.from(s.probs)));
        for (const step of turn.steps) expect(step.h2[2]).toBe(0);
      });
      const reset = await supervisor.request({ type: 'resetWeights' });
      expect(reset.edited).toBe(false);
      expect(reset.weights.w1[2 * 2 * E]).not.toBe(0);
    } finally {
      supervisor.dispose();
    }
  });

  it('rejects malformed messages with an error and keeps serving', async () => {
    const child = fork(entry, ['--store', join(scratch, 'store-bad'), '--resources', resources], { serialization: 'advanced' });
    const received: any[] = [];
    child.on('message', (m) => received.push(m));
    try {
      child.send({ id: 1, type: 'fly' });
      child.send({ id: 2, type: 'neighbours', word: 'frogs', k: -3, metric: 'euclidean' });
      child.send('not even an object');
      child.send({ id: 3, type: 'open', source: { kind: 'bundled' } });
      child.send({ id: 4, type: 'neighbours', word: 'frogs', k: 2, metric: 'euclidean' });
      await until(() => received.find((m) => m.id === 4), 'the neighbours reply');
      const errors = received.filter((m) => m.type === 'error');
      expect(errors.map((e) => e.id)).toEqual([1, 2, null]);
      for (const e of errors) {
        expect(e.kind).toBe('protocol');
        expect(e.message).toMatch(/cannot read this request/);
      }
      expect(received.find((m) => m.id === 3).type).toBe('reply');
      expect(received.find((m) => m.id === 4).result).toHaveLength(2);
    } finally {
      child.kill();
    }
  });

  it('answers a request it cannot serve with a message a person can act on', async () => {
    const { supervisor } = startService(join(scratch, 'store-errors'));
    try {
      await expect(supervisor.request({ type: 'neighbours', word: 'frogs', k: 3, metric: 'euclidean' })).rejects.toThrow(/no model is open/);
      await supervisor.request({ type: 'open', source: { kind: 'bundled' } });
      await expect(supervisor.request({ type: 'neighbours', word: 'zebra', k: 3, metric: 'euclidean' })).rejects.toThrow(/not in the model's vocabulary/);
      await expect(supervisor.request({ type: 'open', source: { kind: 'modelFile', name: 'x.slm.json', text: '{"format": 1' } })).rejects.toThrow(/not valid JSON/);
    } finally {
      supervisor.dispose();
    }
  });

  it('trains with progress events, pauses, resumes and stops with the best weights kept', async () => {
    const { supervisor, events, arrivals } = startService(join(scratch, 'store-train'));
    try {
      await supervisor.request({ type: 'train', settings: { corpus: corpusText, embedding: 6, epochs: 2000, learningRate: 0.01, seed: 4 } });
      await until(() => events.find((e) => e.event === 'trainProgress' && e.epoch >= 2), 'two epochs');
      await supervisor.request({ type: 'trainControl', action: 'pause' });
      const paused = await until(() => events.find((e) => e.event === 'trainProgress' && e.status === 'paused'), 'a paused report');
      await new Promise((r) => setTimeout(r, 150));
      const progressWhilePaused = events.filter((e) => e.event === 'trainProgress' && e.status === 'running' && events.indexOf(e) > events.indexOf(paused));
      expect(progressWhilePaused).toHaveLength(0);
      // The service answers other requests while a run is paused.
      await supervisor.request({ type: 'open', source: { kind: 'bundled' } });
      await supervisor.request({ type: 'trainControl', action: 'resume' });
      await until(() => events.find((e) => e.event === 'trainProgress' && e.status === 'running' && events.indexOf(e) > events.indexOf(paused)), 'progress after resuming');
      await supervisor.request({ type: 'trainControl', action: 'stop' });
      const done = await until(() => events.find((e) => e.event === 'trainDone'), 'the end of the run');
      if (done.event !== 'trainDone') throw new Error('unreachable');
      expect(done.status).toBe('stopped');
      const best = Math.max(...done.history.map((h) => h.testAccuracy));
      expect(done.bestAccuracy).toBe(best);
      expect(done.history[done.bestEpoch].testAccuracy).toBe(best);
      expect(done.model).not.toBeNull();
      // At most 30 progress events a second (each arrives at least 1/30 s after the one before,
      // give or take the delivery's jitter).
      const times = arrivals.filter((_, i) => events[i].event === 'trainProgress');
      expect(times.length).toBeGreaterThan(3);
      const spanSeconds = (times[times.length - 1] - times[0]) / 1000;
      expect(times.length - 1).toBeLessThanOrEqual(Math.ceil(spanSeconds * 30) + 2);
      const saved = await supervisor.request({ type: 'saveModel', name: 'Trained here' });
      expect((await supervisor.request({ type: 'listModels' })).map((m) => m.name)).toContain('Trained here');
      expect(saved.id).toBe('trained-here');
    } finally {
      supervisor.dispose();
    }
  });

  it('restarts a service killed mid-training and reports the run interrupted, leaving what to open to the app', async () => {
    const store = join(scratch, 'store-crash');
    // No watchdog: its pings, every 2 s, would land in the new process's messages whenever a tick falls after the restart.
    const { supervisor, events, connections, sent } = startService(store, { pingIntervalMs: 0 });
    try {
      await supervisor.request({ type: 'open', source: { kind: 'bundled' } });
      const saved = await supervisor.request({ type: 'saveModel', name: 'Keep me' });
      const before = readFileSync(join(store, `${saved.id}.slm.json`), 'utf8');
      await supervisor.request({ type: 'train', settings: { corpus: corpusText, embedding: 6, epochs: 5000, learningRate: 0.01, seed: 2 } });
      await until(() => events.find((e) => e.event === 'trainProgress'), 'training to start');
      process.kill(connections[0].pid!, 'SIGKILL');
      const interrupted = await until(() => events.find((e) => e.event === 'trainDone'), 'the interrupted report');
      expect(interrupted.event === 'trainDone' && interrupted.status).toBe('interrupted');
      // The report passes the protocol's own check, as it must to reach the app through Electron's bridge.
      expect(parseEvent(interrupted)).toEqual(interrupted);
      const restarted = await until(() => events.find((e) => e.event === 'serviceStatus' && e.state === 'restarted'), 'the restart');
      expect(restarted.event === 'serviceStatus' && restarted.message).toMatch(/SIGKILL/);
      expect(connections).toHaveLength(2);
      // The supervisor opens nothing by itself in the new process: the app decides (the studio's recover()).
      await expect(supervisor.request({ type: 'neighbours', word: 'frogs', k: 2, metric: 'euclidean' })).rejects.toThrow(/no model is open/);
      expect(sent[1].map((m) => (m as { type: string }).type)).toEqual(['neighbours']);
      // The saved model is intact and opens in the new process, as the app asks.
      expect(readFileSync(join(store, `${saved.id}.slm.json`), 'utf8')).toBe(before);
      await supervisor.request({ type: 'open', source: { kind: 'stored', id: saved.id } });
      const neighbours = await supervisor.request({ type: 'neighbours', word: 'frogs', k: 2, metric: 'euclidean' });
      expect(neighbours).toHaveLength(2);
    } finally {
      supervisor.dispose();
    }
  });

  it('fails a pending request when the service dies before answering', async () => {
    const { supervisor, connections } = startService(join(scratch, 'store-pending'));
    try {
      await supervisor.request({ type: 'open', source: { kind: 'bundled' } });
      const long = supervisor.request({ type: 'generate', prompt: Array(200_000).fill('frogs').join(' '), temperature: 0, topK: 0, seed: 1 });
      process.kill(connections[0].pid!, 'SIGKILL');
      await expect(long).rejects.toBeInstanceOf(ServiceError);
      await expect(long).rejects.toThrow(/stopped .* restarted/);
    } finally {
      supervisor.dispose();
    }
  });

  it('sets aside a corrupt stored model and never overwrites it', async () => {
    const store = join(scratch, 'store-corrupt');
    mkdirSync(store, { recursive: true });
    writeFileSync(join(store, 'broken.slm.json'), '{"format": "slm-model", "version": 1, "name": "Broken", "embedding": 2');
    const { supervisor } = startService(store);
    try {
      const listed = await supervisor.request({ type: 'listModels' });
      expect(listed).toHaveLength(1);
      expect(listed[0].problem).toMatch(/not valid JSON.*set aside/);
      const files = readdirSync(store);
      expect(files.some((f) => f.startsWith('broken.slm.json.corrupt'))).toBe(true);
      expect(files).not.toContain('broken.slm.json');
    } finally {
      supervisor.dispose();
    }
  });
});

describe('atomic saves', () => {
  it('a save killed at any moment leaves the previous file whole', async () => {
    const folder = join(scratch, 'atomic');
    mkdirSync(folder, { recursive: true });
    const target = join(folder, 'model.slm.json');
    const old = JSON.stringify({ version: 'old', data: 'x'.repeat(100) });
    writeFileSync(target, old);
    const writer = join(scratch, 'writer.mjs');
    writeFileSync(
      writer,
      `import { writeFileAtomic } from ${JSON.stringify(join(scratch, 'atomicWrite.js'))};\n` +
        `const big = JSON.stringify({ version: 'new', data: 'y'.repeat(20_000_000) });\n` +
        `process.send('ready');\nawait writeFileAtomic(${JSON.stringify(target)}, big);\nprocess.send('written');\n`,
    );
    execFileSync(join(root, 'node_modules', '.bin', 'esbuild'), [join(root, 'src-main', 'files', 'atomicWrite.ts'), '--bundle', '--format=esm', '--platform=node', `--outfile=${join(scratch, 'atomicWrite.js')}`, '--log-level=warning']);
    for (let attempt = 0; attempt < 5; attempt++) {
      const child = fork(writer, [], { serialization: 'advanced' });
      // Listen for the exit at once: on a quick machine the write can finish, and the child exit,
      // before the kill below.
      const exited = new Promise((r) => child.once('exit', r));
      await Promise.race([new Promise<void>((resolve) => child.once('message', () => resolve())), exited]);
      await new Promise((r) => setTimeout(r, attempt * 15));
      child.kill('SIGKILL');
      await exited;
      const text = readFileSync(target, 'utf8');
      const parsed = JSON.parse(text); // never half-written
      expect(['old', 'new']).toContain(parsed.version);
    }
  });
});
