import { inspectCorpus } from '../model/corpusReport.ts';
import { SlmError, inputError } from '../model/errors.ts';
import { Conversation } from '../model/generation.ts';
import { pathDivergence } from '../model/divergence.ts';
import { embeddingMap } from '../model/embeddingMap.ts';
import { contextPath, distance, nearestWords } from '../model/geometry.ts';
import { type Model, ORIGINAL_TEMPERATURE } from '../model/model.ts';
import { parseModel, serializeModel } from '../model/modelFile.ts';
import { type Step, type Weights, cloneWeights, copyWeightsInto, run, weightShape } from '../model/network.ts';
import { exportOriginal, importOriginal } from '../model/original.ts';
import { type Projection as Pca, fitPca, project } from '../model/pca.ts';
import { createRng } from '../model/rng.ts';
import { tokenize, tokenizeCorpus } from '../model/tokenizer.ts';
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
import { DEFERRED, ExplanationService } from './explanations.ts';

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
  /** Saliency, reply trees, unit profiles and knock-outs; cancellable. */
  private readonly explanations: ExplanationService;

  /** Requests are answered one at a time, in the order they arrived. */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly host: ServiceHost) {
    this.explanations = new ExplanationService(
      () => this.current().model,
      async () => this.current().corpus ?? (await this.host.bundled()).corpus,
      (message) => this.host.post(message),
      () => this.host.yieldToMessages(),
    );
  }

  /** Takes one arriving message; it is handled after those before it. Never throws. */
  handle(message: unknown): Promise<void> {
    // Explanation requests are noted on arrival, so that a newer one (or a cancel) stops older ones waiting.
    const early = this.explanations.arrive(message);
    if (early) {
      this.host.post(early);
      return this.queue;
    }
    this.queue = this.queue.then(() => this.handleNow(message));
    return this.queue;
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
      // The knock-out table is answered when measured, beside the queue (see explanations.ts).
      if (result === DEFERRED) return;
      this.host.post({ type: 'reply', id: request.id, result });
    } catch (error) {
      const kind = error instanceof SlmError ? error.kind : 'internal';
      const text = error instanceof Error ? error.message : String(error);
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
      case 'embeddingMap': {
        const { model } = this.current();
        return embeddingMap(model.weights, model.vocabulary, request.method, request.seed);
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
      conversation: new Conversation(model.weights, model.vocabulary),
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
          return this.use(parseModel(text, `the stored model "${source.id}"`), source.id);
        } catch (error) {
          if (error instanceof SlmError && error.kind === 'format') {
            const aside = await this.host.store.setAside(source.id);
            throw new SlmError('format', `${error.message}. The file was set aside as ${aside}; nothing was overwritten`);
          }
          throw error;
        }
      }
      case 'modelFile':
        return this.use(parseModel(source.text, source.name), null);
      case 'original':
        return this.use(importOriginal({ weights: source.weights, wordmap: source.wordmap }, source.name), null);
    }
  }

  private async listModels(): Promise<StoredModel[]> {
    const listed: StoredModel[] = [];
    for (const file of await this.host.store.list()) {
      try {
        listed.push({ id: file.id, name: parseModel(file.text, file.id).name });
      } catch (error) {
        const aside = await this.host.store.setAside(file.id);
        listed.push({ id: file.id, name: file.id, problem: `${(error as Error).message}; set aside as ${aside}` });
      }
    }
    return listed;
  }

  private async save(name: string): Promise<StoredModel> {
    const open = this.current();
    const model: Model = { ...open.model, name, weights: cloneWeights(open.model.weights) };
    const id = await this.host.store.create(name, serializeModel(model));
    open.model.name = name;
    open.storedId = id;
    copyWeightsInto(open.saved, open.model.weights);
    open.edited = false;
    return { id, name };
  }

  private async rename(id: string, name: string): Promise<StoredModel> {
    const model = parseModel(await this.host.store.read(id), `the stored model "${id}"`);
    model.name = name;
    await this.host.store.write(id, serializeModel(model));
    if (this.open?.storedId === id) this.open.model.name = name;
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

  private replay(turns: TurnRequest[]): GeneratedTurn[] {
    const { conversation } = this.current();
    conversation.reset();
    return turns.map((turn) => this.say(turn, null));
  }

  private generate(request: RequestOf<'generate'>): GeneratedTurn {
    return this.say(request, request.id);
  }

  /** One turn of the open conversation; with a request id, each step is also sent as an event. */
  private say(request: TurnRequest, requestId: number | null): GeneratedTurn {
    const { model, conversation } = this.current();
    const words = tokenize(request.prompt);
    const line = conversation.say(request.prompt, {
      temperature: request.temperature,
      topK: request.topK,
      rng: createRng(request.seed),
      maxTokens: request.maxTokens,
    });
    const fedText = ['', ...words];
    const steps: StepRecord[] = [];
    line.fed.forEach((step, i) => {
      const record = this.record(step, fedText[i]);
      steps.push(record);
      if (requestId !== null) this.emit({ event: 'token', requestId, phase: 'prompt', step: record });
    });
    line.written.forEach((step) => {
      const record = this.record(step, model.vocabulary.tokens[step.token]);
      steps.push(record);
      if (requestId !== null) this.emit({ event: 'token', requestId, phase: 'reply', step: record });
    });
    return { reply: line.text, tokens: line.tokens.map((row) => model.vocabulary.tokens[row]), ended: line.ended, steps };
  }

  private trace(text: string): StepRecord[] {
    const { model } = this.current();
    const words = tokenize(text);
    if (words.length === 0) throw inputError('the text has no words to trace');
    const steps = run(model.weights, [BOUNDARY, ...encode(model.vocabulary, words)], undefined, model.defaultTemperature);
    return steps.map((step, i) => this.record(step, i === 0 ? '' : words[i - 1]));
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
      if (tokenize(sentence).length === 0) throw inputError(`sentence ${i + 1} has no words to compare`);
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
    const trainer = new Trainer(
      lines.map((line) => encode(vocabulary, line)),
      vocabulary,
      options,
    );
    const session = new TrainingSession(trainer, {
      emit: (event) => this.emit(event),
      yieldToMessages: () => this.host.yieldToMessages(),
      now: () => this.host.now(),
    });
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
            weights: cloneWeights(trainer.best),
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
