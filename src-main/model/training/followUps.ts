import { formatError } from '../network/errors.ts';
import { Conversation } from '../network/generation.ts';
import type { Model } from '../network/model.ts';
import { createRng } from '../network/rng.ts';
import { normalise } from './checks.ts';

/**
 * A follow-up check: turns said first (the history), then a prompt whose right answer depends on
 * them, such as "why?" after "do you like frogs?". Only the reply to the prompt is scored.
 */
export interface FollowUp {
  history: string[];
  prompt: string;
  answers: string[];
}

export interface FollowUpResult extends FollowUp {
  /** The model's reply to each turn of the history, in order. */
  historyReplies: string[];
  reply: string;
  right: boolean;
}

export interface FollowUpScore {
  right: number;
  total: number;
  share: number;
  results: FollowUpResult[];
}

const SHAPE = '{"history": ["..."], "prompt": "...", "answers": ["...", ...]}';

export function parseFollowUps(text: string, source = 'the follow-up set'): FollowUp[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw formatError(`${source} is not valid JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(value) || value.length === 0) throw formatError(`${source} must be a non-empty list of ${SHAPE} objects`);
  const strings = (list: unknown, min: number) => Array.isArray(list) && list.length >= min && list.every((item) => typeof item === 'string');
  return value.map((item: unknown, i) => {
    const check = item as Partial<FollowUp> | null;
    if (typeof check !== 'object' || check === null || !strings(check.history, 1) || typeof check.prompt !== 'string' || !strings(check.answers, 1)) {
      throw formatError(`${source}: item ${i} must be ${SHAPE}, with at least one turn in "history" and one answer`);
    }
    return { history: [...check.history!], prompt: check.prompt, answers: [...check.answers!] };
  });
}

/**
 * Says each check's history and then its prompt in one fresh conversation, greedily (temperature 0),
 * with the chat's own turns (`Conversation.say`), so the context carries from turn to turn exactly
 * as it does in the app.
 */
export function scoreFollowUps(model: Model, checks: readonly FollowUp[]): FollowUpScore {
  const rng = createRng(0);
  const results = checks.map((check) => {
    const conversation = new Conversation(model.weights, model.vocabulary, model.name);
    const historyReplies = check.history.map((turn) => conversation.say(turn, { temperature: 0, rng }).text);
    const reply = conversation.say(check.prompt, { temperature: 0, rng }).text;
    return { ...check, historyReplies, reply, right: check.answers.some((answer) => normalise(answer) === normalise(reply)) };
  });
  const right = results.filter((r) => r.right).length;
  return { right, total: results.length, share: right / results.length, results };
}
