/**
 * The pure-JS FNV-1a 64 hash behind state fingerprints: the published test vectors, typed arrays hashed
 * word by word, plain data independent of key order but sensitive to every value, type and back reference.
 */
import { describe, expect, it } from 'vitest';
import { Fnv64, hashValue } from '../../engine/util/hash.ts';

const enc = new TextEncoder();

describe('FNV-1a 64', () => {
  it('gives the published test vectors', () => {
    expect(new Fnv64().bytes(new Uint8Array(0)).digest()).toBe('cbf29ce484222325');
    expect(new Fnv64().bytes(enc.encode('a')).digest()).toBe('af63dc4c8601ec8c');
    expect(new Fnv64().bytes(enc.encode('foobar')).digest()).toBe('85944171f73967e8');
  });

  it('hashes plain data by content, not key order', () => {
    expect(hashValue({ a: 1, b: [1, 2] })).toBe(hashValue({ b: [1, 2], a: 1 }));
    expect(hashValue({ a: 1, b: undefined })).toBe(hashValue({ a: 1 }));
    for (const other of [{ a: 1, b: [1, 3] }, { a: '1', b: [1, 2] }, { a: 1, b: [1, 2, undefined] }, { a: -0, b: [1, 2] }]) {
      expect(hashValue(other)).not.toBe(hashValue({ a: 1, b: [1, 2] }));
    }
    expect(hashValue(0)).not.toBe(hashValue(-0));
  });

  it('hashes typed arrays by their bytes and type, aligned or not', () => {
    const a = Float32Array.of(1, 2, 3, 4, 5);
    expect(hashValue(a)).toBe(hashValue(Float32Array.of(1, 2, 3, 4, 5)));
    expect(hashValue(a)).not.toBe(hashValue(Float32Array.of(1, 2, 3, 4, 6)));
    expect(hashValue(a)).not.toBe(hashValue(new Uint32Array(a.buffer)));
    const bytes = Uint8Array.of(9, 1, 2, 3, 4, 5, 6);
    expect(hashValue(bytes.subarray(1))).toBe(hashValue(Uint8Array.of(1, 2, 3, 4, 5, 6)));
    expect(hashValue(bytes.subarray(1))).not.toBe(hashValue(Uint8Array.of(1, 2, 3, 4, 5, 7)));
  });

  it('follows cycles as back references', () => {
    const pop: { name: string; incoming: object[] } = { name: 'E', incoming: [] };
    pop.incoming.push({ name: 'EE', pre: pop, post: pop });
    const other: { name: string; incoming: object[] } = { name: 'E', incoming: [] };
    other.incoming.push({ name: 'EE', pre: other, post: { name: 'E', incoming: [] } });
    expect(hashValue(pop)).toMatch(/^[0-9a-f]{16}$/);
    expect(hashValue(pop)).not.toBe(hashValue(other));
  });
});
