import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseFollowUps, scoreFollowUps } from '../src-main/model/training/followUps.ts';
import { inProcessService } from './helpers/inProcessService.ts';
import { corpusQuestions } from './helpers.ts';
import { slm } from './helpers/slm.ts';
import { boris } from './helpers/boris.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const followUpsText = readFileSync(join(root, 'resources', 'corpus', 'boris-follow-ups.json'), 'utf8');


describe('the follow-up check set', () => {
  const checks = parseFollowUps(followUpsText);

  it('has at least 24 pairs, and each prompt after the first turn is asked after several different first turns with different right answers', () => {
    expect(checks.length).toBeGreaterThanOrEqual(24);
    const answersByPrompt = new Map<string, Set<string>>();
    for (const check of checks) {
      const answers = answersByPrompt.get(check.prompt) ?? new Set();
      answers.add(check.answers.join('|'));
      answersByPrompt.set(check.prompt, answers);
    }
    for (const [prompt, answers] of answersByPrompt) expect(answers.size, prompt).toBeGreaterThan(3);
  });

  it('asks no first turn that is a question of the corpus', () => {
    const questions = corpusQuestions(readFileSync(join(root, 'resources', 'corpus', 'boris.txt'), 'utf8'));
    expect(checks.filter((c) => questions.has(c.history[0].trim()))).toEqual([]);
  });

  it('refuses a malformed set with a message that says what is expected', () => {
    expect(() => parseFollowUps('{')).toThrow(/not valid JSON/);
    expect(() => parseFollowUps('[]')).toThrow(/non-empty list/);
    expect(() => parseFollowUps('[{"history": [], "prompt": "why?", "answers": ["x."]}]')).toThrow(/item 0 must be .*at least one turn/);
    expect(() => parseFollowUps('[{"history": ["hi?"], "prompt": 3, "answers": ["x."]}]')).toThrow(/item 0/);
  });

  it('is scored with the chat’s own turns: the service, at temperature 0, replies what the score says', async () => {
    const model = boris;
    const sample = checks.slice(0, 6);
    const score = scoreFollowUps(model, sample);
    const service = inProcessService({ root });
    await service.ask({ type: 'open', source: { kind: 'bundled' } });
    for (const result of score.results) {
      await service.ask({ type: 'resetConversation' });
      const replies: string[] = [];
      for (const prompt of [...result.history, result.prompt]) {
        replies.push((await service.ask({ type: 'generate', prompt, temperature: 0, topK: 0, seed: 1 })).reply);
      }
      expect(replies).toEqual([...result.historyReplies, result.reply]);
    }
  });
});

describe('slm eval --follow-ups', () => {
  it('--json gives the score the engine gives, with every result', async () => {
    const expected = scoreFollowUps(boris, parseFollowUps(followUpsText));
    const { code, out } = await slm('eval', '--follow-ups', '--json');
    expect(code).toBe(0);
    const result = JSON.parse(out);
    expect([result.right, result.total, result.share]).toEqual([expected.right, expected.total, expected.share]);
    expect(result.results.map((r: { reply: string }) => r.reply)).toEqual(expected.results.map((r) => r.reply));
  });

  it('prints each check and the score in words', async () => {
    const expected = scoreFollowUps(boris, parseFollowUps(followUpsText));
    const { code, out } = await slm('eval', '--follow-ups');
    expect(code).toBe(0);
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(expected.total + 1);
    expect(lines[0]).toMatch(/^(ok  |MISS) who are you friend\? /);
    expect(lines.at(-1)).toBe(
      `Boris answered ${expected.right} of ${expected.total} follow-ups right (${(expected.share * 100).toFixed(1)}%), greedy decoding, each after the turns before it in one conversation.`,
    );
  });

  it('reads another set with --checks, and says what is wrong with a bad one', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'slm-follow-ups-'));
    try {
      const one = join(folder, 'one.json');
      writeFileSync(one, JSON.stringify([{ history: ['who are you friend?'], prompt: 'what did you say?', answers: ['i am boris.'] }]));
      const { code, out } = await slm('eval', '--follow-ups', '--checks', one, '--json');
      expect(code).toBe(0);
      expect(JSON.parse(out).total).toBe(1);
      const bad = join(folder, 'bad.json');
      writeFileSync(bad, '[{"prompt": "why?"}]');
      const failed = await slm('eval', '--follow-ups', '--checks', bad);
      expect(failed.code).toBe(1);
      expect(failed.err).toContain('item 0 must be');
      const usage = await slm('eval', '--follow-ups', '--corpus', one);
      expect(usage.code).toBe(2);
      expect(usage.err).toContain('--corpus');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
