import { describe, expect, it } from 'vitest';
import { BOUNDARY, UNKNOWN, buildVocabulary, encode, toWordmap, vocabularyFromTokens, vocabularyFromWordmap } from '../../src-main/model/network/vocabulary.ts';
import { expectSlmError } from '../helpers.ts';
import { WORDS } from './words.ts';

describe('vocabulary', () => {
  it('puts the boundary at row 0, unknown at row 1, then the most frequent first', () => {
    const lines = [
      ['frogs', 'are', 'nice'],
      ['who', 'are', 'you', '?'],
      ['frogs', '.'],
      ['are', 'frogs', '?'],
      ['-', '-', '-', '-'],
    ];
    const vocab = buildVocabulary(lines);
    expect(vocab.tokens[BOUNDARY]).toBe('');
    expect(vocab.tokens[UNKNOWN]).toBe('-');
    // Independent count: frequency, ties broken by first appearance.
    const counts = new Map<string, number>();
    const first = new Map<string, number>();
    let position = 0;
    for (const line of lines) {
      for (const token of line) {
        if (token === '-') continue;
        counts.set(token, (counts.get(token) ?? 0) + 1);
        if (!first.has(token)) first.set(token, position++);
      }
    }
    const expected = [...counts.keys()].sort((a, b) => counts.get(b)! - counts.get(a)! || first.get(a)! - first.get(b)!);
    expect(vocab.tokens).toEqual(['', '-', ...expected]);
    expect(vocab.tokens.slice(2, 4)).toEqual(['frogs', 'are']);
    expect(new Set(vocab.tokens).size).toBe(vocab.tokens.length);
    vocab.tokens.forEach((token, row) => expect(vocab.rows.get(token)).toBe(row));
  });

  it('is deterministic and breaks ties by first appearance', () => {
    const lines = [['b', 'a'], ['a', 'b'], ['c']];
    const one = buildVocabulary(lines);
    const two = buildVocabulary(lines.map((l) => [...l]));
    expect(one.tokens).toEqual(two.tokens);
    expect(one.tokens).toEqual(['', '-', 'b', 'a', 'c']);
  });

  it('refuses a corpus without words', () => {
    expectSlmError(() => buildVocabulary([]), 'input');
    expectSlmError(() => buildVocabulary([['-']]), 'input');
  });

  it('encode sends unknown words to row 1', () => {
    const vocab = vocabularyFromTokens(WORDS);
    expect(encode(vocab, ['who', 'are', 'zebras', '?', 'Boris', ''])).toEqual([6, 7, UNKNOWN, 9, UNKNOWN, BOUNDARY]);
    expect(encode(vocab, [])).toEqual([]);
  });

  it('vocabularyFromWordmap rejects values that are not an object', () => {
    for (const bad of [null, [], 'x', 5, ['', '-', 'a']]) {
      expectSlmError(() => vocabularyFromWordmap(bad), 'format', /object mapping each token to its row/);
    }
  });

  it('vocabularyFromWordmap rejects a row given twice', () => {
    const error = expectSlmError(() => vocabularyFromWordmap({ '': 0, a: 1, b: 1 }), 'format', /row 1/);
    expect(error.message).toMatch(/"a"/);
    expect(error.message).toMatch(/"b"/);
  });

  it('vocabularyFromWordmap rejects rows out of range or not whole numbers', () => {
    expectSlmError(() => vocabularyFromWordmap({ '': 0, '-': 1, a: 3 }), 'format', /"a".*3.*0 to 2/);
    expectSlmError(() => vocabularyFromWordmap({ '': 0, '-': 1, a: -1 }), 'format', /"a"/);
    expectSlmError(() => vocabularyFromWordmap({ '': 0, '-': 1, a: 1.5 }), 'format', /"a"/);
    expectSlmError(() => vocabularyFromWordmap({ '': 0, '-': 1, a: '2' }), 'format', /"a"/);
  });

  it('vocabularyFromWordmap rejects a wordmap without "" at row 0', () => {
    expectSlmError(() => vocabularyFromWordmap({ a: 0, '-': 1, b: 2 }), 'format', /row 0.*boundary/);
    expectSlmError(() => vocabularyFromWordmap({ '-': 0, '': 1, b: 2 }), 'format', /row 0.*boundary/);
  });

  it('toWordmap and vocabularyFromWordmap round trip, numeric-looking tokens included', () => {
    const vocab = vocabularyFromTokens(['', '-', 'frogs', '3', '10', "don't", '?']);
    const wordmap = toWordmap(vocab);
    expect(wordmap).toEqual({ '': 0, '-': 1, frogs: 2, '3': 3, '10': 4, "don't": 5, '?': 6 });
    const back = vocabularyFromWordmap(JSON.parse(JSON.stringify(wordmap)));
    expect(back.tokens).toEqual(vocab.tokens);
    expect(toWordmap(back)).toEqual(wordmap);
  });
});
