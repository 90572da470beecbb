import { describe, expect, it, vi } from 'vitest';
import { corpusContextsSteps } from '../src-main/model/units/unitProfile.ts';
import { inProcessService } from './helpers/inProcessService.ts';

// The corpus's contexts (what a unit card's top contexts are picked from), counted where the service
// measures them. A mock of the module: so this file runs in a process of its own (vitest.config.ts).
vi.mock('../src-main/model/units/unitProfile.ts', async (original) => {
  const module = await original<typeof import('../src-main/model/units/unitProfile.ts')>();
  return { ...module, corpusContextsSteps: vi.fn(module.corpusContextsSteps) };
});

describe('the unit cards’ corpus contexts', () => {
  it('are measured in idle time only once a unit card has asked for them, until another model opens', async () => {
    const service = inProcessService();
    const measured = vi.mocked(corpusContextsSteps);
    const idle = () => new Promise((resolve) => setTimeout(resolve, 1500));
    await service.ask({ type: 'open', source: { kind: 'bundled' } });
    await service.ask({ type: 'setWeights', edits: [{ matrix: 'w1', row: 3, column: 4, value: 0.5 }] });
    await idle();
    expect(measured).not.toHaveBeenCalled();
    // A card asks: measured for it, then kept, and measured again in idle time after a weight change.
    await service.ask({ type: 'unitProfile', layer: 'h2', unit: 5 });
    expect(measured).toHaveBeenCalledTimes(1);
    await service.ask({ type: 'unitProfile', layer: 'h1', unit: 2 });
    expect(measured).toHaveBeenCalledTimes(1);
    await service.ask({ type: 'resetWeights' });
    await idle();
    expect(measured).toHaveBeenCalledTimes(2);
    // Another model's are not measured until one of its cards asks.
    await service.ask({ type: 'open', source: { kind: 'bundled' } });
    await idle();
    expect(measured).toHaveBeenCalledTimes(2);
  });
});
