import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { inputError } from '../model/network/errors.ts';

/**
 * The one way slm studio reads a file a person (or a folder it does not control) gives it:
 *
 * - the file is opened without waiting (O_NONBLOCK), so a named pipe never hangs the read, and, where
 *   asked, without following a link (O_NOFOLLOW): the model store never reads through one;
 * - what was opened is checked with fstat on the open handle (no race with a rename): only a regular
 *   file is read, never a folder, a pipe, a device or a socket;
 * - its size is checked before a byte is read, and the read stops at the limit all the same.
 *
 * Problems with what the path is are errors in words ("... is a named pipe, not a regular file");
 * errors of the system (ENOENT, EACCES) are thrown as they come, for the caller to put in words.
 */
export interface ReadLimits {
  /** What the file is, for messages: "the model file", "the stored model "x"". */
  what: string;
  /** The largest size read, in bytes. */
  maxBytes: number;
  /** Whether a link at `path` is followed (files a person picked) or refused (the store). Default true. */
  followLinks?: boolean;
}

/** Thrown (with code 'ELOOP') when `path` is a link and links are not followed. */
export const LINK_REFUSED = 'ELOOP';

const NONBLOCK = constants.O_NONBLOCK ?? 0;
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;

/** What a non-regular file is, in words. */
function kindOf(info: { isDirectory(): boolean; isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean; isSymbolicLink(): boolean }): string {
  if (info.isDirectory()) return 'a folder, not a file';
  if (info.isFIFO()) return 'a named pipe, not a regular file';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device, not a regular file';
  if (info.isSocket()) return 'a socket, not a regular file';
  if (info.isSymbolicLink()) return 'a link, which is not followed here';
  return 'not a regular file';
}

/** Reads a regular file of at most `maxBytes` bytes, whole; see ReadLimits. */
export async function readRegularFile(path: string, { what, maxBytes, followLinks = true }: ReadLimits): Promise<Uint8Array<ArrayBuffer>> {
  const flags = constants.O_RDONLY | NONBLOCK | (followLinks ? 0 : NOFOLLOW);
  let handle;
  try {
    handle = await open(path, flags);
  } catch (error) {
    // Opening a folder read-only works on Linux, but not everywhere: it is the same problem.
    if ((error as NodeJS.ErrnoException).code === 'EISDIR') throw inputError(`${what} ${path} is a folder, not a file`);
    if (!followLinks && (error as NodeJS.ErrnoException).code === 'ELOOP') throw inputError(`${what} ${path} is a link, which is not followed here`);
    throw error;
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw inputError(`${what} ${path} is ${kindOf(info)}`);
    if (info.size > maxBytes) throw tooLarge(path, what, maxBytes);
    // The size can change while the file is read: the read stops past the limit whatever fstat said.
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const chunk = new Uint8Array(Math.min(1 << 20, maxBytes + 1 - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > maxBytes) throw tooLarge(path, what, maxBytes);
    }
    const out = new Uint8Array(total);
    let at = 0;
    for (const chunk of chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  } finally {
    await handle.close();
  }
}

function tooLarge(path: string, what: string, maxBytes: number) {
  return inputError(`${what} ${path} is larger than ${maxBytes.toLocaleString('en')} bytes, more than slm studio reads for it`);
}

/** Reads a regular UTF-8 text file of at most `maxCharacters` characters (counted as bytes first, 4 a character). */
export async function readRegularText(path: string, limits: Omit<ReadLimits, 'maxBytes'> & { maxCharacters: number }): Promise<string> {
  const bytes = await readRegularFile(path, { ...limits, maxBytes: limits.maxCharacters * 4 });
  const text = new TextDecoder('utf-8').decode(bytes);
  if (text.length > limits.maxCharacters) {
    throw inputError(`${limits.what} ${path} is longer than ${limits.maxCharacters.toLocaleString('en')} characters, more than slm studio reads for it`);
  }
  return text;
}
