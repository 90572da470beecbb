import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { explainPrediction } from '../src-main/model/explanations/explain.ts';
import { explanationRecord } from '../src-main/model/explanations/explainRecords.ts';
import { answerSentence, measureNotes, rankedWords, signedNumber, wordsThatMattered } from '../src-main/model/explanations/whichWords.ts';
import { corpusRows, knockoutTable } from '../src-main/model/units/knockout.ts';
import { run } from '../src-main/model/network/network.ts';
import { replyTree } from '../src-main/model/explanations/replyTree.ts';
import { tokenize } from '../src-main/model/network/tokenizer.ts';
import { unitProfile } from '../src-main/model/units/unitProfile.ts';
import { BOUNDARY, encode } from '../src-main/model/network/vocabulary.ts';
import { slm } from './helpers/slm.ts';
import { boris } from './helpers/boris.ts';

/** `slm explain`, `slm tree`, `slm unit` and `slm ablate`: the JSON formats, with the engine's numbers. */
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const corpus = corpusRows(boris.vocabulary, readFileSync(join(root, 'resources', 'corpus', 'boris.txt'), 'utf8'));
const rowsOf = (text: string) => [BOUNDARY, ...encode(boris.vocabulary, tokenize(text))];

describe('slm explain', () => {
  it('--json gives target, log-probabilities and one entry per step from the boundary, the engine’s numbers', async () => {
    const { code, out } = await slm('explain', 'Do you love frogs?', '--target', 'i', '--json');
    expect(code).toBe(0);
    const record = JSON.parse(out);
    expect(Object.keys(record)).toEqual(['target', 'logProbability', 'baselineLogProbability', 'steps']);
    const rows = rowsOf('do you love frogs?');
    const expected = explainPrediction(boris.weights, rows, rows.length - 1, { target: boris.vocabulary.rows.get('i') });
    expect(record.target).toBe('i');
    expect(record.logProbability).toBe(expected.logProbability);
    expect(record.baselineLogProbability).toBe(expected.baselineLogProbability);
    expect(record.steps.map((s: { token: string }) => s.token)).toEqual(['', 'do', 'you', 'love', 'frogs', '?']);
    record.steps.forEach((s: Record<string, number>, i: number) => {
      expect(Object.keys(s)).toEqual(['token', 'gradientNorm', 'saliency', 'integratedGradient', 'occlusion', 'occlusionPoints']);
      expect(s.gradientNorm).toBe(expected.steps[i].gradientNorm);
      expect(s.occlusion).toBe(expected.steps[i].occlusion);
      expect(s.occlusionPoints).toBe(expected.steps[i].occlusionPoints);
      expect(s.saliency).toBe(expected.steps[i].saliency);
      expect(s.integratedGradient).toBe(expected.steps[i].integratedGradient);
    });
  });

  it('without --target explains the most likely token; --ig-steps sets the quadrature; a word it does not know is refused', async () => {
    const { out } = await slm('explain', 'who are you?', '--ig-steps', '1024', '--json');
    const record = JSON.parse(out);
    const rows = rowsOf('who are you?');
    const expected = explainPrediction(boris.weights, rows, rows.length - 1, { igSteps: 1024 });
    expect(record.target).toBe(boris.vocabulary.tokens[expected.target]);
    expect(record.steps.map((s: { integratedGradient: number }) => s.integratedGradient)).toEqual(expected.steps.map((s) => s.integratedGradient));
    const unknown = await slm('explain', 'hello', '--target', 'zebra');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/"zebra" is not in the model's vocabulary/);
    expect((await slm('explain', 'hello', '--ig-steps', '0')).code).toBe(2);
    expect((await slm('explain', '???!!!')).code).toBe(0);
    expect((await slm('explain', '   ')).err).toMatch(/no words/);
  });

  it('--measure prints which words mattered: the one-sentence answer, the notes and one line per word, to 4 significant figures with units', async () => {
    const rows = rowsOf('who are you?');
    const words = ['who', 'are', 'you', '?'];
    const record = explanationRecord(explainPrediction(boris.weights, rows, rows.length - 1), ['', ...words], boris.vocabulary);
    const said = { ...record, steps: record.steps.map((s, i) => ({ ...s, row: rows[i] })) };
    for (const measure of ['occlusion', 'gradient', 'integrated'] as const) {
      const { code, out } = await slm('explain', 'who are you?', ...(measure === 'occlusion' ? [] : ['--measure', measure]));
      expect(code).toBe(0);
      const lines = out.split('\n');
      expect(lines[1]).toBe(answerSentence(said, measure));
      expect(lines.filter((l) => l.startsWith('note: '))).toEqual(measureNotes(said).map((n) => `note: ${n}`));
      const listed = lines.filter((l) => /^  \S+ +step +\d+ /.test(l));
      // Every word, the one that mattered most first.
      const ranked = rankedWords(wordsThatMattered(said, measure));
      expect([...listed.map((l) => l.trim().split(/ +/)[0])].sort()).toEqual([...words].sort());
      expect(listed.map((l) => l.trim().split(/ +/)[0])).toEqual(ranked.map((w) => w.token));
      expect(Math.abs(ranked[0].value!)).toBe(Math.max(...ranked.map((w) => Math.abs(w.value!))));
      ranked.forEach((w, i) => {
        expect(listed[i]).toContain(`step   ${w.step + 1}`);
        expect(listed[i]).toContain(`${signedNumber(w.value!)} nats`);
        if (measure === 'occlusion') expect(listed[i]).toContain(`${signedNumber(w.points!)} points`);
      });
    }
    // "?" mattered most to Leave it out: read as an unknown word, "i" falls to a few millionths.
    expect((await slm('explain', 'who are you?')).out).toMatch(/^“\?” mattered most: read as an unknown word, ‘i’ falls from 100\.0% to 0\.0002450%\.$/m);
    expect((await slm('explain', 'who are you?', '--measure', 'saliency')).code).toBe(2);
  });
});

describe('slm tree', () => {
  it('--json is {prompt, children} of {token, probability, pathProbability, children}, as the engine grows it', async () => {
    const { code, out } = await slm('tree', 'who are you?', '--depth', '3', '--temperature', '1', '--top-k', '4', '--min-probability', '0.02', '--json');
    expect(code).toBe(0);
    const root = JSON.parse(out);
    expect(Object.keys(root)).toEqual(['prompt', 'children', 'pruned']);
    expect(root.pruned).toBe(false);
    expect(root.prompt).toBe('who are you?');
    const steps = run(boris.weights, rowsOf('who are you?'));
    const expected = replyTree(boris.weights, steps.at(-1)!.h2, { depth: 3, temperature: 1, topK: 4, minProbability: 0.02 });
    type Node = { token: string; probability: number; pathProbability: number; children: Node[] };
    const same = (nodes: Node[], engine: typeof expected) => {
      expect(nodes).toHaveLength(engine.length);
      nodes.forEach((node, i) => {
        expect(Object.keys(node)).toEqual(['token', 'probability', 'pathProbability', 'children']);
        expect(node.token).toBe(boris.vocabulary.tokens[engine[i].row]);
        expect(node.probability).toBe(engine[i].probability);
        expect(node.pathProbability).toBe(engine[i].pathProbability);
        same(node.children, engine[i].children);
      });
    };
    same(root.children, expected);
  });

  it('at temperature 0 is one chain with probability 1; bad options are usage errors', async () => {
    const root = JSON.parse((await slm('tree', 'what do you love?', '--temperature', '0', '--json')).out);
    let nodes = root.children;
    while (nodes.length > 0) {
      expect(nodes).toHaveLength(1);
      expect(nodes[0].pathProbability).toBe(1);
      nodes = nodes[0].children;
    }
    expect((await slm('tree', 'hi', '--depth', '0')).code).toBe(2);
    expect((await slm('tree', 'hi', '--min-probability', '2')).code).toBe(2);
  });
});

describe('slm unit and slm ablate', () => {
  it('unit h2:5 --json gives the profile the engine computes', async () => {
    const { code, out } = await slm('unit', 'h2:5', '--top', '5', '--text', 'do you love frogs?', '--json');
    expect(code).toBe(0);
    const record = JSON.parse(out);
    const profile = unitProfile(boris.weights, corpus.lines, { layer: 'h2', unit: 5 }, { top: 5, heldOut: corpus.heldOut, stepTokens: rowsOf('do you love frogs?') });
    expect(record.unit).toBe('h2:5');
    expect(record.histogram).toEqual(profile.histogram);
    expect(record.topContexts.map((c: { activation: number }) => c.activation)).toEqual(profile.topContexts.map((c) => c.activation));
    expect(record.topContexts[0].tokens).toEqual(profile.topContexts[0].rows.map((r) => boris.vocabulary.tokens[r]));
    expect(record.knockout.knockedOutAccuracy).toBe(profile.knockout.knockedOut.accuracy);
    expect(record.knockout.knockedOutLoss).toBe(profile.knockout.knockedOut.loss);
    expect(record.knockout.accuracy).toBe(profile.knockout.intact.accuracy);
    expect(record.votes.up[0].token).toBe(boris.vocabulary.tokens[profile.votes!.up[0].row]);
    expect(record.stepChange.before.probability).toBe(profile.stepChange!.before.probability);
    const bad = await slm('unit', 'h2:99');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/no unit 99/);
    expect((await slm('unit', 'context 5')).code).toBe(2);
  });

  it('ablate --json lists every unit’s knock-out effect, the engine’s numbers', async () => {
    const { code, out } = await slm('ablate', '--json');
    expect(code).toBe(0);
    const record = JSON.parse(out);
    const table = knockoutTable(boris.weights, corpus.heldOut);
    expect(record.loss).toBe(table.loss);
    expect(record.accuracy).toBe(table.accuracy);
    expect(record.units).toHaveLength(2 * boris.weights.embeddingSize);
    record.units.forEach((u: Record<string, number | string>, i: number) => {
      expect(u.unit).toBe(`${table.units[i].layer}:${table.units[i].unit}`);
      expect(u.loss).toBe(table.units[i].loss);
      expect(u.accuracyChange).toBe(table.units[i].accuracyChange);
    });
  });

  it('the built command prints the tables a person reads', () => {
    const result = spawnSync(process.execPath, [join(root, 'bin', 'slm.js'), 'ablate'], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    // Boris's held-out set mixes dialogues and single lines.
    expect(result.stdout).toMatch(/^Held-out: [\d,]+ texts \([\d,]+ dialogues and [\d,]+ single lines\), \d+ predictions;/);
    expect(result.stdout).toMatch(/h2:5 /);
    const help = spawnSync(process.execPath, [join(root, 'bin', 'slm.js'), 'help'], { encoding: 'utf8' });
    expect(help.stdout).toMatch(/slm explain TEXT/);
    expect(help.stdout).toMatch(/slm ablate/);
  });
});
