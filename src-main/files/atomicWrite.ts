import { randomBytes } from 'node:crypto';
import { link, lstat, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { SlmError, inputError, quote } from '../model/network/errors.ts';

/**
 * Writing files so that nothing is lost:
 *
 * - the data goes to a temporary file beside the target, is flushed to disk, then renamed over it,
 *   and the folder is flushed too, so readers see the old file or the new, never half of one;
 * - a target that is not a regular file (a folder, a device such as /dev/full, a pipe, a link) is
 *   refused before anything is written, since a rename would replace the thing itself;
 * - several files (an export's pair) are staged first and renamed together, or not at all;
 * - nothing is ever removed but this write's own temporary files: in a folder a person chose, a
 *   file that merely looks like a temporary one is theirs and is left alone. The model store, which
 *   is the app's own, stages its writes in a folder of its own (`staging`) and clears the temporary
 *   files a crashed write left there once they are an hour old (removeStaleStagingFiles);
 * - every failure is one plain sentence: "cannot write /x: permission denied".
 */

/** Temporary files are named `.<target>.<12 hex digits>.tmp`, beside the target or in a staging folder. */
const TEMPORARY = /^\..+\.[0-9a-f]{12}\.tmp$/;
/** A temporary file this old was left by a write that crashed, not one still going. */
const STALE_MS = 60 * 60 * 1000;

const ERRNO_WORDS: Record<string, string> = {
  ENOENT: 'it does not exist',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a folder, not a file',
  ENOTDIR: 'a part of the path is a file, not a folder',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the disk is read-only',
  EEXIST: 'something is already there',
  ENAMETOOLONG: 'the name is too long',
  EMFILE: 'too many files are open',
  ENFILE: 'too many files are open',
  EBUSY: 'it is in use',
  ETXTBSY: 'it is in use',
  EIO: 'the disk reported an error',
  ELOOP: 'its path has a loop of links',
  EXDEV: 'it is on another disk',
  EINVAL: 'the name is not allowed here',
};

/** An errno code in plain words, or the code itself when it is a rare one. */
export function errnoWords(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code && ERRNO_WORDS[code]) return ERRNO_WORDS[code];
  return code ? `the system said ${code}` : (error as Error)?.message ?? String(error);
}

/** "cannot write /x: permission denied", as an error a person can act on (SlmErrors pass through). */
export function fileError(error: unknown, action: 'read' | 'write' | 'delete', path: string): SlmError {
  if (error instanceof SlmError) return error;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const words = action === 'write' && code === 'ENOENT' ? 'its folder does not exist' : errnoWords(error);
  return inputError(`cannot ${action} ${path}: ${words}`);
}

/**
 * Refuses a target that exists and is not a regular file. A missing target is fine: the write makes it.
 */
export async function checkTarget(path: string): Promise<void> {
  let info;
  try {
    info = await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw fileError(error, 'write', path);
  }
  if (info.isFile()) return;
  const what = info.isDirectory()
    ? 'it is a folder'
    : info.isSymbolicLink()
      ? 'it is a link (write to the file it points to instead)'
      : 'it is a device or other special file';
  throw inputError(`cannot write ${path}: ${what}, not a regular file, so it is left as it is`);
}

/** True when two paths name the same file (the same path, or links to one file). */
export async function sameFile(a: string, b: string): Promise<boolean> {
  if (a === b) return true;
  try {
    const [x, y] = await Promise.all([stat(a), stat(b)]);
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}

/** Where a write puts its temporary files. */
export interface WriteOptions {
  /**
   * A folder that belongs to the app, on the same disk as the targets, for the temporary files
   * (the model store's). Without it they go beside the target and are never cleared but by the write.
   */
  staging?: string;
}

function temporaryPath(path: string, { staging }: WriteOptions): string {
  return join(staging ?? dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
}

async function makeFolder(folder: string, path: string): Promise<void> {
  try {
    await mkdir(folder, { recursive: true });
  } catch (error) {
    throw fileError(error, 'write', path);
  }
}

/** Writes data to a new temporary file (beside `path`, or in the staging folder) and flushes it to disk; returns its path. */
async function stage(path: string, data: string | Uint8Array, options: WriteOptions): Promise<string> {
  const temporary = temporaryPath(path, options);
  let handle;
  try {
    // 'wx': made here, never an existing file; only then is it this write's to remove.
    handle = await open(temporary, 'wx');
  } catch (error) {
    throw fileError(error, 'write', path);
  }
  try {
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    await rm(temporary, { force: true });
    throw fileError(error, 'write', path);
  }
  return temporary;
}

/** Flushes a folder's entries (a rename, a new name) to disk. Not possible on Windows, nor needed. */
async function syncFolder(folder: string): Promise<void> {
  let handle;
  try {
    handle = await open(folder, 'r');
    await handle.sync();
  } catch {
    // Opening or flushing a folder is refused on some systems (Windows); the rename still happened.
  } finally {
    await handle?.close();
  }
}

/**
 * Removes temporary files that a crashed write left in the app's own staging folder (see
 * WriteOptions.staging), once they are an hour old. Never called on a folder a person chose.
 */
export async function removeStaleStagingFiles(staging: string, now = Date.now()): Promise<void> {
  let names: string[];
  try {
    names = await readdir(staging);
  } catch {
    return;
  }
  for (const name of names) {
    if (!TEMPORARY.test(name)) continue;
    const path = join(staging, name);
    try {
      const info = await lstat(path);
      if (info.isFile() && now - info.mtimeMs > STALE_MS) await rm(path, { force: true });
    } catch {
      // Gone already: nothing to do.
    }
  }
}

/**
 * Writes a file so that readers see either the old contents or the new, never a half-written file.
 * A target that is not a regular file is refused and left as it is.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: WriteOptions = {}): Promise<void> {
  await writeFilesAtomic([{ path, data }], options);
}

/**
 * Writes several files as one: every target is checked and every file staged before any is renamed
 * into place; if a rename fails, the ones already renamed are put back as they were.
 */
export async function writeFilesAtomic(files: readonly { path: string; data: string | Uint8Array }[], options: WriteOptions = {}): Promise<void> {
  for (const { path } of files) await checkTarget(path);
  for (const folder of new Set(files.map(({ path }) => dirname(path)))) await makeFolder(folder, files[0].path);
  if (options.staging) await makeFolder(options.staging, files[0].path);
  const staged: string[] = [];
  // Files renamed into place so far: their temporary names are gone, and nothing is removed by them.
  let renamed = 0;
  try {
    for (const { path, data } of files) staged.push(await stage(path, data, options));
    // Keep a second name for each file about to be replaced, so a failed rename can be undone.
    const backups: (string | null)[] = [];
    for (const { path } of files) {
      const backup = temporaryPath(path, options);
      try {
        await link(path, backup);
        backups.push(backup);
      } catch {
        backups.push(null);
      }
    }
    try {
      for (; renamed < files.length; renamed++) {
        await checkTarget(files[renamed].path);
        await rename(staged[renamed], files[renamed].path);
      }
    } catch (error) {
      for (let i = renamed - 1; i >= 0; i--) {
        const backup = backups[i];
        if (backup) await rename(backup, files[i].path).catch(() => undefined);
        else await rm(files[i].path, { force: true });
      }
      throw fileError(error, 'write', files[renamed]?.path ?? files[0].path);
    } finally {
      for (const backup of backups) if (backup) await rm(backup, { force: true });
    }
  } finally {
    for (const temporary of staged.slice(renamed)) await rm(temporary, { force: true });
  }
  for (const folder of new Set(files.map(({ path }) => dirname(path)))) await syncFolder(folder);
}

/**
 * Writes a new file only if nothing is at `path` yet, atomically: two writers racing for one name
 * never both succeed, and neither loses its data. Returns false when the name is taken.
 */
export async function createFileExclusive(path: string, data: string | Uint8Array, options: WriteOptions = {}): Promise<boolean> {
  const folder = dirname(path);
  await makeFolder(folder, path);
  if (options.staging) await makeFolder(options.staging, path);
  const temporary = await stage(path, data, options);
  try {
    // link() fails if the name exists, where rename() would replace it.
    await link(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw fileError(error, 'write', path);
  } finally {
    await rm(temporary, { force: true });
  }
  await syncFolder(folder);
  return true;
}

/** A path for a message: quoted only when it holds characters that would confuse a terminal. */
export function shownPath(path: string): string {
  return /[\u0000-\u001f\u007f-\u009f]/.test(path) ? quote(path) : path;
}
