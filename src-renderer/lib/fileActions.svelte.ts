import type { ModelSource } from '../../src-main/service/protocol.ts';
import type { CommandName, CommandOf } from './bridge.ts';
import type { StudioCore } from './studio.svelte.ts';

/** The desktop commands the file actions carry out: the File menu's, and a file given to the app. */
export const FILE_COMMANDS = ['openModel', 'saveModelAs', 'exportOriginal', 'openSource', 'problem'] as const satisfies readonly CommandName[];
export type FileCommand = CommandOf<(typeof FILE_COMMANDS)[number]>;

/**
 * Opening, saving and exporting model files: the app's own *.slm.json and the original project's
 * weights.npz + wordmap.json. One per studio, so the header's Files buttons, the desktop's File menu
 * and a file given to the app at launch all take the same road, whatever is on the screen. How a file
 * is chosen or written (a native dialog, a file picker, a download) is the bridge's business.
 */
export class FileActions {
  /** True while an action is going: the Files buttons wait for it. */
  working = $state(false);

  constructor(private readonly studio: StudioCore) {}

  /** Asks for a model file and opens it. */
  open(): Promise<void> {
    return this.attempt(async () => {
      const source = await this.studio.bridge.chooseModel();
      return source ? this.opened(source) : null;
    });
  }

  /** Saves the open model as a model file (*.slm.json). */
  save(): Promise<void> {
    return this.attempt(async () => {
      const file = await this.studio.bridge.request({ type: 'exportModelFile' });
      return this.studio.bridge.saveModelFile(file.name, file.text);
    });
  }

  /** Writes the open model as the original project's weights.npz + wordmap.json. */
  exportOriginal(): Promise<void> {
    return this.attempt(async () => this.studio.bridge.exportOriginal(await this.studio.bridge.request({ type: 'exportOriginal' })));
  }

  /** A desktop menu action, a file given to the app, or what main could not do with one. */
  carryOut(command: FileCommand): Promise<void> {
    switch (command.command) {
      case 'openModel':
        return this.open();
      case 'saveModelAs':
        return this.save();
      case 'exportOriginal':
        return this.exportOriginal();
      case 'openSource':
        return this.attempt(() => this.opened(command.source));
      case 'problem':
        this.studio.tell(command.message, true);
        return Promise.resolve();
    }
  }

  private async opened(source: ModelSource): Promise<string> {
    await this.studio.open(source);
    return `Opened ${this.studio.model?.name}.`;
  }

  /** Runs an action, then says under the header what it did (or why it could not). */
  private async attempt(work: () => Promise<string | null>): Promise<void> {
    this.working = true;
    try {
      await this.studio.tellOutcome(work);
    } finally {
      this.working = false;
    }
  }
}
