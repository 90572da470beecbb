/**
 * Reads and writes numpy `.npy` arrays. Only floating-point data is supported: float64 and float32 in
 * either byte order, C or Fortran order, are read, and everything is returned as float64 in C
 * (row-major) order. Writing always produces float64, little-endian, C order, npy format 1.0, byte for
 * byte as numpy does. Runs anywhere (it needs only the global TextDecoder); the header's Python
 * literal is parsed by pyLiteral.ts. Every problem is an SlmError of kind 'format' with a one-sentence
 * message naming the problem and, where known, the array.
 */
import { formatError, SlmError } from '../network/errors.ts';
import { HeaderSyntaxError, PyDict, PyLiteralParser, PyTuple, type PyValue } from './pyLiteral.ts';

export interface NpyArray {
  shape: number[];
  /** Always float64, in C (row-major) order; length is the product of `shape` (1 for a 0-d array). */
  data: Float64Array;
}

export const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
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

export function plural(n: number, word: string): string {
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

export function describeError(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  return String(error);
}

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

export function writeNpyNamed(array: NpyArray, name: string | undefined): Uint8Array {
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
