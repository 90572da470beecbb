/**
 * A lesson against its model, in Node or a worker alike: the model it names, the weights it shows (its
 * knock-outs and edits, or the epoch of the history it shows), its conversation said again with the
 * saved seeds, and a check that every part of it fits. The service checks a lesson with it before the
 * app restores one; `slm lesson replay` prints what it gives, the numbers the app shows.
 */
import { inputError, quote } from '../model/network/errors.ts';
import { parseModel, serializeModel } from '../model/formats/slmJson.ts';
import { Conversation } from '../model/network/generation.ts';
import type { Model } from '../model/network/model.ts';
import { type Weights, cloneWeights, copyWeightsInto, matrixShape } from '../model/network/network.ts';
import { createRng } from '../model/network/rng.ts';
import { type Sliced, finish } from '../model/network/slices.ts';
import { droppedCharacters, tokenizeBounded } from '../model/network/tokenizer.ts';
import { type GeneratedTurn, type Lesson, type LessonKnockout, type StepRecord, type WeightEdit, lessonEdits } from './protocol.ts';
import { stepRecord } from './wire.ts';

/** The lesson's model, read from its embedded file or the bundled one's text. */
export function lessonModel(lesson: Lesson, bundledText: () => string): Model {
  if (lesson.model.kind === 'embedded') return parseModel(lesson.model.file, `the model in the lesson (${quote(lesson.model.name)})`);
  const model = parseModel(bundledText(), 'the bundled model');
  if (model.name !== lesson.model.name) {
    throw inputError(`the lesson is for ${quote(lesson.model.name)}, and this app bundles ${quote(model.name)}: ask for the lesson with its model embedded`);
  }
  return model;
}

/**
 * The knock-outs and edits that make `now` from `saved`: a unit whose incoming row is all zeros now
 * and was not is knocked out; every other weight that differs is an edit.
 */
export function weightChanges(saved: Weights, now: Weights): { knockouts: LessonKnockout[]; edits: WeightEdit[] } {
  const E = saved.embeddingSize;
  const V = saved.vocabularySize;
  const knockouts: LessonKnockout[] = [];
  const edits: WeightEdit[] = [];
  for (const [layer, matrix] of [['h1', 'w0'], ['h2', 'w1']] as const) {
    const width = matrixShape(matrix, E, V)[1];
    for (let unit = 0; unit < E; unit++) {
      const row = (w: Weights) => w[matrix].subarray(unit * width, (unit + 1) * width);
      if (row(now).every((x) => x === 0) && !row(saved).every((x) => x === 0)) knockouts.push({ layer, unit });
    }
  }
  const knocked = new Set(knockouts.map((k) => `${k.layer === 'h1' ? 'w0' : 'w1'}:${k.unit}`));
  for (const matrix of ['w0', 'w1', 'w2'] as const) {
    const columns = matrixShape(matrix, E, V)[1];
    const a = saved[matrix];
    const b = now[matrix];
    for (let i = 0; i < a.length; i++) {
      if (Object.is(a[i], b[i])) continue;
      const row = Math.floor(i / columns);
      if (knocked.has(`${matrix}:${row}`)) continue;
      edits.push({ matrix, row, column: i % columns, value: b[i] });
    }
  }
  return { knockouts, edits };
}

/** The model file to embed: as opened (without edits), with its training history or without it. */
export function embeddedModelFile(model: Model, withHistory: boolean): string {
  if (withHistory || !model.training) return serializeModel(model);
  return serializeModel({ ...model, training: { ...model.training, checkpoints: [] } });
}

/** Checks that the lesson's weight changes, unit card and epoch fit the model (throws an input error). */
export function checkLessonFits(model: Model, lesson: Lesson): void {
  const E = model.weights.embeddingSize;
  const V = model.weights.vocabularySize;
  for (const k of [...lesson.knockouts, ...(lesson.unitCard ? [lesson.unitCard] : [])]) {
    if (k.unit >= E) throw inputError(`the lesson names ${k.layer} unit ${k.unit}, and ${quote(model.name)} has ${E} units per layer`);
  }
  for (const edit of lesson.edits) {
    const [rows, columns] = matrixShape(edit.matrix, E, V);
    if (edit.row >= rows || edit.column >= columns) throw inputError(`the lesson edits ${edit.matrix} (${edit.row}, ${edit.column}), and ${quote(model.name)}'s ${edit.matrix} has ${rows} rows and ${columns} columns`);
  }
  if (lesson.epoch !== null && !model.training?.checkpoints.some((c) => c.epoch === lesson.epoch)) {
    throw inputError(`the lesson shows epoch ${lesson.epoch}, and ${quote(model.name)} has no checkpoint for it`);
  }
}

/** The weights the lesson shows: the epoch's checkpoint when it shows one, else the model's own with its changes. */
export function lessonWeights(model: Model, lesson: Lesson): Weights {
  if (lesson.epoch !== null) {
    const checkpoint = model.training!.checkpoints.find((c) => c.epoch === lesson.epoch)!;
    const shown = cloneWeights(model.weights);
    copyWeightsInto(shown, checkpoint.weights);
    return shown;
  }
  const weights = cloneWeights(model.weights);
  for (const edit of lessonEdits(lesson, weights.embeddingSize, weights.vocabularySize)) {
    weights[edit.matrix][edit.row * matrixShape(edit.matrix, weights.embeddingSize, weights.vocabularySize)[1] + edit.column] = edit.value;
  }
  return weights;
}

/**
 * The lesson's conversation said again with the weights it shows and the seeds it saved, as the
 * service's `replay` says it: each turn's reply and every step, numbered along one timeline.
 */
export function replayLesson(model: Model, lesson: Lesson): { turns: GeneratedTurn[]; steps: StepRecord[] } {
  return finish(replayLessonSliced(model, lesson));
}

/** replayLesson in slices: it yields after every turn, so the service answers other requests meanwhile. */
export function* replayLessonSliced(model: Model, lesson: Lesson): Sliced<{ turns: GeneratedTurn[]; steps: StepRecord[] }> {
  const weights = lessonWeights(model, lesson);
  const conversation = new Conversation(weights, model.vocabulary, model.name);
  lesson.conversation.turns.forEach((turn, i) => tokenizeBounded(turn.prompt, `the message of turn ${i + 1}`));
  const turns: GeneratedTurn[] = [];
  const steps: StepRecord[] = [];
  for (const turn of lesson.conversation.turns) {
    const fedText = ['', ...tokenizeBounded(turn.prompt, 'the message')];
    const line = conversation.say(turn.prompt, { temperature: turn.temperature, topK: turn.topK, rng: createRng(turn.seed) });
    const records = [
      ...line.fed.map((step, i) => stepRecord(step, fedText[i])),
      ...line.written.map((step) => stepRecord(step, model.vocabulary.tokens[step.row])),
    ];
    turns.push({ reply: line.text, tokens: line.tokens.map((row) => model.vocabulary.tokens[row]), ended: line.ended, dropped: droppedCharacters(turn.prompt), steps: records });
    steps.push(...records);
    yield;
  }
  return { turns, steps };
}

/** Checks the whole lesson against its model: its changes fit, and its clock and notes fall in its conversation. */
export function checkLessonAgainst(model: Model, lesson: Lesson): { steps: number } {
  return finish(checkLessonSliced(model, lesson));
}

/** checkLessonAgainst in slices (the service's checkLesson runs it so). */
export function* checkLessonSliced(model: Model, lesson: Lesson): Sliced<{ steps: number }> {
  checkLessonFits(model, lesson);
  const { steps } = yield* replayLessonSliced(model, lesson);
  if (lesson.clock >= steps.length) throw inputError(`the lesson's clock is at step ${lesson.clock + 1}, and its conversation has ${steps.length} steps`);
  if (lesson.clock < 0 && steps.length > 0) throw inputError(`the lesson's clock is before its conversation's first step`);
  const late = lesson.notes.find((note) => note.step >= steps.length);
  if (late) throw inputError(`the lesson has a note for step ${late.step + 1}, and its conversation has ${steps.length} steps`);
  return { steps: steps.length };
}
