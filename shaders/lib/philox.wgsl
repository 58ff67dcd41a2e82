// Philox-4x32-10 counter-based generator (Salmon et al. 2011), bit-identical to engine/util/philox.ts.
// counter = (c0, c1, c2, c3), key = (k0, k1). WGSL has no 32x32->64 multiply, so the high word is
// assembled from 16-bit halves, exactly as the TypeScript twin does.

fn philox_mulhi(a: u32, b: u32) -> u32 {
  let al = a & 0xFFFFu; let ah = a >> 16u;
  let bl = b & 0xFFFFu; let bh = b >> 16u;
  let ll = al * bl; let hl = ah * bl; let lh = al * bh; let hh = ah * bh;
  let cross = (ll >> 16u) + (hl & 0xFFFFu) + (lh & 0xFFFFu);
  return hh + (hl >> 16u) + (lh >> 16u) + (cross >> 16u);
}

fn philox4x32(counter: vec4<u32>, key: vec2<u32>) -> vec4<u32> {
  var c = counter;
  var k = key;
  for (var r = 0u; r < 10u; r++) {
    let hi0 = philox_mulhi(0xD2511F53u, c.x); let lo0 = 0xD2511F53u * c.x;
    let hi1 = philox_mulhi(0xCD9E8D57u, c.z); let lo1 = 0xCD9E8D57u * c.z;
    c = vec4<u32>(hi1 ^ c.y ^ k.x, lo1, hi0 ^ c.w ^ k.y, lo0);
    k = k + vec2<u32>(0x9E3779B9u, 0xBB67AE85u);
  }
  return c;
}

// Uniform in (0, 1): the top 23 bits, centred in their bin. Every step is exact in float32 (a 23-bit
// integer plus one half needs 24 bits), so the GPU and the host twin give the same value.
fn philox_uniform(x: u32) -> f32 {
  return (f32(x >> 9u) + 0.5) * 1.1920928955078125e-7;
}

// One standard normal from two uniforms (Box-Muller, cosine branch).
fn philox_normal(bits: vec4<u32>) -> f32 {
  let u1 = philox_uniform(bits.x);
  let u2 = philox_uniform(bits.y);
  return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

// Sum of three uniforms from bits.y, .z, .w (top 22 bits each), shifted and scaled to mean 0 and
// variance 1 (range (-3, 3)): built in integers and converted once, so every device gets the same bits.
fn philox_z3(bits: vec4<u32>) -> f32 {
  let d = 2 * (i32(bits.y >> 10u) + i32(bits.z >> 10u) + i32(bits.w >> 10u)) + 3 - 3 * 4194304;
  return f32(d) * 2.384185791015625e-7;
}
