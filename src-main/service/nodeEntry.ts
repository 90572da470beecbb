/**
 * The model service as a Node process: the Electron utility process (`process.parentPort`) or a
 * plain child process started with `child_process.fork` (`process.send`, for the tests).
 * Arguments: `--store FOLDER` (where saved models live) and optionally `--resources FOLDER`.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { resourcesFolder } from '../files/resources.ts';
import { FileStore } from './fileStore.ts';
import { ModelService } from './handler.ts';
import type { ServiceMessage } from './protocol.ts';

interface ParentPort {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: { store: { type: 'string' }, resources: { type: 'string' } },
  strict: false,
});
const storeFolder = typeof values.store === 'string' ? values.store : join(process.cwd(), 'models');
const resources = typeof values.resources === 'string' ? values.resources : resourcesFolder();
mkdirSync(storeFolder, { recursive: true });

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
const post = parentPort
  ? (message: ServiceMessage) => parentPort.postMessage(message)
  : (message: ServiceMessage) => process.send?.(message);

let bundled: { model: string; corpus: string } | null = null;

const service = new ModelService({
  post,
  store: new FileStore(storeFolder),
  async bundled() {
    bundled ??= {
      model: readFileSync(join(resources, 'models', 'boris.slm.json'), 'utf8'),
      corpus: readFileSync(join(resources, 'corpus', 'boris.txt'), 'utf8'),
    };
    return bundled;
  },
  yieldToMessages: () => new Promise((resolve) => setImmediate(resolve)),
  now: () => performance.now(),
});

if (parentPort) parentPort.on('message', (event) => void service.handle(event.data));
else process.on('message', (message) => void service.handle(message));
