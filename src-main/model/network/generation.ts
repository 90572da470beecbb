import { inputError } from './errors.ts';
import type { Model } from './model.ts';
import { type Step, type Weights, run, step } from './network.ts';
import type { Rng } from './rng.ts';
import { sampleToken } from './sampling.ts';
import { detokenize } from './tokenizer.ts';
import { MAX_REPLY_TOKENS } from './limits.ts';
import { BOUNDARY, type Vocabulary, encode, tokenText } from './vocabulary.ts';
import { tokenizeBounded } from './tokenizer.ts';

/** The longest reply a model may write before it is cut off. */
export const DEFAULT_MAX_REPLY_TOKENS = 40;

export interface GenerationOptions {
  /** 0 means greedy (deterministic). */
  temperature: number;
  topK?: number;
  rng: Rng;
  maxTokens?: number;
}

/** One step of a line as it is run: a token fed (the prompt) or written (the reply). */
export interface LineStep {
  phase: 'prompt' | 'reply';
  step: Step;
}

export interface GeneratedLine {
  /** Steps run on the fed tokens, one per token. */
  fed: Step[];
  /** Steps run on the reply's tokens; the first reply token came from the last fed step. */
  written: Step[];
  /** Reply token rows, without the closing boundary. */
  tokens: number[];
  text: string;
  /** True when the model closed the line itself, false when the length cap cut it. */
  ended: boolean;
}

/**
 * Feeds `tokens` from `context` (zeros when omitted), then writes until the model emits the boundary
 * or the cap is reached. The returned steps carry every activation, so callers can show them.
 */
export function generateLine(
  weights: Weights,
  vocabulary: Vocabulary,
  tokens: readonly number[],
  options: GenerationOptions,
  context: Float64Array = new Float64Array(weights.embeddingSize),
): GeneratedLine {
  return finish(generateLineSteps(weights, vocabulary, tokens, options, context));
}

/** Runs a stepwise generation to its end. */
function finish<T>(steps: Generator<LineStep, T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/**
 * `generateLine` one step at a time: yields each step as it is run, so a host can send it on and let
 * other work in between; returns the whole line at the end.
 */
export function* generateLineSteps(
  weights: Weights,
  vocabulary: Vocabulary,
  tokens: readonly number[],
  options: GenerationOptions,
  context: Float64Array = new Float64Array(weights.embeddingSize),
): Generator<LineStep, GeneratedLine> {
  if (tokens.length === 0) throw inputError('there is nothing to feed the model: give it at least one token');
  const maxTokens = Math.min(options.maxTokens ?? DEFAULT_MAX_REPLY_TOKENS, MAX_REPLY_TOKENS);
  const fed: Step[] = [];
  let c = context;
  for (const token of tokens) {
    const s = step(weights, token, c, options.temperature);
    fed.push(s);
    c = s.h2;
    yield { phase: 'prompt', step: s };
  }
  const written: Step[] = [];
  const reply: number[] = [];
  let last = fed[fed.length - 1];
  let ended = false;
  while (reply.length < maxTokens) {
    const next = sampleToken(last.probs, options);
    if (next === BOUNDARY) {
      ended = true;
      break;
    }
    reply.push(next);
    last = step(weights, next, last.h2, options.temperature);
    written.push(last);
    yield { phase: 'reply', step: last };
  }
  return {
    fed,
    written,
    tokens: reply,
    text: detokenize(reply.map((row) => tokenText(vocabulary, row))),
    ended,
  };
}

/**
 * A conversation with a model: every turn feeds [boundary, prompt tokens...] from the context the last
 * turn left, then lets the model reply, so the context carries across turns.
 */
export class Conversation {
  private context: Float64Array;

  /** `name` is the model's, for messages: "the message has no words Boris can read". */
  constructor(
    private readonly weights: Weights,
    private readonly vocabulary: Vocabulary,
    public name = 'the model',
  ) {
    this.context = new Float64Array(weights.embeddingSize);
  }

  /** The context (h2) the next turn starts from. */
  get currentContext(): Float64Array {
    return this.context.slice();
  }

  reset(): void {
    this.context = new Float64Array(this.weights.embeddingSize);
  }

  say(prompt: string, options: GenerationOptions): GeneratedLine {
    return finish(this.turn(tokenizeBounded(prompt, 'the message'), options));
  }

  /**
   * `say` one step at a time, on the message's words as its caller read them (tokenizeBounded or
   * readMessage: read once). They are checked before the first step; the conversation's context moves
   * on only when the turn is run to its end.
   */
  turn(words: readonly string[], options: GenerationOptions): Generator<LineStep, GeneratedLine> {
    if (words.length === 0) {
      throw inputError(`the message has no words ${this.name} can read: write some letters or numbers`);
    }
    return this.run([BOUNDARY, ...encode(this.vocabulary, words)], options);
  }

  private *run(rows: number[], options: GenerationOptions): Generator<LineStep, GeneratedLine> {
    const line = yield* generateLineSteps(this.weights, this.vocabulary, rows, options, this.context);
    const lastStep = line.written.length > 0 ? line.written[line.written.length - 1] : line.fed[line.fed.length - 1];
    this.context = lastStep.h2.slice();
    return line;
  }
}

/**
 * Every step of feeding `[boundary, words of text...]` from a zero context, each with the text of the
 * token it fed ("" for the boundary): what `slm trace` prints and the app's trace request answers.
 */
export function traceText(model: Model, text: string, temperature = model.defaultTemperature): { text: string; step: Step }[] {
  const words = tokenizeBounded(text, 'the text');
  if (words.length === 0) throw inputError('the text has no words to trace');
  return run(model.weights, [BOUNDARY, ...encode(model.vocabulary, words)], undefined, temperature).map((fed, i) => ({ text: i === 0 ? '' : words[i - 1], step: fed }));
}
