import { type ModelInfo, type WeightEdit, type WeightName, matrixShape } from '../../src-main/service/protocol.ts';
import type { Studio } from './studioParts.svelte.ts';
import { isKnockedOut } from './weightMaps.ts';

export interface CellAddress {
  matrix: WeightName;
  row: number;
  column: number;
}

/**
 * Edits the open model's weights through the service: one weight typed or dragged, a unit knocked out
 * (its incoming row set to zeros) or brought back, everything reset to the saved weights. After each
 * change the studio replays the conversation, so replies, probabilities and activations follow at once.
 * One batch is with the service at a time; edits made meanwhile wait, merged, for the next.
 */
export class WeightEditor {
  selected = $state<CellAddress>({ matrix: 'w2', row: 2, column: 0 });
  error = $state<string | null>(null);
  busy = $state(false);

  /** A knocked-out row's values before, to bring the unit back; keyed `h1:3`, `h2:0`. */
  private knockedRows = new Map<string, number[]>();
  private queued: WeightEdit[] | null = null;
  private sending: Promise<void> | null = null;

  constructor(private readonly studio: Studio) {}

  get model(): ModelInfo | null {
    return this.studio.model;
  }

  /** The selected weight's value now, or null when the selection is outside the open model. */
  get value(): number | null {
    const model = this.model;
    if (!model) return null;
    const { matrix, row, column } = this.selected;
    const [rows, columns] = matrixShape(matrix, model.embeddingSize, model.tokens.length);
    if (row >= rows || column >= columns) return null;
    return model.weights[matrix][row * columns + column];
  }

  select(cell: CellAddress): void {
    this.selected = cell;
    this.error = null;
  }

  /** Sets one weight (the selected one unless told otherwise). */
  setWeight(value: number, cell: CellAddress = this.selected): Promise<void> {
    if (!Number.isFinite(value)) {
      this.error = 'a weight must be a finite number';
      return Promise.resolve();
    }
    return this.submit([{ ...cell, value }]);
  }

  knockedOut(layer: 'h1' | 'h2', unit: number): boolean {
    return this.model ? isKnockedOut(this.model, layer, unit) : false;
  }

  /** Knocks a unit out (its W0 row for h1, its W1 row for h2, set to zeros) or brings it back. */
  toggleUnit(layer: 'h1' | 'h2', unit: number): Promise<void> {
    const model = this.model;
    if (!model) return Promise.resolve();
    const matrix = layer === 'h1' ? 'w0' : 'w1';
    const [, width] = matrixShape(matrix, model.embeddingSize, model.tokens.length);
    // An unedited model (just opened, or reset) has no knock-outs of ours to bring back.
    if (!model.edited) this.knockedRows.clear();
    const key = `${layer}:${unit}`;
    const row = model.weights[matrix].slice(unit * width, (unit + 1) * width);
    let values: number[];
    if (isKnockedOut(model, layer, unit)) {
      const before = this.knockedRows.get(key);
      if (!before || before.length !== width) {
        this.error = `${layer} unit ${unit} was zero when this model was opened; Reset weights restores the saved model`;
        return Promise.resolve();
      }
      values = before;
      this.knockedRows.delete(key);
    } else {
      this.knockedRows.set(key, row);
      values = row.map(() => 0);
    }
    return this.submit(values.map((value, column) => ({ matrix, row: unit, column, value })));
  }

  async reset(): Promise<void> {
    this.error = null;
    this.queued = null;
    await this.sending;
    try {
      this.busy = true;
      const info = await this.studio.bridge.request({ type: 'resetWeights' });
      this.knockedRows.clear();
      await this.studio.applyWeights(info);
    } catch (error) {
      this.error = (error as Error).message;
    } finally {
      this.busy = false;
    }
  }

  /**
   * Queues edits. While one batch is with the service, later ones are merged into the waiting batch,
   * a later value for the same weight replacing an earlier one, so a quick series of knock-outs or a
   * drag loses nothing but the in-between values.
   */
  private submit(edits: WeightEdit[]): Promise<void> {
    this.error = null;
    const waiting = new Map((this.queued ?? []).map((e) => [`${e.matrix}:${e.row}:${e.column}`, e] as const));
    for (const edit of edits) waiting.set(`${edit.matrix}:${edit.row}:${edit.column}`, edit);
    this.queued = [...waiting.values()];
    if (!this.sending) {
      this.sending = this.drain().finally(() => (this.sending = null));
    }
    return this.sending;
  }

  private async drain(): Promise<void> {
    this.busy = true;
    try {
      while (this.queued) {
        const edits = this.queued;
        this.queued = null;
        try {
          const info = await this.studio.bridge.request({ type: 'setWeights', edits });
          await this.studio.applyWeights(info);
        } catch (error) {
          this.error = (error as Error).message;
        }
      }
    } finally {
      this.busy = false;
    }
  }
}
