/**
 * A lesson: one moment of the app, saved to share (docs/guide.md, "Lessons"). The model (the bundled
 * Boris by name, or a model file embedded), the conversation with its sampling and seeds so that it
 * replays exactly, the view and the clock, Explain and its measure, the open unit card, Compare's
 * sentences, the epoch shown, the weight edits and knock-outs in force, and notes for the steps.
 *
 * Part of the service's protocol (protocol.ts re-exports it), so the app, the service and `slm lesson`
 * read a lesson with the same schema and the same reader, from a file or from a page address.
 */
import { Inflate, deflateSync, strFromU8, strToU8 } from 'fflate';
import * as v from 'valibot';
import { clip } from '../model/network/errors.ts';
import { MEASURES } from '../model/explanations/whichWords.ts';
import { nestingDepth } from '../model/formats/slmJson.ts';
import { METRICS } from '../model/geometry/geometry.ts';
import * as limits from '../model/network/limits.ts';
import { WEIGHT_NAMES, matrixShape } from '../model/network/network.ts';
import { finite, requestEntries, whole, within } from './schemaParts.ts';

export const LESSON_FORMAT = 'slm-lesson';
/** The lesson format's version: a lesson of a newer one is refused with a message that says so. */
export const LESSON_VERSION = 1;
export const LESSON_EXTENSION = '.slm-lesson.json';
/** What comes before a lesson in a page address. */
export const LESSON_LINK_KEY = 'lesson=';
/** The views a lesson may show (App.svelte's tabs). */
export const LESSON_VIEWS = ['inside', 'compare', 'embeddings', 'weights', 'train'] as const;
export type LessonView = (typeof LESSON_VIEWS)[number];

/** The last step a lesson's clock or note may name: every turn at its longest prompt and reply. */
export const MAX_LESSON_STEP = limits.MAX_REPLAY_TURNS * (1 + limits.MAX_PROMPT_TOKENS + limits.MAX_REPLY_TOKENS) - 1;
/** What a link may inflate to: a bomb of zeros is stopped here, long before it fills the memory. */
const MAX_LINK_INFLATED_BYTES = 4 * limits.MAX_LESSON_LINK_CHARACTERS * 8;

const text = (max: number, what: string) => v.pipe(v.string(), v.maxLength(max, `${what} has at most ${max.toLocaleString('en')} characters`));
const modelName = v.pipe(v.string(), v.minLength(1, 'a model needs a name'), v.maxLength(limits.MAX_NAME_CHARACTERS, `a model's name has at most ${limits.MAX_NAME_CHARACTERS} characters`));
const step = v.pipe(whole, v.minValue(0), v.maxValue(MAX_LESSON_STEP));
const LayerSchema = v.picklist(['h1', 'h2']);
const unit = v.pipe(whole, v.minValue(0), v.maxValue(limits.EMBEDDING.max - 1));

const SamplingSchema = v.strictObject({
  temperature: v.pipe(finite, v.minValue(limits.TEMPERATURE.min), v.maxValue(limits.TEMPERATURE.max)),
  topK: within(limits.TOP_K),
  seed: within(limits.SEED),
});

export const LessonSchema = v.strictObject({
  format: v.literal(LESSON_FORMAT),
  version: v.literal(LESSON_VERSION),
  title: v.optional(text(limits.MAX_LESSON_TITLE_CHARACTERS, 'a title')),
  model: v.variant('kind', [
    /** The model the app bundles (Boris), by name: the lesson holds no weights. */
    v.strictObject({ kind: v.literal('bundled'), name: modelName }),
    /** A model file (`*.slm.json` text) embedded whole, with its training history or without it. */
    v.strictObject({ kind: v.literal('embedded'), name: modelName, withHistory: v.boolean(), file: text(limits.MAX_MODEL_FILE_CHARACTERS, 'an embedded model') }),
  ]),
  conversation: v.strictObject({
    /** Each message as it was sent, with the sampling and the seed its reply was written with. */
    turns: v.pipe(
      v.array(v.strictObject({ prompt: text(limits.MAX_PROMPT_CHARACTERS, 'a message'), ...SamplingSchema.entries })),
      v.maxLength(limits.MAX_REPLAY_TURNS, `a lesson has at most ${limits.MAX_REPLAY_TURNS} turns`),
    ),
    /** The chat's Sampling fields for the next message, and whether every turn keeps the same seed. */
    next: SamplingSchema,
    sameSeed: v.boolean(),
  }),
  view: v.picklist(LESSON_VIEWS),
  /** The step under the clock, or -1 before anything was said. */
  clock: v.pipe(whole, v.minValue(-1), v.maxValue(MAX_LESSON_STEP)),
  explain: v.strictObject({ on: v.boolean(), measure: v.picklist(MEASURES) }),
  unitCard: v.nullable(v.strictObject({ layer: LayerSchema, unit })),
  compare: v.strictObject({
    sentences: v.pipe(
      v.array(text(limits.MAX_PROMPT_CHARACTERS, 'a sentence')),
      v.minLength(limits.COMPARE_SENTENCES.min, `Compare holds at least ${limits.COMPARE_SENTENCES.min} sentences`),
      v.maxLength(limits.COMPARE_SENTENCES.max, `Compare holds at most ${limits.COMPARE_SENTENCES.max} sentences`),
    ),
    metric: v.picklist(METRICS),
  }),
  /** The epoch of the training history shown, or null for the model's own weights. */
  epoch: v.nullable(within(limits.EPOCHS_WITH_START)),
  /** Units knocked out (their incoming row set to zeros), and other weights changed by hand. */
  knockouts: v.pipe(v.array(v.strictObject({ layer: LayerSchema, unit })), v.maxLength(2 * limits.EMBEDDING.max, 'a model has no more units than that to knock out')),
  edits: v.pipe(
    v.array(v.strictObject({ matrix: v.picklist(WEIGHT_NAMES), row: v.pipe(whole, v.minValue(0)), column: v.pipe(whole, v.minValue(0)), value: finite })),
    v.maxLength(limits.MAX_WEIGHT_EDITS),
  ),
  /** Plain text (never HTML), each shown beside the chat when the clock reaches its step. */
  notes: v.pipe(
    v.array(v.strictObject({ step, text: v.pipe(text(limits.MAX_LESSON_NOTE_CHARACTERS, 'a note'), v.trim(), v.minLength(1, 'a note is empty')) })),
    v.maxLength(limits.MAX_LESSON_NOTES, `a lesson has at most ${limits.MAX_LESSON_NOTES} notes`),
  ),
});
export type Lesson = v.InferOutput<typeof LessonSchema>;
export type LessonNote = Lesson['notes'][number];
export type LessonKnockout = Lesson['knockouts'][number];

export type LessonEdit = Lesson['edits'][number];

/** The edits that knock the units out: each unit's incoming row (W0's for h1, W1's for h2) set to zeros. */
export function knockoutEdits(knockouts: readonly LessonKnockout[], embedding: number, vocabulary: number): LessonEdit[] {
  const edits: LessonEdit[] = [];
  for (const { layer, unit } of knockouts) {
    const matrix = layer === 'h1' ? 'w0' : 'w1';
    const [, width] = matrixShape(matrix, embedding, vocabulary);
    for (let column = 0; column < width; column++) edits.push({ matrix, row: unit, column, value: 0 });
  }
  return edits;
}

/** Every weight change of the lesson: its knock-outs first, then its edits. */
export function lessonEdits(lesson: Lesson, embedding: number, vocabulary: number): LessonEdit[] {
  return [...knockoutEdits(lesson.knockouts, embedding, vocabulary), ...lesson.edits];
}

/** A lesson that cannot be read: `message` says why, in a person's words. */
export class LessonError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LessonError';
  }
}

/** Checks a lesson already parsed from JSON: the lesson itself, or a LessonError that says what is wrong. */
export function checkLesson(value: unknown, source = 'the lesson'): Lesson {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || (value as { format?: unknown }).format !== LESSON_FORMAT) {
    throw new LessonError(`${source} is not a slm studio lesson`);
  }
  const version = (value as { version?: unknown }).version;
  if (typeof version === 'number' && Number.isInteger(version) && version > LESSON_VERSION) {
    throw new LessonError(`${source} was saved by a newer slm studio (lesson version ${version}); this one reads version ${LESSON_VERSION}: update the app to open it`);
  }
  const result = v.safeParse(LessonSchema, value);
  if (!result.success) {
    const issue = result.issues[0];
    const path = clip(issue.path?.map((p) => String(p.key)).join('.') ?? '', limits.MAX_QUOTED_CHARACTERS);
    throw new LessonError(`${source} is damaged${path ? ` (at "${path}")` : ''}: ${clip(issue.message, limits.MAX_QUOTED_CHARACTERS)}`);
  }
  const lesson = result.output;
  const noted = new Set<number>();
  for (const note of lesson.notes) {
    if (noted.has(note.step)) throw new LessonError(`${source} is damaged: it has two notes for step ${note.step + 1}`);
    noted.add(note.step);
  }
  if (lesson.model.kind === 'embedded' && !lesson.model.withHistory && lesson.epoch !== null) {
    throw new LessonError(`${source} is damaged: it shows epoch ${lesson.epoch} of a model saved without its training history`);
  }
  return { ...lesson, notes: [...lesson.notes].sort((a, b) => a.step - b.step) };
}

/** Reads a lesson file's text: the lesson, or a LessonError that says what is wrong with it. */
export function readLesson(text: unknown, source = 'the lesson file'): Lesson {
  if (typeof text !== 'string') throw new LessonError(`${source} is not text`);
  if (text.length > limits.MAX_LESSON_FILE_CHARACTERS) {
    throw new LessonError(`${source} is larger than a lesson can be (${limits.MAX_LESSON_FILE_CHARACTERS.toLocaleString('en')} characters)`);
  }
  if (nestingDepth(text, limits.MAX_JSON_DEPTH) > limits.MAX_JSON_DEPTH) throw new LessonError(`${source} nests too deep to be a lesson`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new LessonError(`${source} is not a lesson: it is not JSON (a lesson is a *${LESSON_EXTENSION} file saved by slm studio)`);
  }
  return checkLesson(value, source);
}

/** A lesson as the text of its file: indented, so that a person can read it. */
export function lessonText(lesson: Lesson): string {
  return `${JSON.stringify(lesson, null, 1)}\n`;
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * A lesson as it goes after `#lesson=` in a page address: its JSON, deflated, in base64url. Null
 * when it is longer than a link may be (MAX_LESSON_LINK_CHARACTERS): the lesson is then shared as a file.
 */
export function lessonLink(lesson: Lesson): { fragment: string } | { tooLong: number } {
  const fragment = toBase64Url(deflateSync(strToU8(JSON.stringify(lesson)), { level: 9 }));
  return fragment.length > limits.MAX_LESSON_LINK_CHARACTERS ? { tooLong: fragment.length } : { fragment };
}

/**
 * Reads the lesson in a page address's fragment (`#lesson=...`, or what follows `lesson=`): the
 * lesson, or a LessonError. Inflating stops at a bound, so a hostile address cannot fill the memory.
 */
export function readLessonLink(fragment: unknown): Lesson {
  const source = 'the lesson in this address';
  if (typeof fragment !== 'string') throw new LessonError(`${source} is not text`);
  const value = fragment.replace(/^#/, '').replace(new RegExp(`^${LESSON_LINK_KEY}`), '');
  if (value.length > limits.MAX_LESSON_LINK_CHARACTERS) {
    throw new LessonError(`${source} is longer than a lesson link can be (${limits.MAX_LESSON_LINK_CHARACTERS.toLocaleString('en')} characters)`);
  }
  if (!/^[A-Za-z0-9_-]+$/.test(value) || value.length % 4 === 1) throw new LessonError(`${source} is damaged: it was cut short or changed (copy the whole link again)`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    const inflate = new Inflate((chunk) => {
      size += chunk.length;
      if (size > MAX_LINK_INFLATED_BYTES) throw new LessonError(`${source} unpacks to more than a lesson link may hold`);
      chunks.push(chunk);
    });
    inflate.push(fromBase64Url(value), true);
  } catch (error) {
    if (error instanceof LessonError) throw error;
    throw new LessonError(`${source} is damaged: it was cut short or changed (copy the whole link again)`);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  let json: string;
  try {
    json = strFromU8(bytes);
  } catch {
    throw new LessonError(`${source} is damaged: it is not text`);
  }
  return readLesson(json, source);
}

/** The service's lesson requests: what saving needs from it, and a check before anything is restored. */
export const LESSON_REQUESTS = requestEntries({
  /**
   * What a lesson needs of the open model: the knock-outs and weight edits in force (against the
   * weights as opened or saved), the epoch shown, and, when asked, the model as opened, to embed.
   */
  lessonParts: {
    lane: 'read',
    superseded: false,
    request: { embed: v.nullable(v.object({ withHistory: v.boolean() })) },
    result: v.object({
      knockouts: v.array(v.object({ layer: LayerSchema, unit: whole })),
      edits: v.array(v.object({ matrix: v.picklist(WEIGHT_NAMES), row: whole, column: whole, value: finite })),
      epoch: v.nullable(whole),
      model: v.nullable(v.object({ name: v.string(), file: v.string() })),
    }),
  },
  /**
   * Checks that a lesson can be restored, before anything changes: its model opens, its edits and
   * units fit the model, its epoch is in the history, its conversation replays and its clock and
   * notes fall within it. Opens nothing; answers the number of steps, or an error that says why not.
   */
  checkLesson: { lane: 'read', superseded: false, request: { lesson: LessonSchema }, result: v.object({ steps: whole }) },
});
