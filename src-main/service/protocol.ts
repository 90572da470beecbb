/**
 * The model service's protocol: every request the app sends, every reply and event it gets back,
 * defined once as valibot schemas and checked at run time on arrival, on both sides. Vectors travel
 * as plain number arrays so that the same messages pass through Electron IPC, a utility process's
 * port, a Web Worker and a Node child process unchanged.
 */
import * as v from 'valibot';
import { clip } from '../model/network/errors.ts';
import { MAP_METHODS, METRICS, type MapMethod, type Metric } from '../model/geometry/geometry.ts';
import { WEIGHT_NAMES, type WeightName, matrixShape } from '../model/network/network.ts';
import { isGreedy, shownTemperature, topRows } from '../model/network/sampling.ts';
import { describeHeldOut, heldOutWords } from '../model/training/heldOut.ts';
import type { EpochReport } from '../model/training/training.ts';
import {
  MEASURES,
  MEASURE_NAMES,
  type ExplainedPrediction,
  type Measure,
  type WordThatMattered,
  answerSentence,
  formatNumber,
  measureNotes,
  measureValue,
  percentText,
  quotedTarget,
  quotedWord,
  rankedWords,
  signedNumber,
  topWord,
  wordsThatMattered,
} from '../model/explanations/whichWords.ts';
import * as limits from '../model/network/limits.ts';
import { TRAINING_NUMBERS } from '../model/formats/modelSchema.ts';
import { EXPLANATION_REQUESTS } from './explanationProtocol.ts';
import { DYNAMICS_REQUESTS } from './dynamicsProtocol.ts';
import { finite, joinParts, requestEntries, requestSchemas, vector, whole, within } from './schemaParts.ts';
import { LESSON_REQUESTS } from './lessonProtocol.ts';

/** The limits the renderer checks typed values against too (it may import only this module from src-main). */
export { limits };
export * from './explanationProtocol.ts';
export * from './dynamicsProtocol.ts';
export type { Lane, RequestEntry } from './schemaParts.ts';
export * from './lessonProtocol.ts';

/** The ranges a training run's whole-number settings must lie in (the app checks typed values against them too). */
export const TRAINING_LIMITS = {
  embedding: limits.EMBEDDING,
  epochs: limits.EPOCHS,
  seed: limits.SEED,
} as const;
const seedNumber = within(limits.SEED);
const text = (max: number) => v.pipe(v.string(), v.maxLength(max, `the text is longer than ${max.toLocaleString('en')} characters`));
const name = v.pipe(v.string(), v.trim(), v.minLength(1, 'a model needs a name'), v.maxLength(limits.MAX_NAME_CHARACTERS, `a model's name has at most ${limits.MAX_NAME_CHARACTERS} characters`));
const modelId = v.pipe(v.string(), v.maxLength(limits.MAX_MODEL_ID_CHARACTERS, `a stored model's id has at most ${limits.MAX_MODEL_ID_CHARACTERS} characters`));

/** A message, sentence or text to trace (its tokens are bounded too), and a corpus. */
const message = text(limits.MAX_PROMPT_CHARACTERS);
const corpus = text(limits.MAX_CORPUS_CHARACTERS);

export const MetricSchema = v.picklist(METRICS);
export type { MapMethod, Metric, WeightName };
/** Pure helpers the app shares with the engine, so that each is defined once: a matrix's shape, the rows of the largest values, a held-out set in words, and the temperature probabilities are shown at. */
export { describeHeldOut, heldOutWords, isGreedy, matrixShape, shownTemperature, topRows };
/** What a vocabulary cap kept and left out, in words, the same in the app as in `slm train`. */
export { describeCap } from '../model/network/vocabulary.ts';
/** "Which words mattered" in words, the same in the app as in `slm explain`, and numbers to four significant figures. */
export { MEASURES, MEASURE_NAMES, answerSentence, formatNumber, measureNotes, measureValue, percentText, quotedTarget, quotedWord, rankedWords, signedNumber, topWord, wordsThatMattered };
export type { ExplainedPrediction, Measure, WordThatMattered };
export const WeightNameSchema = v.picklist(WEIGHT_NAMES);

export const ModelSourceSchema = v.variant('kind', [
  v.object({ kind: v.literal('bundled') }),
  v.object({ kind: v.literal('stored'), id: modelId }),
  /** The text of an `*.slm.json` file the person picked. */
  v.object({ kind: v.literal('modelFile'), name: text(limits.MAX_WORD_CHARACTERS), text: text(limits.MAX_MODEL_FILE_CHARACTERS) }),
  /** The original project's two files. */
  v.object({
    kind: v.literal('original'),
    name: text(limits.MAX_WORD_CHARACTERS),
    weights: v.pipe(v.instance(Uint8Array), v.maxLength(limits.MAX_WEIGHTS_FILE_BYTES, `a weights file has at most ${limits.MAX_WEIGHTS_FILE_BYTES.toLocaleString('en')} bytes`)),
    wordmap: text(limits.MAX_WORDMAP_CHARACTERS),
  }),
]);

export const TrainingSettingsSchema = v.object({
  corpus: corpus,
  embedding: within(TRAINING_LIMITS.embedding),
  epochs: within(TRAINING_LIMITS.epochs),
  learningRate: v.pipe(finite, v.gtValue(limits.LEARNING_RATE.above), v.maxValue(limits.LEARNING_RATE.max)),
  seed: seedNumber,
  carryContext: v.optional(v.pipe(finite, v.minValue(limits.CARRY_CONTEXT.min), v.maxValue(limits.CARRY_CONTEXT.max))),
  /** The vocabulary cap: the most frequent words kept (the largest allowed when absent); the others are read as the unknown word. */
  maxVocabulary: v.optional(within(limits.VOCABULARY_CAP)),
  /** Which weights the trained model keeps: the best held-out epoch's (the default) or the final epoch's. */
  keep: v.optional(v.picklist(['best', 'final'])),
});

/** A pace for watching a run learn: at most this many epochs a second, or null for as fast as it can. */
export const TrainingPaceSchema = v.nullable(
  v.pipe(
    finite,
    v.minValue(limits.TRAINING_PACE.min, `a pace is from ${limits.TRAINING_PACE.min} to ${limits.TRAINING_PACE.max} epochs a second`),
    v.maxValue(limits.TRAINING_PACE.max, `a pace is from ${limits.TRAINING_PACE.min} to ${limits.TRAINING_PACE.max} epochs a second`),
  ),
);

/** One turn of a conversation: what the person said and how the reply is sampled. */
const TurnEntries = {
  prompt: message,
  temperature: v.pipe(finite, v.minValue(limits.TEMPERATURE.min), v.maxValue(limits.TEMPERATURE.max)),
  topK: within(limits.TOP_K),
  seed: seedNumber,
  maxTokens: v.optional(v.pipe(whole, v.minValue(1), v.maxValue(limits.MAX_REPLY_TOKENS))),
};

/** A turn's fields, checked by the app as they are typed (lib/samplingCheck.ts) as by the service. */
export const TurnSchema = v.object(TurnEntries);

const WeightEditSchema = v.object({ matrix: WeightNameSchema, row: v.pipe(whole, v.minValue(0)), column: v.pipe(whole, v.minValue(0)), value: finite });

// ---------------------------------------------------------------------------------------------
// What comes back

export const StepRecordSchema = v.object({
  /** The input token's text ("" for the line boundary). */
  token: v.string(),
  row: whole,
  h1: vector,
  h2: vector,
  /** The next-token distribution, in vocabulary order. */
  probs: vector,
});
export type StepRecord = v.InferOutput<typeof StepRecordSchema>;

/** One epoch's metrics as the app sees them: null for a metric that was not a finite number. */
export const HistoryEpochSchema = v.object({
  epoch: whole,
  trainLoss: v.nullable(v.number()),
  testLoss: v.nullable(v.number()),
  testAccuracy: v.nullable(v.number()),
});
export type HistoryEpochInfo = v.InferOutput<typeof HistoryEpochSchema>;

/** A model's training history: every epoch's metrics, the epochs with a checkpoint, and the one shown. */
export const HistoryInfoSchema = v.object({
  metrics: v.array(HistoryEpochSchema),
  /** The epochs whose weights were kept, rising (every epoch unless a long run was thinned). */
  checkpoints: v.array(whole),
  /** The epoch whose weights the open model shows now (showEpoch), or null for its own weights. */
  shown: v.nullable(whole),
  /** The epoch whose checkpoint the model's own weights are (as float32), or null when none is. */
  modelEpoch: v.nullable(whole),
});
export type HistoryInfo = v.InferOutput<typeof HistoryInfoSchema>;

export const ModelInfoSchema = v.object({
  name: v.string(),
  /** Where the open model came from: a stored model's id, or null for the bundled or an unsaved one. */
  storedId: v.nullable(v.string()),
  embeddingSize: whole,
  tokens: v.array(v.string()),
  defaultTemperature: finite,
  weights: v.object({ w0: vector, w1: vector, w2: vector }),
  /** True when weights were edited since it was opened. */
  edited: v.boolean(),
  /** The training record's numbers, checked against the schema model files are read with (model/formats/modelSchema.ts). */
  training: v.nullable(
    v.object({
      epochs: TRAINING_NUMBERS.epochs.schema,
      bestEpoch: TRAINING_NUMBERS.bestEpoch.schema,
      bestAccuracy: v.nullable(v.number()),
      seed: TRAINING_NUMBERS.seed.schema,
      learningRate: TRAINING_NUMBERS.learningRate.schema,
      /** The vocabulary cap, and what it left out when it left words out. */
      maxVocabulary: v.optional(TRAINING_NUMBERS.maxVocabulary.schema),
      droppedWords: v.optional(TRAINING_NUMBERS.droppedWords.schema),
      droppedShare: v.optional(TRAINING_NUMBERS.droppedShare.schema),
    }),
  ),
  /** The training history, when the model kept one (absent or null otherwise). */
  history: v.optional(v.nullable(HistoryInfoSchema)),
  /** Questions or openings taken from the corpus it was trained on, when the service knows that corpus. */
  examplePrompts: v.optional(v.array(v.string())),
});
export type ModelInfo = v.InferOutput<typeof ModelInfoSchema>;

export const StoredModelSchema = v.object({
  id: v.string(),
  name: v.string(),
  /** Set when the file could not be read; a damaged file is set aside (renamed and kept), never replaced. */
  problem: v.optional(v.string()),
  /** True when the file was made by a newer slm studio: it is left where it is, for that app to open. */
  newer: v.optional(v.boolean()),
});
export type StoredModel = v.InferOutput<typeof StoredModelSchema>;

const CorpusLineNoteSchema = v.object({ line: whole, text: v.string(), reason: v.string() });
export const CorpusReportSchema = v.object({
  lines: whole,
  blankLines: whole,
  usableLines: whole,
  dialogues: whole,
  trainLines: whole,
  heldOutLines: whole,
  heldOutDialogues: whole,
  tokens: whole,
  vocabulary: v.array(v.object({ token: v.string(), count: whole })),
  maxVocabulary: whole,
  words: whole,
  droppedWords: whole,
  droppedTokens: whole,
  droppedShare: finite,
  dropped: v.array(v.object({ token: v.string(), count: whole })),
  unusable: v.array(CorpusLineNoteSchema),
  partlyRead: v.array(CorpusLineNoteSchema),
  unusableTotal: whole,
  partlyReadTotal: whole,
});
export type CorpusReport = v.InferOutput<typeof CorpusReportSchema>;

export const EpochReportSchema = v.object({
  epoch: whole,
  trainLoss: v.number(),
  testLoss: v.number(),
  testAccuracy: v.number(),
  seconds: v.number(),
  samples: v.array(v.string()),
}) satisfies v.GenericSchema<EpochReport, EpochReport>;
export type { EpochReport };

export const ProjectedPointsSchema = v.object({
  points: v.array(v.tuple([v.number(), v.number()])),
  explainedVariance: v.array(v.number()),
});
export type ProjectedPoints = v.InferOutput<typeof ProjectedPointsSchema>;

export const ContextPathSchema = v.object({ sentence: v.string(), tokens: v.array(v.string()), contexts: v.array(vector) });

export const GeneratedTurnSchema = v.object({
  reply: v.string(),
  tokens: v.array(v.string()),
  ended: v.boolean(),
  /** Characters of the prompt the tokenizer dropped (emoji, symbols, letters outside a-z), in order. */
  dropped: v.optional(v.array(v.string())),
  /** Every step of the turn: the prompt's tokens as read (from the line boundary on), then the reply's. */
  steps: v.array(StepRecordSchema),
});
export type GeneratedTurn = v.InferOutput<typeof GeneratedTurnSchema>;

const DistanceScaleSchema = v.object({
  metric: MetricSchema,
  /** Per distance asked: the percentage of the corpus's distances that are smaller (0 to 100). */
  percentBelow: v.array(v.number()),
  /** The corpus's lines, and the pairs of them measured (every pair, or a fixed-seed sample of them). */
  lines: whole,
  linesMeasured: whole,
  pairs: whole,
  allPairs: v.boolean(),
  /** The median of the measured distances. */
  median: v.number(),
});

const AnatomySchema = v.object({
  column: vector,
  h1: vector,
  input: vector,
  preActivation: vector,
  h2: vector,
  logits: vector,
  temperature: finite,
  probs: vector,
});

const EmbeddingMapSchema = v.object({
  words: v.array(v.string()),
  points: v.array(v.tuple([v.number(), v.number()])),
  /** For PCA, the share of variance along each axis; null for UMAP. */
  explainedVariance: v.nullable(v.array(v.number())),
});

/**
 * Every request, declared once: its fields, its result, its lane (when it runs, scheduler.ts) and
 * whether a newer one of its type supersedes it. The service's handlers are typed against this table
 * (service/requestTable.ts), one per request; docs/ARCHITECTURE.md shows where a new request goes.
 */
const CORE_REQUESTS = requestEntries({
  open: { lane: 'model', superseded: false, request: { source: ModelSourceSchema }, result: ModelInfoSchema },
  listModels: { lane: 'read', superseded: false, request: {}, result: v.array(StoredModelSchema) },
  saveModel: { lane: 'model', superseded: false, request: { name }, result: StoredModelSchema },
  renameModel: { lane: 'model', superseded: false, request: { modelId, name }, result: StoredModelSchema },
  deleteModel: { lane: 'model', superseded: false, request: { modelId }, result: v.null() },
  generate: { lane: 'conversation', superseded: false, request: TurnEntries, result: GeneratedTurnSchema },
  resetConversation: { lane: 'conversation', superseded: false, request: {}, result: v.null() },
  /** Starts the conversation afresh and says these turns again, with the weights as they are now. */
  replay: {
    lane: 'conversation',
    superseded: false,
    request: {
      turns: v.pipe(
        v.array(v.object(TurnEntries)),
        v.maxLength(limits.MAX_REPLAY_TURNS, `a replay has at most ${limits.MAX_REPLAY_TURNS} turns; start a new conversation to go on`),
      ),
    },
    result: v.array(GeneratedTurnSchema),
  },
  trace: { lane: 'read', superseded: false, request: { text: message }, result: v.array(StepRecordSchema) },
  neighbours: {
    lane: 'read',
    superseded: false,
    request: { word: text(limits.MAX_WORD_CHARACTERS), k: within(limits.NEIGHBOURS), metric: MetricSchema },
    result: v.array(v.object({ word: v.string(), distance: v.number() })),
  },
  compare: {
    lane: 'read',
    superseded: false,
    request: { sentences: v.pipe(v.array(message), v.minLength(limits.COMPARE_SENTENCES.min), v.maxLength(limits.COMPARE_SENTENCES.max)), metric: MetricSchema },
    result: v.object({ distances: v.array(v.array(v.number())), paths: v.array(ContextPathSchema) }),
  },
  /** Where each distance falls among the distances between two lines of the open model's corpus (measured once per model and metric). */
  distanceScale: {
    lane: 'read',
    superseded: false,
    request: {
      distances: v.pipe(v.array(v.pipe(finite, v.minValue(0))), v.maxLength(limits.MAX_SCALED_DISTANCES, `at most ${limits.MAX_SCALED_DISTANCES} distances at once`)),
      metric: MetricSchema,
    },
    result: DistanceScaleSchema,
  },
  project: {
    lane: 'read',
    superseded: false,
    request: { vectors: v.pipe(v.array(v.pipe(vector, v.maxLength(limits.EMBEDDING.max))), v.maxLength(limits.MAX_PROJECT_VECTORS)) },
    result: ProjectedPointsSchema,
  },
  train: { lane: 'model', superseded: false, request: { settings: TrainingSettingsSchema }, result: v.null() },
  trainControl: { lane: 'read', superseded: false, request: { action: v.picklist(['pause', 'resume', 'stop']) }, result: v.null() },
  /** Sets the pace of the run going, and of runs started after it. */
  trainPace: { lane: 'read', superseded: false, request: { epochsPerSecond: TrainingPaceSchema }, result: v.null() },
  exportOriginal: { lane: 'read', superseded: false, request: {}, result: v.object({ weights: v.instance(Uint8Array), wordmap: v.string() }) },
  exportModelFile: { lane: 'read', superseded: false, request: {}, result: v.object({ name: v.string(), text: v.string() }) },
  /** Changes weights of the open model in place (all or none); a knocked-out unit is a row set to zeros. */
  setWeights: {
    lane: 'model',
    superseded: false,
    request: { edits: v.pipe(v.array(WeightEditSchema), v.minLength(1), v.maxLength(limits.MAX_WEIGHT_EDITS)) },
    result: ModelInfoSchema,
  },
  resetWeights: { lane: 'model', superseded: false, request: {}, result: ModelInfoSchema },
  /** The bundled Boris corpus, for the training studio to start from. */
  bundledCorpus: { lane: 'read', superseded: false, request: {}, result: v.object({ text: v.string() }) },
  /** What training would make of a corpus: its vocabulary, its split and the lines it cannot use. */
  inspectCorpus: { lane: 'read', superseded: false, request: { corpus: corpus, maxVocabulary: v.optional(within(limits.VOCABULARY_CAP)) }, result: CorpusReportSchema },
  /** How two sentences' context paths move apart: per step, where most, and per unit at the end. */
  divergence: {
    lane: 'read',
    superseded: false,
    request: { sentences: v.tuple([message, message]), metric: MetricSchema },
    result: v.object({ stepDistances: v.array(v.number()), widestStep: whole, finalDifference: vector }),
  },
  /** Every intermediate number of one step of the open model, for showing its maths in order. */
  anatomy: {
    lane: 'read',
    superseded: false,
    request: { row: v.pipe(whole, v.minValue(0)), context: v.pipe(vector, v.maxLength(TRAINING_LIMITS.embedding.max)), temperature: v.pipe(finite, v.minValue(0)) },
    result: AnatomySchema,
  },
  /** Every word placed by a 2-D projection of its token embedding h1 (UMAP is seeded: same seed, same map). */
  embeddingMap: { lane: 'read', superseded: false, request: { method: v.picklist(MAP_METHODS), seed: v.optional(seedNumber) }, result: EmbeddingMapSchema },
  /**
   * Shows the open model's training history at an epoch: its weights become that checkpoint's until
   * another epoch is chosen, or null brings back its own. Every request after it computes with them.
   */
  showEpoch: { lane: 'model', superseded: false, request: { epoch: v.nullable(within(limits.EPOCHS_WITH_START)) }, result: ModelInfoSchema },
  /**
   * The weights of the latest training run (going or finished) after an epoch: that epoch's checkpoint,
   * or the latest one before it when a long run was thinned. For scrubbing a run while it trains.
   */
  runCheckpoint: {
    lane: 'read',
    superseded: false,
    request: { epoch: within(limits.EPOCHS_WITH_START) },
    result: v.object({ epoch: whole, weights: v.object({ w0: vector, w1: vector, w2: vector }) }),
  },
  /** Opens the checkpoint of an epoch as a model of its own, unsaved (the history comes with it). */
  useEpoch: { lane: 'model', superseded: false, request: { epoch: within(limits.EPOCHS_WITH_START) }, result: ModelInfoSchema },
  /** What the open model's training record says of its corpus (a file name, or the text): sent only when asked for, never with every model info. */
  trainingCorpus: { lane: 'read', superseded: false, request: {}, result: v.object({ corpus: v.nullable(v.string()) }) },
  /** Is the service still answering? Answered on arrival, between two slices of any work (the supervisor's watchdog). */
  ping: { lane: 'arrival', superseded: false, request: {}, result: v.null() },
});

export const REQUESTS = joinParts(CORE_REQUESTS, EXPLANATION_REQUESTS, DYNAMICS_REQUESTS, LESSON_REQUESTS);
type RequestTable = typeof REQUESTS;
export type RequestType = keyof RequestTable & string;

/** Each request type's schema, to check one whose type is known. */
const REQUEST_SCHEMAS = requestSchemas(REQUESTS);
export const RequestSchema = v.variant('type', Object.values(REQUEST_SCHEMAS) as RequestSchemaOf[RequestType][]);
type RequestSchemaOf = typeof REQUEST_SCHEMAS;

export type Request = v.InferOutput<typeof RequestSchema>;
export type RequestOf<T extends RequestType> = Extract<Request, { type: T }>;
/** A request as the app writes it, before the bridge gives it an id. */
export type RequestBody<T extends RequestType = RequestType> = T extends RequestType ? Omit<RequestOf<T>, 'id'> : never;
export type ModelSource = v.InferOutput<typeof ModelSourceSchema>;
export type TurnRequest = Omit<RequestOf<'generate'>, 'id' | 'type'>;
export type WeightEdit = v.InferOutput<typeof WeightEditSchema>;
export type TrainingSettings = v.InferOutput<typeof TrainingSettingsSchema>;

export const ResultSchemas = Object.fromEntries(Object.entries(REQUESTS).map(([type, entry]) => [type, entry.result])) as { [T in RequestType]: RequestTable[T]['result'] };
export type ResultOf<T extends RequestType> = v.InferOutput<(typeof ResultSchemas)[T]>;

export const ErrorKindSchema = v.picklist(['format', 'input', 'training', 'cancelled', 'protocol', 'internal']);

export const EventSchema = v.variant('event', [
  v.object({
    event: v.literal('trainProgress'),
    status: v.picklist(['running', 'paused']),
    epoch: whole,
    epochs: whole,
    progress: v.number(),
    etaSeconds: v.nullable(v.number()),
    tokensPerSecond: v.number(),
    /** Epochs finished since the last progress event. */
    finished: v.array(EpochReportSchema),
    weights: v.object({ w0: vector, w1: vector, w2: vector }),
  }),
  v.object({
    event: v.literal('trainDone'),
    status: v.picklist(['completed', 'stopped', 'diverged', 'interrupted']),
    message: v.nullable(v.string()),
    bestEpoch: whole,
    /** Null when no epoch finished (a run interrupted before its first). */
    bestAccuracy: v.nullable(v.number()),
    history: v.array(EpochReportSchema),
    /** The trained model, open now (unsaved until saveModel); null when nothing was opened (a diverged run leaves the open model as it was). */
    model: v.nullable(ModelInfoSchema),
  }),
  /**
   * The service's health, from the app's side: restarted after it stopped unexpectedly, stopped for
   * good after stopping again and again, or a message the app could not read.
   */
  v.object({ event: v.literal('serviceStatus'), state: v.picklist(['restarted', 'stopped', 'problem']), message: v.string() }),
]);
export type ServiceEvent = v.InferOutput<typeof EventSchema>;

export const ServiceMessageSchema = v.variant('type', [
  v.object({ type: v.literal('reply'), id: whole, result: v.unknown() }),
  v.object({ type: v.literal('error'), id: v.nullable(whole), kind: ErrorKindSchema, message: v.string() }),
  v.object({ type: v.literal('event'), payload: EventSchema }),
]);
export type ServiceMessage = v.InferOutput<typeof ServiceMessageSchema>;

/** Checks an arriving request; the message says what is wrong with it in a person's words. */
export function parseRequest(message: unknown): { ok: true; request: Request } | { ok: false; id: number | null; message: string } {
  const result = v.safeParse(RequestSchema, message);
  if (result.success) return { ok: true, request: result.output };
  const id = typeof message === 'object' && message !== null && Number.isInteger((message as { id?: unknown }).id) ? (message as { id: number }).id : null;
  const issue = result.issues[0];
  // Issues quote the value they found; a hostile or huge value is never echoed whole.
  const path = clip(issue.path?.map((p) => String(p.key)).join('.') ?? '', limits.MAX_QUOTED_CHARACTERS);
  return { ok: false, id, message: `the service cannot read this request${path ? ` (at "${path}")` : ''}: ${clip(issue.message, limits.MAX_QUOTED_CHARACTERS)}` };
}

export function parseServiceMessage(message: unknown): ServiceMessage {
  return v.parse(ServiceMessageSchema, message);
}

export function parseEvent(event: unknown): ServiceEvent {
  return v.parse(EventSchema, event);
}

export function parseResult<T extends RequestType>(type: T, result: unknown): ResultOf<T> {
  return v.parse(ResultSchemas[type], result) as ResultOf<T>;
}
