/**
 * Lessons: the reader (from a file and from a page address) takes what the app saves and refuses
 * anything else with a LessonError that says why; fast-check fuzzes both readers with damaged and
 * hostile input. The service tells what a lesson needs of the open model and checks a lesson against
 * its model before the app restores it; the lesson's replay gives the service's own numbers.
 */
import fc from 'fast-check';
import { deflateSync, strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { MAX_LESSON_LINK_CHARACTERS } from '../src-main/model/network/limits.ts';
import { lessonModel, replayLesson, weightChanges } from '../src-main/service/lessonReplay.ts';
import { type Lesson, LessonError, LessonSchema, lessonLink, lessonText, readLesson, readLessonLink } from '../src-main/service/protocol.ts';
import { borisText } from './helpers/boris.ts';
import { inProcessService } from './helpers/inProcessService.ts';
import { aLesson } from './helpers/lesson.ts';
import * as v from 'valibot';

const fuzzRuns = Number(process.env.FUZZ_RUNS ?? 0);
const params = (scale: number): fc.Parameters<unknown> => ({ seed: 20261207, numRuns: fuzzRuns > 0 ? scale * fuzzRuns : scale, endOnFailure: true });

/** Runs a reader; passes on a lesson that the schema takes, or a LessonError; fails on anything else. */
function lessonOrClearError(read: () => Lesson): void {
  let lesson: Lesson;
  try {
    lesson = read();
  } catch (error) {
    if (error instanceof LessonError) {
      expect(error.message.length).toBeGreaterThan(10);
      expect(error.message.length).toBeLessThan(2_000);
      return;
    }
    throw error;
  }
  expect(v.safeParse(LessonSchema, lesson).success).toBe(true);
}

describe('the lesson reader', () => {
  it('reads back a lesson as saved, from its file and from its link', () => {
    const lesson = aLesson();
    expect(readLesson(lessonText(lesson))).toEqual(lesson);
    const link = lessonLink(lesson);
    if (!('fragment' in link)) throw new Error('a small lesson fits in a link');
    expect(link.fragment).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(readLessonLink(`#lesson=${link.fragment}`)).toEqual(lesson);
  });

  it('says plainly what is wrong with a damaged, hostile or newer lesson', () => {
    expect(() => readLesson('{"format":"slm-lesson"')).toThrow(/not JSON/);
    expect(() => readLesson('{"name":"Boris","weights":{}}')).toThrow(/not a slm studio lesson/);
    expect(() => readLesson(JSON.stringify({ ...aLesson(), version: 7 }))).toThrow(/newer slm studio \(lesson version 7\)/);
    expect(() => readLesson(JSON.stringify({ ...aLesson(), clock: -5 }))).toThrow(/damaged \(at "clock"\)/);
    expect(() => readLesson(JSON.stringify({ ...aLesson(), extra: '<script>' }))).toThrow(LessonError);
    expect(() => readLesson(JSON.stringify({ ...aLesson(), notes: [{ step: 1, text: 'a' }, { step: 1, text: 'b' }] }))).toThrow(/two notes for step 2/);
    expect(() => readLesson('['.repeat(100_000))).toThrow(/nests too deep/);
    expect(() => readLessonLink('lesson=abc$')).toThrow(/cut short or changed/);
    expect(() => readLessonLink('lesson=' + 'A'.repeat(MAX_LESSON_LINK_CHARACTERS + 4))).toThrow(/longer than a lesson link can be/);
    // Megabytes of zeros packed into a short link are refused while they are unpacked.
    const bomb = Buffer.from(deflateSync(new Uint8Array(3_000_000), { level: 9 })).toString('base64url');
    expect(bomb.length).toBeLessThan(MAX_LESSON_LINK_CHARACTERS);
    expect(() => readLessonLink(bomb)).toThrow(/unpacks to more than a lesson link may hold/);
  });

  it('puts notes in step order', () => {
    const lesson = readLesson(lessonText(aLesson({ notes: [{ step: 5, text: 'later' }, { step: 1, text: 'sooner' }] })));
    expect(lesson.notes.map((n) => n.step)).toEqual([1, 5]);
  });
});

describe('fuzzing the lesson reader', () => {
  const base = lessonText(aLesson());
  const textEdit = fc.record({
    at: fc.nat(),
    cut: fc.nat({ max: 30 }),
    insert: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('1e400', '-1', 'null', '[]', '{}', '"', ',', '"__proto__"', '99999999', '<b>', '"version":2,')),
  });
  const damagedText = fc.array(textEdit, { minLength: 1, maxLength: 5 }).map((edits) => {
    let text = base;
    for (const { at, cut, insert } of edits) {
      const i = at % (text.length + 1);
      text = text.slice(0, i) + insert + text.slice(i + cut);
    }
    return text;
  });
  // Lessons as JSON values with any field swapped for something else, the way a hostile file would be.
  const anyValue = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom(-1, 1e300, 2 ** 40, '', 'x'.repeat(1_000), null, [], {}));
  const swapped = fc.record({ key: fc.constantFrom(...Object.keys(aLesson()), 'unknown'), value: anyValue }).map(({ key, value }) => ({ ...aLesson(), [key]: value }));

  it('a damaged file gives a lesson the schema takes, or a clear message', () => {
    fc.assert(fc.property(damagedText, (text) => lessonOrClearError(() => readLesson(text))), params(300));
    fc.assert(fc.property(swapped, (value) => lessonOrClearError(() => readLesson(JSON.stringify(value)))), params(300));
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (text) => lessonOrClearError(() => readLesson(text))), params(200));
  });

  it('a damaged address gives a lesson the schema takes, or a clear message', () => {
    const link = lessonLink(aLesson()) as { fragment: string };
    const damagedLink = fc.array(fc.record({ at: fc.nat(), cut: fc.nat({ max: 6 }), insert: fc.string({ maxLength: 4 }) }), { minLength: 1, maxLength: 4 }).map((edits) => {
      let text = link.fragment;
      for (const { at, cut, insert } of edits) {
        const i = at % (text.length + 1);
        text = text.slice(0, i) + insert + text.slice(i + cut);
      }
      return `#lesson=${text}`;
    });
    const packed = fc.oneof(damagedText, swapped.map((value) => JSON.stringify(value)), fc.string()).map((text) => Buffer.from(deflateSync(strToU8(text))).toString('base64url'));
    fc.assert(fc.property(damagedLink, (address) => lessonOrClearError(() => readLessonLink(address))), params(300));
    fc.assert(fc.property(packed, (address) => lessonOrClearError(() => readLessonLink(address))), params(300));
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (address) => lessonOrClearError(() => readLessonLink(address))), params(200));
  });
});

describe('lessons in the service', () => {
  it('tells the knock-outs, edits and epoch in force, and the model to embed as opened', async () => {
    const service = inProcessService();
    const model = await service.ask({ type: 'open', source: { kind: 'bundled' } });
    const E = model.embeddingSize;
    const V = model.tokens.length;
    expect(await service.ask({ type: 'lessonParts', embed: null })).toEqual({ knockouts: [], edits: [], epoch: null, model: null });
    const knockout = Array.from({ length: V }, (_, column) => ({ matrix: 'w0' as const, row: 2, column, value: 0 }));
    await service.ask({ type: 'setWeights', edits: [...knockout, { matrix: 'w1', row: 1, column: 2 * E - 1, value: 1.5 }] });
    await service.ask({ type: 'showEpoch', epoch: 10 });
    const parts = await service.ask({ type: 'lessonParts', embed: { withHistory: false } });
    expect(parts.knockouts).toEqual([{ layer: 'h1', unit: 2 }]);
    expect(parts.edits).toEqual([{ matrix: 'w1', row: 1, column: 2 * E - 1, value: 1.5 }]);
    expect(parts.epoch).toBe(10);
    // Embedded without its history, and with the weights as opened (the edits travel beside it).
    const embedded = JSON.parse(parts.model!.file);
    expect(embedded.training.checkpoints ?? []).toHaveLength(0);
    expect(parts.model!.file).not.toBe(borisText);
  });

  it('checks a lesson against its model before anything is restored, and opens nothing', async () => {
    const service = inProcessService();
    await service.ask({ type: 'open', source: { kind: 'bundled' } });
    const lesson = aLesson();
    const { steps } = await service.ask({ type: 'checkLesson', lesson });
    expect(steps).toBe(replayLesson(lessonModel(lesson, () => borisText), lesson).steps.length);
    expect((await service.askError({ type: 'checkLesson', lesson: { ...lesson, clock: steps } })).message).toMatch(/clock is at step \d+, and its conversation has \d+ steps/);
    expect((await service.askError({ type: 'checkLesson', lesson: { ...lesson, unitCard: { layer: 'h1', unit: 60 } } })).message).toMatch(/h1 unit 60, and "Boris" has \d+ units/);
    expect((await service.askError({ type: 'checkLesson', lesson: { ...lesson, epoch: 99_999 } })).message).toMatch(/no checkpoint for it/);
    expect((await service.askError({ type: 'checkLesson', lesson: { ...lesson, model: { kind: 'bundled', name: 'Barry' } } })).message).toMatch(/for "Barry"/);
    expect((await service.askError({ type: 'checkLesson', lesson: { ...lesson, model: { kind: 'embedded', name: 'X', withHistory: true, file: '{}' } } })).kind).toBe('format');
    // The conversation the service has open was not touched.
    expect(await service.ask({ type: 'lessonParts', embed: null })).toMatchObject({ knockouts: [], edits: [] });
  });

  it("replays a lesson with the service's own numbers: the same steps as the app's replay after the same edits", async () => {
    const service = inProcessService();
    const model = await service.ask({ type: 'open', source: { kind: 'bundled' } });
    const lesson = aLesson();
    const knock = Array.from({ length: model.tokens.length }, (_, column) => ({ matrix: 'w0' as const, row: 2, column, value: 0 }));
    await service.ask({ type: 'setWeights', edits: [...knock, ...lesson.edits] });
    const turns = await service.ask({ type: 'replay', turns: lesson.conversation.turns.map(({ prompt, temperature, topK, seed }) => ({ prompt, temperature, topK, seed })) });
    const replayed = replayLesson(lessonModel(lesson, () => borisText), lesson);
    expect(replayed.turns).toEqual(turns);
    const parts = await service.ask({ type: 'lessonParts', embed: null });
    expect(parts.knockouts).toEqual(lesson.knockouts);
    expect(parts.edits).toEqual(lesson.edits);
  });

  it('finds no changes in weights as opened', () => {
    const model = lessonModel(aLesson(), () => borisText);
    expect(weightChanges(model.weights, model.weights)).toEqual({ knockouts: [], edits: [] });
  });
});
