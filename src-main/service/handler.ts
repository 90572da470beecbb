import { inspectCorpus } from '../model/corpusReport.ts';
import { SlmError, clip, inputError, quote } from '../model/errors.ts';
import { Conversation } from '../model/generation.ts';
import { stepAnatomy } from '../model/anatomy.ts';
import { pathDivergence } from '../model/divergence.ts';
import { embeddingMapSteps } from '../model/embeddingMap.ts';
import { contextPath, distance, nearestWords } from '../model/geometry.ts';
import { type Model, ORIGINAL_TEMPERATURE } from '../model/model.ts';
import { NewerModelFileError, parseModel, serializeModel } from '../model/modelFile.ts';
import { type Step, type Weights, cloneWeights, copyWeightsInto, run, weightShape } from '../model/network.ts';
import { exportOriginal, importOriginal } from '../model/original.ts';
import { type Projection as Pca, fitPca, project } from '../model/pca.ts';
import { createRng } from '../model/rng.ts';
import { droppedCharacters, tokenizeBounded, tokenizeCorpus } from '../model/tokenizer.ts';
import { Trainer, trainingRecord } from '../model/training.ts';
import { BOUNDARY, buildVocabulary, encode } from '../model/vocabulary.ts';
import {
  type GeneratedTurn,
  type ModelInfo,
  type ModelSource,
  type Request,
  type RequestOf,
  type ResultOf,
  type ServiceEvent,
  type ServiceMessage,
  type StepRecord,
  type StoredModel,
  type TurnRequest,
  type WeightEdit,
  parseRequest,
} from './protocol.ts';
import type { ModelStore } from './store.ts';
import { TrainingSession, toMetrics } from './trainingSession.ts';
import { ExplanationService } from './explanations.ts';

/** What a host (utility process, worker, child process) gives the service. */
export interface ServiceHost {
  post(message: ServiceMessage): void;
  store: ModelStore;
  /** The bundled Boris model file and the corpus contexts are projected from. */
  bundled(): Promise<{ model: string; corpus: string }>;
  yieldToMessages(): Promise<void>;
  now(): number;
}

/** At most this many corpus contexts are used to fit the projection. */
const PROJECTION_SAMPLE = 5000;
/** Long work (a turn, a replay) runs in slices of about this long, then lets waiting requests in. */
const SLICE_MS = 8;

/**
 * How a request is scheduled. Requests that change the open model wait for every request before
 * them, and every request waits for the model changes before it; the conversation's requests run one
 * at a time, in order. Everything else (listing, looking up, exporting, pausing a run) only reads,
 * so it is answered while a long turn or replay is under way, between its slices.
 */
type Lane = 'model' | 'conversation' | 'read';

const LANES: Partial<Record<string, Lane>> = {
  open: 'model',
  saveModel: 'model',
  renameModel: 'model',
  deleteModel: 'model',
  setWeights: 'model',
  resetWeights: 'model',
  train: 'model',
  generate: 'conversation',
  replay: 'conversation',
  resetConversation: 'conversation',
};

function laneOf(message: unknown): Lane {
  const type = typeof message === 'object' && message !== null ? (message as { type?: unknown }).type : undefined;
  return (typeof type === 'string' && Object.hasOwn(LANES, type) && LANES[type]) || 'read';
}

interface OpenModel {
  model: Model;
  storedId: string | null;
  saved: Weights;
  edited: boolean;
  conversation: Conversation;
  /** The corpus the model was trained on here, when known; the projection is fitted on it. */
  corpus: string | null;
  projection: Pca | null;
}

/**
 * The model service: one message handler, host-agnostic. It owns the open model, the conversation
 * and any training run, and answers every request with a reply or an error a person can act on.
 */
export class ModelService {
  private open: OpenModel | null = null;
  private session: TrainingSession | null = null;
  /** Epochs a second for watching a run, or null for as fast as it can. */
  private pace: number | null = null;
  /** Saliency, reply trees, unit profiles and knock-outs; cancellable. */
  private readonly explanations = new ExplanationService(
    () => this.current().model,
    async () => this.current().corpus ?? (await this.host.bundled()).corpus,
  );

  /** When long work last let waiting requests in (see letOthersIn). */
  private lastLetIn = 0;
  /** Settles when every request so far has been answered. */
  private everything: Promise<void> = Promise.resolve();
  /** Settles when the last request that changes the model has been answered. */
  private lastModelChange: Promise<void> = Promise.resolve();
  /** Settles when the last conversation request has been answered. */
  private lastConversation: Promise<void> = Promise.resolve();

  constructor(private readonly host: ServiceHost) {}

  /** Takes one arriving message and answers it in its turn (see `Lane`). Never throws. */
  handle(message: unknown): Promise<void> {
    // Explanation requests are noted on arrival, so that a newer one (or a cancel) stops older ones waiting.
    const early = this.explanations.arrive(message);
    if (early) {
      this.host.post(early);
      return Promise.resolve();
    }
    const lane = laneOf(message);
    const after =
      lane === 'model' ? this.everything : lane === 'conversation' ? Promise.all([this.lastModelChange, this.lastConversation]) : this.lastModelChange;
    const done = after.then(() => this.handleNow(message));
    this.everything = Promise.all([this.everything, done]).then(() => undefined);
    if (lane === 'model') this.lastModelChange = done;
    if (lane === 'conversation') this.lastConversation = done;
    return done;
  }

  private async handleNow(message: unknown): Promise<void> {
    const parsed = parseRequest(message);
    if (!parsed.ok) {
      this.host.post({ type: 'error', id: parsed.id, kind: 'protocol', message: parsed.message });
      return;
    }
    const request = parsed.request;
    try {
      this.explanations.begin(request);
      const result = await this.dispatch(request);
      this.host.post({ type: 'reply', id: request.id, result });
    } catch (error) {
      const kind = error instanceof SlmError ? error.kind : 'internal';
      // Messages quote inputs only in part; this cut is the last guard against echoing a huge one.
      const text = clip(error instanceof Error ? error.message : String(error));
      this.host.post({ type: 'error', id: request.id, kind, message: kind === 'internal' ? `something went wrong in the model service: ${text}` : text });
    }
  }

  private emit(event: ServiceEvent): void {
    this.host.post({ type: 'event', payload: event });
  }

  private dispatch(request: Request): Promise<unknown> | unknown {
    switch (request.type) {
      case 'open':
        return this.openSource(request.source);
      case 'listModels':
        return this.listModels();
      case 'saveModel':
        return this.save(request.name);
      case 'renameModel':
        return this.rename(request.modelId, request.name);
      case 'deleteModel':
        return this.remove(request.modelId);
      case 'generate':
        return this.generate(request);
      case 'resetConversation':
        this.current().conversation.reset();
        return null;
      case 'replay':
        return this.replay(request.turns);
      case 'trace':
        return this.trace(request.text);
      case 'neighbours': {
        const { model } = this.current();
        return nearestWords(model.weights, model.vocabulary, request.word, request.k, request.metric);
      }
      case 'compare':
        return this.compare(request);
      case 'project':
        return this.project(request.vectors);
      case 'train':
        return this.train(request);
      case 'trainControl':
        return this.control(request.action);
      case 'trainPace':
        this.pace = request.epochsPerSecond;
        if (this.session && !this.session.trainer.done) this.session.setPace(this.pace);
        return null;
      case 'exportOriginal':
        return exportOriginal(this.current().model);
      case 'exportModelFile': {
        const { model } = this.current();
        return { name: model.name, text: serializeModel(model) };
      }
      case 'setWeights':
        return this.setWeights(request.edits);
      case 'resetWeights': {
        const open = this.current();
        copyWeightsInto(open.model.weights, open.saved);
        open.edited = false;
        this.explanations.forget();
        return this.info(open);
      }
      case 'bundledCorpus':
        return this.host.bundled().then(({ corpus }) => ({ text: corpus }));
      case 'inspectCorpus':
        return inspectCorpus(request.corpus);
      case 'divergence':
        return this.divergence(request);
      case 'anatomy':
        return this.anatomy(request);
      case 'embeddingMap': {
        const { model } = this.current();
        return this.inSlices(embeddingMapSteps(model.weights, model.vocabulary, request.method, request.seed));
      }
      case 'explain':
      case 'replyTree':
      case 'unitProfile':
      case 'knockoutTable':
      case 'cancelExplanations':
        return this.explanations.answer(request);
    }
  }

  private current(): OpenModel {
    if (!this.open) throw inputError('no model is open yet: open Boris or another model first');
    return this.open;
  }

  private use(model: Model, storedId: string | null, corpus: string | null = null): ModelInfo {
    this.explanations.forget(true);
    this.open = {
      model,
      storedId,
      saved: cloneWeights(model.weights),
      edited: false,
      conversation: new Conversation(model.weights, model.vocabulary, model.name),
      corpus,
      projection: null,
    };
    return this.info(this.open);
  }

  private info(open: OpenModel): ModelInfo {
    const { model } = open;
    const t = model.training;
    return {
      name: model.name,
      storedId: open.storedId,
      embedding: model.weights.embedding,
      vocabulary: [...model.vocabulary.tokens],
      defaultTemperature: model.defaultTemperature,
      weights: { w0: Array.from(model.weights.w0), w1: Array.from(model.weights.w1), w2: Array.from(model.weights.w2) },
      edited: open.edited,
      training: t
        ? {
            corpus: t.corpus,
            epochs: t.epochs,
            bestEpoch: t.bestEpoch,
            bestAccuracy: t.history[t.bestEpoch]?.testAccuracy ?? null,
            seed: t.seed,
            learningRate: t.learningRate,
          }
        : null,
    };
  }

  private async openSource(source: ModelSource): Promise<ModelInfo> {
    switch (source.kind) {
      case 'bundled':
        return this.use(parseModel((await this.host.bundled()).model, 'the bundled Boris model'), null);
      case 'stored': {
        const text = await this.host.store.read(source.id);
        try {
          return this.use(parseModel(text, `the stored model ${quote(source.id)}`), source.id);
        } catch (error) {
          // A newer app's file is not damaged: it stays where it is.
          if (error instanceof NewerModelFileError) throw error;
          if (error instanceof SlmError && error.kind === 'format') {
            const aside = await this.host.store.setAside(source.id);
            throw new SlmError('format', `${error.message}. The file was set aside as ${aside}; nothing was overwritten`);
          }
          throw error;
        }
      }
      case 'modelFile':
        return this.use(parseModel(source.text, quote(source.name)), null);
      case 'original':
        return this.use(importOriginal({ weights: source.weights, wordmap: source.wordmap }, source.name), null);
    }
  }

  /**
   * Every stored model. One that cannot be read is listed with its problem, and never stops the others
   * being listed: a damaged file is set aside (renamed, kept), a newer app's file is left where it is.
   */
  private async listModels(): Promise<StoredModel[]> {
    const listed: StoredModel[] = [];
    for (const file of await this.host.store.list()) {
      if (file.text === null) {
        listed.push({ id: file.id, name: file.id, problem: file.problem ?? 'the file cannot be read' });
        continue;
      }
      try {
        listed.push({ id: file.id, name: parseModel(file.text, quote(file.id)).name });
      } catch (error) {
        const message = clip((error as Error).message);
        if (error instanceof NewerModelFileError) {
          listed.push({ id: file.id, name: file.id, problem: message, newer: true });
          continue;
        }
        let where: string;
        try {
          where = `set aside as ${await this.host.store.setAside(file.id)}`;
        } catch (failure) {
          where = `it could not be set aside (${clip((failure as Error).message)})`;
        }
        listed.push({ id: file.id, name: file.id, problem: `${message}; ${where}` });
      }
    }
    return listed;
  }

  private async save(name: string): Promise<StoredModel> {
    const open = this.current();
    const model: Model = { ...open.model, name, weights: cloneWeights(open.model.weights) };
    const id = await this.host.store.create(name, serializeModel(model));
    open.model.name = name;
    open.conversation.name = name;
    open.storedId = id;
    copyWeightsInto(open.saved, open.model.weights);
    open.edited = false;
    return { id, name };
  }

  private async rename(id: string, name: string): Promise<StoredModel> {
    const model = parseModel(await this.host.store.read(id), `the stored model ${quote(id)}`);
    model.name = name;
    await this.host.store.write(id, serializeModel(model));
    if (this.open?.storedId === id) {
      this.open.model.name = name;
      this.open.conversation.name = name;
    }
    return { id, name };
  }

  private async remove(id: string): Promise<null> {
    await this.host.store.remove(id);
    if (this.open?.storedId === id) this.open.storedId = null;
    return null;
  }

  private record(step: Step, text: string): StepRecord {
    return {
      token: text,
      row: step.token,
      h1: Array.from(step.tokenEmbedding),
      h2: Array.from(step.context),
      probs: Array.from(step.nextTokenProbs),
    };
  }

  private async replay(turns: TurnRequest[]): Promise<GeneratedTurn[]> {
    const { conversation } = this.current();
    // Every prompt is checked before the conversation is touched, so a bad one changes nothing.
    turns.forEach((turn, i) => tokenizeBounded(turn.prompt, `the message of turn ${i + 1}`));
    conversation.reset();
    const replies: GeneratedTurn[] = [];
    for (const turn of turns) replies.push(await this.say(turn, null));
    return replies;
  }

  private generate(request: RequestOf<'generate'>): Promise<GeneratedTurn> {
    return this.say(request, request.id);
  }

  /**
   * One turn of the open conversation, run in slices so that other requests are answered meanwhile;
   * with a request id, each step is also sent as an event as it is run.
   */
  private async say(request: TurnRequest, requestId: number | null): Promise<GeneratedTurn> {
    const { model, conversation } = this.current();
    const fedText = ['', ...tokenizeBounded(request.prompt, 'the message')];
    const turn = conversation.turn(request.prompt, {
      temperature: request.temperature,
      topK: request.topK,
      rng: createRng(request.seed),
      maxTokens: request.maxTokens,
    });
    const steps: StepRecord[] = [];
    for (;;) {
      const next = turn.next();
      if (next.done) {
        const line = next.value;
        return {
          reply: line.text,
          tokens: line.tokens.map((row) => model.vocabulary.tokens[row]),
          ended: line.ended,
          dropped: droppedCharacters(request.prompt),
          steps,
        };
      }
      const { phase, step } = next.value;
      const record = this.record(step, phase === 'prompt' ? fedText[steps.length] : model.vocabulary.tokens[step.token]);
      steps.push(record);
      if (requestId !== null) this.emit({ event: 'token', requestId, phase, step: record });
      await this.letOthersIn();
    }
  }

  /** Runs stepwise work to its end, letting waiting requests in every SLICE_MS or so. */
  private async inSlices<T>(steps: Generator<void, T>): Promise<T> {
    for (;;) {
      const next = steps.next();
      if (next.done) return next.value;
      await this.letOthersIn();
    }
  }

  /**
   * Lets waiting requests in once SLICE_MS has passed since the service last did. The clock runs
   * across requests and turns: a replay of many short turns yields as often as one long turn.
   */
  private async letOthersIn(): Promise<void> {
    if (this.host.now() - this.lastLetIn <= SLICE_MS) return;
    await this.host.yieldToMessages();
    this.lastLetIn = this.host.now();
  }

  private trace(text: string): StepRecord[] {
    const { model } = this.current();
    const words = tokenizeBounded(text, 'the text');
    if (words.length === 0) throw inputError('the text has no words to trace');
    const steps = run(model.weights, [BOUNDARY, ...encode(model.vocabulary, words)], undefined, model.defaultTemperature);
    return steps.map((step, i) => this.record(step, i === 0 ? '' : words[i - 1]));
  }

  private anatomy(request: RequestOf<'anatomy'>): ResultOf<'anatomy'> {
    const { model } = this.current();
    const { embedding, vocabulary } = model.weights;
    if (request.row >= vocabulary) throw inputError(`the model has ${vocabulary} tokens; there is no row ${request.row}`);
    if (request.context.length !== embedding) throw inputError(`a context must have ${embedding} numbers (the model's E), not ${request.context.length}`);
    const a = stepAnatomy(model.weights, request.row, Float64Array.from(request.context), request.temperature);
    return {
      column: Array.from(a.column),
      h1: Array.from(a.h1),
      input: Array.from(a.input),
      preActivation: Array.from(a.preActivation),
      h2: Array.from(a.h2),
      logits: Array.from(a.logits),
      temperature: a.temperature,
      probs: Array.from(a.probs),
    };
  }

  private compare(request: RequestOf<'compare'>): ResultOf<'compare'> {
    const paths = this.contextPaths(request.sentences).map((path, i) => ({
      sentence: request.sentences[i],
      tokens: path.tokens,
      contexts: path.contexts.map((c) => Array.from(c)),
    }));
    const finals = paths.map((p) => p.contexts[p.contexts.length - 1]);
    const distances = finals.map((a) => finals.map((b) => distance(a, b, request.metric)));
    return { distances, paths };
  }

  private divergence(request: RequestOf<'divergence'>): ResultOf<'divergence'> {
    const [a, b] = this.contextPaths(request.sentences);
    return pathDivergence(a.contexts, b.contexts, request.metric);
  }

  /** Each sentence's context path through the open model; a sentence without words is refused. */
  private contextPaths(sentences: readonly string[]) {
    const { model } = this.current();
    return sentences.map((sentence, i) => {
      if (tokenizeBounded(sentence, `sentence ${i + 1}`).length === 0) throw inputError(`sentence ${i + 1} has no words to compare`);
      return contextPath(model.weights, model.vocabulary, sentence);
    });
  }

  private async project(vectors: number[][]): Promise<ResultOf<'project'>> {
    const open = this.current();
    if (!open.projection) open.projection = fitPca(await this.corpusContexts(open), 2);
    const E = open.model.weights.embedding;
    for (const vector of vectors) {
      if (vector.length !== E) throw inputError(`a vector to project must have ${E} numbers (the model's E), not ${vector.length}`);
    }
    return {
      points: vectors.map((vector) => project(open.projection!, vector) as [number, number]),
      explainedVariance: open.projection.explainedVariance,
    };
  }

  /** Every context (h2) the model passes through on its corpus's lines (Boris's, when unknown). */
  private async corpusContexts(open: OpenModel): Promise<Float64Array[]> {
    const { model } = open;
    const corpus = open.corpus ?? (await this.host.bundled()).corpus;
    const contexts: Float64Array[] = [];
    for (const line of tokenizeCorpus(corpus)) {
      for (const step of run(model.weights, [BOUNDARY, ...encode(model.vocabulary, line)])) contexts.push(step.context);
      if (contexts.length >= PROJECTION_SAMPLE) break;
    }
    return contexts;
  }

  private train(request: RequestOf<'train'>): null {
    if (this.session && !this.session.trainer.done) throw inputError('a training run is already going; stop it before starting another');
    const { settings } = request;
    const lines = tokenizeCorpus(settings.corpus);
    if (lines.length < 2) throw inputError('the corpus needs at least 2 lines with words in them');
    const vocabulary = buildVocabulary(lines);
    const options = {
      embedding: settings.embedding,
      epochs: settings.epochs,
      learningRate: settings.learningRate,
      seed: settings.seed,
      carryContext: settings.carryContext,
    };
    // Epoch 0 is measured in the session's slices too, so a large corpus never holds up other requests.
    const trainer = new Trainer(
      lines.map((line) => encode(vocabulary, line)),
      vocabulary,
      { ...options, deferStart: true },
    );
    const session = new TrainingSession(
      trainer,
      {
        emit: (event) => this.emit(event),
        yieldToMessages: () => this.host.yieldToMessages(),
        now: () => this.host.now(),
      },
      this.pace,
    );
    this.session = session;
    void session.finished.then(() => {
      const best = trainer.history[trainer.bestEpoch];
      let info: ModelInfo | null = null;
      // A diverged run leaves the open model and its conversation alone: the person's model is not
      // swapped for weights that blew up. Its last good weights reach the app in the final progress event.
      if (trainer.history.length > 1 && trainer.status !== 'diverged') {
        info = this.use(
          {
            name: 'Trained model',
            vocabulary,
            weights: cloneWeights(settings.keep === 'final' ? trainer.weights : trainer.best),
            defaultTemperature: ORIGINAL_TEMPERATURE,
            training: trainingRecord(trainer, options, 'corpus from the training studio'),
          },
          null,
          settings.corpus,
        );
      }
      this.emit({
        event: 'trainDone',
        status: trainer.status === 'running' ? 'stopped' : trainer.status,
        message: trainer.error?.message ?? null,
        bestEpoch: trainer.bestEpoch,
        bestAccuracy: best?.testAccuracy ?? null,
        history: trainer.history.map(toMetrics),
        model: info,
      });
    });
    return null;
  }

  private control(action: 'pause' | 'resume' | 'stop'): null {
    const session = this.session;
    if (!session || session.trainer.done) throw inputError('no training run is going');
    if (action === 'pause') session.pause();
    else if (action === 'resume') session.resume();
    else session.stop();
    return null;
  }

  private setWeights(edits: WeightEdit[]): ModelInfo {
    const open = this.current();
    const weights = open.model.weights;
    // Every edit is checked before any is made, so a bad one changes nothing.
    for (const edit of edits) {
      const [rows, columns] = weightShape(weights, edit.matrix);
      if (edit.row >= rows || edit.column >= columns) {
        throw inputError(`${edit.matrix} has ${rows} rows and ${columns} columns; there is no cell (${edit.row}, ${edit.column})`);
      }
    }
    for (const edit of edits) {
      const columns = weightShape(weights, edit.matrix)[1];
      weights[edit.matrix][edit.row * columns + edit.column] = edit.value;
    }
    open.edited = true;
    this.explanations.forget();
    return this.info(open);
  }
}
