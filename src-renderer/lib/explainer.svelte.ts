import {
  type ExplainedPrediction,
  type ExplanationResult,
  type KnockoutTableResult,
  type Measure,
  type ReplyNodeResult,
  type UnitProfileResult,
  measureValue,
} from '../../src-main/service/protocol.ts';
import type { StudioCore } from './studio.svelte.ts';

export type UnitLayer = 'h1' | 'h2';

/** A unit card: which unit, and its profile once the service has answered. */
export interface UnitCard {
  layer: UnitLayer;
  unit: number;
  profile: UnitProfileResult | null;
  error: string | null;
}

/** How long the knock-out table may take before the panel says it is measuring. */
const TABLE_WAIT_SHOWN_MS = 150;

/**
 * The explanations the app shows, all computed by the model service (the renderer does no model
 * maths): saliency through time and the reply tree for the step under the clock (while "Explain" is
 * on), a unit's card, and the knock-out table. A newer request of a kind supersedes an older one in the
 * service; the answers to superseded requests are dropped here.
 */
export class Explainer {
  on = $state(false);
  explanation = $state.raw<ExplanationResult | null>(null);
  tree = $state.raw<ReplyNodeResult[] | null>(null);
  /** True when the service pruned the tree to its node budget (limits.MAX_REPLY_TREE_NODES). */
  treePruned = $state(false);
  /** The step the reply tree grows from. */
  treeStep = $state(-1);
  card = $state.raw<UnitCard | null>(null);
  table = $state.raw<KnockoutTableResult | null>(null);
  /** Whether the table is being measured for weights other than those it shows. */
  measuringTable = $state(false);
  error = $state<string | null>(null);
  /** A knock-out the Weights view should make, asked for from a unit card. */
  knockoutRequest = $state.raw<{ layer: UnitLayer; unit: number } | null>(null);

  /**
   * Which measure answers "which of my words mattered?": Leave it out first, the one a learner checks
   * by hand. The chips, the timeline's sal row and How far back all follow it.
   */
  measure = $state<Measure>('occlusion');

  private asked = { explain: 0, tree: 0, card: 0, table: 0 };

  constructor(readonly studio: StudioCore) {}

  /**
   * The explanation with each step's token as the chat shows it (an unknown word keeps its own text),
   * the shape the list and the sentences of "Which words mattered" are made from.
   */
  get prediction(): ExplainedPrediction | null {
    const e = this.explanation;
    const vocabulary = this.studio.model?.tokens;
    if (!e || !vocabulary) return null;
    return {
      target: vocabulary[e.target] ?? '?',
      logProbability: e.logProbability,
      baselineLogProbability: e.baselineLogProbability,
      steps: e.steps.map((s, i) => ({ ...s, token: this.studio.timeline[i]?.record.token ?? vocabulary[s.row] ?? '?' })),
    };
  }

  /** The token rows of the conversation from its start up to a step, fed from zeros. */
  rowsUpTo(step: number): number[] {
    return this.studio.timeline.slice(0, step + 1).map((s) => s.record.row);
  }

  /**
   * What a step did for the prediction under the clock, by the chosen measure (in nats), or null when
   * none is shown (Explain off, a step after the clock's, or one Leave it out did not reach).
   */
  saliencyOf(step: number): number | null {
    if (!this.on || !this.explanation) return null;
    const entry = this.explanation.steps[step];
    return entry ? measureValue(entry, this.measure) : null;
  }

  /** The largest |value| of the chosen measure, for the colour scale (at least a tiny number). */
  get saliencyRange(): number {
    let most = 1e-12;
    for (const s of this.explanation?.steps ?? []) most = Math.max(most, Math.abs(measureValue(s, this.measure) ?? 0));
    return most;
  }

  toggle(): void {
    this.on = !this.on;
    if (!this.on) {
      void this.studio.bridge.request({ type: 'cancelExplanations' }).catch(() => {});
      this.explanation = null;
      this.tree = null;
    }
  }

  /** Saliency for the prediction after `step`: its target is the token that came next, else the most likely. */
  async explain(step: number): Promise<void> {
    const ticket = ++this.asked.explain;
    if (step < 0 || step >= this.studio.timeline.length) {
      this.explanation = null;
      return;
    }
    const follower = this.studio.followerOf(step);
    const result = await this.ask(() =>
      this.studio.bridge.request({ type: 'explain', tokens: this.rowsUpTo(step), step, target: follower ? follower.row : undefined }),
    );
    if (ticket === this.asked.explain && result) this.explanation = result;
  }

  async growTree(step: number, temperature: number, topK: number): Promise<void> {
    const ticket = ++this.asked.tree;
    if (step < 0 || step >= this.studio.timeline.length) {
      this.tree = null;
      return;
    }
    const result = await this.ask(() => this.studio.bridge.request({ type: 'replyTree', tokens: this.rowsUpTo(step), temperature, topK }));
    if (ticket === this.asked.tree && result) {
      this.tree = result.children;
      this.treePruned = result.pruned === true;
      this.treeStep = step;
    }
  }

  async openUnit(layer: UnitLayer, unit: number): Promise<void> {
    const ticket = ++this.asked.card;
    this.card = { layer, unit, profile: null, error: null };
    const clock = this.studio.clock;
    try {
      const profile = await this.studio.bridge.request({
        type: 'unitProfile',
        layer,
        unit,
        stepTokens: clock >= 0 ? this.rowsUpTo(clock) : undefined,
      });
      if (ticket === this.asked.card) this.card = { layer, unit, profile, error: null };
    } catch (error) {
      if (ticket === this.asked.card && (error as { kind?: string }).kind !== 'cancelled') this.card = { layer, unit, profile: null, error: (error as Error).message };
    }
  }

  closeUnit(): void {
    this.asked.card++;
    this.card = null;
  }

  async loadTable(): Promise<void> {
    const ticket = ++this.asked.table;
    // A table already measured comes back at once; only a wait long enough to see is shown.
    const shown = setTimeout(() => {
      if (ticket === this.asked.table) this.measuringTable = true;
    }, TABLE_WAIT_SHOWN_MS);
    try {
      const result = await this.ask(() => this.studio.bridge.request({ type: 'knockoutTable' }));
      if (ticket !== this.asked.table) return;
      if (result) this.table = result;
      this.measuringTable = false;
    } finally {
      clearTimeout(shown);
    }
  }

  /** Asks the Weights view to knock the unit out (it owns the weight edits). */
  knockOut(layer: UnitLayer, unit: number): void {
    this.knockoutRequest = { layer, unit };
  }

  private async ask<T>(work: () => Promise<T>): Promise<T | null> {
    try {
      const result = await work();
      this.error = null;
      return result;
    } catch (error) {
      if ((error as { kind?: string }).kind === 'cancelled') return null;
      this.error = (error as Error).message;
      return null;
    }
  }
}
