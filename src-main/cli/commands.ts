import { basename, resolve } from 'node:path';
import { parseChecks, scoreChecks } from '../model/training/checks.ts';
import { parseFollowUps, scoreFollowUps } from '../model/training/followUps.ts';
import { inputError, quote } from '../model/network/errors.ts';
import { Conversation, traceText } from '../model/network/generation.ts';
import { type Metric, nearestWords, sentenceDistance } from '../model/geometry/geometry.ts';
import { type Model, ORIGINAL_TEMPERATURE } from '../model/network/model.ts';
import { createRng } from '../model/network/rng.ts';
import { topRows } from '../model/network/sampling.ts';
import { tokenizeCorpus } from '../model/network/tokenizer.ts';
import { CARRY_CONTEXT, CLIP_NORM, CONTEXT_IDENTITY, EMBEDDING, EPOCHS, LEARNING_RATE, MAX_CHECKS_CHARACTERS, MAX_CORPUS_CHARACTERS, MAX_WORDMAP_CHARACTERS, NEIGHBOURS, SEED, TEMPERATURE, TOP_K, VOCABULARY_CAP } from '../model/network/limits.ts';
import { LineEvaluator } from '../model/units/knockout.ts';
import { Trainer, trainingRecord } from '../model/training/training.ts';
import { TRAINING_DEFAULTS, type TrainingOptions, splitCorpus } from '../model/training/setup.ts';
import { buildCappedVocabulary, capCounts, describeCap, encode, vocabularyFromWordmap } from '../model/network/vocabulary.ts';
import { exportOriginalFiles, importOriginalFiles, modelInputs, modelNameFromPath, originalPaths, readText, saveModel } from '../files/modelPaths.ts';
import { checkTarget, sameFile } from '../files/atomicWrite.ts';
import { bundledChecksPath, bundledCorpusPath, bundledFollowUpsPath } from '../files/resources.ts';
import { UsageError, jsonLine, numberOption, parse, printable, shownToken, stringOption } from './args.ts';
import type { CliIo } from './io.ts';
import { formatDuration, progressLine } from './progress.ts';
import { EXPLAIN_COMMANDS, EXPLAIN_USAGE } from './explainCommands.ts';
import { DYNAMICS_USAGE, dynamics } from './dynamicsCommand.ts';
import { HISTORY_USAGE, history } from './historyCommands.ts';
import { PATCH_USAGE, patch } from './patchCommand.ts';
import { LESSON_USAGE, lesson } from './lessonCommand.ts';
import { jsonOption, modelOption, modelPath, openModel } from './modelOption.ts';

export const USAGE = `slm: a tiny recurrent language model on the command line

  slm chat [PROMPT] [--model P] [--temperature T] [--top-k K] [--seed N] [--json]
  slm neighbours WORD [-k 5] [--metric euclidean|cosine] [--model P] [--json]
  slm compare SENTENCE_A SENTENCE_B [--metric euclidean|cosine] [--model P] [--json]
  slm trace TEXT [--model P] [--temperature T] [--json]
  slm train [--corpus F] [--vocab wordmap.json | --max-vocabulary N] [--embedding E] [--epochs N]
            [--seed S] [--lr X] [--carry SHARE] [--context-identity A] [--clip N] [--name NAME] --out F [--json]
  slm eval [--model P] [--checks F] [--corpus F] [--json]
  slm eval --follow-ups [--model P] [--checks F] [--json]
  slm import WEIGHTS.npz [WORDMAP.json] --out MODEL.slm.json [--name NAME]
  slm export [--model P] --out-dir DIR
${HISTORY_USAGE}
${EXPLAIN_USAGE}
${DYNAMICS_USAGE}
${PATCH_USAGE}
${LESSON_USAGE}

--model takes a model file (*.slm.json), a folder holding weights.npz + wordmap.json, or an .npz
with wordmap.json beside it; without it, the bundled Boris.`;


/**
 * Refuses to write `target` when it is one of the command's own inputs (the same path or a link to
 * the same file): writing there would destroy what the command was reading.
 */
async function refuseInputAsOutput(option: string, target: string, inputs: readonly { path: string; what: string }[]): Promise<void> {
  for (const input of inputs) {
    if (await sameFile(resolve(target), resolve(input.path))) {
      throw new UsageError(`${option} ${target} is ${input.what}; writing there would destroy it, so choose another ${option}`);
    }
  }
}

function metricOption(value: string | boolean | undefined): Metric {
  if (value === undefined || value === 'euclidean') return 'euclidean';
  if (value === 'cosine') return 'cosine';
  throw new UsageError(`--metric is euclidean or cosine, not ${quote(String(value))}`);
}

function round(value: number, digits = 6): number {
  return Number(value.toFixed(digits));
}

export async function chat(args: string[], io: CliIo): Promise<void> {
  const { values, positionals } = parse(
    args,
    {
      ...modelOption,
      ...jsonOption,
      temperature: { type: 'string' },
      'top-k': { type: 'string' },
      seed: { type: 'string' },
    },
    { min: 0, max: 1, names: 'PROMPT' },
  );
  const temperatureOption = (fallback: number) => numberOption(values.temperature, '--temperature', fallback, TEMPERATURE);
  temperatureOption(0);
  const topK = numberOption(values['top-k'], '--top-k', 0, { ...TOP_K, integer: true });
  const seed = numberOption(values.seed, '--seed', Date.now() % 2 ** 32, { ...SEED, integer: true });
  const model = await openModel(values.model);
  const name = printable(model.name);
  const options = { temperature: temperatureOption(model.defaultTemperature), topK, rng: createRng(seed) };
  const conversation = new Conversation(model.weights, model.vocabulary, name);
  const reply = (prompt: string) => {
    const line = conversation.say(prompt, options);
    const tokens = line.tokens.map((row) => model.vocabulary.tokens[row]);
    return { reply: line.text, tokens };
  };
  if (positionals.length === 1) {
    const answer = reply(positionals[0]);
    io.out(values.json ? jsonLine(answer) : printable(answer.reply, Number.POSITIVE_INFINITY) + '\n');
    return;
  }
  if (!io.readLines) throw new UsageError('give a PROMPT, or run `slm chat` in a terminal to talk');
  const prompts = Boolean(io.inputIsTerminal) && !values.json;
  if (prompts) io.err(`Talking to ${name}. Type a message; /reset starts over, /quit or Ctrl-D leaves.\n> `);
  for await (const raw of io.readLines()) {
    const text = raw.trim();
    if (text === '/quit' || text === '/exit') break;
    if (text === '/reset') {
      conversation.reset();
      if (prompts) io.err('(a new conversation)\n> ');
      continue;
    }
    if (text !== '') {
      try {
        const answer = reply(text);
        io.out(values.json ? jsonLine(answer) : `${name}: ${printable(answer.reply, Number.POSITIVE_INFINITY) || '...'}\n`);
      } catch (error) {
        io.err(`slm: ${(error as Error).message}\n`);
      }
    }
    if (prompts) io.err('> ');
  }
}

export async function neighbours(args: string[], io: CliIo): Promise<void> {
  const { values, positionals } = parse(
    args,
    { ...modelOption, ...jsonOption, k: { type: 'string', short: 'k' }, metric: { type: 'string' } },
    { min: 1, max: 1, names: 'WORD' },
  );
  const k = numberOption(values.k, '-k', 5, { ...NEIGHBOURS, integer: true });
  const model = await openModel(values.model);
  const found = nearestWords(model.weights, model.vocabulary, positionals[0], k, metricOption(values.metric));
  if (values.json) io.out(jsonLine(found));
  else for (const { word, distance } of found) io.out(`${shownToken(word).padEnd(12)} ${distance.toFixed(4)}\n`);
}

export async function compare(args: string[], io: CliIo): Promise<void> {
  const { values, positionals } = parse(args, { ...modelOption, ...jsonOption, metric: { type: 'string' } }, { min: 2, max: 2, names: 'SENTENCE_A and SENTENCE_B' });
  const model = await openModel(values.model);
  const distance = sentenceDistance(model.weights, model.vocabulary, positionals[0], positionals[1], metricOption(values.metric));
  io.out(values.json ? jsonLine({ distance }) : `${distance}\n`);
}

export async function trace(args: string[], io: CliIo): Promise<void> {
  const { values, positionals } = parse(args, { ...modelOption, ...jsonOption, temperature: { type: 'string' } }, { min: 1, max: 1, names: 'TEXT' });
  numberOption(values.temperature, '--temperature', 0, TEMPERATURE);
  const model = await openModel(values.model);
  const temperature = numberOption(values.temperature, '--temperature', model.defaultTemperature, TEMPERATURE);
  const records = traceText(model, positionals[0], temperature).map(({ step, text }) => ({
    token: text,
    h1: Array.from(step.h1),
    h2: Array.from(step.h2),
    probs: Array.from(step.probs),
  }));
  if (values.json) {
    io.out(jsonLine(records));
    return;
  }
  for (const record of records) {
    const best = topRows(record.probs, 3)
      .map((row) => `${shownToken(model.vocabulary.tokens[row])} ${(record.probs[row] * 100).toFixed(1)}%`)
      .join(', ');
    io.out(`${shownToken(record.token, '<start>').padEnd(10)} h2 [${record.h2.map((v) => v.toFixed(2).padStart(5)).join(' ')}]  next: ${best}\n`);
  }
}

export async function train(args: string[], io: CliIo): Promise<void> {
  const { values } = parse(
    args,
    {
      ...jsonOption,
      corpus: { type: 'string' },
      vocab: { type: 'string' },
      'max-vocabulary': { type: 'string' },
      embedding: { type: 'string' },
      epochs: { type: 'string' },
      seed: { type: 'string' },
      lr: { type: 'string' },
      carry: { type: 'string' },
      'context-identity': { type: 'string' },
      clip: { type: 'string' },
      name: { type: 'string' },
      out: { type: 'string' },
    },
    { min: 0, max: 0, names: '' },
  );
  const out = stringOption(values.out);
  if (!out) throw new UsageError('train needs --out F, the model file to write');
  const options: TrainingOptions = {
    embedding: numberOption(values.embedding, '--embedding', TRAINING_DEFAULTS.embedding, { ...EMBEDDING, integer: true }),
    epochs: numberOption(values.epochs, '--epochs', TRAINING_DEFAULTS.epochs, { ...EPOCHS, integer: true }),
    seed: numberOption(values.seed, '--seed', TRAINING_DEFAULTS.seed, { ...SEED, integer: true }),
    learningRate: numberOption(values.lr, '--lr', TRAINING_DEFAULTS.learningRate, LEARNING_RATE),
    carryContext: numberOption(values.carry, '--carry', 0, CARRY_CONTEXT),
    contextIdentity: numberOption(values['context-identity'], '--context-identity', 0, CONTEXT_IDENTITY),
    clipNorm: numberOption(values.clip, '--clip', TRAINING_DEFAULTS.clipNorm, CLIP_NORM),
  };
  const corpusPath = resolve(stringOption(values.corpus) ?? bundledCorpusPath());
  const vocabPath = stringOption(values.vocab);
  if (vocabPath && values['max-vocabulary'] !== undefined) throw new UsageError('--vocab gives the vocabulary itself; --max-vocabulary caps one built from the corpus, so give one or the other');
  const maxVocabulary = numberOption(values['max-vocabulary'], '--max-vocabulary', VOCABULARY_CAP.default, { ...VOCABULARY_CAP, integer: true });
  await refuseInputAsOutput('--out', out, [
    { path: corpusPath, what: 'the corpus' },
    ...(vocabPath ? [{ path: vocabPath, what: 'the wordmap' }] : []),
  ]);
  // Checked before training, not after a long run: the target must be a regular file or nothing yet.
  await checkTarget(resolve(out));
  const lines = tokenizeCorpus(await readText(corpusPath, 'the corpus', MAX_CORPUS_CHARACTERS));
  if (lines.length === 0) throw inputError(`the corpus ${corpusPath} has no lines with words in them`);
  const capped = vocabPath ? undefined : buildCappedVocabulary(lines, maxVocabulary);
  const vocabulary = capped
    ? capped.vocabulary
    : vocabularyFromWordmap(parseJson(await readText(resolve(vocabPath!), 'the wordmap', MAX_WORDMAP_CHARACTERS), vocabPath!));
  const cap = capped ? capCounts(capped) : null;
  const capReport = cap ? describeCap(cap) : null;
  // Said before the run, not after it: a learner sees at once what the cap made of the corpus.
  if (capReport && !values.json) io.out(`Vocabulary: ${capReport}.\n`);
  const trainer = new Trainer(
    lines.map((line) => encode(vocabulary, line)),
    vocabulary,
    options,
  );
  const started = performance.now();
  const showBar = io.errIsTerminal && !values.json;
  let lastDrawn = 0;
  while (!trainer.done) {
    for (const report of trainer.runLines(64)) {
      if (values.json) {
        const { epoch, trainLoss, testLoss, testAccuracy, seconds } = report;
        io.out(jsonLine({ epoch, trainLoss, testLoss, testAccuracy, seconds }));
      }
    }
    const now = performance.now();
    if (showBar && (now - lastDrawn > 100 || trainer.done)) {
      lastDrawn = now;
      const last = trainer.history[trainer.history.length - 1];
      const detail = `epoch ${trainer.epoch}/${trainer.epochs} loss ${last.trainLoss.toFixed(3)} held-out ${(last.testAccuracy * 100).toFixed(1)}%`;
      io.err('\r' + progressLine(trainer.progress, (now - started) / 1000, detail));
    }
  }
  if (showBar) io.err('\n');
  if (trainer.status === 'diverged' && trainer.error) io.err(`slm: ${trainer.error.message}\n`);
  if (trainer.bestEpoch === 0) {
    // No epoch did better than the untrained weights: writing them would only replace a good file.
    io.err(`slm: no epoch improved on the untrained weights, so nothing was written; ${out} is left as it was\n`);
    throw new CommandFailed();
  }
  const model: Model = {
    name: stringOption(values.name) ?? capitalise(modelNameFromPath(out)),
    vocabulary,
    weights: trainer.best,
    defaultTemperature: ORIGINAL_TEMPERATURE,
    training: trainingRecord(trainer, options, basename(corpusPath), capped),
  };
  await saveModel(model, resolve(out));
  const best = trainer.history[trainer.bestEpoch];
  const seconds = (performance.now() - started) / 1000;
  if (values.json) {
    io.out(
      jsonLine({
        done: true,
        status: trainer.status,
        bestEpoch: trainer.bestEpoch,
        testAccuracy: best.testAccuracy,
        tokensPerSecond: Math.round(trainer.tokensPerSecond),
        ...(cap ? { keptWords: cap.kept, droppedWords: cap.dropped, droppedShare: cap.share } : {}),
        seconds: round(seconds, 3),
        out: resolve(out),
      }),
    );
  } else {
    io.out(
      `${trainer.status === 'completed' ? 'Trained' : 'Stopped'} after ${trainer.epoch} epochs in ${formatDuration(seconds)} ` +
        `(${Math.round(trainer.tokensPerSecond).toLocaleString('en')} tokens/s). Best epoch ${trainer.bestEpoch}: ` +
        `held-out accuracy ${(best.testAccuracy * 100).toFixed(1)}%, loss ${best.testLoss.toFixed(4)}. Saved ${out}\n`,
    );
  }
  if (trainer.status === 'diverged') throw new CommandFailed();
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw inputError(`${source} is not valid JSON (${(error as Error).message})`);
  }
}

export async function evaluate(args: string[], io: CliIo): Promise<void> {
  const { values } = parse(
    args,
    { ...modelOption, ...jsonOption, checks: { type: 'string' }, corpus: { type: 'string' }, 'follow-ups': { type: 'boolean' } },
    { min: 0, max: 0, names: '' },
  );
  if (values['follow-ups']) {
    if (values.corpus !== undefined) throw new UsageError('--corpus gives a held-out accuracy, which --follow-ups does not report; run them apart');
    await evaluateFollowUps(values, io);
    return;
  }
  const model = await openModel(values.model);
  const checksPath = resolve(stringOption(values.checks) ?? bundledChecksPath());
  const score = scoreChecks(model, parseChecks(await readText(checksPath, 'the check set', MAX_CHECKS_CHARACTERS), checksPath));
  let heldOut: { lines: number; loss: number; accuracy: number } | undefined;
  const corpusPath = stringOption(values.corpus);
  if (corpusPath) {
    const lines = tokenizeCorpus(await readText(resolve(corpusPath), 'the corpus', MAX_CORPUS_CHARACTERS)).map((line) => encode(model.vocabulary, line));
    const { test } = splitCorpus(lines);
    const result = new LineEvaluator(model.weights, test).evaluate();
    heldOut = { lines: test.length, loss: result.loss, accuracy: result.accuracy };
  }
  if (values.json) {
    io.out(jsonLine({ right: score.right, total: score.total, share: score.share, heldOut, results: score.results }));
    return;
  }
  for (const r of score.results) io.out(`${r.right ? 'ok  ' : 'MISS'} ${printable(r.prompt).padEnd(36)} ${printable(r.reply, Number.POSITIVE_INFINITY)}\n`);
  io.out(`${printable(model.name)} answered ${score.right} of ${score.total} checks right (${(score.share * 100).toFixed(1)}%), greedy decoding.\n`);
  if (heldOut) {
    io.out(`Held-out lines of ${corpusPath} (${heldOut.lines}): next-token accuracy ${(heldOut.accuracy * 100).toFixed(1)}%, loss ${heldOut.loss.toFixed(4)}.\n`);
  }
}

/** `slm eval --follow-ups`: each check's turns said in one conversation, the last reply scored. */
async function evaluateFollowUps(values: Record<string, string | boolean | undefined>, io: CliIo): Promise<void> {
  const model = await openModel(values.model);
  const path = resolve(stringOption(values.checks) ?? bundledFollowUpsPath());
  const score = scoreFollowUps(model, parseFollowUps(await readText(path, 'the follow-up set', MAX_CHECKS_CHARACTERS), path));
  if (values.json) {
    io.out(jsonLine({ right: score.right, total: score.total, share: score.share, results: score.results }));
    return;
  }
  for (const r of score.results) {
    const before = r.history.map((turn, i) => `${turn} ${r.historyReplies[i]}`).join(' / ');
    const expected = r.right ? '' : `   (right: ${printable(r.answers.join(' or '))})`;
    io.out(`${r.right ? 'ok  ' : 'MISS'} ${printable(before).padEnd(56)} ${printable(r.prompt)} ${printable(r.reply)}${expected}\n`);
  }
  io.out(
    `${printable(model.name)} answered ${score.right} of ${score.total} follow-ups right (${(score.share * 100).toFixed(1)}%), ` +
      `greedy decoding, each after the turns before it in one conversation.\n`,
  );
}

export async function importCommand(args: string[], io: CliIo): Promise<void> {
  const { values, positionals } = parse(args, { out: { type: 'string' }, name: { type: 'string' } }, { min: 1, max: 2, names: 'WEIGHTS.npz' });
  const out = stringOption(values.out);
  if (!out) throw new UsageError('import needs --out MODEL.slm.json');
  const weightsPath = resolve(positionals[0]);
  const wordmapPath = resolve(positionals[1] ?? resolve(weightsPath, '..', 'wordmap.json'));
  await refuseInputAsOutput('--out', out, [
    { path: weightsPath, what: 'the weights file being imported' },
    { path: wordmapPath, what: 'the wordmap being imported' },
  ]);
  await checkTarget(resolve(out));
  const model = await importOriginalFiles(weightsPath, wordmapPath, stringOption(values.name) ?? capitalise(modelNameFromPath(out)));
  await saveModel(model, resolve(out));
  io.out(`Imported ${model.weights.vocabularySize} tokens, E = ${model.weights.embeddingSize}, into ${out}\n`);
}

export async function exportCommand(args: string[], io: CliIo): Promise<void> {
  const { values } = parse(args, { ...modelOption, 'out-dir': { type: 'string' } }, { min: 0, max: 0, names: '' });
  const folder = stringOption(values['out-dir']);
  if (!folder) throw new UsageError('export needs --out-dir DIR');
  const targets = originalPaths(resolve(folder));
  const inputs = (await modelInputs(modelPath(values.model))).map((path) => ({ path, what: 'a file of the model being exported' }));
  await refuseInputAsOutput('--out-dir', targets.weights, inputs);
  await refuseInputAsOutput('--out-dir', targets.wordmap, inputs);
  const model = await openModel(values.model);
  const paths = await exportOriginalFiles(model, resolve(folder));
  io.out(`Wrote ${paths.weights} and ${paths.wordmap}\n`);
}

/** A command that has already told the person what went wrong, and only needs exit code 1. */
export class CommandFailed extends Error {}

/** Every command by name. Look names up with `commandNamed`, never by indexing: "constructor" is no command. */
export const COMMANDS: Record<string, (args: string[], io: CliIo) => Promise<void>> = {
  chat,
  neighbours,
  neighbors: neighbours,
  compare,
  trace,
  train,
  eval: evaluate,
  import: importCommand,
  export: exportCommand,
  history,
  ...EXPLAIN_COMMANDS,
  dynamics,
  patch,
  lesson,
};

/** The command called `name`, looked up among COMMANDS' own names only. */
export function commandNamed(name: string): ((args: string[], io: CliIo) => Promise<void>) | undefined {
  return Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
}
