/**
 * Ready-made examples for a first-time learner: prompts to send, pairs of sentences to compare that
 * teach something, and a small corpus to train on.
 */
import { LIGHTHOUSE_CORPUS } from './proseCorpus.ts';

/** Prompts shown as chips under the message box: each shows a different side of the model. */
export const EXAMPLE_PROMPTS = [
  'who are you?',
  'what do you love?',
  'hello',
  'how are you today?',
  'tell me about quantum chromodynamics',
] as const;

/** Pairs for the Compare view, each with the lesson it teaches. */
export const COMPARE_PAIRS = [
  {
    label: 'Near: two greetings',
    sentences: ['hello friend', 'hi friend'],
    lesson: 'Words used in the same places end in nearby contexts: a short distance.',
  },
  {
    label: 'Far: a greeting and a question',
    sentences: ['hello friend', 'what is your favourite thing?'],
    lesson: 'Different kinds of line end far apart.',
  },
  {
    label: 'Same question, two histories',
    sentences: ['hello. who are you?', 'i love frogs very much. who are you?'],
    lesson: 'The same last words after different histories: how much of the history the context still carries.',
  },
  {
    label: 'Word order',
    sentences: ['you are my friend', 'my friend you are'],
    lesson: 'The same words in another order: a recurrent model reads order, so the contexts differ.',
  },
] as const;

/**
 * A 20-line corpus, "question? answer." like Boris's, to teach a new model about cats. Each question
 * ends in a word of its own, so that what it asks is still in the context when the answer is written
 * (a question that differs only in its first word, "where"/"when do cats sleep?", asks a small model to
 * remember further back than the Train view's defaults teach it to). The last two lines are held out.
 */
export const CATS_CORPUS = [
  'what do you love? i love cats.',
  'who are you? i am a cat.',
  'what is a cat? a cat is a small animal.',
  'do cats like fish? cats love fish.',
  'do cats like water? cats do not like water.',
  'where do cats sleep? cats sleep in the sun.',
  'what do cats say? cats say meow.',
  'are cats nice? cats are very nice.',
  'what do cats eat? cats eat fish.',
  'are cats friends with dogs? not always.',
  'how do cats feel? cats feel happy.',
  'how long do cats nap? cats nap all day.',
  'what do cats play with? cats play with string.',
  'do you like cats? i love cats.',
  'what colour is cat fur? black, white or orange.',
  'how many legs does a cat have? a cat has four legs.',
  'can cats climb? cats climb trees.',
  'are cats happy? cats are happy in the sun.',
  'what do cats drink? cats drink milk.',
  'hello cat. hello friend.',
].join('\n');

/**
 * The corpora the Train view offers as lessons: with the default settings, each makes a model that
 * answers its own questions (tests/preset-lessons.test.ts). `keep`, when set, is the epoch a run on it
 * keeps unless the learner chooses: a story's held-out sentences are new sentences that no model this
 * small predicts, so its best held-out epoch comes early, before it has learned the story by heart.
 */
export const TRAINING_PRESETS: readonly { id: string; label: string; corpus: string; keep?: 'best' | 'final' }[] = [
  { id: 'cats', label: 'Teach Boris about cats', corpus: CATS_CORPUS },
  { id: 'lighthouse', label: 'A story: the lighthouse', corpus: LIGHTHOUSE_CORPUS, keep: 'final' },
];

/**
 * The Train view's default hyper-parameters, as typed. Chosen so that every preset, trained with
 * them, answers its own corpus's questions (tests/preset-lessons.test.ts); Boris's whole corpus takes
 * about a minute with them.
 */
export const TRAIN_DEFAULTS = { embedding: '24', epochs: '80', learningRate: '0.005', seed: '1', maxVocabulary: '4094' } as const;

/** Below this many held-out texts, the Train view keeps the final epoch by default (see `defaultKeep`). */
export const FEW_HELD_OUT = 10;

/**
 * Which epoch's weights a run keeps unless the learner chooses: the best held-out epoch, except when
 * the held-out set is so small (under FEW_HELD_OUT texts) that one text more or less right decides
 * which epoch is "best"; then the final one, which has learned the training lines longest.
 */
export function defaultKeep(heldOutTexts: number): 'best' | 'final' {
  return heldOutTexts > 0 && heldOutTexts < FEW_HELD_OUT ? 'final' : 'best';
}

/** Words too common to name a model after. */
const COMMON_WORDS = new Set(
  ('a about after again all also am an and any are as at be because been before being but by can could did do does ' +
    "doing don't done each even ever for from get gets go goes going good got had has have having he her here hers " +
    "him his how i i'm if in into is it it's its just know like likes little lot love loves many me more most much " +
    'my never no not now of off oh ok okay on one only or our out over please really say says see she so some still such ' +
    'tell than thank thanks that the their them then there these they thing things think this those to too up us ' +
    "very want was we well were what when where which who why will with would yes you you're your yours")
    .split(' '),
);

/**
 * A name for a model trained on a corpus: its most frequent word that is not a common one, such as
 * "Cats model" for lines about cats; "Model 1" (or the next number free) when there is none.
 */
export function suggestModelName(vocabulary: readonly { token: string; count: number }[], taken: readonly string[] = []): string {
  let best: { token: string; count: number } | null = null;
  for (const entry of vocabulary) {
    if (!/^[a-z][a-z']{2,}$/.test(entry.token) || COMMON_WORDS.has(entry.token)) continue;
    if (!best || entry.count > best.count) best = entry;
  }
  const names = new Set(taken.map((n) => n.toLowerCase()));
  if (best) return `${best.token[0].toUpperCase()}${best.token.slice(1)} model`;
  let n = 1;
  while (names.has(`model ${n}`)) n++;
  return `Model ${n}`;
}

/**
 * Words to suggest in the Embeddings view's search: the vocabulary's first uncommon words. A
 * vocabulary built from a corpus is in order of frequency, so these are its corpus's most frequent.
 */
export function suggestedWords(vocabulary: readonly string[], count = 4): string[] {
  return vocabulary.filter((token) => /^[a-z][a-z']{2,}$/.test(token) && !COMMON_WORDS.has(token)).slice(0, count);
}

/**
 * Compare's example pairs for a model other than Boris, made of its own corpus's questions or
 * openings (its example prompts): two of its lines, and one line after two different histories.
 */
export function comparePairsFor(prompts: readonly string[]): { label: string; sentences: readonly string[]; lesson: string }[] {
  if (prompts.length < 2) return [];
  const [first, second, third = second] = prompts;
  const pairs = [
    {
      label: 'Two of its lines',
      sentences: [first, second],
      lesson: 'Two openings of its own corpus, each fed from a fresh start: how far apart the contexts they end in are.',
    },
  ];
  if (prompts.length >= 3) {
    pairs.push({
      label: 'Same line, two histories',
      sentences: [`${first} ${third}`, `${second} ${third}`],
      lesson: 'The same last words after different histories: how much of the history the context still carries.',
    });
  }
  return pairs;
}
