/** A lesson on the bundled Boris with every part set, for the lesson tests (reader, service, CLI). */
import type { Lesson } from '../../src-main/service/protocol.ts';

export function aLesson(overrides: Partial<Lesson> = {}): Lesson {
  return {
    format: 'slm-lesson',
    version: 1,
    title: 'Why Boris says frogs',
    model: { kind: 'bundled', name: 'Boris' },
    conversation: {
      turns: [
        { prompt: 'do you like frogs?', temperature: 0, topK: 0, seed: 1 },
        { prompt: 'what do you eat?', temperature: 0.8, topK: 5, seed: 7 },
      ],
      next: { temperature: 0.5, topK: 0, seed: 8 },
      sameSeed: false,
    },
    view: 'inside',
    clock: 3,
    explain: { on: true, measure: 'occlusion' },
    unitCard: { layer: 'h2', unit: 3 },
    compare: { sentences: ['i like frogs', 'i like toads', 'frogs are green'], metric: 'cosine' },
    epoch: null,
    knockouts: [{ layer: 'h1', unit: 2 }],
    edits: [{ matrix: 'w2', row: 4, column: 1, value: 0.25 }],
    notes: [
      { step: 0, text: 'The line starts from zeros.' },
      { step: 3, text: 'Here "like" is read.' },
    ],
    ...overrides,
  };
}

