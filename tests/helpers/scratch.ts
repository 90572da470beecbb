/** A temporary folder for one test file, removed after it, handing out a fresh sub-folder per case. */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

export function scratchFolders(prefix: string): { scratch: string; folder: () => string } {
  const scratch = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  let folders = 0;
  return {
    scratch,
    folder() {
      const path = join(scratch, `case-${++folders}`);
      mkdirSync(path);
      return path;
    },
  };
}
