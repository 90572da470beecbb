import { readModelFiles } from '../files/modelPaths.ts';
import type { ModelSource } from '../service/protocol.ts';

/**
 * Turns a path a person picked in a dialog (or gave the app) into a model source for the service:
 * an `*.slm.json` file, the original's `weights.npz` (with `wordmap.json` beside it), or a folder
 * holding both. The files are read as the command line reads them (files/modelPaths.ts), within the
 * limits; the service parses them.
 */
export async function modelSourceFromPath(path: string): Promise<ModelSource> {
  return readModelFiles(path);
}
