/**
 * A small pure-JS content hash (no node:crypto: the core runs in browsers), used to fingerprint the
 * network a saved simulation state belongs to. FNV-1a 64 (Fowler, Noll, Vo) with 32-bit limbs: strings
 * and numbers are hashed byte by byte, typed arrays word by word (four bytes at a time, then the tail
 * bytes; the same digest wherever the view sits), a quarter of the steps on large matrices.
 * hashValue() walks plain data (objects with sorted keys, arrays, typed arrays, Maps, Sets; functions
 * skipped; an object met again on the way, e.g. a projection reached from its population, is hashed as
 * a back reference), so two structurally equal values hash the same whatever their key order.
 */

/** FNV-1a 64 state, two 32-bit halves (the offset basis 0xcbf29ce484222325). */
export class Fnv64 {
  private hi = 0xcbf29ce4;
  private lo = 0x84222325;

  /** Mixes one 32-bit value (a byte or a word) in: h ^= v; h *= 2^40 + 0x1b3 (mod 2^64). */
  private mix(v: number): void {
    const lo = (this.lo ^ v) >>> 0;
    const t = lo * 0x1b3; // < 2^41: exact in a double
    this.lo = t >>> 0;
    this.hi = (Math.imul(this.hi, 0x1b3) + Math.floor(t / 0x100000000) + (lo << 8)) >>> 0;
  }

  bytes(data: Uint8Array): this {
    for (let k = 0; k < data.length; k++) this.mix(data[k]);
    return this;
  }

  /** The bytes of an array view, a 32-bit word at a time where aligned (typed array data is little-endian). */
  view(v: ArrayBufferView): this {
    const n = v.byteLength;
    this.mix(n);
    // An unaligned view is copied first, so that its digest does not depend on where it sits.
    const at = v.byteOffset % 4 === 0 ? v : new Uint8Array(v.buffer, v.byteOffset, n).slice();
    const words = new Uint32Array(at.buffer, at.byteOffset, n >> 2);
    for (let k = 0; k < words.length; k++) this.mix(words[k]);
    return this.bytes(new Uint8Array(at.buffer, at.byteOffset + words.length * 4, n - words.length * 4));
  }

  string(s: string): this {
    this.mix(s.length);
    for (let k = 0; k < s.length; k++) this.mix(s.charCodeAt(k));
    return this;
  }

  /** The number's float64 bits (exact: 0 and -0, 1 and 1 + 2^-52 differ). */
  number(x: number): this {
    return this.view(Float64Array.of(x));
  }

  /** 16 hex digits. */
  digest(): string {
    return this.hi.toString(16).padStart(8, '0') + this.lo.toString(16).padStart(8, '0');
  }
}

/** Type tags, so that e.g. the string "1" and the number 1 hash differently. */
const TAG = { undefined: 0, null: 1, boolean: 2, number: 3, string: 4, array: 5, object: 6, view: 7, ref: 8, map: 9, set: 10, bigint: 11 } as const;

function walk(h: Fnv64, value: unknown, seen: Map<object, number>): void {
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
  if (ArrayBuffer.isView(obj)) { h.number(TAG.view).string(obj.constructor.name).view(obj); return; }
  if (Array.isArray(obj)) { h.number(TAG.array).number(obj.length); for (const x of obj) walk(h, x, seen); return; }
  if (obj instanceof Map) { h.number(TAG.map).number(obj.size); for (const [k, x] of obj) { walk(h, k, seen); walk(h, x, seen); } return; }
  if (obj instanceof Set) { h.number(TAG.set).number(obj.size); for (const x of obj) walk(h, x, seen); return; }
  // Plain objects: keys in sorted order; absent and undefined are the same (as in JSON).
  const entries = Object.entries(obj).filter(([, x]) => x !== undefined && typeof x !== 'function').sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  h.number(TAG.object).number(entries.length);
  for (const [k, x] of entries) { h.string(k); walk(h, x, seen); }
}

/** FNV-1a 64 (16 hex digits) of plain data, independent of object key order. */
export function hashValue(value: unknown): string {
  const h = new Fnv64();
  walk(h, value, new Map());
  return h.digest();
}
