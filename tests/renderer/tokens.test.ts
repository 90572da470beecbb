import { describe, expect, it } from 'vitest';
import { inputRowName, networkTip, outputRowName } from '../../src-renderer/lib/networkTips.ts';
import { LINE_BOUNDARY, LINE_MARK, inputName, isLineBoundary, outputName, quotedInput, quotedOutput, tokenMark } from '../../src-renderer/lib/tokens.ts';

const VOCABULARY = ['', '-', 'i', 'am', 'boris'];

describe('showing a token (tokens)', () => {
  it('spells the line boundary one way: ¶, read as the line start and written as the end of line', () => {
    expect(isLineBoundary(LINE_BOUNDARY)).toBe(true);
    expect(isLineBoundary('boris')).toBe(false);
    expect(tokenMark('')).toBe(LINE_MARK);
    expect(inputName('')).toBe('¶ line start');
    expect(outputName('')).toBe('¶ end of line');
    expect(quotedInput('')).toBe('“¶ line start”');
    expect(quotedOutput('')).toBe('“¶ end of line”');
  });

  it('shows every other token as itself', () => {
    for (const show of [tokenMark, inputName, outputName]) expect(show('boris')).toBe('boris');
    expect(quotedInput('am')).toBe('“am”');
    expect(quotedOutput('am')).toBe('“am”');
  });
});

describe("the network view's tooltip (networkTips)", () => {
  const E = 2;
  const V = VOCABULARY.length;
  const weights = {
    w0: Array.from({ length: E * V }, (_, i) => i / 10),
    w1: Array.from({ length: E * 2 * E }, (_, i) => -i / 10),
    w2: Array.from({ length: V * E }, (_, i) => i / 100),
  };
  const exact = { index: 0, temperature: 0.5, record: { row: 0, h1: [0.1, 0.2], h2: [0.3, 0.4] } };
  const at = { vocabulary: VOCABULARY, E, ...weights, exactC: [0, 0], modelName: 'Boris', chosenNow: { row: 4, by: 'boris' as const } };

  it('names rows with the unknown word said to be one', () => {
    expect(outputRowName(VOCABULARY, 0)).toBe('¶ end of line');
    expect(inputRowName(VOCABULARY, 0)).toBe('¶ line start');
    expect(outputRowName(VOCABULARY, 1)).toBe('- (unknown word)');
    expect(inputRowName(VOCABULARY, 4)).toBe('boris');
  });

  it("says each part's exact weight or value, and what it means at the step under the clock", () => {
    expect(networkTip({ tip: 'w0', unit: '1', row: '3' }, { ...at, exact })?.title).toBe(`W0[1, 3] = ${weights.w0[1 * V + 3]}`);
    expect(networkTip({ tip: 'w2', unit: '1', row: '0' }, { ...at, exact })?.lines[0]).toBe('From h2 unit 1 to the score of ¶ end of line.');
    expect(networkTip({ tip: 'h1', unit: '0', value: '0.1' }, { ...at, exact })?.lines[0]).toBe('Token embedding at step 1 (input ¶ line start): tanh(W0[0, token]).');
    expect(networkTip({ tip: 'bar', row: '4', probability: '0.3' }, { ...at, exact })?.lines).toContain('Boris wrote this one next.');
    // Before any message there is no step: no value is made up.
    expect(networkTip({ tip: 'h2', unit: '1' }, { ...at, exact: null })?.title).toBe('h2 unit 1: no step yet');
    expect(networkTip({ tip: 'input' }, { ...at, exact: null })).toBeNull();
  });
});
