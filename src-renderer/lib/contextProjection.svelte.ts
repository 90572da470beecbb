import type { StepRecord } from '../../src-main/service/protocol.ts';
import { limits } from '../../src-main/service/protocol.ts';
import type { Bridge } from './bridge.ts';

/**
 * Where each step's context lands in the model's PCA plane (fitted once per model, by the service, on
 * its corpus's contexts). Points are kept per step record, so only new steps are ever sent.
 */
export class ContextProjection {
  explainedVariance = $state<number[]>([]);
  error = $state<string | null>(null);
  /** Bumped whenever points arrive, so views that read `pointOf` redraw. */
  version = $state(0);

  private points = new WeakMap<StepRecord, [number, number]>();
  private pending = new Set<StepRecord>();

  constructor(private readonly bridge: Bridge) {}

  pointOf(record: StepRecord): [number, number] | undefined {
    void this.version;
    return this.points.get(record);
  }

  /** Asks for the points of any of these steps not yet placed. */
  async place(records: readonly StepRecord[]): Promise<void> {
    const missing = records.filter((r) => !this.points.has(r) && !this.pending.has(r));
    if (missing.length === 0) return;
    for (const r of missing) this.pending.add(r);
    try {
      // One request projects at most limits.MAX_PROJECT_VECTORS: a longer chat asks in parts.
      for (let from = 0; from < missing.length; from += limits.MAX_PROJECT_VECTORS) {
        const part = missing.slice(from, from + limits.MAX_PROJECT_VECTORS);
        const projection = await this.bridge.request({ type: 'project', vectors: part.map((r) => r.h2) });
        part.forEach((r, i) => this.points.set(r, projection.points[i]));
        this.explainedVariance = projection.explainedVariance;
      }
      this.error = null;
      this.version++;
    } catch (error) {
      this.error = `The context map could not be drawn: ${(error as Error).message}`;
    } finally {
      for (const r of missing) this.pending.delete(r);
    }
  }
}
