/**
 * A small pure-JS content hash (no node:crypto: the core runs in browsers), used to fingerprint the
 * network a saved simulation state belongs to. FNV-1a 64 (Fowler, Noll, Vo) in int32 arithmetic: bytes()
 * is the standard byte-wise hash; typed arrays are mixed a 32-bit word at a time (then the tail bytes; the
 * same digest wherever the view sits), a quarter of the steps (about 0.4 GB/s in Node 20), strings a
 * UTF-16 code unit at a time after their length, numbers as their float64 bits.
 * hashValue() walks plain data (objects with sorted keys, arrays, typed arrays, Maps, Sets; functions
 * skipped; an object met again on the way, e.g. a projection reached from its population, is hashed as
 * a back reference), so two structurally equal values hash the same whatever their key order.
 */

const F64 = new Float64Array(1);
const F64_WORDS = new Uint32Array(F64.buffer);

/** FNV-1a 64 state, two 32-bit halves (int32), from the offset basis 0xcbf29ce484222325. */
export class Fnv64 {
  private hi = 0xcbf29ce4 | 0;
  private lo = 0x84222325 | 0;

  /**
   * Mixes every element of `data` (bytes or 32-bit words) in: h ^= v; h *= 2^40 + 0x1b3 (mod 2^64), in
   * int32 arithmetic (the carry out of lo * 0x1b3 from 16-bit halves), with the state in locals.
   */
  private mixAll(data: ArrayLike<number>): this {
    let hi = this.hi, lo = this.lo;
    for (let k = 0; k < data.length; k++) {
      const x = lo ^ data[k];
      const carry = ((x >>> 16) * 0x1b3 + (((x & 0xffff) * 0x1b3) >>> 16)) >>> 16;
      lo = Math.imul(x, 0x1b3);
      hi = (Math.imul(hi, 0x1b3) + carry + (x << 8)) | 0;
    }
    this.hi = hi;
    this.lo = lo;
    return this;
  }

  bytes(data: Uint8Array): this {
    return this.mixAll(data);
  }

  /** The bytes of an array view, a 32-bit word at a time where aligned (typed array data is little-endian). */
  view(v: ArrayBufferView): this {
    const n = v.byteLength;
    this.mixAll([n]);
    // An unaligned view is copied first, so that its digest does not depend on where it sits.
    const at = v.byteOffset % 4 === 0 ? v : new Uint8Array(v.buffer, v.byteOffset, n).slice();
    const words = new Uint32Array(at.buffer, at.byteOffset, n >> 2);
    this.mixAll(words);
    return this.bytes(new Uint8Array(at.buffer, at.byteOffset + words.length * 4, n - words.length * 4));
  }

  string(s: string): this {
    const codes = new Uint16Array(s.length);
    for (let k = 0; k < s.length; k++) codes[k] = s.charCodeAt(k);
    return this.mixAll([s.length]).mixAll(codes);
  }

  /** The number's float64 bits (exact: 0 and -0, 1 and 1 + 2^-52 differ). */
  number(x: number): this {
    F64[0] = x;
    return this.mixAll(F64_WORDS);
  }

  /** 16 hex digits. */
  digest(): string {
    return (this.hi >>> 0).toString(16).padStart(8, '0') + (this.lo >>> 0).toString(16).padStart(8, '0');
  }
}

/** Type tags, so that e.g. the string "1" and the number 1 hash differently. */
const TAG = { undefined: 0, null: 1, boolean: 2, number: 3, string: 4, array: 5, object: 6, view: 7, ref: 8, map: 9, set: 10, bigint: 11 } as const;

/** Digests of the typed arrays met so far, by identity (one walk or a set of walks over the same data). */
export type ViewDigests = Map<ArrayBufferView, string>;

function walk(h: Fnv64, value: unknown, seen: Map<object, number>, views: ViewDigests): void {
  if (value === null) { h.number(TAG.null); return; }
  switch (typeof value) {
    case 'undefined': h.number(TAG.undefined); return;
    case 'boolean': h.number(TAG.boolean).number(value ? 1 : 0); return;
    case 'number': h.number(TAG.number).number(value); return;
    case 'string': h.number(TAG.string).string(value); return;
    case 'bigint': h.number(TAG.bigint).string(value.toString()); return;
    case 'function': case 'symbol': return;
  }
  const obj = value as object;
  const known = seen.get(obj);
  if (known !== undefined) { h.number(TAG.ref).number(known); return; }
  seen.set(obj, seen.size);
  if (ArrayBuffer.isView(obj)) {
    // A view enters as the digest of its bytes, computed once however often it is met (large matrices are reached from several places of a plan).
    let digest = views.get(obj);
    if (digest === undefined) views.set(obj, digest = new Fnv64().view(obj).digest());
    h.number(TAG.view).string(obj.constructor.name).string(digest);
    return;
  }
  if (Array.isArray(obj)) { h.number(TAG.array).number(obj.length); for (const x of obj) walk(h, x, seen, views); return; }
  if (obj instanceof Map) { h.number(TAG.map).number(obj.size); for (const [k, x] of obj) { walk(h, k, seen, views); walk(h, x, seen, views); } return; }
  if (obj instanceof Set) { h.number(TAG.set).number(obj.size); for (const x of obj) walk(h, x, seen, views); return; }
  // Plain objects: keys in sorted order; absent and undefined are the same (as in JSON).
  const entries = Object.entries(obj).filter(([, x]) => x !== undefined && typeof x !== 'function').sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  h.number(TAG.object).number(entries.length);
  for (const [k, x] of entries) { h.string(k); walk(h, x, seen, views); }
}

/**
 * FNV-1a 64 (16 hex digits) of plain data, independent of object key order. Pass the same `views` to
 * several calls over data that share typed arrays to hash each of them once (not while they change).
 */
export function hashValue(value: unknown, views: ViewDigests = new Map()): string {
  const h = new Fnv64();
  walk(h, value, new Map(), views);
  return h.digest();
}
