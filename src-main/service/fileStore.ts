import { readFile, readdir, rename, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../files/atomicWrite.ts';
import { inputError } from '../model/errors.ts';
import { type ModelStore, type StoredFile, uniqueId } from './store.ts';

const EXTENSION = '.slm.json';

/**
 * Models as `<id>.slm.json` files in one folder (the app's user-data folder in the desktop app).
 * Writes go through a temporary file and a rename, so a crash mid-save leaves the old file whole.
 */
export class FileStore implements ModelStore {
  constructor(readonly folder: string) {}

  private path(id: string): string {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) throw inputError(`"${id}" is not a stored model's id`);
    return join(this.folder, id + EXTENSION);
  }

  async list(): Promise<StoredFile[]> {
    let names: string[];
    try {
      names = await readdir(this.folder);
    } catch {
      return [];
    }
    const files: StoredFile[] = [];
    for (const name of names.filter((n) => n.endsWith(EXTENSION)).sort()) {
      const id = name.slice(0, -EXTENSION.length);
      try {
        files.push({ id, text: await readFile(join(this.folder, name), 'utf8') });
      } catch {
        // A file that vanished or cannot be read is left where it is and not listed.
      }
    }
    return files;
  }

  async read(id: string): Promise<string> {
    try {
      return await readFile(this.path(id), 'utf8');
    } catch {
      throw inputError(`the stored model "${id}" cannot be read; it may have been deleted`);
    }
  }

  async create(suggestedId: string, text: string): Promise<string> {
    const id = uniqueId(suggestedId, (candidate) => existsSync(this.path(candidate)));
    await writeFileAtomic(this.path(id), text);
    return id;
  }

  async write(id: string, text: string): Promise<void> {
    await writeFileAtomic(this.path(id), text);
  }

  async remove(id: string): Promise<void> {
    await rm(this.path(id), { force: true });
  }

  async setAside(id: string): Promise<string> {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const aside = `${this.path(id)}.corrupt-${stamp}`;
    await rename(this.path(id), aside);
    return aside;
  }
}
