import { isAbsolute, resolve } from 'node:path';

/** The files the app opens when it is given them: its own model files and the original's weights. */
const MODEL_FILE = /\.(slm\.json|npz)$/i;

/**
 * The model file named on a command line (the app's own, or a second launch's that the first
 * instance receives), resolved against the folder it was started in; null when none is named.
 * Options (`--flag`, `-f`) and the app folder (`.` when run from source) are passed over.
 */
export function modelPathFromArgs(argv: readonly string[], workingDirectory: string): string | null {
  for (let i = argv.length - 1; i >= 1; i--) {
    const arg = argv[i];
    if (arg.startsWith('-') || !MODEL_FILE.test(arg)) continue;
    return isAbsolute(arg) ? arg : resolve(workingDirectory, arg);
  }
  return null;
}
