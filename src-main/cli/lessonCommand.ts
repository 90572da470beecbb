/**
 * `slm lesson show F`: what a lesson (*.slm-lesson.json) holds, in a few lines. `slm lesson replay F`:
 * its conversation said again with its model, weight changes, epoch and seeds, and the activations at
 * its clock: the numbers the app shows when it opens the lesson (service/lessonReplay.ts does both).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { inputError } from '../model/network/errors.ts';
import { formatNumber } from '../model/explanations/whichWords.ts';
import { MAX_LESSON_FILE_CHARACTERS } from '../model/network/limits.ts';
import { readText } from '../files/modelPaths.ts';
import { bundledModelPath } from '../files/resources.ts';
import { checkLessonAgainst, lessonModel, replayLesson } from '../service/lessonReplay.ts';
import { type Lesson, LessonError, readLesson } from '../service/protocol.ts';
import { UsageError, jsonLine, parse, printable, shownToken } from './args.ts';
import type { CliIo } from './io.ts';
import { jsonOption } from './modelOption.ts';

export const LESSON_USAGE = `  slm lesson show LESSON.slm-lesson.json
  slm lesson replay LESSON.slm-lesson.json [--json]`;

async function loadLesson(path: string): Promise<Lesson> {
  const text = await readText(resolve(path), 'the lesson', MAX_LESSON_FILE_CHARACTERS);
  try {
    return readLesson(text, path);
  } catch (error) {
    if (error instanceof LessonError) throw inputError(error.message);
    throw error;
  }
}

function describeModel(lesson: Lesson): string {
  if (lesson.model.kind === 'bundled') return `${printable(lesson.model.name)} (bundled)`;
  return `${printable(lesson.model.name)} (embedded, ${lesson.model.withHistory ? 'with' : 'without'} its training history)`;
}

function show(lesson: Lesson, io: CliIo): void {
  const { turns } = lesson.conversation;
  io.out(`${lesson.title ? printable(lesson.title) : 'A lesson'}: ${describeModel(lesson)}, ${turns.length} ${turns.length === 1 ? 'turn' : 'turns'}\n`);
  turns.forEach((turn, i) => io.out(`  ${i + 1}. ${JSON.stringify(printable(turn.prompt))} (temperature ${turn.temperature}, top-k ${turn.topK}, seed ${turn.seed})\n`));
  io.out(`view ${lesson.view}; clock at ${lesson.clock < 0 ? 'no step' : `step ${lesson.clock + 1}`}\n`);
  io.out(`Explain ${lesson.explain.on ? `on (${lesson.explain.measure})` : 'off'}; unit card ${lesson.unitCard ? `${lesson.unitCard.layer} ${lesson.unitCard.unit}` : 'none'}\n`);
  io.out(`Compare (${lesson.compare.metric}): ${lesson.compare.sentences.map((s) => JSON.stringify(printable(s))).join(', ')}\n`);
  io.out(`epoch shown: ${lesson.epoch ?? "the model's own weights"}\n`);
  io.out(`knocked out: ${lesson.knockouts.length ? lesson.knockouts.map((k) => `${k.layer} ${k.unit}`).join(', ') : 'none'}; ${lesson.edits.length} other weight ${lesson.edits.length === 1 ? 'edit' : 'edits'}\n`);
  io.out(`${lesson.notes.length} ${lesson.notes.length === 1 ? 'note' : 'notes'}\n`);
  for (const note of lesson.notes) io.out(`  step ${note.step + 1}: ${printable(note.text, 600)}\n`);
}

export async function lesson(args: string[], io: CliIo): Promise<void> {
  const { values, positionals } = parse(args, { ...jsonOption }, { min: 2, max: 2, names: 'show|replay LESSON' });
  const [action, path] = positionals;
  if (action !== 'show' && action !== 'replay') throw new UsageError(`lesson takes show or replay, not ${JSON.stringify(printable(action))}`);
  const read = await loadLesson(path);
  if (action === 'show') {
    if (values.json) throw new UsageError('lesson show prints a summary; --json goes with lesson replay');
    show(read, io);
    return;
  }
  const model = lessonModel(read, () => readFileSync(bundledModelPath(), 'utf8'));
  checkLessonAgainst(model, read);
  const { turns, steps } = replayLesson(model, read);
  const at = read.clock >= 0 ? steps[read.clock] : null;
  if (values.json) {
    io.out(jsonLine({ turns: read.conversation.turns.map((t, i) => ({ prompt: t.prompt, reply: turns[i].reply, tokens: turns[i].tokens, ended: turns[i].ended })), clock: read.clock, step: at }));
    return;
  }
  read.conversation.turns.forEach((t, i) => io.out(`you: ${printable(t.prompt)}\n${printable(model.name)}: ${printable(turns[i].reply)}\n`));
  if (!at) return;
  io.out(`\nAt step ${read.clock + 1} of ${steps.length}, reading ${JSON.stringify(shownToken(at.token, '<start>'))}:\n`);
  io.out(`  h1 ${at.h1.map((x) => formatNumber(x)).join(' ')}\n  h2 ${at.h2.map((x) => formatNumber(x)).join(' ')}\n`);
  const top = at.probs.map((p, row) => ({ p, row })).sort((a, b) => b.p - a.p).slice(0, 5);
  io.out(`  next ${top.map(({ p, row }) => `${shownToken(model.vocabulary.tokens[row])} ${formatNumber(p * 100)}%`).join(', ')}\n`);
}
