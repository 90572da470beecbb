/**
 * The supervisor's watchdog: a model service that stops answering (its event loop blocked for good)
 * is noticed by its unanswered ping and restarted; requests waiting on it fail with a message a
 * person understands, and the new service answers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forkService } from '../src-main/service/forkConnection.ts';
import type { ServiceEvent } from '../src-main/service/protocol.ts';
import { ServiceSupervisor } from '../src-main/service/supervisor.ts';

/** A stand-in service: answers pings and listModels, and blocks for good on trace. */
const BLOCKING_SERVICE = `
process.on('message', (message) => {
  if (message.type === 'trace') for (;;) {}
  process.send({ type: 'reply', id: message.id, result: message.type === 'ping' ? null : [] });
});
`;

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

describe('the supervisor restarts a service that stops answering', () => {
  it('fails the waiting request in words, restarts the service and answers again', { timeout: 30_000 }, async () => {
    const folder = mkdtempSync(join(tmpdir(), 'slm-watchdog-'));
    folders.push(folder);
    const entry = join(folder, 'service.cjs');
    writeFileSync(entry, BLOCKING_SERVICE);
    const started: (number | undefined)[] = [];
    const supervisor = new ServiceSupervisor(
      () => {
        const connection = forkService(entry, []);
        started.push(connection.pid);
        return connection;
      },
      { pingIntervalMs: 100, pingTimeoutMs: 3_000 },
    );
    const events: ServiceEvent[] = [];
    supervisor.onEvent((event) => events.push(event));
    try {
      expect(await supervisor.request({ type: 'listModels' })).toEqual([]);
      const began = Date.now();
      const blocked = supervisor.request({ type: 'trace', text: 'hello' });
      await expect(blocked).rejects.toThrow(/did not answer for 3 seconds.*restarted, so try again/);
      // Noticed within the timeout and a ping's interval or two, not never.
      expect(Date.now() - began).toBeLessThan(8_000);
      expect(events).toContainEqual(expect.objectContaining({ event: 'serviceStatus', state: 'restarted' }));
      expect(started).toHaveLength(2);
      expect(await supervisor.request({ type: 'listModels' })).toEqual([]);
    } finally {
      supervisor.dispose();
    }
  });

  it('leaves a busy service that still answers its pings alone', { timeout: 30_000 }, async () => {
    const folder = mkdtempSync(join(tmpdir(), 'slm-watchdog-'));
    folders.push(folder);
    const entry = join(folder, 'service.cjs');
    // Answers every request 1.5 s late, but pings at once: busy, not stuck.
    writeFileSync(entry, `process.on('message', (m) => setTimeout(() => process.send({ type: 'reply', id: m.id, result: m.type === 'ping' ? null : [] }), m.type === 'ping' ? 0 : 1500));`);
    let spawned = 0;
    const supervisor = new ServiceSupervisor(
      () => {
        spawned++;
        return forkService(entry, []);
      },
      { pingIntervalMs: 100, pingTimeoutMs: 3_000 },
    );
    try {
      expect(await supervisor.request({ type: 'listModels' })).toEqual([]);
      expect(spawned).toBe(1);
    } finally {
      supervisor.dispose();
    }
  });
});
