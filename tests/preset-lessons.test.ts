import { describe, expect, it } from 'vitest';
import { inspectCorpus } from '../src-main/model/training/corpusReport.ts';
import { examplePrompts } from '../src-main/model/training/examplePrompts.ts';
import { Conversation } from '../src-main/model/network/generation.ts';
import { createRng } from '../src-main/model/network/rng.ts';
import { tokenize, tokenizeCorpus } from '../src-main/model/network/tokenizer.ts';
import { Trainer } from '../src-main/model/training/training.ts';
import { buildVocabulary, encode } from '../src-main/model/network/vocabulary.ts';
import { CATS_CORPUS, FEW_HELD_OUT, TRAINING_PRESETS, TRAIN_DEFAULTS, defaultKeep, suggestModelName } from '../src-renderer/lib/presets.ts';

/**
 * A preset is a lesson: trained with the Train view's default settings (as the view sends them), the
 * model answers the questions of its own corpus's training lines, greedily (temperature 0), each asked
 * in a fresh conversation as the chat asks it.
 */
const trained = new Map<string, ReturnType<typeof trainOnce>>();
function trainAsTheViewDoes(corpus: string) {
  if (!trained.has(corpus)) trained.set(corpus, trainOnce(corpus));
  return trained.get(corpus)!;
}
function trainOnce(corpus: string) {
  const lines = tokenizeCorpus(corpus);
  const vocabulary = buildVocabulary(lines);
  const trainer = new Trainer(
    lines.map((line) => encode(vocabulary, line)),
    vocabulary,
    { embedding: Number(TRAIN_DEFAULTS.embedding), epochs: Number(TRAIN_DEFAULTS.epochs), learningRate: Number(TRAIN_DEFAULTS.learningRate), seed: Number(TRAIN_DEFAULTS.seed) },
  );
  while (!trainer.done) trainer.runLines(10_000);
  const preset = TRAINING_PRESETS.find((p) => p.corpus === corpus);
  const keep = preset?.keep ?? defaultKeep(inspectCorpus(corpus).heldOutLines);
  return { trainer, vocabulary, weights: keep === 'final' ? trainer.weights : trainer.best, keep };
}

describe('the Train view’s presets, trained with its default settings', () => {
  for (const preset of TRAINING_PRESETS) {
    it(`“${preset.label}” gives a model that answers every question of its training lines, the chat’s example prompts among them`, () => {
      const { trainer, vocabulary, weights, keep } = trainAsTheViewDoes(preset.corpus);
      expect(trainer.status).toBe('completed');
      const trainedLines = preset.corpus.split('\n').slice(0, trainer.split.train.length);
      const asked = trainedLines.filter((line) => line.includes('?'));
      expect(asked.length).toBeGreaterThanOrEqual(10);
      const answers = asked.map((line) => {
        const question = line.slice(0, line.indexOf('?') + 1);
        const reply = new Conversation(weights, vocabulary).say(question, { temperature: 0, rng: createRng(1) });
        return { question, expected: tokenize(line.slice(question.length)).join(' '), got: reply.tokens.map((row) => vocabulary.tokens[row]).join(' ') };
      });
      expect(answers.filter((a) => a.got !== a.expected)).toEqual([]);
      // Each question has an answer written after it (a rhetorical question would ask for a silent reply).
      expect(answers.filter((a) => a.expected === '')).toEqual([]);
      // The chat's example prompts, and so the tour's first question, are among the questions answered.
      const questions = new Set(answers.map((a) => a.question));
      expect(examplePrompts(preset.corpus).filter((prompt) => !questions.has(prompt))).toEqual([]);
      // A tiny held-out set: the final epoch is kept, as the view says; a story keeps its final epoch too.
      expect(keep).toBe(preset.keep ?? (inspectCorpus(preset.corpus).heldOutLines < FEW_HELD_OUT ? 'final' : 'best'));
    });
  }

  it('the story shows a bigger vocabulary: ten times the cats lesson’s words, and a cap that leaves some out says how many', () => {
    const story = TRAINING_PRESETS.find((p) => p.id === 'lighthouse')!;
    const words = inspectCorpus(story.corpus).words;
    expect(words).toBeGreaterThan(10 * inspectCorpus(CATS_CORPUS).words);
    expect(story.corpus.split('\n').length).toBeGreaterThanOrEqual(200);
    const capped = inspectCorpus(story.corpus, undefined, 200);
    expect(capped.droppedWords).toBe(words - 200);
    expect(capped.droppedShare).toBeGreaterThan(0);
  });

  it('answers “what do cats eat?” with its line about fish, not a loop', () => {
    const { vocabulary, weights } = trainAsTheViewDoes(CATS_CORPUS);
    expect(new Conversation(weights, vocabulary).say('what do cats eat?', { temperature: 0, rng: createRng(1) }).text).toBe('cats eat fish.');
  });
});

describe('what the chat and the Train view take from a corpus', () => {
  it('names a model after its corpus’s most frequent uncommon word, or “Model 1”', () => {
    expect(suggestModelName(inspectCorpus(CATS_CORPUS).vocabulary)).toBe('Cats model');
    // The story's most frequent word beyond the common ones is its keeper's name, not "she".
    expect(suggestModelName(inspectCorpus(TRAINING_PRESETS.find((p) => p.id === 'lighthouse')!.corpus).vocabulary)).toBe('Ada model');
    expect(suggestModelName(inspectCorpus('who are you? i am here.\nwhat is it? it is.').vocabulary)).toBe('Model 1');
    expect(suggestModelName([], ['Model 1'])).toBe('Model 2');
  });

  it('offers example prompts that are questions of the corpus’s trained lines, as written', () => {
    const prompts = examplePrompts(CATS_CORPUS);
    expect(prompts).toHaveLength(5);
    for (const prompt of prompts) {
      expect(prompt.endsWith('?')).toBe(true);
      expect(CATS_CORPUS.split('\n').some((line) => line.startsWith(prompt))).toBe(true);
    }
    // The held-out lines are not offered: the model was never trained on them.
    expect(prompts).not.toContain('what do cats drink?');
    expect(examplePrompts('hello there. how nice.\nthe sun is out!\n+ and the rain?')).toEqual(['hello there.', 'the sun is out!']);
  });
});
