import { describe, expect, it } from 'vitest';
import { USAGE } from '../src-main/cli/commands.ts';
import { patchMemory } from '../src-main/model/dynamics/patching.ts';
import { slm } from './helpers/slm.ts';
import { boris } from './helpers/boris.ts';

/** `slm patch`: which units carry the memory, with the engine's numbers. */
describe('slm patch', () => {
  const FROGS = ['--a', 'do you like frogs?', '--b', '', '--last', 'why?'];

  it('--json gives target, logProbA, logProbB and every unit at every step of the last line, the engine’s numbers', async () => {
    const { code, out } = await slm('patch', ...FROGS, '--json');
    expect(code).toBe(0);
    const record = JSON.parse(out);
    const found = patchMemory(boris, [['do you like frogs?'], []], 'why?');
    expect(record).toMatchObject({ target: 'frogs', logProbA: found.logProbA, logProbB: found.logProbB, replies: ['frogs are my best friend.', 'i am boris.'] });
    expect(record.steps).toEqual(found.steps);
    expect(record.steps.map((s: { token: string }) => s.token)).toEqual(['', 'why', '?']);
    expect(Object.keys(record.steps[0].units[0])).toEqual(['unit', 'logProbability', 'restored']);
    expect(record.together).toBeUndefined();
  });

  it('--units gives those units patched together at each step and the greedy reply with them patched at --step (the first by default)', async () => {
    const record = JSON.parse((await slm('patch', ...FROGS, '--units', '7, 22', '--json')).out);
    const together = patchMemory(boris, [['do you like frogs?'], []], 'why?', undefined, { units: [7, 22], step: 0 }).together!;
    expect(record.together).toEqual({ units: [7, 22], step: 0, steps: together.steps.map((s, i) => ({ token: ['', 'why', '?'][i], ...s })), reply: together.reply });
    expect(record.together.reply).toBe('frogs are my best friend.');
    const later = JSON.parse((await slm('patch', ...FROGS, '--units', '12', '--step', '2', '--json')).out);
    expect(later.together).toMatchObject({ units: [12], step: 2 });
  });

  it('a history of several lines is separated by " / ", and the text answer names the units in a sentence', async () => {
    const several = JSON.parse((await slm('patch', '--a', 'hello / do you like frogs?', '--last', 'why?', '--json')).out);
    expect(several.logProbA).toBe(patchMemory(boris, [['hello', 'do you like frogs?'], []], 'why?').logProbA);
    const text = await slm('patch', ...FROGS);
    expect(text.out).toMatch(/^Target: frogs/);
    expect(text.out).toMatch(/Units 7 and 22 carry most of it: together they bring back \d+(\.\d+)?%\./);
    expect(text.out).toMatch(/Reply after B with units 7 and 22 patched at ¶: "frogs are my best friend\."/);
    expect(USAGE).toMatch(/slm patch --a TEXT --b TEXT --last TEXT \[--units 3,7,12\]/);
  });

  it('refuses a missing line, malformed units and a unit the model lacks, saying what to give', async () => {
    expect(await slm('patch', '--a', 'hi')).toMatchObject({ code: 2 });
    expect((await slm('patch', '--a', 'hi', '--last', 'why?', '--units', 'seven')).err).toMatch(/--units needs unit numbers separated by commas/);
    expect((await slm('patch', '--a', 'hi', '--last', 'why?', '--units', '99')).err).toMatch(/unit 99 is not one of/);
    expect((await slm('patch', '--a', 'hi', '--last', 'why?', '--step', '1')).err).toMatch(/give --units too/);
  });
});
