/**
 * Ready-made examples for a first-time learner: prompts to send, pairs of sentences to compare that
 * teach something, and a small corpus to train on.
 */

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

/** A 20-line corpus, "question? answer." like Boris's, to teach a new model about cats. */
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
  'do cats like dogs? cats do not like dogs.',
  'how do cats feel? cats feel happy.',
  'when do cats sleep? cats sleep all day.',
  'what do cats play with? cats play with string.',
  'do you like cats? i love cats.',
  'what colour is a cat? a cat can be black or white.',
  'how many legs does a cat have? a cat has four legs.',
  'can cats climb? cats climb trees.',
  'are cats happy? cats are happy in the sun.',
  'what do cats drink? cats drink milk.',
  'hello cat. hello friend.',
].join('\n');
