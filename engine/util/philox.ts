/**
 * Philox-4x32-10 counter-based random numbers (Salmon et al. 2011), bit-identical to
 * shaders/lib/philox.wgsl. Lamina keys every random draw by (seed, stream) and counts by
 * (unit, step, instance, purpose), so a draw never depends on how many threads ran or in which order.
 */

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** High 32 bits of the 64-bit product, from 16-bit halves (the WGSL twin does the same). */
export function mulhi32(a: number, b: number): number {
  const al = a & 0xffff, ah = a >>> 16, bl = b & 0xffff, bh = b >>> 16;
  const ll = al * bl, hl = ah * bl, lh = al * bh, hh = ah * bh;
  const cross = (ll >>> 16) + (hl & 0xffff) + (lh & 0xffff);
  return (hh + (hl >>> 16) + (lh >>> 16) + (cross >>> 16)) >>> 0;
}

/** Philox-4x32-10: four 32-bit outputs for a 128-bit counter and a 64-bit key. */
export function philox4x32(c0: number, c1: number, c2: number, c3: number, k0: number, k1: number): Uint32Array {
  let x0 = c0 >>> 0, x1 = c1 >>> 0, x2 = c2 >>> 0, x3 = c3 >>> 0;
  let y0 = k0 >>> 0, y1 = k1 >>> 0;
  for (let r = 0; r < 10; r++) {
    const hi0 = mulhi32(M0, x0), lo0 = Math.imul(M0, x0) >>> 0;
    const hi1 = mulhi32(M1, x2), lo1 = Math.imul(M1, x2) >>> 0;
    x0 = (hi1 ^ x1 ^ y0) >>> 0;
    x1 = lo1;
    x2 = (hi0 ^ x3 ^ y1) >>> 0;
    x3 = lo0;
    y0 = (y0 + W0) >>> 0;
    y1 = (y1 + W1) >>> 0;
  }
  return Uint32Array.of(x0, x1, x2, x3);
}

/**
 * Uniform in (0, 1) from the top 23 bits, centred in their bin: exactly representable in float32 and
 * computed without rounding on the GPU too (matches philox_uniform in WGSL).
 */
export function uniform23(x: number): number {
  return ((x >>> 9) + 0.5) * 1.1920928955078125e-7;
}

/** philox_z3: the sum of three 22-bit uniforms of bits[1..3], scaled to mean 0 and variance 1, exactly. */
export function z3FromBits(r: Uint32Array): number {
  return (2 * ((r[1] >>> 10) + (r[2] >>> 10) + (r[3] >>> 10)) + 3 - 3 * 4194304) * 2.384185791015625e-7;
}

/** Standard normal by Box-Muller, rounded to float32 at each step as the GPU computes it. */
export function normalFromBits(b0: number, b1: number): number {
  const f = Math.fround;
  const u1 = uniform23(b0), u2 = uniform23(b1);
  const radius = f(Math.sqrt(f(-2 * f(Math.log(u1)))));
  const angle = f(f(6.283185307179586) * u2);
  return f(radius * f(Math.cos(angle)));
}

/** Second key word: a fixed constant ("LAMI") so keys never collide with a user's 64-bit seed use. */
export const KEY_HI = 0x4c414d49;

/** Purposes (fourth counter word): separate streams for separate uses of one seed. */
export const Stream = { noise: 0, connectivity: 1, init: 2 } as const;

/** Fourth counter word of the draw that derives an instance's default seed (instanceSeed). */
const STREAM_INSTANCE_SEED = 0x5eed0000;

/**
 * The default seed of instance b of a batch whose base seed is `seed`: `seed` itself for b = 0 (so a
 * batch of one runs with the spec's seed), otherwise the first word of
 * Philox-4x32-10((b, 0, 0, 0x5EED0000), (seed, KEY_HI)). Every random draw of an instance is keyed by
 * its own seed and never counted by its index, so an instance's result does not depend on its place
 * in the batch, and a batch of one with this seed reproduces it.
 */
export function instanceSeed(seed: number, b: number): number {
  return b === 0 ? seed >>> 0 : philox4x32(b, 0, 0, STREAM_INSTANCE_SEED, seed >>> 0, KEY_HI)[0];
}

/**
 * A deterministic host-side stream of draws for building connectivity: draw n of stream (seed, a, b)
 * is philox((n, a, b, purpose), (seed, KEY_HI)).
 */
export class PhiloxStream {
  private n = 0;
  private buf: Uint32Array = new Uint32Array(4);
  private pos = 4;
  constructor(private readonly seed: number, private readonly a: number, private readonly b: number,
    private readonly purpose: number = Stream.connectivity) {}
  nextU32(): number {
    if (this.pos === 4) {
      this.buf = philox4x32(this.n++, this.a, this.b, this.purpose, this.seed, KEY_HI);
      this.pos = 0;
    }
    return this.buf[this.pos++];
  }
  /** Uniform in (0, 1), float64 with 24 random bits. */
  uniform(): number { return uniform23(this.nextU32()); }
  /** Standard normal (float64 Box-Muller; used on the host only). */
  normal(): number {
    const u1 = this.uniform(), u2 = this.uniform();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
  /** Uniform integer in [0, n), unbiased by rejection. */
  below(n: number): number {
    const limit = Math.floor(0x100000000 / n) * n;
    for (;;) {
      const x = this.nextU32();
      if (x < limit) return x % n;
    }
  }
}
