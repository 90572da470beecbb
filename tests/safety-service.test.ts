/**
 * Issue 10, "Nothing lost, nothing hangs": the model service and the model store, each case through
 * the real service in child processes (dist/electron/service.cjs, the file Electron's utility process
 * runs), talking to it with raw messages as a hostile or careless client could.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { forkService } from '../src-main/service/forkConnection.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'dist', 'electron', 'service.cjs');
const boris = join(root, 'resources', 'models', 'boris.slm.json');
const scratch = mkdtempSync(join(tmpdir(), 'slm-safety-service-'));

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Answer {
  type: 'reply' | 'error';
  id: number | null;
  result?: unknown;
  kind?: string;
  message?: string;
  /** performance.now() when it arrived. */
  at: number;
}

/** A service in a child process and a raw client for it: no checks on this side. */
function service(store: string) {
  const connection = forkService(entry, ['--store', store]);
  const answers = new Map<number, Answer>();
  const waiting = new Map<number, (answer: Answer) => void>();
  const order: number[] = [];
  let events = 0;
  let nextId = 1;
  connection.onMessage((raw) => {
    const message = raw as { type: string; id?: number | null; payload?: { event: string } };
    if (message.type === 'event') {
      events++;
      return;
    }
    const answer = { ...(message as Omit<Answer, 'at'>), at: performance.now() } as Answer;
    const id = answer.id ?? -1;
    answers.set(id, answer);
    order.push(id);
    waiting.get(id)?.(answer);
  });
  const send = (body: Record<string, unknown>): { id: number; sent: number; answer: Promise<Answer> } => {
    const id = nextId++;
    const answer = answers.has(id) ? Promise.resolve(answers.get(id)!) : new Promise<Answer>((resolve) => waiting.set(id, resolve));
    const sent = performance.now();
    connection.send({ id, ...body });
    return { id, sent, answer };
  };
  const request = async (body: Record<string, unknown>): Promise<Answer> => send(body).answer;
  return { connection, send, request, order, events: () => events, stop: () => connection.kill() };
}

function storeFolder(name: string): string {
  const folder = join(scratch, name);
  mkdirSync(folder, { recursive: true });
  return folder;
}

const turn = (prompt: string, seed = 1) => ({ prompt, temperature: 0.5, topK: 0, seed });

describe('a service that stays responsive', () => {
  it('a 1,000,000-character prompt is refused at once, with no event sent', async () => {
    const s = service(storeFolder('prompt'));
    try {
      expect((await s.request({ type: 'open', source: { kind: 'bundled' } })).type).toBe('reply');
      const prompt = 'frogs '.repeat(166_666) + 'frog';
      expect(prompt.length).toBe(1_000_000);
      const answer = await s.request({ type: 'generate', ...turn(prompt) });
      expect(answer.type).toBe('error');
      expect(answer.message).toMatch(/the text is longer than 10,000 characters/);
      // A prompt under the character limit but with too many tokens is refused by its tokens.
      const tokens = await s.request({ type: 'generate', ...turn('. '.repeat(4000)) });
      expect(tokens.message).toMatch(/the message has 4,000 words and marks; at most 200 are read at once/);
      expect(s.events()).toBe(0);
      // And the service goes on answering.
      expect((await s.request({ type: 'generate', ...turn('who are you?') })).type).toBe('reply');
    } finally {
      s.stop();
    }
  });

  it('a replay of more turns than the limit is refused; one at the limit is answered', async () => {
    const s = service(storeFolder('replay'));
    try {
      await s.request({ type: 'open', source: { kind: 'bundled' } });
      const tooMany = await s.request({ type: 'replay', turns: Array.from({ length: 201 }, (_, i) => turn('who are you?', i)) });
      expect(tooMany.type).toBe('error');
      expect(tooMany.message).toMatch(/a replay has at most 200 turns/);
      const atLimit = await s.request({ type: 'replay', turns: Array.from({ length: 200 }, (_, i) => turn('who are you?', i)) });
      expect(atLimit.type).toBe('reply');
      expect(atLimit.result).toHaveLength(200);
    } finally {
      s.stop();
    }
  });

  it('an error never echoes more than about 200 characters of the input (a 50 MB model id)', async () => {
    const s = service(storeFolder('echo'));
    try {
      const huge = 'x'.repeat(50_000_000);
      for (const body of [
        { type: 'deleteModel', modelId: huge },
        { type: 'open', source: { kind: 'stored', id: huge } },
        { type: 'neighbours', word: 42, k: huge, metric: 'euclidean' },
        { type: huge },
      ]) {
        const answer = await s.request(body);
        expect(answer.type).toBe('error');
        expect(answer.message!.length, answer.message!.slice(0, 300)).toBeLessThan(500);
      }
      await s.request({ type: 'open', source: { kind: 'bundled' } });
      const word = await s.request({ type: 'neighbours', word: 'y'.repeat(200), k: 5, metric: 'euclidean' });
      expect(word.message!.length).toBeLessThan(500);
    } finally {
      s.stop();
    }
  });

  it('a request sent during a long replay is answered between its slices, not after it', async () => {
    const s = service(storeFolder('responsive'));
    try {
      await s.request({ type: 'open', source: { kind: 'bundled' } });
      const long = 'who are you? do you love frogs? '.repeat(12).trim();
      const turns = Array.from({ length: 200 }, (_, i) => ({ ...turn(long, i), maxTokens: 200 }));
      const replay = s.send({ type: 'replay', turns });
      // Asked right behind the replay, so they are in the service's queue while it runs, however
      // busy this machine is: the old service answered them only after the whole replay.
      const quick = [
        { type: 'listModels' },
        { type: 'neighbours', word: 'frogs', k: 3, metric: 'euclidean' },
        { type: 'trainControl', action: 'pause' },
      ].map((body) => s.send(body));
      const answers = await Promise.all(quick.map((asked) => asked.answer));
      expect(answers.map((a) => a.type)).toEqual(['reply', 'reply', 'error']);
      const replayed = await replay.answer;
      expect(replayed.type).toBe('reply');
      // Every quick request was answered before the replay's answer: the replay yielded to them.
      const arrived = (id: number) => s.order.indexOf(id);
      for (const asked of quick) expect(arrived(asked.id)).toBeLessThan(arrived(replay.id));
      const latencies = quick.map((asked, i) => (answers[i].at - asked.sent).toFixed(1));
      console.log(`replay of 200 long turns took ${(replayed.at - replay.sent).toFixed(0)} ms; requests sent with it were answered in ${latencies.join(', ')} ms`);
    } finally {
      s.stop();
    }
  });
});

describe('a store that keeps every save', () => {
  it('two processes saving 15 models each at once keep all 30', async () => {
    const folder = storeFolder('two-writers');
    const a = service(folder);
    const b = service(folder);
    try {
      await Promise.all([a.request({ type: 'open', source: { kind: 'bundled' } }), b.request({ type: 'open', source: { kind: 'bundled' } })]);
      // Every save has the same name, so both processes go after the same ids ("frog", "frog-2", ...).
      const saves = [a, b].flatMap((s) => Array.from({ length: 15 }, () => s.send({ type: 'saveModel', name: 'Frog' }).answer));
      const answers = await Promise.all(saves);
      expect(answers.every((answer) => answer.type === 'reply')).toBe(true);
      const ids = answers.map((answer) => (answer.result as { id: string }).id);
      expect(new Set(ids).size).toBe(30);
      const files = readdirSync(folder).filter((name) => name.endsWith('.slm.json'));
      expect(files).toHaveLength(30);
      expect(readdirSync(folder).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    } finally {
      a.stop();
      b.stop();
    }
  });

  it('a file whose name is not an app-made id is listed, opened and deleted like any other', async () => {
    const folder = storeFolder('foreign');
    copyFileSync(boris, join(folder, 'Boris (copy).slm.json'));
    writeFileSync(join(folder, '.hidden.slm.json'), 'not listed: a leading dot');
    const s = service(folder);
    try {
      const listed = await s.request({ type: 'listModels' });
      expect(listed.result).toEqual([{ id: 'Boris (copy)', name: 'Boris' }]);
      const opened = await s.request({ type: 'open', source: { kind: 'stored', id: 'Boris (copy)' } });
      expect(opened.type).toBe('reply');
      expect((opened.result as { storedId: string }).storedId).toBe('Boris (copy)');
      expect((await s.request({ type: 'deleteModel', modelId: 'Boris (copy)' })).type).toBe('reply');
      expect(existsSync(join(folder, 'Boris (copy).slm.json'))).toBe(false);
      // Ids that could leave the folder are refused.
      const escape = await s.request({ type: 'deleteModel', modelId: '../escape' });
      expect(escape.type).toBe('error');
    } finally {
      s.stop();
    }
  });

  it('a foreign and corrupt file does not stop the other models being listed', async () => {
    const folder = storeFolder('foreign-corrupt');
    copyFileSync(boris, join(folder, 'boris.slm.json'));
    writeFileSync(join(folder, 'Broken One!.slm.json'), '{"format": "slm-model", "version": 1, "name": ');
    const s = service(folder);
    try {
      const listed = await s.request({ type: 'listModels' });
      expect(listed.type).toBe('reply');
      const models = listed.result as { id: string; name: string; problem?: string }[];
      expect(models.find((m) => m.id === 'boris')).toEqual({ id: 'boris', name: 'Boris' });
      const broken = models.find((m) => m.id === 'Broken One!');
      expect(broken?.problem).toMatch(/is not valid JSON.*set aside as .*Broken One!\.slm\.json\.corrupt-/);
      expect(readdirSync(folder).some((name) => name.startsWith('Broken One!.slm.json.corrupt-'))).toBe(true);
    } finally {
      s.stop();
    }
  });

  it('a model file of a newer format version is reported as made by a newer slm studio and left where it is', async () => {
    const folder = storeFolder('newer');
    const text = readFileSync(boris, 'utf8').replace('"version": 2', '"version": 3');
    writeFileSync(join(folder, 'future.slm.json'), text);
    const s = service(folder);
    try {
      const listed = await s.request({ type: 'listModels' });
      const [future] = listed.result as { id: string; problem?: string; newer?: boolean }[];
      expect(future.id).toBe('future');
      expect(future.problem).toMatch(/made by a newer slm studio \(model file version 3; this one reads version 2\)/);
      expect(future.newer).toBe(true);
      const opened = await s.request({ type: 'open', source: { kind: 'stored', id: 'future' } });
      expect(opened.type).toBe('error');
      expect(opened.message).toMatch(/made by a newer slm studio/);
      expect(readdirSync(folder)).toEqual(['future.slm.json']);
      expect(readFileSync(join(folder, 'future.slm.json'), 'utf8')).toBe(text);
    } finally {
      s.stop();
    }
  });
});
