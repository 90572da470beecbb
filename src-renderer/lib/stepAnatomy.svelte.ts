import type { ModelInfo, ResultOf } from '../../src-main/service/protocol.ts';
import type { StudioCore } from './studio.svelte.ts';

export type Anatomy = ResultOf<'anatomy'>;

/**
 * The intermediate numbers of the step under the clock (the sums before tanh, the scores before
 * softmax), asked of the model service: the renderer does no model maths of its own. One per studio,
 * shared by the explanations, the tour and "Anatomy of a step"; answers are kept per model and step.
 */
export class StepAnatomy {
  /** The anatomy of the step under the clock, once it has come back; null before. */
  current = $state.raw<Anatomy | null>(null);
  error = $state<string | null>(null);
  private cache = new WeakMap<ModelInfo, Map<number, Anatomy>>();

  constructor(private readonly studio: StudioCore) {}

  /** Fetches the anatomy of the step under the clock (or a given step), from the cache when it can. */
  async load(index = this.studio.clock): Promise<Anatomy | null> {
    const model = this.studio.model;
    const step = this.studio.timeline[index];
    if (!model || !step) {
      this.current = null;
      return null;
    }
    let perStep = this.cache.get(model);
    if (!perStep) this.cache.set(model, (perStep = new Map()));
    let anatomy = perStep.get(index);
    if (!anatomy) {
      try {
        anatomy = await this.studio.bridge.request({
          type: 'anatomy',
          row: step.record.row,
          context: this.studio.contextIn(index),
          temperature: step.temperature,
        });
        this.error = null;
      } catch (error) {
        this.error = `the step's numbers could not be worked out: ${(error as Error).message}`;
        return null;
      }
      perStep.set(index, anatomy);
    }
    if (this.studio.model === model && this.studio.clock === index) this.current = anatomy;
    return anatomy;
  }
}
