/**
 * `slm history`: a model's training history, one line per epoch, and any epoch's checkpoint written
 * out as a model file of its own.
 */
import { resolve } from 'node:path';
import { EPOCHS } from '../model/network/limits.ts';
import type { TrainingRecord } from '../model/network/model.ts';
import { describeCap } from '../model/network/vocabulary.ts';
import { modelAtEpoch } from '../model/training/checkpoints.ts';
import { checkTarget, sameFile } from '../files/atomicWrite.ts';
import { modelInputs, saveModel } from '../files/modelPaths.ts';
import { UsageError, jsonLine, numberOption, parse, printable, stringOption } from './args.ts';
import type { CliIo } from './io.ts';
import { jsonOption, modelOption, modelPath, openModel } from './modelOption.ts';

export const HISTORY_USAGE = `  slm history [--model P] [--json]
  slm history --epoch K --out F [--model P]`;

export async function history(args: string[], io: CliIo): Promise<void> {
  const { values } = parse(args, { ...modelOption, ...jsonOption, epoch: { type: 'string' }, out: { type: 'string' } }, { min: 0, max: 0, names: '' });
  const out = stringOption(values.out);
  const epochGiven = values.epoch !== undefined;
  if (epochGiven !== (out !== undefined)) throw new UsageError('history --epoch K and --out F go together: the epoch to write, and the model file to write it to');
  const epoch = numberOption(values.epoch, '--epoch', 0, { min: 0, max: EPOCHS.max, integer: true });
  if (out !== undefined) {
    if (values.json) throw new UsageError('--json lists the history; it does not go with --epoch and --out');
    const target = resolve(out);
    for (const input of await modelInputs(modelPath(values.model))) {
      if (await sameFile(target, resolve(input))) throw new UsageError(`--out ${out} is the model being read; writing there would destroy it, so choose another --out`);
    }
    await checkTarget(target);
    const model = modelAtEpoch(await openModel(values.model), epoch);
    await saveModel(model, target);
    io.out(`Wrote ${printable(model.name)} (the weights after epoch ${epoch}) to ${out}\n`);
    return;
  }
  const model = await openModel(values.model);
  const record = model.training;
  if (!record || record.history.length === 0) {
    // Not a failure: the model simply has no epochs to list (with --json, no lines).
    io.err(`slm: ${printable(model.name)} has no training history (it was imported, or saved without one)\n`);
    return;
  }
  if (values.json) {
    for (const { epoch, trainLoss, testLoss, testAccuracy } of record.history) {
      io.out(jsonLine({ epoch, trainLoss: finite(trainLoss), testLoss: finite(testLoss), testAccuracy: finite(testAccuracy) }));
    }
    return;
  }
  const kept = new Set(record.checkpoints.map((c) => c.epoch));
  io.out(`${printable(model.name)}: ${record.history.length - 1} epochs on ${printable(record.corpus) || 'a corpus'}, seed ${record.seed}, best epoch ${record.bestEpoch}; ${kept.size} checkpoints\n`);
  io.out(`${vocabularyLine(record, model.vocabulary.tokens.length)}\n`);
  io.out('epoch  train loss  held-out loss  held-out accuracy  checkpoint\n');
  for (const h of record.history) {
    io.out(
      `${String(h.epoch).padStart(5)}  ${fixed(h.trainLoss, 4).padStart(10)}  ${fixed(h.testLoss, 4).padStart(13)}  ` +
        `${(Number.isFinite(h.testAccuracy) ? `${(h.testAccuracy * 100).toFixed(1)}%` : '-').padStart(17)}  ${kept.has(h.epoch) ? 'yes' : ''}\n`,
    );
  }
}

/** A diverged epoch's metric (NaN) is written as null, as the model file does. */
function finite(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

function fixed(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '-';
}

/** The vocabulary cap the run read its corpus under, and what it left out: "vocabulary cap 1,000 words: kept 1,000 of 5,000 words; ...". */
function vocabularyLine(record: TrainingRecord, rows: number): string {
  const words = rows - 2;
  const cap = `vocabulary cap ${record.maxVocabulary.toLocaleString('en')} words`;
  const left =
    record.droppedWords !== undefined && record.droppedShare !== undefined
      ? describeCap({ kept: words, dropped: record.droppedWords, share: record.droppedShare })
      : null;
  return left ? `${cap}: ${left}` : `${cap}; the model has ${words.toLocaleString('en')}`;
}
