// The training kernel's arithmetic (see linePass.ts): reading and writing doubles in linear memory,
// exp and tanh (one and two lanes at a time, bit for bit the library's), and the products and sums
// over rows that the forward and backward passes are made of. Two lanes of float64 SIMD throughout.
import { EXP_TABLE } from './expTable';

@inline export function f(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}

@inline export function setF(p: usize, i: i32, value: f64): void {
  store<f64>(p + (<usize>i << 3), value);
}

/** The first 16-byte boundary after `doubles` float64s from `at`: where a layout's next array starts. */
@inline export function reserve(at: usize, doubles: i32): usize {
  return (at + (<usize>doubles << 3) + 15) & ~(<usize>15);
}

/**
 * tanh through one exp: (1 - e) / (1 + e) with e = exp(-2|x|). Its absolute error stays below 4e-16
 * (relative error grows only where tanh itself is tiny), well inside what training needs, and it
 * costs a third of the library's tanh. Inference, in network.ts, uses Math.tanh.
 */
@inline export function tanh(x: f64): f64 {
  const e = Math.exp(-2 * Math.abs(x));
  return copysign<f64>((1 - e) / (1 + e), x);
}

/** Math.exp, with the library's own answer for |x| < 2^-54 (exactly 1) given without the call. */
@inline export function expOne(x: f64): f64 {
  return Math.abs(x) < reinterpret<f64>(0x3c90000000000000) ? 1.0 : Math.exp(x);
}

/**
 * Math.exp of two numbers at once, bit for bit: the library's algorithm (exp(x) = 2^(k/128) exp(r),
 * a table for 2^(k/128) and a polynomial for exp(r)) with its operations in the same order, on two
 * lanes. It covers |x| < 512: the library takes the same plain path for 2^-54 <= |x| < 512, and
 * answers exactly 1 below, which the plain path also gives there (1 + r with |r| < 2^-54 rounds to
 * 1), so the softmax's largest score (o - max = 0) needs no detour. For anything else (huge,
 * infinite, NaN) both lanes go to Math.exp itself.
 */
@inline export function exp2Lanes(x: v128): v128 {
  // NaN fails the test, as it fails the library's test on the exponent bits.
  if (!i64x2.all_true(f64x2.lt(f64x2.abs(x), f64x2.splat(512)))) {
    return f64x2.replace_lane(f64x2.splat(expOne(f64x2.extract_lane(x, 0))), 1, expOne(f64x2.extract_lane(x, 1)));
  }
  const InvLn2N = reinterpret<f64>(0x3ff71547652b82fe) * 128;
  const shift = f64x2.splat(reinterpret<f64>(0x4338000000000000));
  const z = f64x2.mul(f64x2.splat(InvLn2N), x);
  let kd = f64x2.add(z, shift);
  const ki = kd;
  kd = f64x2.sub(kd, shift);
  const r = f64x2.add(
    f64x2.add(x, f64x2.mul(kd, f64x2.splat(reinterpret<f64>(0xbf762e42fefa0000)))),
    f64x2.mul(kd, f64x2.splat(reinterpret<f64>(0xbd0cf79abc9e3b3a))),
  );
  const k0 = i64x2.extract_lane(ki, 0);
  const k1 = i64x2.extract_lane(ki, 1);
  const at0 = EXP_TABLE + (<usize>(k0 & 127) << 4);
  const at1 = EXP_TABLE + (<usize>(k1 & 127) << 4);
  const tail = f64x2.replace_lane(f64x2.splat(load<f64>(at0)), 1, load<f64>(at1));
  const sbits = i64x2.replace_lane(i64x2.splat(load<i64>(at0, 8) + (k0 << 45)), 1, load<i64>(at1, 8) + (k1 << 45));
  const C2 = f64x2.splat(reinterpret<f64>(0x3fdffffffffffdbd));
  const C3 = f64x2.splat(reinterpret<f64>(0x3fc555555555543c));
  const C4 = f64x2.splat(reinterpret<f64>(0x3fa55555cf172b91));
  const C5 = f64x2.splat(reinterpret<f64>(0x3f81111167a4d017));
  const r2 = f64x2.mul(r, r);
  const tmp = f64x2.add(
    f64x2.add(f64x2.add(tail, r), f64x2.mul(r2, f64x2.add(C2, f64x2.mul(r, C3)))),
    f64x2.mul(f64x2.mul(r2, r2), f64x2.add(C4, f64x2.mul(r, C5))),
  );
  return f64x2.add(sbits, f64x2.mul(sbits, tmp));
}

/** `tanh` of two numbers at once, bit for bit. */
@inline export function tanh2Lanes(x: v128): v128 {
  const e = exp2Lanes(f64x2.mul(f64x2.splat(-2), f64x2.abs(x)));
  const one = f64x2.splat(1);
  const y = f64x2.div(f64x2.sub(one, e), f64x2.add(one, e));
  const sign = i64x2.splat(0x8000000000000000);
  return v128.or(v128.andnot(y, sign), v128.and(x, sign));
}

/** p[i] = tanh(p[i]) for n doubles. */
export function tanhInPlace(p: usize, n: i32): void {
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const at = p + (<usize>i << 3);
    v128.store(at, tanh2Lanes(v128.load(at)));
  }
  if (i < n) store<f64>(p + (<usize>i << 3), f64x2.extract_lane(tanh2Lanes(f64x2.splat(load<f64>(p + (<usize>i << 3)))), 0));
}

/** n doubles from `from` to `to`, two at a time (the arrays do not overlap). */
@inline export function copyDoubles(to: usize, from: usize, n: i32): void {
  let i = 0;
  for (; i + 1 < n; i += 2) v128.store(to + (<usize>i << 3), v128.load(from + (<usize>i << 3)));
  if (i < n) store<f64>(to + (<usize>i << 3), load<f64>(from + (<usize>i << 3)));
}

/** n doubles set to zero, two at a time. */
@inline export function zeroDoubles(p: usize, n: i32): void {
  let i = 0;
  for (; i + 1 < n; i += 2) v128.store(p + (<usize>i << 3), f64x2.splat(0));
  if (i < n) store<f64>(p + (<usize>i << 3), 0);
}

/** out[i] = d[i] * (1 - h[i] * h[i]) for n doubles, two at a time: a gradient through tanh. */
@inline export function throughTanh(out: usize, d: usize, h: usize, n: i32): void {
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const at = <usize>i << 3;
    const hi = v128.load(h + at);
    v128.store(out + at, f64x2.mul(v128.load(d + at), f64x2.sub(f64x2.splat(1), f64x2.mul(hi, hi))));
  }
  if (i < n) {
    const at = <usize>i << 3;
    const hi = load<f64>(h + at);
    store<f64>(out + at, load<f64>(d + at) * (1 - hi * hi));
  }
}

/** a . b over n doubles, two lanes at a time, then the two lanes added, then an odd last element. */
@inline export function dot(a: usize, b: usize, n: i32): f64 {
  let acc = f64x2.splat(0);
  let j = 0;
  for (; j + 1 < n; j += 2) {
    const at = <usize>j << 3;
    acc = f64x2.add(acc, f64x2.mul(v128.load(a + at), v128.load(b + at)));
  }
  let sum = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  if (j < n) sum += load<f64>(a + (<usize>j << 3)) * load<f64>(b + (<usize>j << 3));
  return sum;
}

/**
 * out[r] = rows[r] . x for `count` rows of n doubles, `stride` bytes apart. Four rows at a time (then
 * two, then one), each with its own accumulator and exactly `dot`'s order of operations (so the same
 * bits), which keeps four independent chains of additions in flight instead of one.
 */
export function dots(out: usize, rows: usize, stride: usize, x: usize, n: i32, count: i32): void {
  let r = 0;
  for (; r + 3 < count; r += 4) {
    const r0 = rows + <usize>r * stride;
    const r1 = r0 + stride;
    const r2 = r1 + stride;
    const r3 = r2 + stride;
    let a0 = f64x2.splat(0);
    let a1 = f64x2.splat(0);
    let a2 = f64x2.splat(0);
    let a3 = f64x2.splat(0);
    let j = 0;
    for (; j + 1 < n; j += 2) {
      const at = <usize>j << 3;
      const xj = v128.load(x + at);
      a0 = f64x2.add(a0, f64x2.mul(v128.load(r0 + at), xj));
      a1 = f64x2.add(a1, f64x2.mul(v128.load(r1 + at), xj));
      a2 = f64x2.add(a2, f64x2.mul(v128.load(r2 + at), xj));
      a3 = f64x2.add(a3, f64x2.mul(v128.load(r3 + at), xj));
    }
    let s0 = f64x2.extract_lane(a0, 0) + f64x2.extract_lane(a0, 1);
    let s1 = f64x2.extract_lane(a1, 0) + f64x2.extract_lane(a1, 1);
    let s2 = f64x2.extract_lane(a2, 0) + f64x2.extract_lane(a2, 1);
    let s3 = f64x2.extract_lane(a3, 0) + f64x2.extract_lane(a3, 1);
    if (j < n) {
      const at = <usize>j << 3;
      const xj = load<f64>(x + at);
      s0 += load<f64>(r0 + at) * xj;
      s1 += load<f64>(r1 + at) * xj;
      s2 += load<f64>(r2 + at) * xj;
      s3 += load<f64>(r3 + at) * xj;
    }
    const o = out + (<usize>r << 3);
    store<f64>(o, s0);
    store<f64>(o, s1, 8);
    store<f64>(o, s2, 16);
    store<f64>(o, s3, 24);
  }
  if (r + 1 < count) {
    const r0 = rows + <usize>r * stride;
    const r1 = r0 + stride;
    let a0 = f64x2.splat(0);
    let a1 = f64x2.splat(0);
    let j = 0;
    for (; j + 1 < n; j += 2) {
      const at = <usize>j << 3;
      const xj = v128.load(x + at);
      a0 = f64x2.add(a0, f64x2.mul(v128.load(r0 + at), xj));
      a1 = f64x2.add(a1, f64x2.mul(v128.load(r1 + at), xj));
    }
    let s0 = f64x2.extract_lane(a0, 0) + f64x2.extract_lane(a0, 1);
    let s1 = f64x2.extract_lane(a1, 0) + f64x2.extract_lane(a1, 1);
    if (j < n) {
      const at = <usize>j << 3;
      const xj = load<f64>(x + at);
      s0 += load<f64>(r0 + at) * xj;
      s1 += load<f64>(r1 + at) * xj;
    }
    store<f64>(out + (<usize>r << 3), s0);
    store<f64>(out + (<usize>r << 3), s1, 8);
    r += 2;
  }
  if (r < count) store<f64>(out + (<usize>r << 3), dot(rows + <usize>r * stride, x, n));
}

/**
 * acc[j] += coef[r] * rows[r][j] for r = 0, 1, ... count - 1 in that order, over n doubles; the rows are
 * `stride` bytes apart. Eight columns at a time are kept in registers across all the rows; each
 * element sees the same additions in the same order as a row-by-row update would.
 */
export function accumulateRows(acc: usize, rows: usize, stride: usize, coef: usize, count: i32, n: i32): void {
  let j = 0;
  for (; j + 7 < n; j += 8) {
    const at = <usize>j << 3;
    let a0 = v128.load(acc + at);
    let a1 = v128.load(acc + at, 16);
    let a2 = v128.load(acc + at, 32);
    let a3 = v128.load(acc + at, 48);
    let row = rows + at;
    for (let r = 0; r < count; r++) {
      const c = f64x2.splat(load<f64>(coef + (<usize>r << 3)));
      a0 = f64x2.add(a0, f64x2.mul(c, v128.load(row)));
      a1 = f64x2.add(a1, f64x2.mul(c, v128.load(row, 16)));
      a2 = f64x2.add(a2, f64x2.mul(c, v128.load(row, 32)));
      a3 = f64x2.add(a3, f64x2.mul(c, v128.load(row, 48)));
      row += stride;
    }
    v128.store(acc + at, a0);
    v128.store(acc + at, a1, 16);
    v128.store(acc + at, a2, 32);
    v128.store(acc + at, a3, 48);
  }
  for (; j + 1 < n; j += 2) {
    const at = <usize>j << 3;
    let a0 = v128.load(acc + at);
    let row = rows + at;
    for (let r = 0; r < count; r++) {
      a0 = f64x2.add(a0, f64x2.mul(f64x2.splat(load<f64>(coef + (<usize>r << 3))), v128.load(row)));
      row += stride;
    }
    v128.store(acc + at, a0);
  }
  if (j < n) {
    const at = <usize>j << 3;
    let a = load<f64>(acc + at);
    let row = rows + at;
    for (let r = 0; r < count; r++) {
      a += load<f64>(coef + (<usize>r << 3)) * load<f64>(row);
      row += stride;
    }
    store<f64>(acc + at, a);
  }
}

/**
 * Row k of `outerSum` from column j on, as that function defines it; returns the squares of what it
 * wrote, summed.
 */
function outerRow(gk: usize, ck: usize, j: i32, n: i32, coefStride: usize, x: usize, xStride: usize, steps: i32): f64 {
  const last = <usize>(steps - 1);
  let squares = f64x2.splat(0);
  let tailSquares: f64 = 0;
  for (; j + 7 < n; j += 8) {
    const at = <usize>j << 3;
    let a0 = f64x2.splat(0);
    let a1 = f64x2.splat(0);
    let a2 = f64x2.splat(0);
    let a3 = f64x2.splat(0);
    let c = ck;
    let v = x + at + last * xStride;
    for (let s = steps - 1; s >= 0; s--) {
      const alpha = f64x2.splat(load<f64>(c));
      a0 = f64x2.add(a0, f64x2.mul(alpha, v128.load(v)));
      a1 = f64x2.add(a1, f64x2.mul(alpha, v128.load(v, 16)));
      a2 = f64x2.add(a2, f64x2.mul(alpha, v128.load(v, 32)));
      a3 = f64x2.add(a3, f64x2.mul(alpha, v128.load(v, 48)));
      c -= coefStride;
      v -= xStride;
    }
    v128.store(gk + at, a0);
    v128.store(gk + at, a1, 16);
    v128.store(gk + at, a2, 32);
    v128.store(gk + at, a3, 48);
    squares = f64x2.add(squares, f64x2.add(f64x2.add(f64x2.mul(a0, a0), f64x2.mul(a1, a1)), f64x2.add(f64x2.mul(a2, a2), f64x2.mul(a3, a3))));
  }
  for (; j + 1 < n; j += 2) {
    const at = <usize>j << 3;
    let a0 = f64x2.splat(0);
    let c = ck;
    let v = x + at + last * xStride;
    for (let s = steps - 1; s >= 0; s--) {
      a0 = f64x2.add(a0, f64x2.mul(f64x2.splat(load<f64>(c)), v128.load(v)));
      c -= coefStride;
      v -= xStride;
    }
    v128.store(gk + at, a0);
    squares = f64x2.add(squares, f64x2.mul(a0, a0));
  }
  if (j < n) {
    const at = <usize>j << 3;
    let a: f64 = 0;
    let c = ck;
    let v = x + at + last * xStride;
    for (let s = steps - 1; s >= 0; s--) {
      a += load<f64>(c) * load<f64>(v);
      c -= coefStride;
      v -= xStride;
    }
    store<f64>(gk + at, a);
    tailSquares += a * a;
  }
  return f64x2.extract_lane(squares, 0) + f64x2.extract_lane(squares, 1) + tailSquares;
}

/**
 * g[k][j] = sum over s = steps - 1 down to 0 of coef[s][k] * x[s][j], starting from zero, for K rows of
 * n doubles: the gradient of a matrix used at every step, summed in the order back-propagation through
 * time meets the steps, with each element's sum kept in a register. Rows go two at a time through
 * blocks of eight columns, sharing each load of x. `coefStride` and `xStride` are the bytes from one
 * step's coefficients (or vector) to the next. Returns the squares of g, summed (in an order of its
 * own: only the decision whether clipping may apply reads it).
 */
export function outerSum(g: usize, K: i32, n: i32, coef: usize, coefStride: usize, x: usize, xStride: usize, steps: i32): f64 {
  const last = <usize>(steps - 1);
  let squares = f64x2.splat(0);
  let rest: f64 = 0;
  let k = 0;
  for (; k + 1 < K; k += 2) {
    const gk = g + (<usize>(k * n) << 3);
    const gl = gk + (<usize>n << 3);
    const ck = coef + (<usize>k << 3) + last * coefStride;
    let j = 0;
    for (; j + 7 < n; j += 8) {
      const at = <usize>j << 3;
      let a0 = f64x2.splat(0);
      let a1 = f64x2.splat(0);
      let a2 = f64x2.splat(0);
      let a3 = f64x2.splat(0);
      let b0 = f64x2.splat(0);
      let b1 = f64x2.splat(0);
      let b2 = f64x2.splat(0);
      let b3 = f64x2.splat(0);
      let c = ck;
      let v = x + at + last * xStride;
      for (let s = steps - 1; s >= 0; s--) {
        const alpha = f64x2.splat(load<f64>(c));
        const beta = f64x2.splat(load<f64>(c, 8));
        const v0 = v128.load(v);
        const v1 = v128.load(v, 16);
        const v2 = v128.load(v, 32);
        const v3 = v128.load(v, 48);
        a0 = f64x2.add(a0, f64x2.mul(alpha, v0));
        a1 = f64x2.add(a1, f64x2.mul(alpha, v1));
        a2 = f64x2.add(a2, f64x2.mul(alpha, v2));
        a3 = f64x2.add(a3, f64x2.mul(alpha, v3));
        b0 = f64x2.add(b0, f64x2.mul(beta, v0));
        b1 = f64x2.add(b1, f64x2.mul(beta, v1));
        b2 = f64x2.add(b2, f64x2.mul(beta, v2));
        b3 = f64x2.add(b3, f64x2.mul(beta, v3));
        c -= coefStride;
        v -= xStride;
      }
      v128.store(gk + at, a0);
      v128.store(gk + at, a1, 16);
      v128.store(gk + at, a2, 32);
      v128.store(gk + at, a3, 48);
      v128.store(gl + at, b0);
      v128.store(gl + at, b1, 16);
      v128.store(gl + at, b2, 32);
      v128.store(gl + at, b3, 48);
      squares = f64x2.add(squares, f64x2.add(f64x2.add(f64x2.mul(a0, a0), f64x2.mul(a1, a1)), f64x2.add(f64x2.mul(a2, a2), f64x2.mul(a3, a3))));
      squares = f64x2.add(squares, f64x2.add(f64x2.add(f64x2.mul(b0, b0), f64x2.mul(b1, b1)), f64x2.add(f64x2.mul(b2, b2), f64x2.mul(b3, b3))));
    }
    if (j < n) {
      rest += outerRow(gk, ck, j, n, coefStride, x, xStride, steps);
      rest += outerRow(gl, ck + 8, j, n, coefStride, x, xStride, steps);
    }
  }
  if (k < K) rest += outerRow(g + (<usize>(k * n) << 3), coef + (<usize>k << 3) + last * coefStride, 0, n, coefStride, x, xStride, steps);
  return f64x2.extract_lane(squares, 0) + f64x2.extract_lane(squares, 1) + rest;
}
