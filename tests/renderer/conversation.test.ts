import { describe, expect, it } from 'vitest';
import type { GeneratedTurn } from '../../src-main/service/protocol.ts';
import { placeTurn } from '../../src-renderer/lib/conversation.ts';

/** A generated turn: the prompt's tokens as read (from the line boundary on), then the reply's. */
function generated(read: string[], written: string[], ended = true): GeneratedTurn {
  const step = (token: string, row: number) => ({ token, row, h1: [row], h2: [-row], probs: [1] });
  return {
    reply: written.join(' '),
    tokens: written,
    ended,
    steps: [...read, ...written].map((token, i) => step(token, i)),
  };
}

describe('a generated turn on the timeline (placeTurn)', () => {
  it('numbers its steps on from the timeline so far, prompt steps in the person’s turn, the rest in Boris’s', () => {
    const { steps, turns, lastPrompt } = placeTurn(generated(['', 'who', 'are', 'you', '?'], ['i', 'am', 'boris', '.']), { prompt: 'who are you?', temperature: 0.5 }, 2, 10);
    expect(steps.map((s) => s.index)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18]);
    expect(steps.map((s) => s.phase)).toEqual(['prompt', 'prompt', 'prompt', 'prompt', 'prompt', 'reply', 'reply', 'reply', 'reply']);
    expect(steps.every((s) => s.temperature === 0.5 && s.turn === (s.phase === 'prompt' ? 2 : 3))).toBe(true);
    expect(lastPrompt).toBe(14);
    // A question: Boris guesses nothing, and answers with every token he wrote.
    expect(turns[0]).toMatchObject({ index: 2, speaker: 'you', text: 'who are you?', steps: [10, 11, 12, 13, 14], guess: [], dropped: [] });
    expect(turns[1]).toMatchObject({ index: 3, speaker: 'boris', text: 'i am boris .', steps: [15, 16, 17, 18], unfinished: false });
  });

  it('gives the tokens that finish an open line, up to his first "?", to the person’s turn as his guess', () => {
    const { turns } = placeTurn(generated(['', 'hello'], ['boris', '?', 'hello', 'friend', '.'], false), { prompt: 'hello', temperature: 0 }, 0, 0);
    expect(turns[0].guess).toEqual([2, 3]);
    expect(turns[1]).toMatchObject({ text: 'hello friend .', steps: [4, 5, 6], unfinished: true });
  });
});
