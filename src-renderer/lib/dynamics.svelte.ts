import type { CheckpointDynamicsResult, FixedPointResult, MemoryResult, ModelInfo, SpectrumResult, StepRecord } from '../../src-main/service/protocol.ts';
import { limits } from '../../src-main/service/protocol.ts';
import type { Bridge } from './bridge.ts';

/**
 * The Dynamics and Memory panels' state: the spectrum of each step's Jacobian (kept per step record,
 * so only new steps are sent, and steps said again with other weights are asked afresh), a word's
 * fixed point, the curves over training, and the memory comparison. Every number comes from the
 * service; this class only asks and keeps.
 */
export class ContextDynamics {
  /** Bumped whenever spectra arrive, so views that read `spectrumOf` redraw. */
  version = $state(0);
  error = $state<string | null>(null);

  fixedPoint = $state.raw<FixedPointResult | null>(null);
  fixedPointError = $state<string | null>(null);
  /** The fixed point's trajectory and point on the PCA plane (the trajectory's points, then the point). */
  fixedPointPlane = $state.raw<[number, number][] | null>(null);

  curves = $state.raw<CheckpointDynamicsResult[]>([]);

  memory = $state.raw<MemoryResult | null>(null);
  memoryError = $state<string | null>(null);
  memoryBusy = $state(false);

  private spectra = new WeakMap<StepRecord, SpectrumResult>();
  private pending = new Set<StepRecord>();
  private model: ModelInfo | null = null;
  /** Counts requests for the fixed point, so that an older answer arriving late is dropped. */
  private asked = 0;

  constructor(private readonly bridge: Bridge) {}

  spectrumOf(record: StepRecord | undefined): SpectrumResult | undefined {
    void this.version;
    return record ? this.spectra.get(record) : undefined;
  }

  /** Asks for the spectra of any of these steps not yet known. */
  async place(records: readonly StepRecord[]): Promise<void> {
    const missing = records.filter((r) => !this.spectra.has(r) && !this.pending.has(r));
    if (missing.length === 0) return;
    for (const r of missing) this.pending.add(r);
    try {
      // One request measures at most limits.MAX_STEP_DYNAMICS_CONTEXTS contexts: a longer conversation asks in parts.
      const spectra: SpectrumResult[] = [];
      for (let from = 0; from < missing.length; from += limits.MAX_STEP_DYNAMICS_CONTEXTS) {
        const part = missing.slice(from, from + limits.MAX_STEP_DYNAMICS_CONTEXTS);
        spectra.push(...(await this.bridge.request({ type: 'stepDynamics', contexts: part.map((r) => r.h2) })));
      }
      missing.forEach((r, i) => this.spectra.set(r, spectra[i]));
      this.error = null;
      this.version++;
    } catch (error) {
      this.error = `The dynamics could not be measured: ${(error as Error).message}`;
    } finally {
      for (const r of missing) this.pending.delete(r);
    }
  }

  /** Called with the open model: a new model (or new weights) drops the fixed point, the curves and the memory figures. */
  async follow(model: ModelInfo | null, word: string): Promise<void> {
    if (model === this.model) return;
    this.model = model;
    this.memory = null;
    this.curves = [];
    if (!model) return;
    await Promise.all([this.findFixedPoint(word), this.loadCurves()]);
  }

  private async loadCurves(): Promise<void> {
    try {
      this.curves = await this.bridge.request({ type: 'trainingDynamics' });
    } catch {
      this.curves = [];
    }
  }

  async findFixedPoint(word: string): Promise<void> {
    const ask = ++this.asked;
    try {
      const found = await this.bridge.request({ type: 'fixedPoint', word });
      const projection = await this.bridge.request({ type: 'project', vectors: [...found.trajectory, found.point] });
      if (ask !== this.asked) return;
      this.fixedPoint = found;
      this.fixedPointPlane = projection.points;
      this.fixedPointError = null;
    } catch (error) {
      if (ask !== this.asked) return;
      this.fixedPoint = null;
      this.fixedPointPlane = null;
      this.fixedPointError = (error as Error).message;
    }
  }

  async compareMemory(histories: [string[], string[]], lastTurn: string): Promise<void> {
    this.memoryBusy = true;
    try {
      this.memory = await this.bridge.request({ type: 'memory', histories, lastTurn });
      this.memoryError = null;
    } catch (error) {
      this.memory = null;
      this.memoryError = (error as Error).message;
    } finally {
      this.memoryBusy = false;
    }
  }
}
