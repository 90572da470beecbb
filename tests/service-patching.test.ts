import { beforeAll, describe, expect, it } from 'vitest';
import { patchMemory } from '../src-main/model/dynamics/patching.ts';
import { parseModel } from '../src-main/model/formats/slmJson.ts';
import { inProcessService } from './helpers/inProcessService.ts';

/** The patching request of the real model service, in-process: the engine's numbers, checked replies. */
const { modelText, ask, askError } = inProcessService();
const boris = parseModel(modelText);

beforeAll(async () => {
  await ask({ type: 'open', source: { kind: 'bundled' } });
});

describe('the patch request (which units carry the memory)', () => {
  it("answers the engine's heatmap, shares and reply; with a patch, that set of units together", async () => {
    const histories: [string[], string[]] = [['do you like frogs?'], []];
    expect(await ask({ type: 'patch', histories, lastTurn: 'why?' })).toEqual(patchMemory(boris, histories, 'why?'));
    const chosen = await ask({ type: 'patch', histories, lastTurn: 'why?', patch: { units: [7], step: 1 } });
    expect(chosen.together).toEqual(patchMemory(boris, histories, 'why?', undefined, { units: [7], step: 1 }).together);
    const sampling = { temperature: 0.8, topK: 5, seed: 3 };
    expect((await ask({ type: 'patch', histories, lastTurn: 'why?', sampling })).replies).toEqual(patchMemory(boris, histories, 'why?', sampling).replies);
  });

  it('refuses a unit the model lacks, a step the line lacks and a malformed patch, saying which', async () => {
    const histories: [string[], string[]] = [['hello'], []];
    expect((await askError({ type: 'patch', histories, lastTurn: 'why?', patch: { units: [30], step: 0 } })).message).toMatch(/unit 30 is not one of Boris's units/);
    expect((await askError({ type: 'patch', histories, lastTurn: 'why?', patch: { units: [1], step: 9 } })).message).toMatch(/from 0 to 2/);
    expect((await askError({ type: 'patch', histories, lastTurn: 'why?', patch: { units: [-1], step: 0 } })).kind).toBe('protocol');
  });
});
