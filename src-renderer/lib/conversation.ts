import type { GeneratedTurn, StepRecord, TurnRequest } from '../../src-main/service/protocol.ts';

/** One step on the conversation's timeline: a token fed to the model, with every activation. */
export interface TimelineStep {
  index: number;
  turn: number;
  phase: 'prompt' | 'reply';
  /** The sampling temperature of the turn; the step's probabilities are at this T (at 1 for T = 0). */
  temperature: number;
  record: StepRecord;
}

export interface Turn {
  index: number;
  speaker: 'you' | 'boris';
  text: string;
  /** Timeline indices of this turn's tokens. */
  steps: number[];
  /** For a reply cut off by the length cap. */
  unfinished?: boolean;
  /**
   * On the person's turn: the timeline indices of the tokens Boris wrote to finish their line, before
   * his answer. His corpus's lines are "question? answer.", so a message without a "?" is a question he
   * first completes; those tokens are shown in the person's bubble, marked as his guess.
   */
  guess?: number[];
  /** On the person's turn: characters the tokenizer dropped from the message. */
  dropped?: string[];
}

/** The token that ends the asking half of every line Boris learned from ("question? answer."). */
export const QUESTION_END = '?';

/** How the next message is sampled (the chat's Sampling fields). */
export interface Sampling {
  temperature: number;
  topK: number;
  seed: number;
}

/**
 * A generated turn as the conversation's timeline holds it: its steps, numbered on from `first`, and
 * the two turns it makes (the person's, with Boris's guess of how their line ends, and his reply).
 * `turnIndex` is the index of the person's turn; `lastPrompt` the timeline index of its last token.
 */
export function placeTurn(
  result: GeneratedTurn,
  { prompt, temperature }: Pick<TurnRequest, 'prompt' | 'temperature'>,
  turnIndex: number,
  first: number,
): { steps: TimelineStep[]; turns: [Turn, Turn]; lastPrompt: number } {
  const promptLength = result.steps.length - result.tokens.length;
  const steps: TimelineStep[] = result.steps.map((record, i) => ({
    index: first + i,
    turn: i < promptLength ? turnIndex : turnIndex + 1,
    phase: i < promptLength ? 'prompt' : 'reply',
    temperature,
    record,
  }));
  const asked = steps.slice(0, promptLength);
  const written = steps.slice(promptLength);
  // A message with no "?" is an open question: what Boris writes up to his first "?" finishes it.
  const close = asked.some((s) => s.record.token === QUESTION_END) ? -1 : written.findIndex((s) => s.record.token === QUESTION_END);
  const guess = written.slice(0, close + 1);
  const answer = written.slice(close + 1);
  const turns: [Turn, Turn] = [
    {
      index: turnIndex,
      speaker: 'you',
      text: prompt,
      steps: asked.map((s) => s.index),
      guess: guess.map((s) => s.index),
      dropped: result.dropped ?? [],
    },
    {
      index: turnIndex + 1,
      speaker: 'boris',
      text: answer.map((s) => s.record.token).join(' '),
      steps: answer.map((s) => s.index),
      unfinished: !result.ended,
    },
  ];
  return { steps, turns, lastPrompt: first + promptLength - 1 };
}
