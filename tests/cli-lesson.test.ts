/**
 * `slm lesson show` prints a lesson's summary; `slm lesson replay --json` prints its conversation and
 * the activations at its clock, the numbers the app's service gives for the same model, knock-outs,
 * edits and seeds. A damaged lesson is refused in words.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lessonText } from '../src-main/service/protocol.ts';
import { inProcessService } from './helpers/inProcessService.ts';
import { aLesson } from './helpers/lesson.ts';
import { scratchFolders } from './helpers/scratch.ts';
import { slm } from './helpers/slm.ts';

describe('slm lesson', () => {
  const folder = scratchFolders('slm-cli-lesson-').scratch;
  const lesson = aLesson();
  const path = join(folder, 'frogs.slm-lesson.json');
  writeFileSync(path, lessonText(lesson));

  it('shows what a lesson holds', async () => {
    const { code, out } = await slm('lesson', 'show', path);
    expect(code).toBe(0);
    expect(out).toContain('Why Boris says frogs: Boris (bundled), 2 turns');
    expect(out).toContain('1. "do you like frogs?" (temperature 0, top-k 0, seed 1)');
    expect(out).toContain('Explain on (occlusion); unit card h2 3');
    expect(out).toContain('knocked out: h1 2; 1 other weight edit');
    expect(out).toContain('step 4: Here "like" is read.');
  });

  it("replays the conversation and gives the service's activations at the clock", async () => {
    const { code, out } = await slm('lesson', 'replay', path, '--json');
    expect(code).toBe(0);
    const printed = JSON.parse(out);
    const service = inProcessService();
    const model = await service.ask({ type: 'open', source: { kind: 'bundled' } });
    const knock = Array.from({ length: model.tokens.length }, (_, column) => ({ matrix: 'w0' as const, row: 2, column, value: 0 }));
    await service.ask({ type: 'setWeights', edits: [...knock, ...lesson.edits] });
    const turns = await service.ask({ type: 'replay', turns: lesson.conversation.turns.map(({ prompt, temperature, topK, seed }) => ({ prompt, temperature, topK, seed })) });
    expect(printed.turns.map((t: { reply: string }) => t.reply)).toEqual(turns.map((t) => t.reply));
    expect(printed.step).toEqual(turns.flatMap((t) => t.steps)[lesson.clock]);
    const text = await slm('lesson', 'replay', path);
    expect(text.out).toMatch(/At step 4 of \d+, reading "like":\n {2}h1 /);
  });

  it('refuses a damaged lesson, or a clock past its conversation, in words', async () => {
    const bad = join(folder, 'bad.slm-lesson.json');
    writeFileSync(bad, '{"format":"slm-lesson","version":1}');
    const damaged = await slm('lesson', 'show', bad);
    expect(damaged.code).toBe(1);
    expect(damaged.err).toMatch(/is damaged/);
    const late = join(folder, 'late.slm-lesson.json');
    writeFileSync(late, lessonText({ ...lesson, clock: 5_000 }));
    const past = await slm('lesson', 'replay', late, '--json');
    expect(past.code).toBe(1);
    expect(past.err).toMatch(/clock is at step 5001/);
    expect((await slm('lesson', 'play', path)).code).toBe(2);
  });
});
