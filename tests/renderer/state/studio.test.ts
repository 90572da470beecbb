import { describe, expect, it } from 'vitest';
import type { BridgeAnswer, SlmDesktopApi } from '../../../src-main/desktop/api.ts';
import { desktopBridge } from '../../../src-renderer/lib/bridge.ts';
import { Studio } from '../../../src-renderer/lib/studioParts.svelte.ts';
import { TrainingRun } from '../../../src-renderer/lib/trainingRun.svelte.ts';
import { inProcessService } from '../../helpers/inProcessService.ts';

/**
 * The desktop page's real bridge over a stand-in preload: its requests reach the real model service
 * in this process, and `give` is main handing the page a command (as a file given at launch is).
 * `sent` lists the requests as they leave; an answer to a request of type `late` waits for `release()`
 * (a loaded machine).
 */
function desktopPage(late?: string) {
  const service = inProcessService();
  let deliver: (raw: unknown) => void = () => {
    throw new Error('the bridge never listened for commands');
  };
  const sent: { type: string; [key: string]: unknown }[] = [];
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  const api: Partial<SlmDesktopApi> = {
    async request(body): Promise<BridgeAnswer> {
      sent.push(body);
      if (body.type === late) await held;
      const reply = service.replies.get(await service.send(body));
      if (reply?.type === 'reply') return { ok: true, result: reply.result };
      return { ok: false, kind: reply?.type === 'error' ? reply.kind : 'internal', message: reply?.type === 'error' ? reply.message : 'no reply' };
    },
    onEvent: () => () => {},
    onCommand(listener) {
      deliver = listener as (raw: unknown) => void;
      return () => {};
    },
  };
  return { bridge: desktopBridge(api as SlmDesktopApi), service, give: (command: unknown) => deliver(command), sent, release };
}

async function until(condition: () => boolean): Promise<void> {
  for (const started = Date.now(); !condition(); ) {
    if (Date.now() - started > 20_000) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('the studio', () => {
  it('opens a file given at launch with no component mounted, after Boris and in his place', async () => {
    const page = desktopPage();
    const mia = JSON.stringify({ ...JSON.parse(page.service.modelText), name: 'Mia' });
    // Main hands the file over as the page starts, before the studio exists.
    page.give({ command: 'openSource', source: { kind: 'modelFile', name: 'mia.slm.json', text: mia } });
    const studio = new Studio(page.bridge);
    await studio.start();
    await until(() => studio.message !== null);
    expect(studio.message).toEqual({ text: 'Opened Mia.', problem: false });
    expect(studio.model?.name).toBe('Mia');
    expect(studio.bundledOpen).toBe(false);
  });

  it('says in its message bar what main could not open, with nothing on the screen', async () => {
    const page = desktopPage();
    const studio = new Studio(page.bridge);
    await studio.start();
    page.give({ command: 'problem', message: '/tmp/x.slm.json could not be opened: it is a folder' });
    expect(studio.message).toEqual({ text: '/tmp/x.slm.json could not be opened: it is a folder', problem: true });
    expect(studio.model?.name).toBe('Boris');
  });
});

describe('the training run', () => {
  it('started while Boris’s corpus is still on its way, waits for it and trains on it', async () => {
    const page = desktopPage('bundledCorpus');
    const studio = new Studio(page.bridge);
    await studio.start();
    // The Train view, shown for the first time, asks for the corpus; the learner presses Start at once.
    const run = new TrainingRun(studio);
    const loading = run.loadBundledCorpus();
    run.settings.epochs = '3';
    run.settings.embedding = '6';
    const starting = run.start();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(run.status).toBe('starting');
    page.release();
    await loading;
    await starting;
    const train = page.sent.find((request) => request.type === 'train') as { settings: { corpus: string; epochs: number } } | undefined;
    expect(train, 'a train request was sent').toBeDefined();
    expect(train!.settings.corpus).toBe(run.corpus);
    expect(train!.settings.corpus.length).toBeGreaterThan(1000);
    expect(train!.settings.epochs).toBe(3);
    expect(run.status).toBe('running');
    expect(run.message).toBeNull();
    run.dispose();
  });
});
