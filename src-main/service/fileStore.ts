import { lstat, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type WriteOptions, createFileExclusive, fileError, removeStaleStagingFiles, writeFileAtomic } from '../files/atomicWrite.ts';
import { readRegularText } from '../files/regularFile.ts';
import { inputError, quote } from '../model/network/errors.ts';
import { MAX_MODEL_FILE_CHARACTERS } from '../model/network/limits.ts';
import { type ModelStore, type StoredFile, candidateIds, isStoredId } from './store.ts';

const EXTENSION = '.slm.json';
/** The store's own folder for the temporary files of its writes (a leading dot: never a model's id). */
const STAGING = '.staging';

/**
 * Models as `<id>.slm.json` files in one folder (the app's user-data folder in the desktop app).
 *
 * - A new model is created exclusively (written beside, then hard-linked to a name nobody holds), so
 *   two processes saving at once each get their own file and nothing is overwritten.
 * - Replacing a model goes through a temporary file and a rename, so a crash mid-save leaves the old
 *   file whole.
 * - Files a person put there by hand are listed, opened and deleted like any other when their name
 *   is a valid id (see `isStoredId`: any name without slashes, control characters or a leading dot);
 *   other files are ignored. A file that cannot be read is listed with its problem, never hidden.
 * - Only regular files are read (files/regularFile.ts): a link is never followed, and a folder, a
 *   named pipe or a device under a model's name is reported in words, never read (nor waited on).
 * - Temporary files are staged in the store's own `.staging` folder, the one place where the store
 *   clears what a crashed write left (removeStaleStagingFiles).
 */
export class FileStore implements ModelStore {
  constructor(readonly folder: string) {}

  private get writeOptions(): WriteOptions {
    return { staging: join(this.folder, STAGING) };
  }

  /** Clears what crashed writes left in the store's staging folder (after a write, so rarely). */
  private async tidy(): Promise<void> {
    await removeStaleStagingFiles(join(this.folder, STAGING));
  }

  /** A stored model's text, read as a regular file and never through a link, within the size limit. */
  private async readStored(path: string): Promise<string> {
    return readRegularText(path, { what: 'the stored model', maxCharacters: MAX_MODEL_FILE_CHARACTERS, followLinks: false });
  }

  private path(id: string): string {
    if (!isStoredId(id)) throw inputError(`${quote(id)} is not a stored model's id`);
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
      if (!isStoredId(id)) continue;
      try {
        const info = await lstat(join(this.folder, name));
        if (info.isFile() && info.size > MAX_MODEL_FILE_CHARACTERS * 4) {
          files.push({ id, text: null, problem: `the file is ${info.size.toLocaleString('en')} bytes, larger than any model file` });
          continue;
        }
        files.push({ id, text: await this.readStored(join(this.folder, name)) });
      } catch (error) {
        // Gone since the folder was read: not listed. Unreadable, or not a file: listed, saying why.
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        files.push({ id, text: null, problem: fileError(error, 'read', name).message });
      }
    }
    return files;
  }

  async read(id: string): Promise<string> {
    try {
      return await this.readStored(this.path(id));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw inputError(`the stored model ${quote(id)} is not there any more; it may have been deleted`);
      throw fileError(error, 'read', this.path(id));
    }
  }

  async create(suggestedId: string, text: string): Promise<string> {
    // Names seen taken are skipped; one taken meanwhile by another writer makes the link fail, and the next is tried.
    const seen = new Set(await readdir(this.folder).catch(() => [] as string[]));
    for (const id of candidateIds(suggestedId)) {
      if (seen.has(id + EXTENSION)) continue;
      if (await createFileExclusive(this.path(id), text, this.writeOptions)) {
        await this.tidy();
        return id;
      }
    }
    throw inputError('there is no free name left for this model; delete or rename some stored models');
  }

  async write(id: string, text: string): Promise<void> {
    await writeFileAtomic(this.path(id), text, this.writeOptions);
    await this.tidy();
  }

  async remove(id: string): Promise<void> {
    try {
      await rm(this.path(id), { force: true });
    } catch (error) {
      throw fileError(error, 'delete', this.path(id));
    }
  }

  async setAside(id: string): Promise<string> {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const aside = `${this.path(id)}.corrupt-${stamp}`;
    try {
      await rename(this.path(id), aside);
    } catch (error) {
      throw fileError(error, 'write', aside);
    }
    return aside;
  }
}
