/**
 * Reads and writes numpy `.npz` archives: zip files of `.npy` members (npy.ts). Stored and deflated
 * members are read, zip64 included; writing gives a stored zip of float64 members, as `np.savez`
 * does, through fflate. Reading checks the zip directory itself, so that a damaged or hostile file
 * gets a message that names the problem, and checks every member's declared size against the limits
 * before anything is inflated; deflate data is inflated by fflate into a buffer of exactly the
 * declared size, never more. Runs anywhere: no platform API beyond TextDecoder.
 */
import { Inflate, zipSync } from 'fflate';
import { formatError, quote, SlmError } from '../network/errors.ts';
import { MAX_NPY_MEMBER_BYTES, MAX_NPZ_INFLATED_BYTES } from '../network/limits.ts';
import { NPY_MAGIC, type NpyArray, describeError, plural, readNpy, writeNpyNamed } from './npy.ts';

export { type NpyArray, readNpy, writeNpy } from './npy.ts';


const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_END = 0x06054b50;
const SIG_END64 = 0x06064b50;
const SIG_END64_LOCATOR = 0x07064b50;

let crcTable: Uint32Array | undefined;

function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = crcTable[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function damaged(detail: string): SlmError {
  return formatError(`The .npz file is damaged (${detail}).`);
}

function truncatedZip(detail: string): SlmError {
  return formatError(`The .npz file is truncated (${detail}).`);
}

/** Reads all `.npy` members of an `.npz` archive, stored or deflated; keys have no '.npy' suffix. */
export function readNpz(bytes: Uint8Array): Map<string, NpyArray> {
  try {
    return readNpzUnchecked(bytes);
  } catch (error) {
    if (error instanceof SlmError) throw error;
    throw formatError(`The .npz file could not be read (${describeError(error)}).`);
  }
}

function readNpzUnchecked(bytes: Uint8Array): Map<string, NpyArray> {
  if (!(bytes instanceof Uint8Array)) throw formatError('The .npz data is not a byte array.');
  if (bytes.length === 0) throw formatError('The file is empty (0 bytes), so it is not an .npz file.');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (p: number) => view.getUint16(p, true);
  const u32 = (p: number) => view.getUint32(p, true);
  const u64 = (p: number) => {
    const value = view.getUint32(p, true) + view.getUint32(p + 4, true) * 0x100000000;
    if (!Number.isSafeInteger(value)) throw damaged('a zip64 size or offset is too large');
    return value;
  };

  const startsWith = (sig: number) => bytes.length >= 4 && u32(0) === sig;
  if (!startsWith(SIG_LOCAL) && !startsWith(SIG_END)) {
    if (NPY_MAGIC.every((b, i) => bytes[i] === b)) {
      throw formatError('The file is a single .npy array, not an .npz file (not a zip archive).');
    }
    throw formatError('The file is not an .npz file (not a zip archive).');
  }

  // The end-of-central-directory record: 22 bytes plus a comment of up to 65535 bytes.
  let end = -1;
  for (let p = bytes.length - 22; p >= 0 && p >= bytes.length - 22 - 0xffff; p--) {
    if (u32(p) === SIG_END && p + 22 + u16(p + 20) <= bytes.length) {
      end = p;
      break;
    }
  }
  if (end < 0) throw truncatedZip('the zip directory at its end is missing');

  if (u16(end + 4) !== 0 || u16(end + 6) !== 0) throw damaged('it is a multi-part zip archive');
  let entryCount = u16(end + 10);
  let dirSize = u32(end + 12);
  let dirOffset = u32(end + 16);
  let dirLimit = end;
  if (entryCount === 0xffff || dirSize === 0xffffffff || dirOffset === 0xffffffff) {
    const locator = end - 20;
    if (locator < 0 || u32(locator) !== SIG_END64_LOCATOR) throw damaged('its zip64 directory locator is missing');
    const end64 = u64(locator + 8);
    if (end64 + 56 > locator || u32(end64) !== SIG_END64) throw damaged('its zip64 directory record is missing');
    entryCount = u64(end64 + 32);
    dirSize = u64(end64 + 40);
    dirOffset = u64(end64 + 48);
    dirLimit = end64;
  }
  if (dirOffset + dirSize > dirLimit) throw damaged('its zip directory points outside the file');

  const arrays = new Map<string, NpyArray>();
  const nameDecoder = new TextDecoder('utf-8');
  let declaredTotal = 0;
  let p = dirOffset;
  for (let i = 0; i < entryCount; i++) {
    if (p + 46 > dirOffset + dirSize || u32(p) !== SIG_CENTRAL) throw damaged('its zip directory is corrupt');
    const flags = u16(p + 8);
    const method = u16(p + 10);
    const crc = u32(p + 16);
    let compressedSize = u32(p + 20);
    let size = u32(p + 24);
    const nameLength = u16(p + 28);
    const extraLength = u16(p + 30);
    const commentLength = u16(p + 32);
    let localOffset = u32(p + 42);
    const next = p + 46 + nameLength + extraLength + commentLength;
    if (next > dirOffset + dirSize) throw damaged('its zip directory is corrupt');
    const fileName = nameDecoder.decode(bytes.subarray(p + 46, p + 46 + nameLength));

    // zip64 sizes and offsets live in extra field 0x0001, in this order, only when needed.
    if (size === 0xffffffff || compressedSize === 0xffffffff || localOffset === 0xffffffff) {
      let q = p + 46 + nameLength;
      const extraEnd = q + extraLength;
      let found = false;
      while (q + 4 <= extraEnd) {
        const id = u16(q);
        const length = u16(q + 2);
        if (q + 4 + length > extraEnd) break;
        if (id === 0x0001) {
          let r = q + 4;
          const take = () => {
            if (r + 8 > q + 4 + length) throw damaged(`the zip64 data of '${fileName}' is incomplete`);
            const value = u64(r);
            r += 8;
            return value;
          };
          if (size === 0xffffffff) size = take();
          if (compressedSize === 0xffffffff) compressedSize = take();
          if (localOffset === 0xffffffff) localOffset = take();
          found = true;
          break;
        }
        q += 4 + length;
      }
      if (!found) throw damaged(`the zip64 data of '${fileName}' is missing`);
    }
    p = next;

    if (fileName.endsWith('/') || !fileName.endsWith('.npy')) continue; // folders and non-arrays
    const key = fileName.slice(0, -'.npy'.length);
    const who = `The array ${quote(key).replace(/^"|"$/g, "'")} in the .npz file`;
    if (flags & 1) throw formatError(`${who} is encrypted, which is not supported.`);
    if (arrays.has(key)) throw damaged(`it holds two arrays named '${key}'`);

    if (localOffset + 30 > dirOffset) throw damaged(`the zip entry of the array '${key}' points outside the file`);
    if (u32(localOffset) !== SIG_LOCAL) throw damaged(`the zip entry of the array '${key}' is corrupt`);
    const dataStart = localOffset + 30 + u16(localOffset + 26) + u16(localOffset + 28);
    const dataEnd = dataStart + compressedSize;
    if (dataEnd > dirOffset) throw damaged(`the stored data of the array '${key}' runs past its end`);
    const stored = bytes.subarray(dataStart, dataEnd);

    // Sizes are checked as declared, before anything is inflated or allocated.
    if (size > MAX_NPY_MEMBER_BYTES) {
      throw formatError(
        `${who} declares ${plural(size, 'byte')} of data, more than the ${plural(MAX_NPY_MEMBER_BYTES, 'byte')} the largest model's weights need, so it is not read.`,
      );
    }
    declaredTotal += size;
    if (declaredTotal > MAX_NPZ_INFLATED_BYTES) {
      throw formatError(`The .npz file declares more than ${plural(MAX_NPZ_INFLATED_BYTES, 'byte')} of arrays in all, more than any model's weights need, so it is not read.`);
    }
    let member: Uint8Array;
    if (method === 0) {
      member = stored;
    } else if (method === 8) {
      member = inflateBounded(stored, size, who);
    } else {
      throw formatError(
        `${who} is compressed with zip method ${method}, but only stored and deflated entries can be read.`,
      );
    }
    if (member.length !== size) {
      throw formatError(
        `${who} is damaged: it should hold ${plural(size, 'byte')} but holds ${plural(member.length, 'byte')}.`,
      );
    }
    if (crc32(member) !== crc) throw formatError(`${who} is damaged (its CRC-32 checksum does not match).`);
    arrays.set(key, readNpy(member, key));
  }
  return arrays;
}

/**
 * Inflates deflate data into a buffer of exactly the declared size, a little at a time, and stops as
 * soon as it would hold more: a small archive that inflates to gigabytes costs no more than its
 * declared size in memory, and about as much time as inflating that much.
 */
function inflateBounded(stored: Uint8Array, size: number, who: string): Uint8Array {
  const out = new Uint8Array(size);
  let filled = 0;
  let overflow = false;
  const inflater = new Inflate((chunk) => {
    if (filled + chunk.length > size) {
      overflow = true;
      throw new Error('more data than declared');
    }
    out.set(chunk, filled);
    filled += chunk.length;
  });
  // Small input pieces keep each piece's output small (deflate expands at most about 1000 times).
  const piece = 1024;
  try {
    if (stored.length === 0) inflater.push(stored, true);
    for (let i = 0; i < stored.length; i += piece) inflater.push(stored.subarray(i, i + piece), i + piece >= stored.length);
  } catch (error) {
    if (overflow) throw formatError(`${who} is damaged: it inflates to more than the ${plural(size, 'byte')} it declares.`);
    throw formatError(`${who} cannot be decompressed (its deflate data is damaged: ${describeError(error)}).`);
  }
  if (filled !== size) {
    throw formatError(`${who} is damaged: it should hold ${plural(size, 'byte')} but holds ${plural(filled, 'byte')}.`);
  }
  return out;
}

/** Writes arrays as an `.npz` archive (a stored zip of float64 `.npy` members), like `np.savez`. */
export function writeNpz(arrays: Record<string, NpyArray>): Uint8Array<ArrayBuffer> {
  const files: Record<string, Uint8Array> = Object.create(null);
  for (const [name, array] of Object.entries(arrays)) {
    if (name === '') throw formatError('Cannot write an .npz file with an array whose name is empty.');
    files[`${name}.npy`] = writeNpyNamed(array, name);
  }
  try {
    // Fixed timestamps (numpy uses 1980-01-01 too) make the output depend on the arrays only.
    // fflate writes into a new, plain ArrayBuffer.
    return zipSync(files, { level: 0, mtime: new Date(1980, 0, 1, 0, 0, 0) }) as Uint8Array<ArrayBuffer>;
  } catch (error) {
    throw formatError(`Cannot write the .npz file (${describeError(error)}).`);
  }
}
