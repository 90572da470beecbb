import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModel } from '../src-main/files/modelPaths.ts';
import { Conversation } from '../src-main/model/network/generation.ts';
import { createRng } from '../src-main/model/network/rng.ts';
import { expectSameBits } from './helpers.ts';
import { slm } from './helpers/slm.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const boris = join(root, 'resources', 'models', 'boris.slm.json');
const scratch = mkdtempSync(join(tmpdir(), 'slm-history-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));


describe('slm history', () => {
  it('--json prints one object per epoch, the metrics the model file keeps', async () => {
    const model = await loadModel(boris);
    const { code, out } = await slm('history', '--json');
    expect(code).toBe(0);
    const lines = out.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines).toEqual(model.training!.history.map(({ epoch, trainLoss, testLoss, testAccuracy }) => ({ epoch, trainLoss, testLoss, testAccuracy })));
    expect(lines[0].epoch).toBe(0);
    expect(Object.keys(lines[1])).toEqual(['epoch', 'trainLoss', 'testLoss', 'testAccuracy']);
  });

  it('prints a table for people, marking the epochs with a checkpoint', async () => {
    const { code, out } = await slm('history', '--model', boris);
    expect(code).toBe(0);
    expect(out).toMatch(/^Boris: 100 epochs on boris\.txt, seed \d+, best epoch \d+; 101 checkpoints\n/);
    expect(out).toMatch(/\n {4}0 {2}\s*\d+\.\d{4}\s+\d+\.\d{4}\s+\d+\.\d%  yes\n/);
  });

  it('--epoch K --out F writes that checkpoint as a model file that talks with its weights', async () => {
    const out = join(scratch, 'boris-50.slm.json');
    const { code, out: printed } = await slm('history', '--epoch', '50', '--out', out);
    expect(code).toBe(0);
    expect(printed).toContain('epoch 50');
    const whole = await loadModel(boris);
    const at50 = await loadModel(out);
    expect(at50.name).toBe('Boris, epoch 50');
    expectSameBits(at50.weights, whole.training!.checkpoints[50].weights);
    // Its history is kept, so the written model can be scrubbed too.
    expect(at50.training!.checkpoints).toHaveLength(101);
    const reply = (weights = at50.weights) => new Conversation(weights, at50.vocabulary).say('who are you?', { temperature: 0, rng: createRng(1) }).text;
    const chat = await slm('chat', 'who are you?', '--model', out, '--temperature', '0');
    expect(chat.out.trim()).toBe(reply());
    // Epoch 0's untrained weights say something else than epoch 50's.
    expect(reply(whole.training!.checkpoints[0].weights)).not.toBe(reply());
  });

  it('refuses an epoch without a checkpoint, a half-given pair, and writing over its own input', async () => {
    const missing = await slm('history', '--epoch', '500', '--out', join(scratch, 'x.slm.json'));
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/no checkpoint for epoch 500; it keeps epochs 0 to 100/);
    expect(existsSync(join(scratch, 'x.slm.json'))).toBe(false);
    const half = await slm('history', '--epoch', '5');
    expect(half.code).toBe(2);
    expect(half.err).toMatch(/--epoch K and --out F go together/);
    const copy = join(scratch, 'copy.slm.json');
    writeFileSync(copy, readFileSync(boris));
    const self = await slm('history', '--model', copy, '--epoch', '3', '--out', copy);
    expect(self.code).toBe(2);
    expect(readFileSync(copy).equals(readFileSync(boris))).toBe(true);
    const negative = await slm('history', '--epoch', '-1', '--out', join(scratch, 'y.slm.json'));
    expect(negative.code).toBe(2);
  });

  it('says a model without history has none (the original format keeps no history)', async () => {
    const { code, out, err } = await slm('history', '--model', join(root, 'tests', 'fixtures', 'original'), '--json');
    expect(code).toBe(0);
    expect(out).toBe('');
    expect(err).toMatch(/no training history/);
    const write = await slm('history', '--model', join(root, 'tests', 'fixtures', 'v1', 'boris-v1.slm.json'), '--epoch', '1', '--out', join(scratch, 'z.slm.json'));
    expect(write.code).toBe(1);
    expect(write.err).toMatch(/has no training history/);
  });

  it('the built command lists the history too', () => {
    const ran = spawnSync(process.execPath, [join(root, 'bin', 'slm.js'), 'history', '--json'], { encoding: 'utf8', cwd: scratch });
    expect(ran.status).toBe(0);
    expect(ran.stdout.trim().split('\n')).toHaveLength(101);
  });
});
