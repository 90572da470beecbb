/**
 * `slm dynamics`: the Jacobian of the context at each step of a text (its eigenvalues and spectral
 * radius), and a word's fixed point (model/dynamics/dynamics.ts), with the numbers the app's Dynamics panel shows.
 */
import { inputError, quote } from '../model/network/errors.ts';
import { fixedPoint, stepSpectrum } from '../model/dynamics/dynamics.ts';
import type { Model } from '../model/network/model.ts';
import { run } from '../model/network/network.ts';
import { tokenizeBounded } from '../model/network/tokenizer.ts';
import { BOUNDARY, encode } from '../model/network/vocabulary.ts';
import { UsageError, jsonLine, parse, shownToken, stringOption } from './args.ts';
import type { CliIo } from './io.ts';
import { jsonOption, modelOption, openModel } from './modelOption.ts';

export const DYNAMICS_USAGE = `  slm dynamics TEXT [--fixed-point WORD] [--model P] [--json]   (--fixed-point "" is the line boundary)`;

/** One step of a text: the token fed, its Jacobian's spectral radius and eigenvalues (largest first). */
export interface StepDynamicsRecord {
  token: string;
  spectralRadius: number;
  eigenvalues: [number, number][];
}

export interface FixedPointRecord {
  word: string;
  point: number[];
  iterations: number;
  spectralRadius: number;
  stable: boolean;
  converged: boolean;
  method: 'iteration' | 'newton';
  eigenvalues: [number, number][];
}

/** The steps of feeding [boundary, words of text...] from zeros, each with its Jacobian's spectrum. */
export function textDynamics(model: Model, text: string): StepDynamicsRecord[] {
  const words = tokenizeBounded(text, 'the text');
  if (words.length === 0) throw inputError('the text has no words the model can read');
  const steps = run(model.weights, [BOUNDARY, ...encode(model.vocabulary, words)]);
  return steps.map((s, i) => {
    const { spectralRadius, eigenvalues } = stepSpectrum(model.weights, s.h2);
    return { token: i === 0 ? '' : words[i - 1], spectralRadius, eigenvalues };
  });
}

/** A word's fixed point, the word being one token of the vocabulary ("" for the line boundary). */
export function wordFixedPoint(model: Model, word: string): FixedPointRecord {
  const token = word === '' ? '' : tokenizeBounded(word, '--fixed-point').join(' ');
  const row = model.vocabulary.rows.get(token);
  if (row === undefined) throw inputError(`--fixed-point ${quote(word)} is not one word of the model's vocabulary`);
  const found = fixedPoint(model.weights, row);
  return {
    word: token,
    point: Array.from(found.point),
    iterations: found.iterations,
    spectralRadius: found.spectralRadius,
    stable: found.stable,
    converged: found.converged,
    method: found.method,
    eigenvalues: found.eigenvalues,
  };
}

const complex = ([re, im]: [number, number]) => (im === 0 ? re.toFixed(3) : `${re.toFixed(3)}${im < 0 ? '-' : '+'}${Math.abs(im).toFixed(3)}i`);

export async function dynamics(args: string[], io: CliIo): Promise<void> {
  const { values, positionals } = parse(args, { ...modelOption, ...jsonOption, 'fixed-point': { type: 'string' } }, { min: 0, max: 1, names: 'TEXT' });
  const word = stringOption(values['fixed-point']);
  if (positionals.length === 0 && word === undefined) throw new UsageError('missing TEXT (or --fixed-point WORD)');
  const model = await openModel(values.model);
  const steps = positionals.length === 1 ? textDynamics(model, positionals[0]) : null;
  const point = word !== undefined ? wordFixedPoint(model, word) : null;
  if (values.json) {
    // With --fixed-point the answer is the fixed point's object (and the text's steps, when given, in "steps").
    const record = point ? { ...point, ...(steps ? { steps } : {}) } : steps;
    io.out(jsonLine(record));
    return;
  }
  if (steps) {
    io.out(`${'token'.padEnd(10)} ${'radius'.padStart(7)}  eigenvalues (largest first)\n`);
    for (const s of steps) {
      io.out(`${shownToken(s.token, '<start>').padEnd(10)} ${s.spectralRadius.toFixed(4).padStart(7)}  ${s.eigenvalues.slice(0, 4).map(complex).join('  ')}${s.eigenvalues.length > 4 ? '  ...' : ''}\n`);
    }
  }
  if (point) {
    const name = shownToken(point.word, '<boundary>');
    const how = point.method === 'iteration' ? `${point.iterations} steps of iteration from zeros` : `${point.iterations} steps (iteration, then Newton's method)`;
    io.out(
      point.converged
        ? `Fixed point of ${name}: found in ${how}; spectral radius ${point.spectralRadius.toFixed(4)}, ${point.stable ? 'stable: nearby contexts fall into it' : 'unstable: nearby contexts move away'}\n`
        : `Fixed point of ${name}: not found within the tolerance after ${how}\n`,
    );
    io.out(`point [${point.point.map((x) => x.toFixed(3)).join(' ')}]\n`);
  }
}
