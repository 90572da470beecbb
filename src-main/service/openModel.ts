/**
 * The model the service has open: its weights (with the saved ones kept for "reset"), its
 * conversation, where it came from, and what is fitted on it (the PCA projection). One owner for all
 * of it; the other parts of the service read it through `current()` and change it through the methods
 * here, which tell the listeners (the explanations' caches) when the model or its weights change.
 */
import { SlmError, inputError, quote } from '../model/network/errors.ts';
import { Conversation } from '../model/network/generation.ts';
import type { Model } from '../model/network/model.ts';
import { NewerModelFileError, parseModel } from '../model/formats/slmJson.ts';
import { type Weights, cloneWeights, copyWeightsInto, weightShape } from '../model/network/network.ts';
import { importOriginal } from '../model/formats/original.ts';
import type { PrincipalAxes } from '../model/geometry/pca.ts';
import type { ServiceHost } from './host.ts';
import type { HistoryInfo, ModelInfo, ModelSource, WeightEdit } from './protocol.ts';
import { epochOfWeights, modelAtEpoch } from '../model/training/checkpoints.ts';
import { weightsOnWire } from './wire.ts';
import { examplePrompts } from '../model/training/examplePrompts.ts';

export interface OpenModelState {
  model: Model;
  storedId: string | null;
  saved: Weights;
  edited: boolean;
  conversation: Conversation;
  /** The corpus the model was trained on here, when known; the projection is fitted on it. */
  corpus: string | null;
  /** The fit of the projection, kept from its start: requests that arrive while it runs share it. */
  projection: Promise<PrincipalAxes> | null;
  /** The epoch of the history shown now (its weights are in `model.weights`), or null. */
  shownEpoch: number | null;
  /** The model's own weights (with any edits) while an epoch is shown; null otherwise. */
  ownWeights: Weights | null;
  /** The epoch whose checkpoint the model's own weights are, worked out once (undefined until then). */
  modelEpoch?: number | null;
}

/** What changed: the weights of the open model, or which model is open. */
export type ModelChange = 'weights' | 'model';

export class OpenModel {
  private open: OpenModelState | null = null;
  private readonly listeners = new Set<(change: ModelChange) => void>();

  constructor(private readonly host: ServiceHost) {}

  onChange(listener: (change: ModelChange) => void): void {
    this.listeners.add(listener);
  }

  current(): OpenModelState {
    if (!this.open) throw inputError('no model is open yet: open Boris or another model first');
    return this.open;
  }

  /** The stored model's id, when the open model is one. */
  get storedId(): string | null {
    return this.open?.storedId ?? null;
  }

  /** Opens a model: the conversation starts afresh with it. */
  use(model: Model, storedId: string | null, corpus: string | null = null): ModelInfo {
    this.open = {
      model,
      storedId,
      saved: cloneWeights(model.weights),
      edited: false,
      conversation: new Conversation(model.weights, model.vocabulary, model.name),
      // A model trained in the app keeps its corpus in its file.
      corpus: corpus ?? model.training?.corpusText ?? null,
      projection: null,
      shownEpoch: null,
      ownWeights: null,
    };
    this.changed('model');
    return this.info();
  }

  async openSource(source: ModelSource): Promise<ModelInfo> {
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

  info(): ModelInfo {
    const { model, storedId, edited, corpus } = this.current();
    const t = model.training;
    return {
      name: model.name,
      storedId,
      embeddingSize: model.weights.embeddingSize,
      tokens: [...model.vocabulary.tokens],
      defaultTemperature: model.defaultTemperature,
      weights: weightsOnWire(model.weights),
      edited,
      history: this.history(),
      ...(corpus ? { examplePrompts: examplePrompts(corpus) } : {}),
      training: t
        ? {
            // The record's corpus is not sent with every answer (it may be megabytes): `trainingCorpus` asks for it.
            epochs: t.epochs,
            bestEpoch: t.bestEpoch,
            bestAccuracy: t.history[t.bestEpoch]?.testAccuracy ?? null,
            seed: t.seed,
            learningRate: t.learningRate,
            maxVocabulary: t.maxVocabulary,
            ...(t.droppedWords !== undefined && t.droppedShare !== undefined ? { droppedWords: t.droppedWords, droppedShare: t.droppedShare } : {}),
          }
        : null,
    };
  }

  /** The PCA plane fitted on the open model's corpus contexts: fitted once per model, by `fit`. */
  projection(fit: (open: OpenModelState) => Promise<PrincipalAxes>): Promise<PrincipalAxes> {
    const open = this.current();
    if (!open.projection) {
      const fitting = fit(open);
      open.projection = fitting;
      // A fit that failed (or was stopped) is not kept: the next request fits again.
      fitting.catch(() => {
        if (open.projection === fitting) open.projection = null;
      });
    }
    return open.projection;
  }

  /**
   * Shows the weights of the history's checkpoint at `epoch` in place of the model's own (null brings
   * those back). The conversation and every request after it compute with them; saving, exporting
   * and "reset" still mean the model's own weights.
   */
  showEpoch(epoch: number | null): ModelInfo {
    const open = this.current();
    const weights = open.model.weights;
    if (epoch === null) {
      if (open.ownWeights) copyWeightsInto(weights, open.ownWeights);
      open.ownWeights = null;
      open.shownEpoch = null;
    } else {
      const checkpoint = open.model.training?.checkpoints.find((c) => c.epoch === epoch);
      if (!checkpoint) throw inputError(this.noCheckpoint(epoch));
      open.ownWeights ??= cloneWeights(weights);
      copyWeightsInto(weights, checkpoint.weights);
      open.shownEpoch = epoch;
    }
    this.changed('weights');
    return this.info();
  }

  /** Opens the checkpoint of `epoch` as a model of its own, not saved, with the same history. */
  useEpoch(epoch: number): ModelInfo {
    const open = this.current();
    if (!open.model.training?.checkpoints.some((c) => c.epoch === epoch)) throw inputError(this.noCheckpoint(epoch));
    return this.use(modelAtEpoch(this.asOpened(), epoch), null, open.corpus);
  }

  /** The open model with its own weights (not a shown epoch's): what saving and exporting write. */
  asOpened(): Model {
    const { model, ownWeights } = this.current();
    return ownWeights ? { ...model, weights: ownWeights } : model;
  }

  private noCheckpoint(epoch: number): string {
    const kept = this.current().model.training?.checkpoints ?? [];
    if (kept.length === 0) return `${quote(this.current().model.name)} has no training history to show`;
    return `${quote(this.current().model.name)} has no checkpoint for epoch ${epoch}; its history runs from epoch 0 to ${kept[kept.length - 1].epoch}`;
  }

  private history(): HistoryInfo | null {
    const open = this.current();
    const t = open.model.training;
    if (!t || t.checkpoints.length === 0) return null;
    // Worked out only for weights as saved (edited ones are no checkpoint's), once for each change.
    if (!open.edited && open.modelEpoch === undefined) open.modelEpoch = epochOfWeights(t.checkpoints, open.ownWeights ?? open.model.weights);
    const metric = (x: number) => (Number.isFinite(x) ? x : null);
    return {
      metrics: t.history.map((h) => ({ epoch: h.epoch, trainLoss: metric(h.trainLoss), testLoss: metric(h.testLoss), testAccuracy: metric(h.testAccuracy) })),
      checkpoints: t.checkpoints.map((c) => c.epoch),
      shown: open.shownEpoch,
      modelEpoch: open.edited ? null : (open.modelEpoch ?? null),
    };
  }

  /** Changes weights in place, all or none: every edit is checked before any is made. */
  setWeights(edits: WeightEdit[]): ModelInfo {
    const open = this.current();
    if (open.shownEpoch !== null) {
      throw inputError(`the weights shown are epoch ${open.shownEpoch}'s, from the training history: choose "Use this epoch" to edit them, or move the Epoch slider back to the model's own`);
    }
    const weights = open.model.weights;
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
    // The weights are no longer the ones whose epoch was worked out.
    open.modelEpoch = undefined;
    this.changed('weights');
    return this.info();
  }

  /** Brings back the weights as they were opened or last saved. */
  resetWeights(): ModelInfo {
    const open = this.current();
    open.shownEpoch = null;
    open.ownWeights = null;
    copyWeightsInto(open.model.weights, open.saved);
    open.edited = false;
    open.modelEpoch = undefined;
    this.changed('weights');
    return this.info();
  }

  /** The open model was saved in the store under `id` as `name`: its weights are now the saved ones. */
  saved(id: string, name: string): void {
    const open = this.current();
    this.named(name);
    open.storedId = id;
    copyWeightsInto(open.saved, open.ownWeights ?? open.model.weights);
    open.edited = false;
    // Saved weights that were edited are no checkpoint's: worked out again for what was saved.
    open.modelEpoch = undefined;
  }

  /** A stored model was renamed; the open one too, if it is that one. */
  renamed(id: string, name: string): void {
    if (this.open?.storedId === id) this.named(name);
  }

  /** A stored model was deleted; the open one, if it was that one, is now unsaved. */
  removed(id: string): void {
    if (this.open?.storedId === id) this.open.storedId = null;
  }

  private named(name: string): void {
    const open = this.current();
    open.model.name = name;
    open.conversation.name = name;
  }

  private changed(change: ModelChange): void {
    for (const listener of this.listeners) listener(change);
  }
}
