import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync, zipSync } from 'fflate';
import { SlmError } from '../src-main/model/network/errors.ts';
import { readNpy, readNpz, writeNpy, writeNpz, type NpyArray } from '../src-main/model/formats/npz.ts';
import { expectSlmError } from './helpers.ts';

const expectFormatError = (fn: () => unknown, pattern: RegExp) => expectSlmError(fn, 'format', pattern);

const testsDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(testsDir, '..');
const fixturesDir = join(testsDir, 'fixtures', 'npz');
const roundtripScript = join(testsDir, 'fixtures', 'check_npz_roundtrip.py');
const seedWeights = join(repoRoot, '..', 'shared', 'seed-data', 'weights.npz');

interface ExpectedArray {
  shape: number[];
  dtype: 'float64' | 'float32';
  values: number[];
}
const expected = JSON.parse(readFileSync(join(fixturesDir, 'expected.json'), 'utf8')) as Record<
  string,
  Record<string, ExpectedArray>
>;

function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(fixturesDir, name)));
}

const hasNumpy = spawnSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0;
const numpyNote = hasNumpy ? '' : ' [skipped: python3 with numpy is not available]';

/** Raw bytes of a Float64Array, for bit-for-bit comparisons (NaN payloads, -0). */
function bits(data: Float64Array): number[] {
  return Array.from(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

/** Builds an .npy by hand, with any header text and data. */
function makeNpy(header: string, data: Uint8Array, major = 1): Uint8Array {
  const headerBytes = new TextEncoder().encode(header);
  const prefix = major === 1 ? 10 : 12;
  const out = new Uint8Array(prefix + headerBytes.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, headerBytes.length, true);
  else view.setUint32(8, headerBytes.length, true);
  out.set(headerBytes, prefix);
  out.set(data, prefix + headerBytes.length);
  return out;
}

function f64Bytes(values: number[]): Uint8Array {
  return new Uint8Array(new Float64Array(values).buffer);
}

/** A stored zip with the given members (names used as they are). */
function zipOf(members: Record<string, Uint8Array>): Uint8Array {
  return zipSync(members, { level: 0, mtime: new Date(1980, 0, 1) });
}

/** Deterministic pseudo-random bytes. */
function randomBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state >>> 24;
  }
  return out;
}

const sample: Record<string, NpyArray> = {
  w0: { shape: [3, 4], data: new Float64Array(12).map((_, i) => (i - 5) / 7) },
  w1: { shape: [3, 6], data: new Float64Array(18).map((_, i) => -i / 13 + 0.5) },
  w2: { shape: [4, 3], data: new Float64Array(12).map((_, i) => (i * 3 - 17) / 7 - 100) },
};

describe('readNpz on numpy-written fixtures', () => {
  for (const [file, arrays] of Object.entries(expected)) {
    it(`reads ${file} exactly`, () => {
      const result = readNpz(fixture(file));
      expect([...result.keys()].sort()).toEqual(Object.keys(arrays).sort());
      for (const [name, want] of Object.entries(arrays)) {
        const got = result.get(name)!;
        expect(got.shape, name).toEqual(want.shape);
        expect(got.data).toBeInstanceOf(Float64Array);
        const wanted = want.dtype === 'float32' ? want.values.map(Math.fround) : want.values;
        expect(Array.from(got.data), name).toEqual(wanted);
        // toEqual treats -0 and 0 alike; check exact bits too.
        expect(bits(got.data), name).toEqual(bits(new Float64Array(wanted)));
      }
    });
  }

  it('gives fortran-order arrays in C order', () => {
    const t3 = readNpz(fixture('fortran.npz')).get('t3')!;
    expect(t3.shape).toEqual([2, 3, 4]);
    // C order: element [i][j][k] is at i*12 + j*4 + k, and the values were arange(24) - 12.5, over 3.
    for (let i = 0; i < 24; i++) expect(t3.data[i]).toBe((i - 12.5) / 3);
  });

  it('reads deflated entries (savez_compressed) the same as stored ones', () => {
    const stored = readNpz(fixture('float64.npz'));
    const deflated = readNpz(fixture('float64_compressed.npz'));
    for (const name of ['w0', 'w1', 'w2']) {
      expect(bits(deflated.get(name)!.data)).toEqual(bits(stored.get(name)!.data));
    }
  });

  it('rejects an int64 array, naming it and its dtype', () => {
    expectFormatError(
      () => readNpz(fixture('int64.npz')),
      /array 'counts'.*dtype int64 \('<i8'\).*only float32 and float64/,
    );
  });

  const seedNote = existsSync(seedWeights) ? '' : ' [skipped: the file is missing]';
  it.skipIf(seedNote !== '')(`reads the original seed weights (../shared/seed-data/weights.npz)${seedNote}`, () => {
    const arrays = readNpz(new Uint8Array(readFileSync(seedWeights)));
    expect([...arrays.keys()].sort()).toEqual(['w0', 'w1', 'w2']);
    expect(arrays.get('w0')!.shape).toEqual([10, 27]);
    expect(arrays.get('w1')!.shape).toEqual([10, 20]);
    expect(arrays.get('w2')!.shape).toEqual([27, 10]);
    for (const array of arrays.values()) {
      expect(array.data.length).toBe(array.shape[0] * array.shape[1]);
      expect(array.data.every(Number.isFinite)).toBe(true);
    }
  });
});

describe('writeNpy', () => {
  it('writes exactly the bytes numpy writes', () => {
    const members = unzipSync(fixture('float64.npz'));
    for (const name of ['w0', 'w1', 'w2']) {
      const numpyBytes = members[`${name}.npy`];
      expect(Array.from(writeNpy(readNpy(numpyBytes, name))), name).toEqual(Array.from(numpyBytes));
    }
    const shapes = unzipSync(fixture('shapes.npz'));
    for (const name of ['s0', 'v1', 'e0']) {
      const numpyBytes = shapes[`${name}.npy`];
      expect(Array.from(writeNpy(readNpy(numpyBytes, name))), name).toEqual(Array.from(numpyBytes));
    }
  });

  it('writes a 64-byte-aligned version 1.0 little-endian float64 header ending in a newline', () => {
    for (const shape of [[], [0], [7], [3, 4], [2, 3, 4], [123456789012, 0], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]]) {
      const count = shape.reduce((a, b) => a * b, 1);
      const bytes = writeNpy({ shape, data: new Float64Array(count).fill(1.5) });
      expect(Array.from(bytes.subarray(0, 8))).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
      const headerLength = new DataView(bytes.buffer).getUint16(8, true);
      const dataStart = 10 + headerLength;
      expect(dataStart % 64).toBe(0);
      expect(bytes[dataStart - 1]).toBe(0x0a);
      const header = new TextDecoder().decode(bytes.subarray(10, dataStart));
      expect(header).toMatch(/^\{'descr': '<f8', 'fortran_order': False, 'shape': \([\d, ]*\), \} *\n$/);
      expect(bytes.length - dataStart).toBe(count * 8);
      const back = readNpy(bytes);
      expect(back.shape).toEqual(shape);
      expect(Array.from(back.data)).toEqual(new Array(count).fill(1.5));
    }
  });

  it('rejects data that does not fit the shape', () => {
    expectFormatError(() => writeNpy({ shape: [3, 4], data: new Float64Array(10) }), /shape \(3, 4\) needs 12 values but its data has 10/);
    expectFormatError(() => writeNpy({ shape: [-1], data: new Float64Array(1) }), /shape is not a list of non-negative integers/);
    expectFormatError(() => writeNpz({ w0: { shape: [2], data: new Float64Array(3) } }), /array 'w0'.*needs 2 values/);
  });
});

describe('writeNpz / readNpz round trip', () => {
  it('is bit-identical, including NaN, infinities, -0 and subnormals', () => {
    const special: NpyArray = {
      shape: [2, 4],
      data: new Float64Array([NaN, Infinity, -Infinity, -0, 5e-324, -Number.MAX_VALUE, Math.PI, 1 / 3]),
    };
    const arrays: Record<string, NpyArray> = {
      ...sample,
      special,
      scalar: { shape: [], data: new Float64Array([-2.5]) },
      vector: { shape: [5], data: new Float64Array([1, 2, 3, 4, 5]) },
      empty: { shape: [0, 3], data: new Float64Array(0) },
      cube: { shape: [2, 2, 2], data: new Float64Array([1, 2, 3, 4, 5, 6, 7, 8]) },
    };
    const bytes = writeNpz(arrays);
    const back = readNpz(bytes);
    expect([...back.keys()]).toEqual(Object.keys(arrays));
    for (const [name, array] of Object.entries(arrays)) {
      expect(back.get(name)!.shape, name).toEqual(array.shape);
      expect(bits(back.get(name)!.data), name).toEqual(bits(array.data));
    }
  });

  it('writes a stored zip, the same bytes every time', () => {
    const a = writeNpz(sample);
    const b = writeNpz(sample);
    expect(Array.from(a)).toEqual(Array.from(b));
    // Local file header: signature, then compression method 0 (stored) at offset 8.
    expect(new DataView(a.buffer).getUint32(0, true)).toBe(0x04034b50);
    expect(new DataView(a.buffer).getUint16(8, true)).toBe(0);
  });

  it('reads data from a subarray view (non-zero byteOffset)', () => {
    const bytes = writeNpz(sample);
    const padded = new Uint8Array(bytes.length + 13);
    padded.set(bytes, 5);
    const back = readNpz(padded.subarray(5, 5 + bytes.length));
    expect(bits(back.get('w1')!.data)).toEqual(bits(sample.w1.data));
  });

  it.skipIf(!hasNumpy)(`is read back identically by numpy${numpyNote}`, () => {
    const arrays: Record<string, NpyArray> = {
      ...sample,
      edge: { shape: [6], data: new Float64Array([-0, 5e-324, 1e-310, Number.MAX_VALUE, -1e300, 0.1 + 0.2]) },
      scalar: { shape: [], data: new Float64Array([42.125]) },
    };
    const dir = mkdtempSync(join(tmpdir(), 'slm-npz-'));
    try {
      const path = join(dir, 'ours.npz');
      writeFileSync(path, writeNpz(arrays));
      const run = spawnSync('python3', [roundtripScript, path], { encoding: 'utf8' });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const loaded = JSON.parse(run.stdout) as Record<
        string,
        { shape: number[]; dtype: string; descr: string; fortran: boolean; values: number[] }
      >;
      expect(Object.keys(loaded).sort()).toEqual(Object.keys(arrays).sort());
      for (const [name, array] of Object.entries(arrays)) {
        const got = loaded[name];
        expect(got.shape, name).toEqual(array.shape);
        expect(got.dtype, name).toBe('float64');
        expect(got.descr, name).toBe('<f8');
        expect(got.fortran, name).toBe(false);
        expect(bits(new Float64Array(got.values)), name).toEqual(bits(array.data));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('readNpy details', () => {
  it('parses headers written in other styles', () => {
    const data = f64Bytes([1, 2, 3, 4, 5, 6]);
    const headers = [
      `{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }`,
      `{"shape": (2, 3), "fortran_order": False, "descr": "<f8"}\n`,
      `{'descr':'<f8','fortran_order':False,'shape':(2L,3L)}          \n`, // Python 2 longs
      `{u'descr': u'<f8', 'fortran_order': False, 'shape': (2, 3,), }\n`,
      `{'descr': 'f8', 'fortran_order': False, 'shape': (2, 3)}\n`,
      `{'descr': '=f8', 'fortran_order': False, 'shape': (2, 3)}\n`,
      `{'descr': '|f8', 'fortran_order': False, 'shape': (2, 3)}\n`,
    ];
    for (const header of headers) {
      const array = readNpy(makeNpy(header, data), 'h');
      expect(array.shape, header).toEqual([2, 3]);
      expect(Array.from(array.data), header).toEqual([1, 2, 3, 4, 5, 6]);
    }
  });

  it('reads versions 2.0 and 3.0 headers (3.0 is UTF-8)', () => {
    const data = f64Bytes([7, 8]);
    const v2 = readNpy(makeNpy(`{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }\n`, data, 2));
    expect(Array.from(v2.data)).toEqual([7, 8]);
    const v3 = readNpy(makeNpy(`{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'note': 'π'}\n`, data, 3));
    expect(Array.from(v3.data)).toEqual([7, 8]);
  });

  it('converts a fortran-order 2-d array to C order', () => {
    // The 2x3 matrix [[1, 2, 3], [4, 5, 6]] stored column by column.
    const npy = makeNpy(`{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }\n`, f64Bytes([1, 4, 2, 5, 3, 6]));
    expect(Array.from(readNpy(npy).data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('reads big-endian float32', () => {
    const data = new Uint8Array(8);
    new DataView(data.buffer).setFloat32(0, 1.5, false);
    new DataView(data.buffer).setFloat32(4, -0.1, false);
    const array = readNpy(makeNpy(`{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }\n`, data));
    expect(Array.from(array.data)).toEqual([1.5, Math.fround(-0.1)]);
  });
});

describe('errors on malformed input', () => {
  const header = (descr: string, shape: string, fortran = 'False') =>
    `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }\n`;

  it('random bytes are not a zip archive', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const bytes = randomBytes(500, seed);
      bytes[0] = 0x00; // make sure it cannot start with "PK"
      expectFormatError(() => readNpz(bytes), /^The file is not an \.npz file \(not a zip archive\)\.$/);
    }
    expectFormatError(() => readNpz(new TextEncoder().encode('{"w0": [1, 2]}')), /not an \.npz file \(not a zip archive\)/);
  });

  it('empty input', () => {
    expectFormatError(() => readNpz(new Uint8Array(0)), /empty.*not an \.npz file/);
    expectFormatError(() => readNpy(new Uint8Array(0), 'w0'), /array 'w0' is empty/);
  });

  it('a single .npy instead of an .npz', () => {
    expectFormatError(() => readNpz(writeNpy(sample.w0)), /single \.npy array, not an \.npz file/);
  });

  it('a zip truncated halfway (and at every other length)', () => {
    for (const file of ['float64.npz', 'float64_compressed.npz']) {
      const bytes = fixture(file);
      expectFormatError(() => readNpz(bytes.subarray(0, bytes.length >> 1)), /^The \.npz file is truncated/);
      for (let length = 1; length < bytes.length; length++) {
        expectFormatError(() => readNpz(bytes.subarray(0, length)), /truncated|not an \.npz file/);
      }
    }
  });

  it('an npy whose data is cut short, alone and inside a zip', () => {
    const cut = writeNpy(sample.w0).slice(0, -5);
    expectFormatError(
      () => readNpy(cut, 'w0'),
      /^The array 'w0' is truncated: its shape \(3, 4\) needs 96 bytes of float64 data but only 91 bytes are present\.$/,
    );
    expectFormatError(() => readNpy(cut), /^The \.npy data is truncated/);
    expectFormatError(() => readNpz(zipOf({ 'w0.npy': cut })), /array 'w0' is truncated/);
    expectFormatError(() => readNpy(writeNpy(sample.w0).slice(0, 40)), /truncated: its \.npy header/);
    expectFormatError(() => readNpy(writeNpy(sample.w0).slice(0, 9)), /truncated: it ends inside the \.npy header/);
  });

  it('an npy with more data than its shape needs', () => {
    const npy = makeNpy(header('<f8', '(2,)'), f64Bytes([1, 2, 3]));
    expectFormatError(() => readNpy(npy, 'w1'), /array 'w1' does not match its shape: \(2,\) needs 16 bytes .* but 24 bytes are present/);
  });

  it('unsupported dtypes name the dtype and ask for floats', () => {
    const cases: [string, RegExp][] = [
      ['<i8', /dtype int64 \('<i8'\), but only float32 and float64 arrays can be read/],
      ['<i4', /dtype int32 \('<i4'\)/],
      ['|u1', /dtype uint8 \('\|u1'\)/],
      ['<f2', /dtype float16 \('<f2'\)/],
      ['<c16', /dtype complex128 \('<c16'\)/],
      ['|b1', /dtype bool \('\|b1'\)/],
      ['<U5', /dtype str \('<U5'\)/],
      ['|O', /dtype object \('\|O'\), which holds pickled Python objects, but only float32 and float64/],
      ['xyz', /dtype an unknown type \('xyz'\)/],
    ];
    for (const [descr, pattern] of cases) {
      expectFormatError(() => readNpy(makeNpy(header(descr, '(1,)'), new Uint8Array(8)), 'a'), pattern);
    }
    const structured = `{'descr': [('x', '<f8'), ('y', '<f8')], 'fortran_order': False, 'shape': (1,), }\n`;
    expectFormatError(() => readNpy(makeNpy(structured, new Uint8Array(16)), 'a'), /structured \(record\) dtype/);
  });

  it('a bad magic string', () => {
    const npy = writeNpy(sample.w0);
    npy[1] = 0x58; // "\x93XUMPY"
    expectFormatError(() => readNpy(npy, 'w0'), /array 'w0' is not an \.npy array \(it does not start with the "\\x93NUMPY" magic string\)/);
    expectFormatError(() => readNpz(zipOf({ 'w0.npy': npy })), /array 'w0' is not an \.npy array.*magic/);
    expectFormatError(() => readNpz(zipOf({ 'w0.npy': new TextEncoder().encode('hello') })), /array 'w0'.*magic/);
  });

  it('an unsupported npy version', () => {
    const npy = writeNpy(sample.w0);
    npy[6] = 4;
    expectFormatError(() => readNpy(npy, 'w0'), /format version 4\.0, but only versions 1\.0, 2\.0 and 3\.0/);
  });

  it('headers with garbage', () => {
    const data = f64Bytes([1, 2]);
    const cases: [string, RegExp][] = [
      [`{'descr': '<f8', 'fortran_order': Flase, 'shape': (2,), }\n`, /header that cannot be parsed \(unexpected name 'Flase' at character \d+\)/],
      [`{'descr': '<f8', 'fortran_order': False, 'shape': (2,), \n`, /cannot be parsed/],
      [`{'descr': '<f8', 'fortran_order': False, 'shape': (2,), } junk\n`, /cannot be parsed \(unexpected text after the dictionary/],
      [`{'descr': '<f8 'fortran_order': False, 'shape': (2,), }\n`, /cannot be parsed/],
      [`\x01\x02\x03garbage\xff\n`, /cannot be parsed/],
      [`__import__('os').system('echo hi')\n`, /cannot be parsed/],
      [`{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (2,)}\n`, /'descr' appears twice/],
      [`[1, 2, 3]\n`, /header that is not a dictionary/],
      [`{'descr': '<f8', 'shape': (2,)}\n`, /without the 'fortran_order' entry/],
      [`{'descr': '<f8', 'fortran_order': 0, 'shape': (2,)}\n`, /'fortran_order' entry is not True or False/],
      [`{'descr': '<f8', 'fortran_order': False, 'shape': [2]}\n`, /'shape' is not a tuple of non-negative integers/],
      [`{'descr': '<f8', 'fortran_order': False, 'shape': (2)}\n`, /'shape' is not a tuple/],
      [`{'descr': '<f8', 'fortran_order': False, 'shape': (-2,)}\n`, /'shape' is not a tuple/],
      [`{'descr': '<f8', 'fortran_order': False, 'shape': (2.5,)}\n`, /'shape' is not a tuple/],
      [`{'descr': 8, 'fortran_order': False, 'shape': (2,)}\n`, /'descr' entry is not a dtype string/],
      [`{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999, 99999999999)}\n`, /impossibly large shape/],
      [`{'descr': '<f8', 'fortran_order': False, 'shape': (3000000000, 3000000000)}\n`, /impossibly large shape/],
      [`${'('.repeat(100)}\n`, /cannot be parsed/],
    ];
    for (const [text, pattern] of cases) {
      expectFormatError(() => readNpy(makeNpy(text, data), 'w0'), pattern);
    }
    // Version 3.0 headers must be UTF-8.
    const bad = makeNpy(header('<f8', '(2,)'), data, 3);
    bad[14] = 0xff;
    expectFormatError(() => readNpy(bad, 'w0'), /header that is not valid UTF-8/);
  });

  it('a damaged zip member', () => {
    // Flip one byte of w1's float data in the stored fixture: the CRC no longer matches.
    const stored = fixture('float64.npz').slice();
    const w1Name = new TextEncoder().encode('w1.npy');
    let at = -1;
    for (let i = 0; i < stored.length && at < 0; i++) {
      if (w1Name.every((b, j) => stored[i + j] === b)) at = i;
    }
    stored[at + 200] ^= 0x40;
    expectFormatError(() => readNpz(stored), /array 'w1' in the \.npz file is damaged \(its CRC-32 checksum does not match\)/);

    // Corrupt the deflate stream of the compressed fixture.
    const compressed = fixture('float64_compressed.npz').slice();
    for (let i = 80; i < 120; i++) compressed[i] ^= 0xa5;
    expectFormatError(() => readNpz(compressed), /cannot be decompressed|damaged/);
  });

  it('never lets a raw exception escape from damaged files', () => {
    for (const file of ['float64.npz', 'float64_compressed.npz', 'fortran.npz', 'versions.npz']) {
      const original = fixture(file);
      for (let seed = 1; seed <= 300; seed++) {
        const bytes = original.slice();
        const noise = randomBytes(12, seed);
        for (let k = 0; k < 4; k++) {
          const at = ((noise[k * 3] << 8) | noise[k * 3 + 1]) % bytes.length;
          bytes[at] = noise[k * 3 + 2];
        }
        try {
          readNpz(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(SlmError);
          expect((error as SlmError).kind).toBe('format');
        }
      }
    }
  });
});
