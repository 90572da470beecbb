import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The files the app opens when it is given them: its own model files, the original's weights, and lessons. */
const MODEL_FILE = /\.(slm\.json|npz|slm-lesson\.json)$/i;
/** A lesson file (`*.slm-lesson.json`): the page restores it, where a model file is opened. */
export const LESSON_FILE = /\.slm-lesson\.json$/i;

/** A `file:` URL's path (what a Linux desktop entry's %U passes), or null when it is not one that names a local file. */
function pathFromFileUrl(arg: string): string | null {
  try {
    return fileURLToPath(arg);
  } catch {
    // file://otherhost/..., or a malformed URL: not a file of this machine.
    return null;
  }
}

/**
 * The model file named on a command line (the app's own, or a second launch's that the first
 * instance receives), resolved against the folder it was started in; null when none is named.
 * A `file:///…` URL names its file. Options (`--flag`, `-f`) and the app folder (`.` when run from
 * source) are passed over.
 */
export function modelPathFromArgs(argv: readonly string[], workingDirectory: string): string | null {
  for (let i = argv.length - 1; i >= 1; i--) {
    const given = argv[i];
    if (given.startsWith('-')) continue;
    const arg = /^file:/i.test(given) ? pathFromFileUrl(given) : given;
    if (arg === null || !MODEL_FILE.test(arg)) continue;
    return isAbsolute(arg) ? arg : resolve(workingDirectory, arg);
  }
  return null;
}
