/**
 * The training history's costs, for `npm run bench`: the bundled Boris file's size and the time to
 * open it (read and parse, checkpoints decoded), and what recording a checkpoint after each epoch
 * costs a run: the recording's own time per epoch beside an epoch's time.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointRecorder } from '../src-main/model/training/checkpoints.ts';
import { parseModel } from '../src-main/model/formats/slmJson.ts';
import { Trainer } from '../src-main/model/training/training.ts';
import type { Vocabulary } from '../src-main/model/network/vocabulary.ts';

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const round = (value: number): number => Number(value.toPrecision(4));

export function historyCosts(root: string, corpus: { vocabulary: Vocabulary; lines: number[][] }) {
  const path = join(root, 'resources', 'models', 'boris.slm.json');
  const bytes = statSync(path).size;
  const opens: number[] = [];
  let checkpoints = 0;
  for (let r = 0; r < 7; r++) {
    const began = performance.now();
    const model = parseModel(readFileSync(path, 'utf8'), path);
    opens.push(performance.now() - began);
    checkpoints = model.training?.checkpoints.length ?? 0;
  }
  // Epoch time of Boris's run (E = 16, 20 epochs), and the recorder's time for the same weights.
  const trainer = new Trainer(corpus.lines, corpus.vocabulary, { embedding: 16, epochs: 20, learningRate: 0.0015, seed: 3, samplesPerEpoch: 0 });
  while (!trainer.done) trainer.runLines(1 << 30);
  const epochMs = median(trainer.history.slice(1).map((h) => h.seconds * 1000));
  const recorder = new CheckpointRecorder(trainer.weights);
  const records: number[] = [];
  for (let r = 0; r < 7; r++) {
    const began = performance.now();
    for (let epoch = 0; epoch < 200; epoch++) recorder.record(r * 200 + epoch, trainer.weights);
    records.push((performance.now() - began) / 200);
  }
  const recordMs = median(records);
  return {
    borisFile: { bytes, checkpoints, target: 4_000_000, met: bytes <= 4_000_000 },
    borisOpenMs: { median: round(median(opens)), runs: opens.map(round), target: 200, met: median(opens) <= 200 },
    checkpointCost: {
      epochMs: round(epochMs),
      recordMs: round(recordMs),
      shareOfEpoch: round(recordMs / epochMs),
      note: 'one checkpoint recorded per epoch; its cost beside the epoch it follows',
    },
  };
}
