import { describe, expect, it } from 'vitest';
import { philox4x32, mulhi32, PhiloxStream, uniform23 } from '../../engine/util/philox.ts';

const hex = (a: Uint32Array) => [...a].map((x) => x.toString(16).padStart(8, '0'));

describe('Philox-4x32-10 (host twin)', () => {
  it('matches the Random123 known-answer vectors', () => {
    expect(hex(philox4x32(0, 0, 0, 0, 0, 0))).toEqual(['6627e8d5', 'e169c58d', 'bc57ac4c', '9b00dbd8']);
    expect(hex(philox4x32(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff)))
      .toEqual(['408f276d', '41c83b0e', 'a20bc7c6', '6d5451fd']);
    expect(hex(philox4x32(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0)))
      .toEqual(['d16cfe09', '94fdcceb', '5001e420', '24126ea1']);
  });

  it('computes the 32x32 high word exactly', () => {
    const rng = new PhiloxStream(5, 0, 0);
    for (let k = 0; k < 1000; k++) {
      const a = rng.nextU32(), b = rng.nextU32();
      expect(mulhi32(a, b)).toBe(Number((BigInt(a) * BigInt(b)) >> 32n));
    }
  });

  it('gives uniforms in (0, 1) that pass a Kolmogorov-Smirnov test at alpha = 0.001', () => {
    const rng = new PhiloxStream(11, 2, 3);
    const n = 20000;
    const u = Float64Array.from({ length: n }, () => uniform23(rng.nextU32())).sort();
    let d = 0;
    for (let i = 0; i < n; i++) d = Math.max(d, Math.abs(u[i] - i / n), Math.abs(u[i] - (i + 1) / n));
    expect(u[0]).toBeGreaterThan(0);
    expect(u[n - 1]).toBeLessThan(1);
    expect(d).toBeLessThan(1.949 / Math.sqrt(n)); // critical value of D at alpha = 0.001
  });

  it('below(n) is unbiased and in range', () => {
    const rng = new PhiloxStream(1, 1, 1);
    const counts = new Array(7).fill(0);
    for (let k = 0; k < 70000; k++) counts[rng.below(7)]++;
    // chi-square with 6 degrees of freedom, critical value 22.46 at alpha = 0.001
    const chi2 = counts.reduce((s, c) => s + (c - 10000) ** 2 / 10000, 0);
    expect(chi2).toBeLessThan(22.46);
  });
});
