/**
 * Reads and writes numpy `.npy` arrays and `.npz` archives (zip files of `.npy` members).
 *
 * Only floating-point data is supported: float64 and float32 in either byte order are read, and
 * everything is returned as float64 in C (row-major) order. Writing always produces float64,
 * little-endian, C order, npy format 1.0, in a stored (uncompressed) zip, as `np.savez` does.
 *
 * This module runs in Node, in a browser and in a worker: it uses no platform API beyond the
 * global TextDecoder, and fflate for deflate.
 *
 * Every problem with the input is reported as an SlmError of kind 'format' with a one-sentence
 * message naming the problem and, where known, the array.
 */
import { Inflate, zipSync } from 'fflate';
import { formatError, quote, SlmError } from './errors.ts';
import { MAX_NPY_MEMBER_BYTES, MAX_NPZ_INFLATED_BYTES } from './limits.ts';

export interface NpyArray {
  shape: number[];
  /** Always float64, in C (row-major) order; length is the product of `shape` (1 for a 0-d array). */
  data: Float64Array;
}

// ---------------------------------------------------------------------------------------------
// Shared helpers

const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const ARRAY_ALIGN = 64;
const GROWTH_AXIS_MAX_DIGITS = 21; // numpy leaves this much room to grow the first axis in place

const LITTLE_ENDIAN_HOST = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

/** "The array 'w0'" or "The .npy data", to start a sentence. */
function subject(name: string | undefined): string {
  return name === undefined ? 'The .npy data' : `The array '${name}'`;
}

/** Python's repr of a shape tuple: (), (5,), (3, 4). */
function shapeText(shape: readonly number[]): string {
  if (shape.length === 1) return `(${shape[0]},)`;
  return `(${shape.join(', ')})`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Product of the dimensions, or undefined when it is not a safe integer. */
function elementCount(shape: readonly number[]): number | undefined {
  if (shape.includes(0)) return 0;
  let count = 1;
  for (const dim of shape) {
    count *= dim;
    if (!Number.isSafeInteger(count)) return undefined;
  }
  return count;
}

function isValidShape(shape: unknown): shape is number[] {
  return (
    Array.isArray(shape) &&
    shape.every((dim) => typeof dim === 'number' && Number.isSafeInteger(dim) && dim >= 0)
  );
}

function describeError(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  return String(error);
}

// ---------------------------------------------------------------------------------------------
// The npy header: a Python dict literal, parsed without eval

type PyValue = string | number | boolean | null | PyTuple | PyValue[] | PyDict;

class PyTuple {
  constructor(readonly items: PyValue[]) {}
}

class PyDict {
  constructor(readonly entries: Map<string, PyValue>) {}
}

class HeaderSyntaxError extends Error {}

/** A recursive-descent parser for the Python literals numpy writes into npy headers. */
class PyLiteralParser {
  private pos = 0;

  constructor(private readonly text: string) {}

  parseAll(): PyValue {
    const value = this.parseValue(0);
    this.skipSpace();
    // numpy pads the header with spaces and ends it with '\n'; some writers pad with NULs.
    while (this.pos < this.text.length && this.text[this.pos] === '\0') this.pos++;
    this.skipSpace();
    if (this.pos < this.text.length) this.fail('unexpected text after the dictionary');
    return value;
  }

  private fail(what: string): never {
    throw new HeaderSyntaxError(`${what} at character ${this.pos + 1}`);
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && ' \t\r\n\f\v'.includes(this.text[this.pos])) this.pos++;
  }

  private parseValue(depth: number): PyValue {
    if (depth > 32) this.fail('values nested too deeply');
    this.skipSpace();
    if (this.pos >= this.text.length) this.fail('the header ends too early');
    const c = this.text[this.pos];
    if (c === '{') return this.parseDict(depth);
    if (c === '(') return this.parseParenthesized(depth);
    if (c === '[') return this.parseList(depth);
    if (c === "'" || c === '"') return this.parseString();
    if ((c === 'b' || c === 'u' || c === 'B' || c === 'U') && this.isQuote(this.text[this.pos + 1])) {
      this.pos++;
      return this.parseString();
    }
    if (c === '-' || c === '+' || (c >= '0' && c <= '9') || c === '.') return this.parseNumber();
    if (/[A-Za-z_]/.test(c)) return this.parseName();
    this.fail(`unexpected character ${JSON.stringify(c)}`);
  }

  private isQuote(c: string | undefined): boolean {
    return c === "'" || c === '"';
  }

  /** Parses items up to `close`, allowing a trailing comma; reports whether any comma was seen. */
  private parseItems(close: string, depth: number): { items: PyValue[]; sawComma: boolean } {
    const items: PyValue[] = [];
    let sawComma = false;
    this.pos++; // the opening bracket
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === close) {
        this.pos++;
        return { items, sawComma };
      }
      items.push(this.parseValue(depth + 1));
      this.skipSpace();
      if (this.text[this.pos] === ',') {
        sawComma = true;
        this.pos++;
      } else if (this.text[this.pos] !== close) {
        this.fail(`expected ',' or '${close}'`);
      }
    }
  }

  private parseParenthesized(depth: number): PyValue {
    const { items, sawComma } = this.parseItems(')', depth);
    // "(x)" is just x in Python; "()", "(x,)" and "(x, y)" are tuples.
    if (items.length === 1 && !sawComma) return items[0];
    return new PyTuple(items);
  }

  private parseList(depth: number): PyValue {
    return this.parseItems(']', depth).items;
  }

  private parseDict(depth: number): PyDict {
    const entries = new Map<string, PyValue>();
    this.pos++; // '{'
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === '}') {
        this.pos++;
        return new PyDict(entries);
      }
      const key = this.parseValue(depth + 1);
      if (typeof key !== 'string') this.fail('a dictionary key is not a string');
      this.skipSpace();
      if (this.text[this.pos] !== ':') this.fail("expected ':'");
      this.pos++;
      const value = this.parseValue(depth + 1);
      if (entries.has(key)) this.fail(`the key '${key}' appears twice`);
      entries.set(key, value);
      this.skipSpace();
      if (this.text[this.pos] === ',') this.pos++;
      else if (this.text[this.pos] !== '}') this.fail("expected ',' or '}'");
    }
  }

  private parseString(): string {
    const quote = this.text[this.pos];
    this.pos++;
    let out = '';
    for (;;) {
      if (this.pos >= this.text.length) this.fail('a string is not closed');
      const c = this.text[this.pos++];
      if (c === quote) return out;
      if (c === '\n') this.fail('a string runs past the end of the line');
      if (c !== '\\') {
        out += c;
        continue;
      }
      if (this.pos >= this.text.length) this.fail('a string is not closed');
      const e = this.text[this.pos++];
      const simple: Record<string, string> = {
        '\\': '\\', "'": "'", '"': '"', n: '\n', t: '\t', r: '\r', '0': '\0', a: '\x07', b: '\b', f: '\f', v: '\v',
      };
      if (e in simple) out += simple[e];
      else if (e === 'x' || e === 'u') {
        const len = e === 'x' ? 2 : 4;
        const hex = this.text.slice(this.pos, this.pos + len);
        if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) this.fail('a string has a bad escape');
        out += String.fromCharCode(parseInt(hex, 16));
        this.pos += len;
      } else {
        out += '\\' + e; // Python keeps unknown escapes as they are
      }
    }
  }

  private parseNumber(): number {
    const match = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?[lL]?/.exec(this.text.slice(this.pos));
    if (!match) this.fail('a number is malformed');
    this.pos += match[0].length;
    const value = Number(match[0].replace(/[lL]$/, ''));
    if (!Number.isFinite(value)) this.fail('a number is malformed');
    return value;
  }

  private parseName(): boolean | null {
    const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.pos));
    const word = match ? match[0] : '';
    if (word === 'True' || word === 'False' || word === 'None') {
      this.pos += word.length;
      return word === 'True' ? true : word === 'False' ? false : null;
    }
    this.fail(`unexpected name '${word}'`);
  }
}

// ---------------------------------------------------------------------------------------------
// dtypes

interface FloatType {
  itemSize: 4 | 8;
  littleEndian: boolean;
}

const KIND_NAMES: Record<string, string> = {
  b: 'bool',
  i: 'int',
  u: 'uint',
  f: 'float',
  c: 'complex',
  O: 'object',
  S: 'bytes',
  a: 'bytes',
  U: 'str',
  V: 'void',
  M: 'datetime64',
  m: 'timedelta64',
};

/** A readable name for a numpy dtype string: '<i8' → 'int64', '|O' → 'object'. */
function dtypeName(descr: string): string {
  const match = /^[<>|=]?([A-Za-z])(\d*)/.exec(descr);
  if (!match) return 'an unknown type';
  const [, kind, size] = match;
  const base = KIND_NAMES[kind];
  if (base === undefined) return 'an unknown type';
  if ((kind === 'i' || kind === 'u' || kind === 'f' || kind === 'c') && size !== '') {
    return `${base}${Number(size) * 8}`;
  }
  return base;
}

function parseDtype(descr: PyValue, name: string | undefined): FloatType {
  const who = subject(name);
  const needFloats = 'but only float32 and float64 arrays can be read';
  if (Array.isArray(descr) || descr instanceof PyTuple) {
    throw formatError(`${who} has a structured (record) dtype, ${needFloats}.`);
  }
  if (typeof descr !== 'string') {
    throw formatError(`${who} has a header whose 'descr' entry is not a dtype string.`);
  }
  const match = /^([<>|=]?)f([48])$/.exec(descr);
  if (match) {
    // '=' means native order and '|' means "not applicable"; numpy treats both as native, and
    // every machine this runs on is little-endian.
    return { itemSize: match[2] === '4' ? 4 : 8, littleEndian: match[1] !== '>' };
  }
  const typeName = dtypeName(descr);
  const quoted = JSON.stringify(descr).slice(1, -1);
  if (typeName === 'object') {
    throw formatError(
      `${who} has dtype object ('${quoted}'), which holds pickled Python objects, ${needFloats}.`,
    );
  }
  throw formatError(`${who} has dtype ${typeName} ('${quoted}'), ${needFloats}.`);
}

// ---------------------------------------------------------------------------------------------
// npy

function decodeHeader(bytes: Uint8Array, utf8: boolean, name: string | undefined): string {
  if (utf8) {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw formatError(`${subject(name)} has a header that is not valid UTF-8 text.`);
    }
  }
  let text = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    text += String.fromCharCode(...bytes.subarray(i, i + 8192)); // latin-1
  }
  return text;
}

/** Reads one `.npy` array; `name` (the array's name in an archive) is used in error messages. */
export function readNpy(bytes: Uint8Array, name?: string): NpyArray {
  try {
    return readNpyUnchecked(bytes, name);
  } catch (error) {
    if (error instanceof SlmError) throw error;
    throw formatError(`${subject(name)} could not be read as an .npy array (${describeError(error)}).`);
  }
}

function readNpyUnchecked(bytes: Uint8Array, name: string | undefined): NpyArray {
  const who = subject(name);
  if (bytes.length === 0) throw formatError(`${who} is empty (0 bytes), so it is not an .npy array.`);
  const magicLength = Math.min(bytes.length, NPY_MAGIC.length);
  for (let i = 0; i < magicLength; i++) {
    if (bytes[i] !== NPY_MAGIC[i]) {
      throw formatError(`${who} is not an .npy array (it does not start with the "\\x93NUMPY" magic string).`);
    }
  }
  if (bytes.length < 10) {
    throw formatError(`${who} is truncated: it ends inside the .npy header after ${plural(bytes.length, 'byte')}.`);
  }
  const major = bytes[6];
  const minor = bytes[7];
  if (!((major === 1 || major === 2 || major === 3) && minor === 0)) {
    throw formatError(
      `${who} uses .npy format version ${major}.${minor}, but only versions 1.0, 2.0 and 3.0 can be read.`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthSize = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthSize) {
    throw formatError(`${who} is truncated: it ends inside the .npy header after ${plural(bytes.length, 'byte')}.`);
  }
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = 8 + lengthSize;
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) {
    throw formatError(
      `${who} is truncated: its .npy header should be ${plural(headerLength, 'byte')} long but the data ends after ${plural(bytes.length - headerStart, 'byte')}.`,
    );
  }

  const headerText = decodeHeader(bytes.subarray(headerStart, dataStart), major === 3, name);
  let header: PyValue;
  try {
    header = new PyLiteralParser(headerText).parseAll();
  } catch (error) {
    if (error instanceof HeaderSyntaxError) {
      throw formatError(`${who} has an .npy header that cannot be parsed (${error.message}).`);
    }
    throw error;
  }
  if (!(header instanceof PyDict)) {
    throw formatError(`${who} has an .npy header that is not a dictionary.`);
  }
  const missing = ['descr', 'fortran_order', 'shape'].filter((key) => !header.entries.has(key));
  if (missing.length > 0) {
    throw formatError(`${who} has an .npy header without the ${missing.map((k) => `'${k}'`).join(', ')} entry.`);
  }
  const dtype = parseDtype(header.entries.get('descr') as PyValue, name);
  const fortranOrder = header.entries.get('fortran_order');
  if (typeof fortranOrder !== 'boolean') {
    throw formatError(`${who} has an .npy header whose 'fortran_order' entry is not True or False.`);
  }
  const shapeValue = header.entries.get('shape');
  const shape = shapeValue instanceof PyTuple ? shapeValue.items : undefined;
  if (!isValidShape(shape)) {
    throw formatError(`${who} has an .npy header whose 'shape' is not a tuple of non-negative integers.`);
  }
  const count = elementCount(shape);
  const needed = count === undefined ? undefined : count * dtype.itemSize;
  if (needed === undefined || !Number.isSafeInteger(needed)) {
    throw formatError(`${who} has an impossibly large shape ${shapeText(shape)}.`);
  }

  const present = bytes.length - dataStart;
  const typeName = dtype.itemSize === 8 ? 'float64' : 'float32';
  if (present < needed) {
    throw formatError(
      `${who} is truncated: its shape ${shapeText(shape)} needs ${plural(needed, 'byte')} of ${typeName} data but only ${plural(present, 'byte')} are present.`,
    );
  }
  if (present > needed) {
    throw formatError(
      `${who} does not match its shape: ${shapeText(shape)} needs ${plural(needed, 'byte')} of ${typeName} data but ${plural(present, 'byte')} are present.`,
    );
  }

  const raw = readFloats(bytes, dataStart, count as number, dtype);
  const data = fortranOrder && shape.length > 1 ? fortranToC(raw, shape) : raw;
  return { shape: [...shape], data };
}

function readFloats(bytes: Uint8Array, start: number, count: number, dtype: FloatType): Float64Array {
  const out = new Float64Array(count);
  if (dtype.itemSize === 8 && dtype.littleEndian === LITTLE_ENDIAN_HOST) {
    // Copy the bytes as they are: exact, fast, and it keeps NaN payloads.
    new Uint8Array(out.buffer).set(bytes.subarray(start, start + count * 8));
    return out;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + start, count * dtype.itemSize);
  const little = dtype.littleEndian;
  if (dtype.itemSize === 8) {
    for (let i = 0; i < count; i++) out[i] = view.getFloat64(i * 8, little);
  } else {
    for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, little);
  }
  return out;
}

/** Reorders values stored in Fortran (column-major) order into C (row-major) order. */
function fortranToC(fortran: Float64Array, shape: readonly number[]): Float64Array {
  const out = new Float64Array(fortran.length);
  if (fortran.length === 0) return out;
  const rank = shape.length;
  const cStride = new Array<number>(rank);
  let stride = 1;
  for (let k = rank - 1; k >= 0; k--) {
    cStride[k] = stride;
    stride *= shape[k];
  }
  // Walk the Fortran order (first axis fastest), keeping the matching C offset.
  const index = new Array<number>(rank).fill(0);
  let c = 0;
  for (let f = 0; f < fortran.length; f++) {
    out[c] = fortran[f];
    let k = 0;
    index[0]++;
    c += cStride[0];
    while (k < rank - 1 && index[k] === shape[k]) {
      c -= shape[k] * cStride[k];
      index[k] = 0;
      k++;
      index[k]++;
      c += cStride[k];
    }
  }
  return out;
}

/** Writes a float64, little-endian, C-order `.npy` (format 1.0), byte for byte as numpy does. */
export function writeNpy(array: NpyArray): Uint8Array {
  return writeNpyNamed(array, undefined);
}

function writeNpyNamed(array: NpyArray, name: string | undefined): Uint8Array {
  const who = name === undefined ? 'the array' : `the array '${name}'`;
  if (array === null || typeof array !== 'object' || !(array.data instanceof Float64Array)) {
    throw formatError(`Cannot write ${who}: its data is not a Float64Array.`);
  }
  const { shape, data } = array;
  if (!isValidShape(shape)) {
    throw formatError(`Cannot write ${who}: its shape is not a list of non-negative integers.`);
  }
  const count = elementCount(shape);
  if (count !== data.length) {
    throw formatError(
      `Cannot write ${who}: its shape ${shapeText(shape)} needs ${count === undefined ? 'more' : count} values but its data has ${data.length}.`,
    );
  }

  let header = `{'descr': '<f8', 'fortran_order': False, 'shape': ${shapeText(shape)}, }`;
  if (shape.length > 0) header += ' '.repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length));
  // Format 1.0 stores the header length in 2 bytes; numpy falls back to 2.0 (4 bytes) when needed.
  let major = 1;
  let prefix = 10;
  let padding = ARRAY_ALIGN - ((prefix + header.length + 1) % ARRAY_ALIGN);
  if (header.length + 1 + padding > 0xffff) {
    major = 2;
    prefix = 12;
    padding = ARRAY_ALIGN - ((prefix + header.length + 1) % ARRAY_ALIGN);
  }
  header += ' '.repeat(padding) + '\n';

  const out = new Uint8Array(prefix + header.length + data.length * 8);
  const view = new DataView(out.buffer);
  out.set(NPY_MAGIC, 0);
  out[6] = major;
  out[7] = 0;
  if (major === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[prefix + i] = header.charCodeAt(i); // ASCII only
  const dataStart = prefix + header.length;
  if (LITTLE_ENDIAN_HOST) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), dataStart);
  } else {
    for (let i = 0; i < data.length; i++) view.setFloat64(dataStart + i * 8, data[i], true);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// zip

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
export function writeNpz(arrays: Record<string, NpyArray>): Uint8Array {
  const files: Record<string, Uint8Array> = Object.create(null);
  for (const [name, array] of Object.entries(arrays)) {
    if (name === '') throw formatError('Cannot write an .npz file with an array whose name is empty.');
    files[`${name}.npy`] = writeNpyNamed(array, name);
  }
  try {
    // Fixed timestamps (numpy uses 1980-01-01 too) make the output depend on the arrays only.
    return zipSync(files, { level: 0, mtime: new Date(1980, 0, 1, 0, 0, 0) });
  } catch (error) {
    throw formatError(`Cannot write the .npz file (${describeError(error)}).`);
  }
}
