import type { MemoryResult, Metric, ResultOf } from '../../src-main/service/protocol.ts';
import { formatNumber as n } from './numbers.ts';

/** What the service says of the corpus's distances: how many lines and pairs, and the median. */
export type ScaleInfo = Omit<ResultOf<'distanceScale'>, 'percentBelow'>;

/**
 * A distance with a sense of scale, in words: "4.240, larger than 87.31% of the distances between two
 * lines of the corpus". The percentage is the service's (the share of the corpus's distances below d).
 */
export function scalePhrase(d: number, percent: number, metric: Metric): string {
  const kind = metric === 'cosine' ? 'cosine distances' : 'distances';
  if (percent <= 0) return `${n(d)}, smaller than every one of the ${kind} between two lines of the corpus`;
  if (percent >= 100) return `${n(d)}, larger than every one of the ${kind} between two lines of the corpus`;
  return `${n(d)}, larger than ${n(percent)}% of the ${kind} between two lines of the corpus`;
}

/** Where the corpus's distances came from: "20,000 pairs of 1,000 of its 9,425 lines; half are below 2.990". */
export function scaleSource(info: ScaleInfo): string {
  const lines = info.linesMeasured === info.lines ? `its ${info.lines.toLocaleString('en')} lines` : `${info.linesMeasured.toLocaleString('en')} of its ${info.lines.toLocaleString('en')} lines, drawn with a fixed seed`;
  const pairs = info.allPairs ? `every pair of ${lines}` : `${info.pairs.toLocaleString('en')} pairs of ${lines}`;
  return `Measured on ${pairs}, each line fed from a fresh start as a sentence is; half of the distances are below ${n(info.median)}.`;
}

/** How much of the difference between two histories is kept, in one word a newcomer reads. */
export type MemoryVerdict = 'remembers' | 'a trace' | 'forgotten' | 'nothing to remember';

/** 10% of the difference kept or more: he remembers; under 1%: forgotten; between: a trace. */
export const REMEMBERS_AT = 0.1;
export const FORGOTTEN_BELOW = 0.01;

export function memoryVerdict(memory: MemoryResult): MemoryVerdict {
  if (memory.keptShare === null) return 'nothing to remember';
  if (memory.keptShare >= REMEMBERS_AT) return 'remembers';
  if (memory.keptShare < FORGOTTEN_BELOW) return 'forgotten';
  return 'a trace';
}

/** The last line as the model read it: its words, spaced as tokens ("why ?"). */
export function lastLineRead(memory: MemoryResult): string {
  return memory.steps
    .slice(1)
    .map((s) => s.token)
    .join(' ');
}

/**
 * The one sentence that answers "does he remember?": "After “why ?” the contexts are still 2.230 apart,
 * 46.65% of the 4.781 they started with: Boris remembers."
 */
export function memorySentence(memory: MemoryResult, name: string): string {
  const end = memory.steps[memory.steps.length - 1].distance;
  const last = lastLineRead(memory);
  const verdict = memoryVerdict(memory);
  if (verdict === 'nothing to remember') {
    return `The two histories leave ${name} in the same context, so after “${last}” there is no difference to remember: both contexts are the same.`;
  }
  const share = `${n(memory.keptShare! * 100)}% of the ${n(memory.startDistance)} they started with`;
  const ending = verdict === 'remembers' ? `${name} remembers` : verdict === 'forgotten' ? `${name} has forgotten` : `only a trace is left`;
  return `After “${last}” the contexts are ${verdict === 'remembers' ? 'still ' : ''}${n(end)} apart, ${share}: ${ending}.`;
}

/** What the replies say about it. */
export function repliesSentence(memory: MemoryResult, name: string): string {
  const [a, b] = memory.replies;
  if (a === b) {
    return memoryVerdict(memory) === 'remembers'
      ? `Both histories get the same reply, “${a}”: the context still differs, but not enough to change what ${name} says.`
      : `Both histories get the same reply, “${a}”.`;
  }
  return `The replies differ: “${a}” after history A, “${b}” after history B, so what was said before changed ${name}'s answer.`;
}
