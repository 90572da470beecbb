import { formatError } from '../network/errors.ts';
import { Conversation } from '../network/generation.ts';
import type { Model } from '../network/model.ts';
import { createRng } from '../network/rng.ts';
import { detokenize, tokenize } from '../network/tokenizer.ts';

/** A question-and-answer check: a prompt and the replies that count as right. */
export interface Check {
  prompt: string;
  answers: string[];
}

export interface CheckResult extends Check {
  reply: string;
  right: boolean;
}

export interface CheckScore {
  right: number;
  total: number;
  share: number;
  results: CheckResult[];
}

export function parseChecks(text: string, source = 'the check set'): Check[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw formatError(`${source} is not valid JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(value) || value.length === 0) throw formatError(`${source} must be a non-empty list of {"prompt", "answers"} objects`);
  return value.map((item: unknown, i) => {
    const check = item as Partial<Check> | null;
    if (
      typeof check !== 'object' ||
      check === null ||
      typeof check.prompt !== 'string' ||
      !Array.isArray(check.answers) ||
      !check.answers.every((a) => typeof a === 'string')
    ) {
      throw formatError(`${source}: item ${i} must be {"prompt": "...", "answers": ["...", ...]}`);
    }
    return { prompt: check.prompt, answers: check.answers };
  });
}

/** Replies are compared as token sequences, so spacing and capitals do not matter. */
export function normalise(text: string): string {
  return detokenize(tokenize(text));
}

/** Asks each check's prompt in a fresh conversation with greedy decoding. */
export function scoreChecks(model: Model, checks: readonly Check[]): CheckScore {
  const rng = createRng(0);
  const results = checks.map((check) => {
    const reply = new Conversation(model.weights, model.vocabulary, model.name).say(check.prompt, { temperature: 0, rng }).text;
    return { ...check, reply, right: check.answers.some((answer) => normalise(answer) === normalise(reply)) };
  });
  const right = results.filter((r) => r.right).length;
  return { right, total: results.length, share: right / results.length, results };
}
