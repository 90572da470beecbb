/**
 * `slm patch`: which units carry the memory of one history into the last turn (activation patching,
 * model/dynamics/patching.ts), the numbers of the app's "Which units carry the memory" heatmap.
 */
import { type Patching, carriersSentence, patchMemory, sharePercent, unitList } from '../model/dynamics/patching.ts';
import { GREEDY } from '../model/dynamics/memory.ts';
import { EMBEDDING, MAX_PROMPT_TOKENS } from '../model/network/limits.ts';
import { UsageError, jsonLine, numberOption, parse, printable, shownToken, stringOption } from './args.ts';
import type { CliIo } from './io.ts';
import { jsonOption, modelOption, openModel } from './modelOption.ts';

export const PATCH_USAGE = `  slm patch --a TEXT --b TEXT --last TEXT [--units 3,7,12] [--step S] [--model P] [--json]
            (lines of a history separated by " / "; an empty --b is a fresh start)`;

/** Lines of a history: separated by "/" (which the tokenizer never reads); none is a fresh start. */
export function historyLines(text: string): string[] {
  return text
    .split('/')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

function unitsOption(value: string | boolean | undefined): number[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\s*\d+(\s*,\s*\d+)*\s*$/.test(value)) throw new UsageError(`--units needs unit numbers separated by commas (like 3,7,12), not ${printable(JSON.stringify(value))}`);
  const units = value.split(',').map((u) => Number(u.trim()));
  if (units.length > EMBEDDING.max) throw new UsageError(`--units names at most ${EMBEDDING.max} units`);
  return units;
}

/** The JSON record: the heatmap step by step, and with --units, those units together and the reply. */
function record(found: Patching, tokens: string[], withUnits: boolean) {
  return {
    target: found.target,
    logProbA: found.logProbA,
    logProbB: found.logProbB,
    replies: found.replies,
    steps: found.steps,
    unmeasuredSteps: found.unmeasuredSteps,
    carriers: found.carriers,
    ...(withUnits && found.together
      ? {
          together: {
            units: found.together.units,
            step: found.together.step,
            steps: found.together.steps.map((s, i) => ({ token: tokens[i], ...s })),
            reply: found.together.reply,
          },
        }
      : {}),
  };
}

const percentCell = (share: number | null) => (share === null ? '-' : `${Math.round(share * 100) || 0}%`);

export async function patch(args: string[], io: CliIo): Promise<void> {
  const { values } = parse(
    args,
    { ...modelOption, ...jsonOption, a: { type: 'string' }, b: { type: 'string' }, last: { type: 'string' }, units: { type: 'string' }, step: { type: 'string' } },
    { min: 0, max: 0, names: '' },
  );
  const a = stringOption(values.a);
  const last = stringOption(values.last);
  if (a === undefined) throw new UsageError('missing --a TEXT (history A; lines separated by " / ")');
  if (last === undefined) throw new UsageError('missing --last TEXT (the last line, said after each history)');
  const units = unitsOption(values.units);
  const step = numberOption(values.step, '--step', 0, { min: 0, max: MAX_PROMPT_TOKENS, integer: true });
  if (values.step !== undefined && units === undefined) throw new UsageError('--step says where --units are patched: give --units too');
  const model = await openModel(values.model);
  const found = patchMemory(model, [historyLines(a), historyLines(stringOption(values.b) ?? '')], last, GREEDY, units ? { units, step } : undefined);
  const tokens = found.steps.map((s) => s.token);
  if (values.json) {
    io.out(jsonLine(record(found, tokens, units !== undefined)));
    return;
  }
  const target = shownToken(found.target);
  io.out(`Target: ${target}, the most likely next token after the last line under A\n`);
  io.out(`log p(${target}): ${found.logProbA.toPrecision(4)} after A, ${found.logProbB.toPrecision(4)} after B\n`);
  io.out(`Replies: after A "${printable(found.replies[0])}"; after B "${printable(found.replies[1])}"\n\n`);
  io.out(`Share of the difference each unit brings back when patched from A into B at a step:\n`);
  io.out(`${'unit'.padEnd(6)}${tokens.map((t) => shownToken(t, '¶').padStart(8)).join('')}\n`);
  for (let u = 0; u < model.weights.embeddingSize; u++) {
    io.out(`${String(u).padEnd(6)}${found.steps.map((s) => percentCell(s.units ? s.units[u].restored : null).padStart(8)).join('')}\n`);
  }
  if (found.unmeasuredSteps > 0) io.out(`(the last ${found.unmeasuredSteps} steps are past the work budget, not measured: "-")\n`);
  io.out(`\n${carriersSentence(found).replace(/^./, (c) => c.toUpperCase())}.\n`);
  const together = found.together;
  if (together) {
    const at = shownToken(tokens[together.step], '¶');
    if (units) {
      io.out(`${unitList(together.units)} patched${together.units.length > 1 ? ' together' : ''} at each step: ${together.steps.map((s, i) => `${shownToken(tokens[i], '¶')} ${s.restored === null ? '-' : sharePercent(s.restored)}`).join(', ')}\n`);
    }
    io.out(`Reply after B with ${unitList(together.units)} patched at ${at}: "${printable(together.reply)}"\n`);
  }
}
