/**
 * Property-based fuzzing (fast-check) of everything that reads outside input: the tokenizer, the
 * model-file parser, the npz, npy and zip readers, the wordmap reader and the service's protocol (in
 * a real service process). The only outcomes allowed are a result or a typed error (SlmError, or the
 * service's error reply of a kind other than "internal"), in bounded time and memory: a hang fails
 * the test by its timeout, a crash by the exception.
 *
 * `npm test` runs a few hundred cases each with a fixed seed; `npm run fuzz` runs many more
 * (FUZZ_RUNS, FUZZ_SEED, FUZZ_TIMEOUT_MS set them).
 */
import { aLesson } from './helpers/lesson.ts';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';
import { SlmError } from '../src-main/model/network/errors.ts';
import { MAX_PROMPT_TOKENS } from '../src-main/model/network/limits.ts';
import { parseModel, serializeModel } from '../src-main/model/formats/slmJson.ts';
import { readNpy, readNpz, writeNpy, writeNpz } from '../src-main/model/formats/npz.ts';
import { importOriginal } from '../src-main/model/formats/original.ts';
import { detokenize, tokenize, tokenizeBounded, tokenizeCorpus } from '../src-main/model/network/tokenizer.ts';
import { vocabularyFromTokens, vocabularyFromWordmap } from '../src-main/model/network/vocabulary.ts';
import { forkService } from '../src-main/service/forkConnection.ts';
import { RequestSchema } from '../src-main/service/protocol.ts';
import { randomWeights } from './helpers.ts';

// `npm run fuzz` runs 100 times as many cases as `npm test` unless FUZZ_RUNS says otherwise.
const runs = Number(process.env.FUZZ_RUNS ?? (process.env.npm_lifecycle_event === 'fuzz' ? 100 : 0));
const seed = Number(process.env.FUZZ_SEED ?? 20261201);
/** How many cases each property runs: `scale` in `npm test`, FUZZ_RUNS times as many in `npm run fuzz`. */
const params = (scale: number): fc.Parameters<unknown> => ({ seed, numRuns: runs > 0 ? scale * runs : scale, endOnFailure: true });
const timeout = Number(process.env.FUZZ_TIMEOUT_MS ?? (runs > 0 ? 3_600_000 : 60_000));

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Runs `read`; passes on a result or an SlmError, and fails on any other exception. */
function resultOrTypedError(read: () => unknown): void {
  try {
    read();
  } catch (error) {
    if (error instanceof SlmError) return;
    throw error;
  }
}

/** Bytes with some of them changed, cut or added: the damage a file meets on the way. */
function mutated(base: Uint8Array): fc.Arbitrary<Uint8Array> {
  const edit = fc.oneof(
    fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('u32' as const), at: fc.nat(), value: fc.constantFrom(0, 1, 0xffff, 0xffffffff, 0x7fffffff, 0x80000000, 600_000_000) }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 16 }) }),
  );
  return fc.array(edit, { minLength: 1, maxLength: 6 }).map((edits) => {
    let bytes = base.slice();
    for (const e of edits) {
      const at = bytes.length === 0 ? 0 : e.at % bytes.length;
      if (e.kind === 'set') bytes[at] = e.value;
      else if (e.kind === 'u32' && at + 4 <= bytes.length) new DataView(bytes.buffer).setUint32(at, e.value, true);
      else if (e.kind === 'cut') bytes = bytes.slice(0, at);
      else if (e.kind === 'insert') bytes = Uint8Array.from([...bytes.subarray(0, at), ...e.bytes, ...bytes.subarray(at)]);
    }
    return bytes;
  });
}

/** Text with some characters changed, cut or added. */
function mutatedText(base: string): fc.Arbitrary<string> {
  const edit = fc.record({ at: fc.nat(), cut: fc.nat({ max: 40 }), insert: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('1e400', '-1e400', 'null', '[]', '{}', '"', ',', '2', '-0', 'NaN', '"__proto__"', '99999999')) });
  return fc.array(edit, { minLength: 1, maxLength: 5 }).map((edits) => {
    let text = base;
    for (const e of edits) {
      const at = e.at % (text.length + 1);
      text = text.slice(0, at) + e.insert + text.slice(at + e.cut);
    }
    return text;
  });
}

const vocabulary = vocabularyFromTokens(['', '-', 'i', 'am', 'boris', 'frogs', '.', '?']);
const modelText = serializeModel({ name: 'Fuzz', vocabulary, weights: randomWeights(3, 8, 1), defaultTemperature: 0.5, training: null });
const weights = randomWeights(3, 8, 2);
const storedNpz = writeNpz({ w0: { shape: [3, 8], data: weights.w0 }, w1: { shape: [3, 6], data: weights.w1 }, w2: { shape: [8, 3], data: weights.w2 } });
const deflatedNpz = zipSync(
  { 'w0.npy': [writeNpy({ shape: [3, 8], data: weights.w0 }), { level: 6 }], 'w1.npy': [writeNpy({ shape: [3, 6], data: weights.w1 }), { level: 6 }] },
  { mtime: new Date(1980, 0, 1) },
);
const fixtureNpz = new Uint8Array(readFileSync(join(root, 'tests', 'fixtures', 'original', 'weights.npz')));
const wordmapText = JSON.stringify({ '': 0, '-': 1, i: 2, am: 3, boris: 4, frogs: 5, '.': 6, '?': 7 });

describe('fuzzing the readers', () => {
  it('the tokenizer: tokens of the pattern, stable when joined and read again, bounded when asked', () => {
    const text = fc.oneof(fc.string({ maxLength: 400 }), fc.string({ unit: 'grapheme', maxLength: 200 }), fc.array(fc.constantFrom('frogs', ' ', '.', "'", '-', 'I', 'İ', 'ß', '\n', '\r\n', '?!', '0'), { maxLength: 300 }).map((parts) => parts.join('')));
    fc.assert(
      fc.property(text, (input) => {
        const tokens = tokenize(input);
        for (const token of tokens) expect(token).toMatch(/^(?:[a-z0-9']+|[-.,!?;])$/);
        expect(tokenize(detokenize(tokens))).toEqual(tokens);
        expect(tokenizeCorpus(input).flat().filter((t) => t !== '')).toEqual(tokens);
        resultOrTypedError(() => expect(tokenizeBounded(input, 'the text').length).toBeLessThanOrEqual(MAX_PROMPT_TOKENS));
      }),
      params(400),
    );
  });

  it('the model-file parser: a model or a format error, for damaged files and arbitrary JSON', () => {
    const fields = fc.record(
      {
        format: fc.oneof(fc.constant('slm-model'), fc.anything()),
        version: fc.oneof(fc.constant(1), fc.constant(2), fc.anything()),
        name: fc.oneof(fc.string(), fc.anything()),
        embedding: fc.oneof(fc.integer({ min: -2, max: 300 }), fc.double(), fc.anything()),
        defaultTemperature: fc.oneof(fc.double(), fc.anything()),
        vocabulary: fc.oneof(fc.array(fc.string({ maxLength: 6 }), { maxLength: 12 }), fc.anything()),
        weights: fc.oneof(fc.dictionary(fc.constantFrom('w0', 'w1', 'w2'), fc.array(fc.array(fc.double(), { maxLength: 8 }), { maxLength: 8 })), fc.anything()),
        training: fc.oneof(fc.constant(null), fc.record({ history: fc.array(fc.anything(), { maxLength: 3 }), seed: fc.anything(), epochs: fc.anything() }), fc.anything()),
      },
      { requiredKeys: [] },
    );
    const text = fc.oneof(mutatedText(modelText), fields.map((value) => JSON.stringify(value) ?? 'undefined'), fc.json(), fc.string());
    fc.assert(
      fc.property(text, (input) => {
        resultOrTypedError(() => parseModel(input, 'fuzz.slm.json'));
      }),
      params(400),
    );
  });

  it('the npz and zip reader: arrays or a format error, for damaged archives (stored and deflated) and random bytes', () => {
    const bytes = fc.oneof(mutated(storedNpz), mutated(deflatedNpz), mutated(fixtureNpz), fc.uint8Array({ maxLength: 300 }));
    fc.assert(
      fc.property(bytes, (input) => {
        resultOrTypedError(() => readNpz(input));
      }),
      params(600),
    );
  });

  it('the npy reader: an array or a format error, for damaged arrays and headers', () => {
    const npy = writeNpy({ shape: [3, 4], data: new Float64Array(12).fill(0.5) });
    const headerEnd = npy.indexOf(0x0a) + 1;
    const header = new TextDecoder().decode(npy.subarray(10, headerEnd));
    const rebuilt = mutatedText(header).map((text) => {
      const encoded = new TextEncoder().encode(text);
      const out = new Uint8Array(10 + encoded.length + (npy.length - headerEnd));
      out.set(npy.subarray(0, 8));
      new DataView(out.buffer).setUint16(8, encoded.length & 0xffff, true);
      out.set(encoded, 10);
      out.set(npy.subarray(headerEnd), 10 + encoded.length);
      return out;
    });
    fc.assert(
      fc.property(fc.oneof(mutated(npy), rebuilt), (input) => {
        resultOrTypedError(() => readNpy(input, 'w0'));
      }),
      params(500),
    );
  });

  it('the wordmap reader: a vocabulary or a format error, for any JSON and any keys (__proto__ too)', () => {
    const key = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('', '-', '__proto__', 'constructor', 'toString', 'hasOwnProperty'));
    const wordmap = fc.oneof(
      fc.dictionary(key, fc.oneof(fc.nat({ max: 12 }), fc.anything()), { maxKeys: 14 }).map((entries) => JSON.stringify(entries)),
      mutatedText(wordmapText),
      fc.json(),
    );
    fc.assert(
      fc.property(wordmap, (text) => {
        resultOrTypedError(() => {
          let value: unknown;
          try {
            value = JSON.parse(text);
          } catch {
            return;
          }
          const read = vocabularyFromWordmap(value);
          // What was read keeps every token, "__proto__" included.
          expect(read.tokens.length).toBe(Object.keys(value as object).length);
        });
        resultOrTypedError(() => importOriginal({ weights: storedNpz, wordmap: text }, 'fuzz'));
      }),
      params(400),
    );
  });
});

describe('fuzzing the service protocol (in a service process)', () => {
  const entry = join(root, 'dist', 'electron', 'service.cjs');
  const store = mkdtempSync(join(tmpdir(), 'slm-fuzz-store-'));
  afterAll(() => rmSync(store, { recursive: true, force: true }));

  it(
    'every message gets a reply or a typed error, and the service keeps answering',
    async () => {
      const service = forkService(entry, ['--store', store]);
      const waiting = new Map<number, (message: { type: string; kind?: string; message?: string }) => void>();
      let nullIdErrors = 0;
      let exited: string | null = null;
      service.onExit((reason) => (exited = reason));
      service.onMessage((raw) => {
        const message = raw as { type: string; id?: number | null };
        if (message.type === 'event') return;
        if (message.id === null) nullIdErrors++;
        else waiting.get(message.id!)?.(message as { type: string });
      });
      let nextId = 1;
      const send = (body: unknown, id: number | null): Promise<{ type: string; kind?: string; message?: string }> =>
        new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no answer within 20 s to ${JSON.stringify(body).slice(0, 300)}`)), 20_000);
          if (id !== null) {
            waiting.set(id, (answer) => {
              clearTimeout(timer);
              waiting.delete(id);
              resolve(answer);
            });
          } else {
            clearTimeout(timer);
            resolve({ type: 'error' });
          }
          service.send(body);
        });
      try {
        const opened = await send({ id: 0, type: 'open', source: { kind: 'bundled' } }, 0);
        expect(opened.type).toBe('reply');
        const types = [
          'open', 'listModels', 'saveModel', 'renameModel', 'deleteModel', 'generate', 'resetConversation', 'replay', 'trace', 'neighbours',
          'compare', 'project', 'trainControl', 'exportOriginal', 'exportModelFile', 'setWeights', 'resetWeights', 'bundledCorpus',
          'inspectCorpus', 'divergence', 'embeddingMap', 'stepDynamics', 'fixedPoint', 'trainingDynamics', 'memory', 'patch', 'nonsense', '__proto__', 'constructor',
        ];
        const text = fc.oneof(fc.string({ maxLength: 60 }), fc.constantFrom('who are you?', 'frogs', '', '...', 'i am boris. '.repeat(30)));
        const turn = fc.record({ prompt: text, temperature: fc.oneof(fc.double({ min: 0, max: 12 }), fc.anything()), topK: fc.oneof(fc.nat({ max: 5000 }), fc.anything()), seed: fc.oneof(fc.nat(), fc.anything()) }, { requiredKeys: [] });
        const fields = fc.record(
          {
            source: fc.oneof(
              fc.record({ kind: fc.constantFrom('bundled', 'stored', 'modelFile', 'original'), id: fc.string({ maxLength: 20 }), name: text, text: mutatedText(modelText), weights: mutated(storedNpz), wordmap: mutatedText(wordmapText) }, { requiredKeys: ['kind'] }),
              fc.anything(),
            ),
            name: text,
            modelId: fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('../x', 'fuzz', '.hidden', 'a/b')),
            prompt: text,
            temperature: fc.oneof(fc.double({ min: 0, max: 12 }), fc.anything()),
            topK: fc.oneof(fc.nat({ max: 5000 }), fc.anything()),
            seed: fc.oneof(fc.nat(), fc.anything()),
            maxTokens: fc.oneof(fc.nat({ max: 300 }), fc.anything()),
            turns: fc.oneof(fc.array(turn, { maxLength: 6 }), fc.anything()),
            text,
            word: text,
            k: fc.oneof(fc.nat({ max: 200 }), fc.anything()),
            metric: fc.oneof(fc.constantFrom('euclidean', 'cosine'), fc.anything()),
            sentences: fc.oneof(fc.array(text, { maxLength: 18 }), fc.anything()),
            vectors: fc.oneof(fc.array(fc.array(fc.double(), { maxLength: 20 }), { maxLength: 5 }), fc.anything()),
            action: fc.oneof(fc.constantFrom('pause', 'resume', 'stop'), fc.anything()),
            edits: fc.oneof(fc.array(fc.record({ matrix: fc.constantFrom('w0', 'w1', 'w2', 'w3'), row: fc.integer({ min: -1, max: 100 }), column: fc.integer({ min: -1, max: 100 }), value: fc.double() }), { maxLength: 4 }), fc.anything()),
            corpus: text,
            method: fc.oneof(fc.constantFrom('pca', 'umap'), fc.anything()),
            contexts: fc.oneof(fc.array(fc.array(fc.oneof(fc.double(), fc.double({ min: -1, max: 1 })), { minLength: 16, maxLength: 16 }), { maxLength: 3 }), fc.anything()),
            histories: fc.oneof(fc.tuple(fc.array(text, { maxLength: 3 }), fc.array(text, { maxLength: 3 })), fc.anything()),
            lastTurn: text,
            patch: fc.oneof(fc.record({ units: fc.array(fc.integer({ min: -2, max: 70 }), { maxLength: 4 }), step: fc.integer({ min: -1, max: 5 }) }), fc.anything()),
          },
          { requiredKeys: [] },
        );
        const message = fc.record({ type: fc.oneof(fc.constantFrom(...types), fc.anything()), fields, validId: fc.boolean(), badId: fc.anything().filter((value) => !Number.isInteger(value)) });
        await fc.assert(
          fc.asyncProperty(message, async ({ type, fields, validId, badId }) => {
            const id = nextId++;
            const body = { ...fields, type, id: validId ? id : badId };
            const answer = await send(body, validId ? id : null);
            expect(exited).toBeNull();
            if (validId) {
              expect(['reply', 'error']).toContain(answer.type);
              if (answer.type === 'error') {
                expect(answer.kind, answer.message).not.toBe('internal');
                expect(answer.message!.length).toBeLessThan(1200);
              }
            }
          }),
          params(150),
        );
        // Still answering, and every message with no usable id got an error too.
        const listed = await send({ id: nextId, type: 'listModels' }, nextId);
        expect(listed.type).toBe('reply');
        expect(nullIdErrors).toBeGreaterThan(0);
      } finally {
        service.kill();
      }
    },
    timeout,
  );
});

describe('flooding the service (in a service process)', () => {
  const entry = join(root, 'dist', 'electron', 'service.cjs');
  const store = mkdtempSync(join(tmpdir(), 'slm-flood-store-'));
  afterAll(() => rmSync(store, { recursive: true, force: true }));
  const prompt = 'do you like frogs?';
  const rows = [0, 5, 9, 14, 3];
  /** One valid request of every type (the flood repeats each); a type missing here fails the test. */
  const BODIES: Record<string, object> = {
    open: { source: { kind: 'bundled' } },
    listModels: {},
    saveModel: { name: 'Flooded Boris' },
    renameModel: { modelId: 'flooded-boris', name: 'Renamed' },
    deleteModel: { modelId: 'no-such-model' },
    generate: { prompt, temperature: 1, topK: 0, seed: 1 },
    resetConversation: {},
    replay: { turns: [{ prompt, temperature: 1, topK: 0, seed: 1 }] },
    trace: { text: prompt },
    neighbours: { word: 'frogs', k: 5, metric: 'cosine' },
    compare: { sentences: [prompt, 'who are you?'], metric: 'euclidean' },
    project: { vectors: [Array(24).fill(0.1)] },
    train: { settings: { corpus: 'i love frogs\nfrogs love ponds\nponds are wet\nwho loves frogs', embedding: 4, epochs: 3, learningRate: 0.01, seed: 1 } },
    trainControl: { action: 'stop' },
    trainPace: { epochsPerSecond: null },
    exportOriginal: {},
    exportModelFile: {},
    setWeights: { edits: [{ matrix: 'w0', row: 0, column: 0, value: 0.25 }] },
    resetWeights: {},
    bundledCorpus: {},
    inspectCorpus: { corpus: 'i love frogs\nfrogs love ponds' },
    divergence: { sentences: [prompt, 'who are you?'], metric: 'cosine' },
    anatomy: { row: 5, context: Array(24).fill(0), temperature: 1 },
    embeddingMap: { method: 'pca' },
    showEpoch: { epoch: 3 },
    runCheckpoint: { epoch: 1 },
    useEpoch: { epoch: 2 },
    trainingCorpus: {},
    ping: {},
    explain: { tokens: rows, step: 4 },
    replyTree: { tokens: rows, depth: 12, temperature: 10, topK: 0, minProbability: 1e-9 },
    unitProfile: { layer: 'h2', unit: 1 },
    knockoutTable: {},
    cancelExplanations: {},
    stepDynamics: { contexts: [Array(24).fill(0.2)] },
    fixedPoint: { word: 'frogs' },
    trainingDynamics: {},
    memory: { histories: [[prompt], []], lastTurn: 'who are you?' },
    patch: { histories: [[prompt], []], lastTurn: 'why?', patch: { units: [7, 22], step: 0 } },
    lessonParts: { embed: { withHistory: false } },
    checkLesson: { lesson: aLesson() },
    distanceScale: { distances: [0, 1.5, 4], metric: 'euclidean' },
  };

  it(
    'floods of every request type, each sent many times at once: every one is answered, none with an internal error',
    async () => {
      const types = RequestSchema.options.map((option) => option.entries.type.literal as string);
      expect(types.filter((type) => !(type in BODIES))).toEqual([]);
      const service = forkService(entry, ['--store', store]);
      const answers = new Map<number, { type: string; kind?: string; message?: string }>();
      let exited: string | null = null;
      service.onExit((reason) => (exited = reason));
      service.onMessage((raw) => {
        const message = raw as { type: string; id?: number | null; kind?: string; message?: string };
        if (message.type !== 'event' && typeof message.id === 'number') answers.set(message.id, message);
      });
      let nextId = 1;
      const sent: { id: number; type: string }[] = [];
      const post = (type: string) => {
        const id = nextId++;
        sent.push({ id, type });
        service.send({ ...BODIES[type], type, id });
      };
      const settle = async (what: string) => {
        const started = Date.now();
        while (sent.some(({ id }) => !answers.has(id))) {
          if (exited) throw new Error(`the service stopped (${exited}) during ${what}`);
          if (Date.now() - started > 120_000) {
            const left = sent.filter(({ id }) => !answers.has(id)).map(({ type }) => type);
            throw new Error(`left unanswered after ${what}: ${left.slice(0, 20).join(', ')}`);
          }
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      };
      const copies = runs > 0 ? 4 * runs : 4;
      try {
        post('open');
        await settle('opening Boris');
        // Each type on its own, many at once; then every type, shuffled, many times.
        for (const type of types) {
          const began = Date.now();
          for (let i = 0; i < copies; i++) post(type);
          await settle(`a flood of ${type}`);
          if (process.env.FLOOD_TIMES) console.log(type, Date.now() - began);
        }
        const mixed = fc.sample(fc.shuffledSubarray(types.flatMap((type) => Array<string>(copies).fill(type)), { minLength: types.length * copies }), { seed, numRuns: 1 })[0];
        for (const type of mixed) post(type);
        await settle('a flood of every type, mixed');
        expect(sent.length).toBeGreaterThan(types.length * copies * 2);
        for (const { id, type } of sent) {
          const answer = answers.get(id)!;
          expect(['reply', 'error'], type).toContain(answer.type);
          if (answer.type === 'error') expect(answer.kind, `${type}: ${answer.message}`).not.toBe('internal');
        }
        // Still answering afterwards.
        post('listModels');
        await settle('the last listModels');
        expect(answers.get(nextId - 1)?.type).toBe('reply');
      } finally {
        service.kill();
      }
    },
    Math.max(timeout, 240_000),
  );
});
