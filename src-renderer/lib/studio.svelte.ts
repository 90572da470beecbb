import type { ModelInfo, ServiceEvent, StepRecord } from '../../src-main/service/protocol.ts';
import type { Bridge } from './bridge.ts';

/** One step on the conversation's timeline: a token fed to the model, with every activation. */
export interface TimelineStep {
  index: number;
  turn: number;
  phase: 'prompt' | 'reply';
  record: StepRecord;
}

export interface Turn {
  index: number;
  speaker: 'you' | 'boris';
  text: string;
  /** Timeline indices of this turn's tokens. */
  steps: number[];
  /** For a reply cut off by the length cap. */
  unfinished?: boolean;
}

export interface Sampling {
  temperature: number;
  topK: number;
  seed: number;
}

/**
 * The studio's state: the open model, the conversation as a timeline of steps, and the clock that
 * every view follows. Views read it; only its methods change it.
 */
export class Studio {
  model = $state<ModelInfo | null>(null);
  turns = $state<Turn[]>([]);
  timeline = $state<TimelineStep[]>([]);
  /** The step under the clock (an index into the timeline), or -1 before anything was said. */
  clock = $state(-1);
  busy = $state(false);
  error = $state<string | null>(null);
  notice = $state<string | null>(null);
  sampling = $state<Sampling>({ temperature: 0.5, topK: 0, seed: 1 });

  constructor(readonly bridge: Bridge) {
    bridge.onEvent((event) => this.onEvent(event));
  }

  get current(): TimelineStep | null {
    return this.timeline[this.clock] ?? null;
  }

  async start(): Promise<void> {
    await this.run(async () => {
      this.model = await this.bridge.request({ type: 'open', source: { kind: 'bundled' } });
      this.sampling.temperature = this.model.defaultTemperature;
    });
  }

  async send(text: string): Promise<boolean> {
    const prompt = text.trim();
    if (!prompt || this.busy) return false;
    return this.run(async () => {
      const seed = this.sampling.seed;
      const result = await this.bridge.request({
        type: 'generate',
        prompt,
        temperature: this.sampling.temperature,
        topK: this.sampling.topK,
        seed,
      });
      // A new seed each turn keeps replies varied, yet the whole conversation reproducible.
      this.sampling.seed = (seed + 1) >>> 0;
      const turnIndex = this.turns.length;
      const first = this.timeline.length;
      const steps = result.steps.map((record, i) => ({
        index: first + i,
        turn: i < result.steps.length - result.tokens.length ? turnIndex : turnIndex + 1,
        phase: (i < result.steps.length - result.tokens.length ? 'prompt' : 'reply') as TimelineStep['phase'],
        record,
      }));
      const promptSteps = steps.filter((s) => s.phase === 'prompt').map((s) => s.index);
      const replySteps = steps.filter((s) => s.phase === 'reply').map((s) => s.index);
      this.timeline = [...this.timeline, ...steps];
      this.turns = [
        ...this.turns,
        { index: turnIndex, speaker: 'you', text: prompt, steps: promptSteps },
        { index: turnIndex + 1, speaker: 'boris', text: result.reply, steps: replySteps, unfinished: !result.ended },
      ];
      this.clock = this.timeline.length - 1;
    });
  }

  async newConversation(): Promise<void> {
    await this.run(async () => {
      await this.bridge.request({ type: 'resetConversation' });
      this.turns = [];
      this.timeline = [];
      this.clock = -1;
    });
  }

  seek(step: number): void {
    if (this.timeline.length === 0) return;
    this.clock = Math.max(0, Math.min(this.timeline.length - 1, step));
  }

  private async run(work: () => Promise<void>): Promise<boolean> {
    this.busy = true;
    this.error = null;
    try {
      await work();
      return true;
    } catch (error) {
      this.error = (error as Error).message;
      return false;
    } finally {
      this.busy = false;
    }
  }

  private onEvent(event: ServiceEvent): void {
    if (event.event === 'serviceStatus') this.notice = event.message;
  }
}
