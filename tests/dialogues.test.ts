import { describe, expect, it } from 'vitest';
import { inspectCorpus } from '../src-main/model/training/corpusReport.ts';
import { Conversation } from '../src-main/model/network/generation.ts';
import { describeHeldOut, heldOutWords } from '../src-main/model/training/heldOut.ts';
import { corpusRows, knockoutTable } from '../src-main/model/units/knockout.ts';
import { unitProfile } from '../src-main/model/units/unitProfile.ts';
import { run } from '../src-main/model/network/network.ts';
import { createRng } from '../src-main/model/network/rng.ts';
import { tokenizeCorpus } from '../src-main/model/network/tokenizer.ts';
import { Trainer, lineLossAndGradients } from '../src-main/model/training/training.ts';
import { initialWeights, splitCorpus } from '../src-main/model/training/setup.ts';
import { BOUNDARY, buildVocabulary, encode } from '../src-main/model/network/vocabulary.ts';

describe('a corpus of dialogues', () => {
  it('reads a plain line as a dialogue of one line, as before', () => {
    expect(tokenizeCorpus('who are you? i am boris.\n\nhi? hello.\n')).toEqual([
      ['who', 'are', 'you', '?', 'i', 'am', 'boris', '.'],
      ['hi', '?', 'hello', '.'],
    ]);
  });

  it('joins a line starting with + to the dialogue above, with the boundary "" between the lines', () => {
    const text = 'do you like frogs? i love frogs.\n+ why? they jump.\n  + really? yes.\nhi? hello.\n';
    expect(tokenizeCorpus(text)).toEqual([
      ['do', 'you', 'like', 'frogs', '?', 'i', 'love', 'frogs', '.', '', 'why', '?', 'they', 'jump', '.', '', 'really', '?', 'yes', '.'],
      ['hi', '?', 'hello', '.'],
    ]);
  });

  it('starts a new dialogue after a blank line or at the top, even on a + line', () => {
    expect(tokenizeCorpus('+ a? b.\n+ c? d.\n\n+ e? f.\n')).toEqual([
      ['a', '?', 'b', '.', '', 'c', '?', 'd', '.'],
      ['e', '?', 'f', '.'],
    ]);
  });

  it('encodes the boundary between lines as row 0 and keeps it out of the words', () => {
    const dialogues = tokenizeCorpus('a? b.\n+ c? b.\n');
    const vocabulary = buildVocabulary(dialogues);
    expect(vocabulary.tokens).toEqual(['', '-', '?', 'b', '.', 'a', 'c']);
    expect(encode(vocabulary, dialogues[0])).toEqual([5, 2, 3, 4, BOUNDARY, 6, 2, 3, 4]);
  });

  it('is fed in training exactly as the chat feeds the turns: the next turn starts with the boundary from the reply’s context', () => {
    const dialogues = tokenizeCorpus('red? ok.\n+ which? red.\n');
    const vocabulary = buildVocabulary(dialogues);
    const trainer = new Trainer([encode(vocabulary, dialogues[0]), encode(vocabulary, ['a'])], vocabulary, { embedding: 4, epochs: 1, learningRate: 0.01, seed: 5, samplesPerEpoch: 0 });
    const weights = trainer.weights;
    // The contexts of the dialogue run as one sequence [boundary, red ? ok . boundary which ? red .] ...
    const sequence = run(weights, [BOUNDARY, ...encode(vocabulary, dialogues[0])], undefined, 1);
    // ... are the contexts of the two turns said in one conversation, teacher-forced.
    const chat = run(weights, [BOUNDARY, ...encode(vocabulary, ['red', '?', 'ok', '.'])], undefined, 1);
    const next = run(weights, [BOUNDARY, ...encode(vocabulary, ['which', '?', 'red', '.'])], chat[chat.length - 1].h2, 1);
    expect([...chat, ...next].map((s) => Array.from(s.h2))).toEqual(sequence.map((s) => Array.from(s.h2)));
  });

  it('back-propagates through the line boundary: the second line’s loss reaches the first line’s words', () => {
    const dialogues = tokenizeCorpus('red? ok.\n+ which? red.\n');
    const vocabulary = buildVocabulary(dialogues);
    const rows = encode(vocabulary, dialogues[0]);
    const { weights } = new Trainer([rows, rows], vocabulary, { embedding: 4, epochs: 1, learningRate: 0.01, seed: 5, samplesPerEpoch: 0 });
    const joined = lineLossAndGradients(weights, rows).gradients.w0;
    const firstLine = lineLossAndGradients(weights, rows.slice(0, rows.indexOf(BOUNDARY))).gradients.w0;
    // "ok" is fed only in the first line: its gradient changes once the second line's loss is part of the sequence.
    const ok = vocabulary.rows.get('ok')!;
    const column = (w0: Float64Array) => Array.from({ length: 4 }, (_, i) => w0[i * vocabulary.tokens.length + ok]);
    const difference = column(joined).map((g, i) => Math.abs(g - column(firstLine)[i]));
    expect(Math.max(...difference)).toBeGreaterThan(1e-6);
  });

  it('holds out whole dialogues', () => {
    const text = Array.from({ length: 10 }, (_, i) => `q${i}? a.\n+ why? b${i}.`).join('\n');
    const dialogues = tokenizeCorpus(text);
    const vocabulary = buildVocabulary(dialogues);
    const { train, test } = splitCorpus(dialogues.map((d) => encode(vocabulary, d)));
    expect([train.length, test.length]).toEqual([9, 1]);
    expect(test[0]).toEqual(encode(vocabulary, ['q9', '?', 'a', '.', '', 'why', '?', 'b9', '.']));
    const report = inspectCorpus(text);
    expect([report.usableLines, report.dialogues, report.trainLines, report.heldOutLines, report.heldOutDialogues]).toEqual([20, 10, 9, 1, 1]);
    expect(report.partlyRead).toEqual([]);
    expect(report.vocabulary[0]).toEqual({ token: '', count: 20 });
  });

  it('counts the held-out texts that are dialogues, and says what the held-out set is in words', () => {
    // 20 texts: the last two (held out) are a dialogue of three lines and a single line.
    const singles = Array.from({ length: 18 }, (_, i) => `q${i}? a${i}.`);
    const text = [...singles, 'hi? hello.', '+ why? frogs.', '+ really? yes.', 'bye? bye.'].join('\n');
    const report = inspectCorpus(text);
    expect([report.usableLines, report.dialogues, report.heldOutLines, report.heldOutDialogues]).toEqual([22, 20, 2, 1]);
    // The knock-out table and a unit's card count the same texts from the rows they measure on.
    const vocabulary = buildVocabulary(tokenizeCorpus(text));
    const { lines, heldOut } = corpusRows(vocabulary, text);
    const weights = initialWeights(3, vocabulary.tokens.length, 1);
    const table = knockoutTable(weights, heldOut);
    expect([table.heldOutLines, table.heldOutDialogues]).toEqual([2, 1]);
    expect(unitProfile(weights, lines, { layer: 'h2', unit: 0 }, { heldOut }).knockout).toMatchObject({ heldOutLines: 2, heldOutDialogues: 1 });
    expect(describeHeldOut(2, 1)).toBe('2 held-out texts (1 dialogue and 1 single line)');
    // A corpus without dialogues keeps saying lines; one of only dialogues says dialogues.
    expect(describeHeldOut(40, 0)).toBe('40 held-out lines');
    expect(describeHeldOut(1, 0)).toBe('1 held-out line');
    expect(describeHeldOut(12, 12)).toBe('12 held-out dialogues');
    expect(describeHeldOut(1461, 1301)).toBe('1,461 held-out texts (1,301 dialogues and 160 single lines)');
    expect(heldOutWords(461, 301)).toEqual({ count: '461 texts', parts: '301 dialogues and 160 single lines' });
    expect(heldOutWords(2, 0)).toEqual({ count: '2 lines', parts: null });
  });

  it('teaches a follow-up that the chat then answers from the turn before (a plain-line corpus cannot)', { timeout: 60_000 }, () => {
    const colours = ['red', 'blue', 'green'];
    const text = colours.map((colour) => `${colour}? ${colour}.\n+ why? ${colour}.`).join('\n');
    const follow = (corpusText: string) => {
      const dialogues = tokenizeCorpus(corpusText);
      const vocabulary = buildVocabulary(dialogues);
      const rows = dialogues.map((d) => encode(vocabulary, d));
      // Every dialogue trains; the held-out copy of the first only satisfies the split.
      const trainer = new Trainer([...rows, rows[0]], vocabulary, { embedding: 8, epochs: 300, learningRate: 0.005, seed: 2, samplesPerEpoch: 0, heldOutFraction: 1 / (rows.length + 1) });
      while (!trainer.done) trainer.runLines(10_000);
      const model = { weights: trainer.weights, vocabulary, name: 'test' };
      return colours.map((colour) => {
        const conversation = new Conversation(model.weights, model.vocabulary);
        const rng = createRng(0);
        conversation.say(`${colour}?`, { temperature: 0, rng });
        return conversation.say('why?', { temperature: 0, rng }).text;
      });
    };
    expect(follow(text)).toEqual(['red.', 'blue.', 'green.']);
    // The same lines without the mark are separate dialogues: "why?" gets one answer whatever came before.
    expect(new Set(follow(text.replaceAll('+ ', ''))).size).toBe(1);
  });
});
