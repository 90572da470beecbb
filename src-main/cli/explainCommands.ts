/**
 * `slm explain`, `slm tree`, `slm unit` and `slm ablate`: why the model says what it says, with the
 * numbers the app shows (the records come from src-main/model/explanations/explainRecords.ts).
 */
import { resolve } from 'node:path';
import { inputError, quote } from '../model/network/errors.ts';
import { DEFAULT_IG_STEPS, MAX_IG_STEPS, explainPrediction } from '../model/explanations/explain.ts';
import { explanationRecord, knockoutTableRecord, type ReplyNodeRecord, replyNodeRecords, unitProfileRecord } from '../model/explanations/explainRecords.ts';
import { describeHeldOut, heldOutWords } from '../model/training/heldOut.ts';
import { corpusRows, knockoutCorpus, knockoutTable, parseUnitId } from '../model/units/knockout.ts';
import type { Model } from '../model/network/model.ts';
import { run } from '../model/network/network.ts';
import { MAX_TREE_DEPTH, REPLY_TREE_DEFAULTS, growReplyTree } from '../model/explanations/replyTree.ts';
import { tokenizeBounded } from '../model/network/tokenizer.ts';
import { MAX_CORPUS_CHARACTERS } from '../model/network/limits.ts';
import { DEFAULT_TOP_CONTEXTS, unitProfile } from '../model/units/unitProfile.ts';
import { BOUNDARY, encode } from '../model/network/vocabulary.ts';
import {
  MEASURES,
  MEASURE_NAMES,
  type Measure,
  answerSentence,
  measureNotes,
  percentText,
  quotedTarget,
  rankedWords,
  signedNumber,
  wordsThatMattered,
} from '../model/explanations/whichWords.ts';
import { readText } from '../files/modelPaths.ts';
import { bundledCorpusPath } from '../files/resources.ts';
import { UsageError, jsonLine, numberOption, parse, printable, shownToken, stringOption } from './args.ts';
import type { CliIo } from './io.ts';
import { jsonOption, modelOption, openModel } from './modelOption.ts';

export const EXPLAIN_USAGE = `  slm explain TEXT [--measure occlusion|gradient|integrated] [--target WORD] [--ig-steps M] [--model P] [--json]
  slm tree PROMPT [--depth D] [--temperature T] [--top-k K] [--min-probability P] [--model P] [--json]
  slm unit h2:5 [--corpus F] [--top N] [--text TEXT] [--model P] [--json]
  slm ablate [--corpus F] [--model P] [--json]`;

const common = { ...modelOption, ...jsonOption } as const;

/** The corpus a unit is profiled on: --corpus, or Boris's. */
async function corpusFor(model: Model, value: string | boolean | undefined) {
  const path = resolve(stringOption(value) ?? bundledCorpusPath());
  // The same held-out texts as the app measures knock-outs on.
  return knockoutCorpus(model.weights, corpusRows(model.vocabulary, await readText(path, 'the corpus', MAX_CORPUS_CHARACTERS)));
}

/** "461 texts (301 dialogues and 160 single lines)" or "40 lines". */
function heldOutText(texts: number, dialogues: number): string {
  const { count, parts } = heldOutWords(texts, dialogues);
  return parts ? `${count} (${parts})` : count;
}

function fedWords(text: string, what: string): string[] {
  const words = tokenizeBounded(text, `the ${what}`);
  if (words.length === 0) throw inputError(`the ${what} has no words the model can read`);
  return words;
}

const percent = (p: number) => `${(p * 100).toFixed(1)}%`;
const signed = (x: number, digits = 4) => (x >= 0 ? '+' : '') + x.toFixed(digits);

/** --measure's value: occlusion (Leave it out, the default), gradient or integrated. */
function measureOption(value: string | boolean | undefined): Measure {
  const measure = stringOption(value) ?? 'occlusion';
  if (!(MEASURES as readonly string[]).includes(measure)) throw new UsageError(`--measure is one of ${MEASURES.join(', ')}, not ${JSON.stringify(measure)}`);
  return measure as Measure;
}

/** A bar of up to `width` cells for |value| against the largest, in eighths of a cell. */
function bar(value: number, largest: number, width = 20): string {
  if (!(largest > 0) || value === 0) return '';
  const eighths = Math.max(1, Math.round((Math.abs(value) / largest) * width * 8));
  return '█'.repeat(Math.floor(eighths / 8)) + (eighths % 8 ? ' ▏▎▍▌▋▊▉'[eighths % 8] : '');
}

export async function explain(args: string[], io: CliIo): Promise<void> {
  const { values, positionals } = parse(
    args,
    { ...common, target: { type: 'string' }, 'ig-steps': { type: 'string' }, measure: { type: 'string' } },
    { min: 1, max: 1, names: 'TEXT' },
  );
  const measure = measureOption(values.measure);
  const model = await openModel(values.model);
  const words = fedWords(positionals[0], 'text');
  const rows = [BOUNDARY, ...encode(model.vocabulary, words)];
  const igSteps = numberOption(values['ig-steps'], '--ig-steps', DEFAULT_IG_STEPS, { min: 1, integer: true });
  if (igSteps > MAX_IG_STEPS) throw new UsageError(`--ig-steps is at most ${MAX_IG_STEPS}`);
  const targetWord = stringOption(values.target);
  let target: number | undefined;
  if (targetWord !== undefined) {
    const word = targetWord === '' ? '' : tokenizeBounded(targetWord, '--target').join(' ');
    target = model.vocabulary.rows.get(word);
    if (target === undefined) throw inputError(`--target ${quote(targetWord)} is not in the model's vocabulary`);
  }
  const explanation = explainPrediction(model.weights, rows, rows.length - 1, { target, igSteps });
  const record = explanationRecord(explanation, ['', ...words], model.vocabulary);
  if ((measure === 'integrated' || values.json) && Math.abs(explanation.completenessGap) > 1e-4) {
    io.err(
      `note: the integrated gradients add up to ${signedNumber(explanation.completenessGap)} nats away from L(h1) - L(0) after ${explanation.igPoints} points; ` +
        `along this text's path L jumps more sharply than the quadrature can follow (long texts and conversations do)\n`,
    );
  }
  if (values.json) {
    io.out(jsonLine(record));
    return;
  }
  // The same list and sentences as the app's How far back (the rows say which words are unknown).
  const said = { ...record, steps: record.steps.map((s, i) => ({ ...s, row: rows[i] })) };
  const targetText = quotedTarget(shownToken(record.target));
  const list = rankedWords(wordsThatMattered(said, measure));
  io.out(`Why ${targetText} next: p = ${percentText(Math.exp(record.logProbability))} (log-probability ${signedNumber(record.logProbability)} nats)\n`);
  io.out(`${printable(answerSentence(said, measure), Number.POSITIVE_INFINITY)}\n`);
  for (const note of measureNotes(said)) io.out(`note: ${printable(note, Number.POSITIVE_INFINITY)}\n`);
  io.out(
    measure === 'occlusion'
      ? `\nWhich words mattered (${MEASURE_NAMES[measure]}: what p(${targetText}) loses, in percentage points, and log p(${targetText}), in nats, when the word is read as the unknown word)\n`
      : `\nWhich words mattered (${MEASURE_NAMES[measure]}, in nats of log p(${targetText}))\n`,
  );
  const largest = Math.max(0, ...list.map((w) => (measure === 'occlusion' ? Math.abs(w.points ?? 0) : Math.abs(w.value ?? 0))));
  const width = Math.max(4, ...list.map((w) => shownToken(w.token, '<start>').length));
  for (const w of list) {
    const label = `${shownToken(w.token, '<start>').padEnd(width)}  step ${String(w.step + 1).padStart(3)}`;
    if (w.value === null) {
      io.out(`  ${label}  not measured (further back than Leave it out's limit)\n`);
    } else if (measure === 'occlusion' && w.unknown) {
      io.out(`  ${label}  ${'0 points'.padStart(18)}  ${'0 nats'.padStart(16)}  (already an unknown word to ${model.name})\n`);
    } else if (measure === 'occlusion') {
      io.out(`  ${label}  ${`${signedNumber(w.points!)} points`.padStart(18)}  ${`${signedNumber(w.value)} nats`.padStart(16)}  ${bar(w.points!, largest)}\n`);
    } else {
      io.out(`  ${label}  ${`${signedNumber(w.value)} nats`.padStart(16)}  ${bar(w.value, largest)}\n`);
    }
  }
}

export async function tree(args: string[], io: CliIo): Promise<void> {
  const { values, positionals } = parse(
    args,
    { ...common, depth: { type: 'string' }, temperature: { type: 'string' }, 'top-k': { type: 'string' }, 'min-probability': { type: 'string' } },
    { min: 1, max: 1, names: 'PROMPT' },
  );
  const model = await openModel(values.model);
  const prompt = positionals[0];
  const rows = [BOUNDARY, ...encode(model.vocabulary, fedWords(prompt, 'prompt'))];
  const depth = numberOption(values.depth, '--depth', REPLY_TREE_DEFAULTS.depth, { min: 1, integer: true });
  if (depth > MAX_TREE_DEPTH) throw new UsageError(`--depth is at most ${MAX_TREE_DEPTH}`);
  const minProbability = numberOption(values['min-probability'], '--min-probability', REPLY_TREE_DEFAULTS.minProbability);
  if (!(minProbability > 0 && minProbability <= 1)) throw new UsageError('--min-probability must be above 0 and at most 1');
  const options = {
    depth,
    temperature: numberOption(values.temperature, '--temperature', model.defaultTemperature, { min: 0 }),
    topK: numberOption(values['top-k'], '--top-k', 0, { min: 0, integer: true }),
    minProbability,
  };
  const steps = run(model.weights, rows);
  const grown = growReplyTree(model.weights, steps[steps.length - 1].h2, options);
  const children = replyNodeRecords(grown.children, model.vocabulary);
  if (values.json) {
    io.out(jsonLine({ prompt, children, pruned: grown.pruned }));
    return;
  }
  io.out(`${printable(prompt, Number.POSITIVE_INFINITY)}\n`);
  const draw = (nodes: ReplyNodeRecord[], indent: string) => {
    nodes.forEach((node, i) => {
      const last = i === nodes.length - 1;
      io.out(`${indent}${last ? '└─ ' : '├─ '}${shownToken(node.token)}  ${percent(node.probability)} (path ${percent(node.pathProbability)})\n`);
      draw(node.children, indent + (last ? '   ' : '│  '));
    });
  };
  draw(children, '');
  if (grown.pruned) io.out(`(pruned: the tree keeps its ${grown.nodes.toLocaleString('en')} most likely nodes; raise --min-probability or lower --depth to see every branch)\n`);
}

export async function unit(args: string[], io: CliIo): Promise<void> {
  const { values, positionals } = parse(args, { ...common, corpus: { type: 'string' }, top: { type: 'string' }, text: { type: 'string' } }, { min: 1, max: 1, names: 'UNIT (like h2:5)' });
  const model = await openModel(values.model);
  let id;
  try {
    id = parseUnitId(positionals[0]);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const top = numberOption(values.top, '--top', DEFAULT_TOP_CONTEXTS, { min: 1, integer: true });
  const { lines, heldOut } = await corpusFor(model, values.corpus);
  const text = stringOption(values.text);
  const stepTokens = text !== undefined ? [BOUNDARY, ...encode(model.vocabulary, fedWords(text, '--text'))] : undefined;
  const record = unitProfileRecord(unitProfile(model.weights, lines, id, { top, heldOut, stepTokens }), model.vocabulary);
  if (values.json) {
    io.out(jsonLine(record));
    return;
  }
  const k = record.knockout;
  io.out(`Unit ${record.layer} ${record.index}: ${record.activations} activations over the corpus, mean ${signed(record.mean)}\n`);
  io.out(`histogram over [-1, 1]: ${record.histogram.join(' ')}\n`);
  io.out('top contexts:\n');
  for (const c of record.topContexts) {
    const shown = c.tokens.map((t, i) => (i === c.step ? `[${shownToken(t, '<start>')}]` : shownToken(t, '<start>'))).join(' ');
    io.out(`  ${signed(c.activation)}  ${shown}\n`);
  }
  const list = (items: { token: string; weight: number }[]) => items.map((t) => `${shownToken(t.token)} ${signed(t.weight, 2)}`).join(', ');
  if (record.drivenByTokens) io.out(`driven up by: ${list(record.drivenByTokens.up)}\ndriven down by: ${list(record.drivenByTokens.down)}\n`);
  if (record.drivenByInputs) io.out(`strongest inputs: ${record.drivenByInputs.map((i) => `${i.input} ${signed(i.weight, 2)}`).join(', ')}\n`);
  if (record.votes) io.out(`votes for: ${list(record.votes.up)}\nvotes against: ${list(record.votes.down)}\n`);
  io.out(
    `knocked out: held-out loss ${k.loss.toFixed(4)} -> ${k.knockedOutLoss.toFixed(4)}, accuracy ${percent(k.accuracy)} -> ${percent(k.knockedOutAccuracy)}\n` +
      `  measured on the ${describeHeldOut(k.heldOutLines, k.heldOutDialogues)}: ${k.predictions} predictions\n`,
  );
  if (record.stepChange) {
    const { before, after } = record.stepChange;
    io.out(`next token after --text: ${shownToken(before.token)} ${percent(before.probability)} -> ${shownToken(after.token)} ${percent(after.probability)}\n`);
  }
}

export async function ablate(args: string[], io: CliIo): Promise<void> {
  const { values } = parse(args, { ...common, corpus: { type: 'string' } }, { min: 0, max: 0, names: '' });
  const model = await openModel(values.model);
  const { heldOut, heldOutTexts } = await corpusFor(model, values.corpus);
  const record = knockoutTableRecord(knockoutTable(model.weights, heldOut), heldOutTexts);
  if (values.json) {
    io.out(jsonLine(record));
    return;
  }
  io.out(`Held-out: ${heldOutText(record.heldOutLines, record.heldOutDialogues)}, ${record.predictions} predictions; intact loss ${record.loss.toFixed(4)}, accuracy ${percent(record.accuracy)}\n`);
  io.out(`${'unit'.padEnd(6)} ${'loss'.padStart(8)} ${'change'.padStart(9)} ${'accuracy'.padStart(9)} ${'change'.padStart(8)}\n`);
  for (const u of [...record.units].sort((a, b) => b.lossChange - a.lossChange)) {
    io.out(
      `${u.unit.padEnd(6)} ${u.loss.toFixed(4).padStart(8)} ${signed(u.lossChange).padStart(9)} ${percent(u.accuracy).padStart(9)} ${(signed(u.accuracyChange * 100, 1) + '%').padStart(8)}\n`,
    );
  }
}

export const EXPLAIN_COMMANDS: Record<string, (args: string[], io: CliIo) => Promise<void>> = { explain, tree, unit, ablate };
