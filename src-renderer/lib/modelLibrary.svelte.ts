import type { ModelSource, StoredModel } from '../../src-main/service/protocol.ts';
import type { StudioCore } from './studio.svelte.ts';

/**
 * The models a person can open: the bundled Boris and every stored model. One list per studio, shared
 * by every picker, so a model saved in the training studio shows up in the header's picker too.
 */
export class ModelLibrary {
  stored = $state<StoredModel[]>([]);
  loading = $state(false);
  opening = $state(false);
  error = $state<string | null>(null);

  constructor(private readonly studio: StudioCore) {}

  async refresh(): Promise<void> {
    this.loading = true;
    try {
      this.stored = await this.studio.bridge.request({ type: 'listModels' });
      this.error = null;
    } catch (error) {
      this.error = `the stored models could not be listed: ${(error as Error).message}`;
    } finally {
      this.loading = false;
    }
  }

  /** Opens a model in the service and hands it to the studio: the chat starts afresh with it. */
  async open(source: ModelSource): Promise<boolean> {
    this.opening = true;
    this.error = null;
    try {
      await this.studio.open(source);
      return true;
    } catch (error) {
      this.error = (error as Error).message;
      return false;
    } finally {
      this.opening = false;
    }
  }

  /** Adds a model just saved, without waiting for the next listing. */
  remember(model: StoredModel): void {
    if (!this.stored.some((m) => m.id === model.id)) this.stored = [...this.stored, model];
  }
}
