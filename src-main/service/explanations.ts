/**
 * The model service's explanation requests: saliency through time, the reply tree, unit profiles and
 * the knock-out table. They are cancellable: a request of the same type arriving later supersedes one
 * waiting in the queue or running, and `cancelExplanations` stops those waiting at once and those
 * running at their next slice; either way the stopped request is answered with an error of kind
 * "cancelled". Their work runs in slices (the scheduler's), so other requests are answered meanwhile. The corpus's rows and the knock-out
 * table are kept until the weights change.
 */
import { assertAnalysable, assertNoNaN } from '../model/network/analysable.ts';
import { SlmError, inputError } from '../model/network/errors.ts';
import { explainPredictionSteps } from '../model/explanations/explain.ts';
import { knockoutTableRecord, unitProfileRecord } from '../model/explanations/explainRecords.ts';
import { countDialogues } from '../model/training/heldOut.ts';
import { LineEvaluator, type UnitKnockout, corpusRowsSteps, knockoutTexts } from '../model/units/knockout.ts';
import type { Model } from '../model/network/model.ts';
import { nextContext, tokenEmbedding } from '../model/network/network.ts';
import { type ReplyNode, replyTreeSteps } from '../model/explanations/replyTree.ts';
import type { Sliced } from '../model/network/slices.ts';
import { corpusContextsSteps, unitProfileSteps } from '../model/units/unitProfile.ts';
import { ANSWERED_LATER, type HandlersFor } from './context.ts';
import { EXPLANATION_TYPES, type ExplanationType, type KnockoutTableResult, type ReplyNodeResult, type Request, type RequestOf, type ResultOf, type ServiceMessage } from './protocol.ts';



/** How long the service waits after the weights change before it measures the knock-out table. */
const IDLE_DELAY_MS = 300;

function cancelledReply(id: number, type: string): ServiceMessage {
  return { type: 'error', id, kind: 'cancelled', message: `this ${type} request was cancelled: a newer one replaced it, or it was stopped` };
}

const isExplanationType = (type: unknown): type is ExplanationType => (EXPLANATION_TYPES as readonly unknown[]).includes(type);

export class ExplanationService {
  /** Explanation requests that arrived and have not started: id -> type. */
  private readonly waiting = new Map<number, ExplanationType>();
  /** Explanation requests running now (in slices): id -> type. */
  private readonly running = new Map<number, ExplanationType>();
  private readonly cancelled = new Set<number>();
  private corpus: { lines: number[][]; heldOut: number[][] } | null = null;
  private knockouts: KnockoutTableResult | null = null;
  /** The corpus's contexts under the current weights, for unit profiles. */
  private contexts: Float64Array[] | null = null;
  /** The held-out evaluations under the current weights, shared by the knock-out table and unit profiles. */
  private evaluator: LineEvaluator | null = null;
  /** Bumped when the weights change, so that a knock-out table being measured in idle time is dropped. */
  private generation = 0;

  /** Knock-out table requests waiting for the table being measured: answered when it is ready. */
  private tableWaiters: number[] = [];
  /** The generation whose table is being measured, or null when none is. */
  private measuring: number | null = null;

  constructor(
    private readonly model: () => Model,
    private readonly corpusText: () => Promise<string>,
    private readonly post: (message: ServiceMessage) => void,
    private readonly yieldToMessages: () => Promise<void>,
    private readonly inSlices: <T>(steps: Sliced<T>, stop?: () => void) => Promise<T>,
  ) {}

  /**
   * Sees a message as it arrives, before the queue. A newer explanation request supersedes waiting
   * ones of its type; a cancel is answered at once (returned, for the host to post).
   */
  arrive(message: unknown): ServiceMessage | null {
    if (typeof message !== 'object' || message === null) return null;
    const { id, type, kind } = message as { id?: unknown; type?: unknown; kind?: unknown };
    if (!Number.isInteger(id)) return null;
    if (isExplanationType(type)) {
      for (const [waitingId, waitingType] of this.waiting) {
        if (waitingType === type) this.stop(waitingId);
      }
      for (const [runningId, runningType] of this.running) {
        if (runningType === type) this.cancelled.add(runningId);
      }
      this.waiting.set(id as number, type);
      return null;
    }
    if (type === 'cancelExplanations' && (kind === undefined || isExplanationType(kind))) {
      let count = 0;
      if (kind === undefined || kind === 'knockoutTable') {
        for (const waiting of this.tableWaiters) this.post(cancelledReply(waiting, 'knockoutTable'));
        count += this.tableWaiters.length;
        this.tableWaiters = [];
      }
      for (const [waitingId, waitingType] of this.waiting) {
        if (kind === undefined || waitingType === kind) {
          this.stop(waitingId);
          count++;
        }
      }
      for (const [runningId, runningType] of this.running) {
        if ((kind === undefined || runningType === kind) && !this.cancelled.has(runningId)) {
          this.cancelled.add(runningId);
          count++;
        }
      }
      return { type: 'reply', id: id as number, result: { cancelled: count } };
    }
    return null;
  }

  /** Called as a request starts; refuses one that was superseded or cancelled while it waited. */
  begin(request: Request): void {
    if (!isExplanationType(request.type)) return;
    this.waiting.delete(request.id);
    if (this.cancelled.delete(request.id)) {
      throw new SlmError('cancelled', `this ${request.type} request was cancelled: a newer one replaced it, or it was stopped`);
    }
  }

  /**
   * Runs an explanation's work in slices; between them, stops it if a newer request of its type or a
   * cancel arrived meanwhile.
   */
  private async sliced<T>(id: number, type: ExplanationType, steps: Sliced<T>): Promise<T> {
    this.running.set(id, type);
    try {
      return await this.inSlices(steps, () => {
        if (this.cancelled.delete(id)) throw new SlmError('cancelled', `this ${type} request was cancelled: a newer one replaced it, or it was stopped`);
      });
    } finally {
      this.running.delete(id);
      this.cancelled.delete(id);
    }
  }

  /** Drops what was kept for the weights: call when they change, and with `model` when another model opens. */
  forget(model = false): void {
    this.knockouts = null;
    this.contexts = null;
    this.evaluator = null;
    if (model) this.corpus = null;
    this.generation++;
    this.measuring = null;
    // Only once things have been quiet for a moment (a drag or a series of knock-outs starts it once),
    // or at once when a request is waiting for the table.
    this.measure(this.tableWaiters.length > 0 ? 0 : IDLE_DELAY_MS);
  }

  /**
   * Measures the corpus's contexts for unit cards (about a tenth of a second for Boris) and the
   * knock-out table, one unit at a time, yielding to arriving messages between units (a few
   * milliseconds each), and answers the requests waiting for the table. Started in idle time after the
   * weights change, so that a later request is answered at once, or at once by a table request (then
   * the table comes first). A weight change or another model starts it over.
   */
  private measure(delay: number): void {
    const generation = this.generation;
    if (this.measuring === generation) return;
    this.measuring = generation;
    const run = async () => {
      const stale = () => generation !== this.generation;
      // Wait for a quiet moment, unless a request for the table comes first.
      for (let waited = 0; waited < delay && this.tableWaiters.length === 0 && !stale(); waited += 25) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      try {
        if (stale() || this.knockouts) return;
        const model = this.model();
        assertAnalysable(model.weights);
        const { lines, heldOut } = await this.corpusRows();
        if (stale()) return;
        // Each piece runs in slices, and stops at a slice boundary once the weights change.
        const unlessStale = () => {
          if (stale()) throw new SlmError('cancelled', 'the weights changed while the knock-out table was measured');
        };
        const measureContexts = async () => {
          await this.yieldToMessages();
          if (stale() || this.contexts) return;
          const contexts = await this.inSlices(corpusContextsSteps(model.weights, lines), unlessStale);
          if (!stale()) this.contexts ??= contexts;
        };
        if (this.tableWaiters.length === 0) await measureContexts();
        if (stale()) return;
        const evaluator = (this.evaluator ??= new LineEvaluator(model.weights, heldOut));
        const intact = await this.inSlices(evaluator.evaluateSteps(), unlessStale);
        const units: UnitKnockout[] = [];
        const E = model.weights.embedding;
        for (let k = 0; k < 2 * E; k++) {
          await this.yieldToMessages();
          if (stale()) return;
          const id = { layer: k < E ? ('h1' as const) : ('h2' as const), unit: k % E };
          const knocked = await this.inSlices(evaluator.evaluateWithoutSteps(id), unlessStale);
          units.push({ ...id, loss: knocked.loss, accuracy: knocked.accuracy, lossChange: knocked.loss - intact.loss, accuracyChange: knocked.accuracy - intact.accuracy });
        }
        const table = knockoutTableRecord({ heldOutLines: heldOut.length, heldOutDialogues: countDialogues(heldOut), predictions: intact.predictions, loss: intact.loss, accuracy: intact.accuracy, units });
        assertNoNaN(table);
        this.knockouts = table;
        for (const waiting of this.tableWaiters) this.post({ type: 'reply', id: waiting, result: this.knockouts });
        this.tableWaiters = [];
        await measureContexts();
      } catch (error) {
        // Stopped because the weights changed: the finally below starts over for anyone waiting.
        if (stale()) return;
        for (const waiting of this.tableWaiters) {
          const kind = error instanceof SlmError ? error.kind : 'internal';
          this.post({ type: 'error', id: waiting, kind, message: (error as Error).message });
        }
        this.tableWaiters = [];
      } finally {
        if (this.measuring === generation) this.measuring = null;
        // The weights changed while measuring: measure them now if someone is waiting.
        if (stale() && this.tableWaiters.length > 0) this.measure(0);
      }
    };
    void run();
  }

  /** The explanation requests' part of the service's request table. */
  handlers(): HandlersFor<ExplanationType | 'cancelExplanations'> {
    return {
      explain: (request) => this.explain(request),
      replyTree: (request) => this.replyTree(request),
      unitProfile: (request) => this.unitProfile(request),
      knockoutTable: (request) => this.tableRequest(request.id),
      // Answered on arrival (see arrive); only reached when a cancel is handled in its turn.
      cancelExplanations: () => ({ cancelled: 0 }),
    };
  }

  private stop(id: number): void {
    this.waiting.delete(id);
    this.cancelled.add(id);
  }

  private async explain(request: RequestOf<'explain'>): Promise<ResultOf<'explain'>> {
    const { weights } = this.model();
    assertAnalysable(weights);
    const e = await this.sliced(request.id, 'explain', explainPredictionSteps(weights, request.tokens, request.step, { target: request.target, igSteps: request.igSteps }));
    return {
      step: e.step,
      target: e.target,
      targetGiven: e.targetGiven,
      logProbability: e.logProbability,
      baselineLogProbability: e.baselineLogProbability,
      completenessGap: e.completenessGap,
      igPoints: e.igPoints,
      steps: e.steps.map((s) => ({
        row: s.row,
        gradientNorm: s.gradientNorm,
        saliency: s.saliency,
        integratedGradient: s.integratedGradient,
        occlusion: s.occlusion,
        occlusionPoints: s.occlusionPoints,
      })),
    };
  }

  private async replyTree(request: RequestOf<'replyTree'>): Promise<ResultOf<'replyTree'>> {
    const { weights } = this.model();
    assertAnalysable(weights);
    if (request.tokens.length === 0) throw inputError('the reply tree needs the tokens said so far: at least one');
    let context: Float64Array = new Float64Array(weights.embedding);
    for (const row of request.tokens) {
      if (row >= weights.vocabulary) throw inputError(`the token row ${row} is outside the vocabulary of ${weights.vocabulary}`);
      context = nextContext(weights, tokenEmbedding(weights, row), context);
    }
    const tree = await this.sliced(
      request.id,
      'replyTree',
      replyTreeSteps(weights, context, {
        depth: request.depth,
        temperature: request.temperature,
        topK: request.topK,
        minProbability: request.minProbability,
      }),
    );
    const plain = (list: ReplyNode[]): ReplyNodeResult[] =>
      list.map((n) => ({ row: n.row, probability: n.probability, pathProbability: n.pathProbability, children: plain(n.children) }));
    return { children: plain(tree.children), pruned: tree.pruned };
  }

  private async corpusRows(stop?: () => void): Promise<{ lines: number[][]; heldOut: number[][] }> {
    if (!this.corpus) {
      const vocabulary = this.model().vocabulary;
      const rows = await this.inSlices(corpusRowsSteps(vocabulary, await this.corpusText()), stop);
      // Another model may have opened meanwhile: keep the rows only for the model they were read for.
      if (this.model().vocabulary !== vocabulary) throw new SlmError('cancelled', 'another model was opened while its corpus was read; ask again');
      this.corpus ??= { lines: rows.lines, heldOut: knockoutTexts(this.model().weights, rows.heldOut) };
    }
    return this.corpus;
  }

  private async unitProfile(request: RequestOf<'unitProfile'>): Promise<ResultOf<'unitProfile'>> {
    const model = this.model();
    assertAnalysable(model.weights);
    const generation = this.generation;
    const stop = () => {
      if (this.cancelled.has(request.id)) throw new SlmError('cancelled', `this unitProfile request was cancelled: a newer one replaced it, or it was stopped`);
    };
    this.running.set(request.id, 'unitProfile');
    const { lines, heldOut } = await this.corpusRows(stop).finally(() => this.running.delete(request.id));
    const contexts = this.contexts ?? (await this.sliced(request.id, 'unitProfile', corpusContextsSteps(model.weights, lines)));
    if (generation === this.generation) this.contexts ??= contexts;
    const evaluator = generation === this.generation ? (this.evaluator ??= new LineEvaluator(model.weights, heldOut)) : new LineEvaluator(model.weights, heldOut);
    const profile = await this.sliced(
      request.id,
      'unitProfile',
      unitProfileSteps(
        model.weights,
        lines,
        { layer: request.layer, unit: request.unit },
        { top: request.top, heldOut, stepTokens: request.stepTokens, contexts, evaluator },
      ),
    );
    return unitProfileRecord(profile, model.vocabulary);
  }

  /**
   * Takes a knock-out table request in its turn (after the edits sent before it): answered at once
   * when the table for these weights is kept, otherwise when it has been measured, beside the queue.
   */
  private tableRequest(id: number): ResultOf<'knockoutTable'> | typeof ANSWERED_LATER {
    for (const waiting of this.tableWaiters) this.post(cancelledReply(waiting, 'knockoutTable'));
    this.tableWaiters = [];
    if (this.knockouts) return this.knockouts;
    this.tableWaiters.push(id);
    this.measure(0);
    return ANSWERED_LATER;
  }
}
