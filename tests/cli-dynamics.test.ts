import { describe, expect, it } from 'vitest';
import { USAGE } from '../src-main/cli/commands.ts';
import { fixedPoint, stepSpectrum } from '../src-main/model/dynamics/dynamics.ts';
import { run } from '../src-main/model/network/network.ts';
import { tokenize } from '../src-main/model/network/tokenizer.ts';
import { BOUNDARY, encode } from '../src-main/model/network/vocabulary.ts';
import { slm } from './helpers/slm.ts';
import { boris } from './helpers/boris.ts';

/** `slm dynamics`: the JSON shapes, with the engine's numbers. */


describe('slm dynamics', () => {
  it('--json gives one {token, spectralRadius, eigenvalues} per step from the boundary, the engine’s numbers', async () => {
    const { code, out } = await slm('dynamics', 'Do you like frogs?', '--json');
    expect(code).toBe(0);
    const records = JSON.parse(out) as { token: string; spectralRadius: number; eigenvalues: [number, number][] }[];
    expect(records.map((r) => r.token)).toEqual(['', 'do', 'you', 'like', 'frogs', '?']);
    const steps = run(boris.weights, [BOUNDARY, ...encode(boris.vocabulary, tokenize('do you like frogs?'))]);
    records.forEach((record, i) => {
      expect(Object.keys(record)).toEqual(['token', 'spectralRadius', 'eigenvalues']);
      const expected = stepSpectrum(boris.weights, steps[i].h2);
      expect(record.spectralRadius).toBe(expected.spectralRadius);
      expect(record.eigenvalues).toEqual(expected.eigenvalues);
      expect(record.eigenvalues).toHaveLength(boris.weights.embeddingSize);
    });
  });

  it('--fixed-point WORD gives {word, point, iterations, spectralRadius, stable}; "" is the boundary', async () => {
    const frogs = JSON.parse((await slm('dynamics', '--fixed-point', 'Frogs', '--json')).out);
    const expected = fixedPoint(boris.weights, boris.vocabulary.rows.get('frogs')!);
    expect(frogs).toMatchObject({ word: 'frogs', point: Array.from(expected.point), iterations: expected.iterations, spectralRadius: expected.spectralRadius, stable: expected.stable });
    const boundary = JSON.parse((await slm('dynamics', 'why?', '--fixed-point', '', '--json')).out);
    expect(boundary.word).toBe('');
    expect(boundary.spectralRadius).toBe(fixedPoint(boris.weights, BOUNDARY).spectralRadius);
    expect(boundary.steps.map((s: { token: string }) => s.token)).toEqual(['', 'why', '?']);
    const text = await slm('dynamics', 'hi', '--fixed-point', '');
    expect(text.out).toMatch(/^token +radius/);
    expect(text.out).toMatch(/Fixed point of <boundary>: found in \d+ steps of iteration from zeros; spectral radius \d\.\d{4}, (stable|unstable)/);
  });

  it('refuses what it cannot do, with a message', async () => {
    expect((await slm('dynamics')).code).toBe(2);
    const unknown = await slm('dynamics', '--fixed-point', 'zebra');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/"zebra" is not one word of the model's vocabulary/);
    expect((await slm('dynamics', '--fixed-point', 'two words')).err).toMatch(/not one word/);
    expect((await slm('dynamics', '  ~~ ')).err).toMatch(/no words/);
    expect(USAGE).toMatch(/slm dynamics TEXT \[--fixed-point WORD\]/);
  });
});
