import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Prepares the model store in the app's user-data folder: on the very first run the bundled Boris is
 * copied in, so a person has a model of their own to change; a marker file records that, so a Boris
 * they later deleted does not come back.
 */
export function prepareModelStore(userData: string, bundledModel: string): string {
  const folder = join(userData, 'models');
  mkdirSync(folder, { recursive: true });
  const marker = join(folder, '.initialised');
  if (!existsSync(marker)) {
    const hasModels = readdirSync(folder).some((name) => name.endsWith('.slm.json'));
    if (!hasModels && existsSync(bundledModel)) copyFileSync(bundledModel, join(folder, 'boris.slm.json'));
    writeFileSync(marker, 'The bundled model was copied here on the first run.\n');
  }
  return folder;
}
