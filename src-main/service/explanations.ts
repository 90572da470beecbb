/**
 * The model service's explanation requests: saliency through time, the reply tree, unit profiles and
 * the knock-out table. Their entries in the request table say a newer request of the same type
 * supersedes one waiting or running, and `cancelExplanations` stops them (the scheduler answers a
 * stopped one "cancelled"). Their work runs in slices, so other requests are answered meanwhile. The
 * corpus's rows and the knock-out table are kept until the weights change; once asked for, they are
 * measured again in idle time beside the queue, and a table request is answered when it is ready (`Later`).
 */
import { assertAnalysable, assertNoNaN } from '../model/network/analysable.ts';
import { SlmError, inputError } from '../model/network/errors.ts';
import { explainPredictionSteps } from '../model/explanations/explain.ts';
import { knockoutTableRecord, unitProfileRecord } from '../model/explanations/explainRecords.ts';
import { countDialogues } from '../model/training/heldOut.ts';
import { type KnockoutCorpus, LineEvaluator, type UnitKnockout, corpusRowsSteps, knockoutCorpus } from '../model/units/knockout.ts';
import { nextContext, tokenEmbedding } from '../model/network/network.ts';
import { type ReplyNode, replyTreeSteps } from '../model/explanations/replyTree.ts';
import { corpusContextsSteps, unitProfileSteps } from '../model/units/unitProfile.ts';
import { type HandlersFor, type Job, Later, type ServiceParts } from './requestTable.ts';
import { EXPLANATION_TYPES, type ExplanationType, type KnockoutTableResult, type ReplyNodeResult, type RequestOf, type ResultOf } from './protocol.ts';

/** How long the service waits after the weights change before it measures the knock-out table. */
const IDLE_DELAY_MS = 300;

/** The table waiting to be measured for a request: settled when it is, or when measuring fails. */
interface TableWaiter {
  resolve(table: KnockoutTableResult): void;
  reject(error: unknown): void;
}

export function explanationRequests({ host, models, scheduler }: ServiceParts): HandlersFor<ExplanationType | 'cancelExplanations'> {
  const model = () => models.current().model;
  let corpus: KnockoutCorpus | null = null;
  let knockouts: KnockoutTableResult | null = null;
  /** The corpus's contexts under the current weights, for unit profiles. */
  let contexts: Float64Array[] | null = null;
  /** The held-out evaluations under the current weights, shared by the knock-out table and unit profiles. */
  let evaluator: LineEvaluator | null = null;
  /** Bumped when the weights change, so that a knock-out table being measured in idle time is dropped. */
  let era = 0;
  /**
   * What has been asked for since the model opened: the knock-out table, a unit profile. Idle time
   * prepares only those, so an open, an epoch shown or an edit spends no work (about a second for
   * the table, a quarter of one for the profiles' contexts) on what nobody is looking at. Once asked
   * for, each is kept up to date in idle time as the weights change.
   */
  let wanted = { table: false, profile: false };
  /** Knock-out table requests waiting for the table being measured. */
  let tableWaiters: TableWaiter[] = [];
  /** Whether to measure the table: asked for since the model opened, or a request waits for it (one sent before another model opened). */
  const tableWanted = () => wanted.table || tableWaiters.length > 0;
  /** The era whose table is being measured, or null when none is. */
  let measuring: number | null = null;

  // What was kept for the weights goes when they change, and the corpus's rows with another model.
  models.onChange((change) => {
    knockouts = null;
    contexts = null;
    evaluator = null;
    if (change === 'model') {
      corpus = null;
      wanted = { table: false, profile: false };
    }
    era++;
    measuring = null;
    // Only once things have been quiet for a moment (a drag or a series of knock-outs starts it once),
    // or at once when a request is waiting for the table; not at all when nothing is wanted.
    if (tableWanted() || wanted.profile) measure(tableWaiters.length > 0 ? 0 : IDLE_DELAY_MS);
  });

  async function corpusRows(stop?: () => void): Promise<KnockoutCorpus> {
    if (!corpus) {
      const vocabulary = model().vocabulary;
      const text = models.current().corpus ?? (await host.bundled()).corpus;
      const rows = await scheduler.inSlices(corpusRowsSteps(vocabulary, text), stop);
      // Another model may have opened meanwhile: keep the rows only for the model they were read for.
      if (model().vocabulary !== vocabulary) throw new SlmError('cancelled', 'another model was opened while its corpus was read; ask again');
      corpus ??= knockoutCorpus(model().weights, rows);
    }
    return corpus;
  }

  /**
   * Measures what has been asked for since the model opened (`wanted`): the corpus's contexts for unit
   * cards (about a tenth of a second for Boris) and the knock-out table, one unit at a time, yielding to
   * arriving messages between units (a few milliseconds each), and settles the requests waiting for
   * the table. Started in idle time after the weights change, so that a later request is answered at
   * once, or at once by a table request (then the table comes first). A weight change or another model
   * starts it over.
   */
  function measure(delay: number): void {
    const mine = era;
    if (measuring === mine) return;
    measuring = mine;
    const run = async () => {
      const stale = () => mine !== era;
      // Wait for a quiet moment, unless a request for the table comes first.
      for (let waited = 0; waited < delay && tableWaiters.length === 0 && !stale(); waited += 25) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      try {
        if (stale() || knockouts) return;
        const { weights } = model();
        assertAnalysable(weights);
        const { lines, heldOut, heldOutTexts } = await corpusRows();
        if (stale()) return;
        // Each piece runs in slices, and stops at a slice boundary once the weights change.
        const unlessStale = () => {
          if (stale()) throw new SlmError('cancelled', 'the weights changed while the knock-out table was measured');
        };
        const measureContexts = async () => {
          await host.yieldToMessages();
          if (stale() || contexts || !wanted.profile) return;
          const measured = await scheduler.inSlices(corpusContextsSteps(weights, lines), unlessStale);
          if (!stale()) contexts ??= measured;
        };
        if (tableWaiters.length === 0) await measureContexts();
        if (stale() || !tableWanted()) return;
        const lineEvaluator = (evaluator ??= new LineEvaluator(weights, heldOut));
        const intact = await scheduler.inSlices(lineEvaluator.evaluateSteps(), unlessStale);
        const units: UnitKnockout[] = [];
        const E = weights.embeddingSize;
        for (let k = 0; k < 2 * E; k++) {
          await host.yieldToMessages();
          if (stale()) return;
          const id = { layer: k < E ? ('h1' as const) : ('h2' as const), unit: k % E };
          const knocked = await scheduler.inSlices(lineEvaluator.evaluateWithoutSteps(id), unlessStale);
          units.push({ ...id, loss: knocked.loss, accuracy: knocked.accuracy, lossChange: knocked.loss - intact.loss, accuracyChange: knocked.accuracy - intact.accuracy });
        }
        const table = knockoutTableRecord({ heldOutLines: heldOut.length, heldOutDialogues: countDialogues(heldOut), predictions: intact.predictions, loss: intact.loss, accuracy: intact.accuracy, units }, heldOutTexts);
        assertNoNaN(table);
        knockouts = table;
        for (const waiter of tableWaiters) waiter.resolve(table);
        tableWaiters = [];
        await measureContexts();
      } catch (error) {
        // Stopped because the weights changed: the finally below starts over for anyone waiting.
        if (stale()) return;
        for (const waiter of tableWaiters) waiter.reject(error);
        tableWaiters = [];
      } finally {
        if (measuring === mine) measuring = null;
        // The weights changed while measuring: measure them now if someone is waiting.
        if (stale() && tableWaiters.length > 0) measure(0);
      }
    };
    void run();
  }

  /**
   * A knock-out table request in its turn (after the edits sent before it): answered at once when the
   * table for these weights is kept, otherwise when it has been measured, beside the queue.
   */
  function knockoutTable(job: Job): KnockoutTableResult | Later<KnockoutTableResult> {
    wanted.table = true;
    if (knockouts) return knockouts;
    const table = new Promise<KnockoutTableResult>((resolve, reject) => {
      const waiter = { resolve, reject };
      tableWaiters.push(waiter);
      // Stopped (a newer table request or a cancel): it waits no more.
      job.signal.addEventListener('abort', () => (tableWaiters = tableWaiters.filter((w) => w !== waiter)), { once: true });
    });
    measure(0);
    return new Later(table);
  }

  async function explain(request: RequestOf<'explain'>, job: Job): Promise<ResultOf<'explain'>> {
    const { weights } = model();
    assertAnalysable(weights);
    const e = await job.inSlices(explainPredictionSteps(weights, request.tokens, request.step, { target: request.target, igSteps: request.igSteps }));
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

  async function replyTree(request: RequestOf<'replyTree'>, job: Job): Promise<ResultOf<'replyTree'>> {
    const { weights } = model();
    assertAnalysable(weights);
    if (request.tokens.length === 0) throw inputError('the reply tree needs the tokens said so far: at least one');
    let context: Float64Array = new Float64Array(weights.embeddingSize);
    for (const row of request.tokens) {
      if (row >= weights.vocabularySize) throw inputError(`the token row ${row} is outside the vocabulary of ${weights.vocabularySize}`);
      context = nextContext(weights, tokenEmbedding(weights, row), context);
    }
    const tree = await job.inSlices(
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

  async function unitProfile(request: RequestOf<'unitProfile'>, job: Job): Promise<ResultOf<'unitProfile'>> {
    const open = model();
    assertAnalysable(open.weights);
    wanted.profile = true;
    const mine = era;
    const { lines, heldOut } = await corpusRows(() => job.signal.throwIfAborted());
    const unitContexts = contexts ?? (await job.inSlices(corpusContextsSteps(open.weights, lines)));
    if (mine === era) contexts ??= unitContexts;
    const unitEvaluator = mine === era ? (evaluator ??= new LineEvaluator(open.weights, heldOut)) : new LineEvaluator(open.weights, heldOut);
    const profile = await job.inSlices(
      unitProfileSteps(
        open.weights,
        lines,
        { layer: request.layer, unit: request.unit },
        { top: request.top, heldOut, stepTokens: request.stepTokens, contexts: unitContexts, evaluator: unitEvaluator },
      ),
    );
    return unitProfileRecord(profile, open.vocabulary);
  }

  return {
    explain,
    replyTree,
    unitProfile,
    knockoutTable: (_, job) => knockoutTable(job),
    cancelExplanations: ({ kind }) => ({ cancelled: scheduler.cancel(kind ? [kind] : EXPLANATION_TYPES) }),
  };
}
