import { describe, expect, it } from 'vitest';
import { detokenize, tokenize, tokenizeCorpus } from '../../src-main/model/network/tokenizer.ts';
import { testRandom } from '../helpers.ts';

describe('tokenizer', () => {
  it('lower-cases and keeps words and punctuation in order', () => {
    expect(tokenize('Who ARE you?!')).toEqual(['who', 'are', 'you', '?', '!']);
    expect(tokenize('I am BORIS.')).toEqual(['i', 'am', 'boris', '.']);
  });

  it("drops everything that is not [a-z0-9'] or - . , ! ? ;", () => {
    expect(tokenize('don\u2014stop: 3 frogs;')).toEqual(['don', 'stop', '3', 'frogs', ';']);
    expect(tokenize("don't\u2014stop: 3 frogs;")).toEqual(["don't", 'stop', '3', 'frogs', ';']);
    expect(tokenize('well-known, e.g. (really)')).toEqual(['well', '-', 'known', ',', 'e', '.', 'g', '.', 'really']);
    expect(tokenize('#hash @at $5 & 100% "quoted" [x] {y} <z> a/b a_b a:b')).toEqual([
      'hash', 'at', '5', '100', 'quoted', 'x', 'y', 'z', 'a', 'b', 'a', 'b', 'a', 'b',
    ]);
    // Letters outside a-z are dropped, splitting the word around them.
    expect(tokenize('Na\u00efve caf\u00e9')).toEqual(['na', 've', 'caf']);
    expect(tokenize('frogs!!! ... ??')).toEqual(['frogs', '!', '!', '!', '.', '.', '.', '?', '?']);
    expect(tokenize("it's 42'")).toEqual(["it's", "42'"]);
  });

  it('gives no tokens for empty, whitespace-only or symbol-only text', () => {
    expect(tokenize('')).toEqual([]);
    expect(tokenize('   \t\n\r\n  ')).toEqual([]);
    expect(tokenize('@@@ ### :: ()')).toEqual([]);
  });

  it('detokenize attaches . , ! ? ; and spaces everything else', () => {
    expect(detokenize(['i', 'am', 'boris', '.'])).toBe('i am boris.');
    expect(detokenize(['hello', ',', 'who', 'are', 'you', '?', '!'])).toBe('hello, who are you?!');
    expect(detokenize(['well', '-', 'known', ';', 'yes'])).toBe('well - known; yes');
    expect(detokenize(['', 'frogs', '.', ''])).toBe('frogs.');
    expect(detokenize([])).toBe('');
  });

  it('tokenize(detokenize(tokens)) gives the tokens back', () => {
    const pool = ['i', 'am', "don't", '3', 'frogs', '-', '.', ',', '!', '?', ';'];
    const random = testRandom(7);
    for (let trial = 0; trial < 200; trial++) {
      const length = 1 + Math.floor(random() * 12);
      const tokens = Array.from({ length }, () => pool[Math.floor(random() * pool.length)]);
      expect(tokenize(detokenize(tokens))).toEqual(tokens);
    }
  });

  it('tokenizeCorpus splits lines on \\n and \\r\\n and drops lines without tokens', () => {
    const text = 'Who are you?\r\n\r\nI am Boris.\n   \n@@@\nfrogs.\r\nlast line';
    expect(tokenizeCorpus(text)).toEqual([
      ['who', 'are', 'you', '?'],
      ['i', 'am', 'boris', '.'],
      ['frogs', '.'],
      ['last', 'line'],
    ]);
    expect(tokenizeCorpus('')).toEqual([]);
    expect(tokenizeCorpus('\n\r\n \n')).toEqual([]);
    // No token keeps a carriage return.
    for (const line of tokenizeCorpus('a\r\nb\r\n')) for (const t of line) expect(t).not.toMatch(/\r/);
  });
});
