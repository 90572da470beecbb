/**
 * A turn's message is tokenized once: in a turn and in a replay, every call the service and the
 * engine make into the tokenizer is counted (its functions, wrapped), and the one read of each
 * message gives the same tokens and dropped characters as tokenizing it and listing what it drops.
 */
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import * as tokenizer from '../src-main/model/network/tokenizer.ts';
import { inProcessService } from './helpers/inProcessService.ts';

const calls = vi.hoisted(() => ({ count: 0 }));
vi.mock('../src-main/model/network/tokenizer.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../src-main/model/network/tokenizer.ts')>();
  const counted =
    <A extends unknown[], R>(f: (...args: A) => R) =>
    (...args: A): R => {
      calls.count++;
      return f(...args);
    };
  return {
    ...original,
    tokenize: counted(original.tokenize),
    tokenizeBounded: counted(original.tokenizeBounded),
    readMessage: counted(original.readMessage),
    droppedCharacters: counted(original.droppedCharacters),
  };
});

const turn = (prompt: string) => ({ prompt, temperature: 0, topK: 0, seed: 1 });

describe('a message is tokenized once per turn', () => {
  it('in a turn, and in each turn of a replay', async () => {
    const { ask } = inProcessService();
    await ask({ type: 'open', source: { kind: 'bundled' } });
    calls.count = 0;
    const said = await ask({ type: 'generate', ...turn('Who are you? 🐸') });
    expect(said.dropped).toEqual(['🐸']);
    expect(calls.count).toBe(1);
    calls.count = 0;
    const replayed = await ask({ type: 'replay', turns: [turn('Who are you? 🐸'), turn('what do you love?')] });
    expect(replayed[0].reply).toBe(said.reply);
    expect(calls.count).toBe(2);
  });

  it('reads the same tokens and dropped characters as tokenizing and listing what it drops', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'B', '1', "'", ' ', '\n', '.', '-', '?', '★', '🐸', 'é', '\t'), maxLength: 60 });
    fc.assert(
      fc.property(text, (t) => {
        const read = tokenizer.readMessage(t, 'the message');
        expect(read.tokens).toEqual(tokenizer.tokenize(t));
        // What tokenizing drops, as it was first defined: every token blanked out, white space removed.
        expect(read.dropped).toEqual([...t.toLowerCase().replace(/[a-z0-9']+|[-.,!?;]/g, ' ').replace(/\s+/g, '')]);
      }),
    );
  });
});
