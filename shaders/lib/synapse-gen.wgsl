// Synapses generated from Philox (stored projections built on the GPU; CPU twin engine/reference/synapse-build.ts).
// Synapse q of generated projection g draws r_i = philox((q, i, 0, stream), (seed, LAMI)), i = 0, 1, 2:
// pre/post from r_0 (mulhi: floor(x N / 2^32)), the weight from r_1, the delay from r_2. The projection's
// parameters come from gen_info (GEN_WORDS u32 per projection, floats as bits), never from literals, so
// the compiler cannot fold or reassociate them, and z is built in integers: the result is the same bits
// on every device and in the twin. A projection with a per-instance weight slot (word 15, else 0) keeps
// the float32 weight's bits in wq; synapse-spike quantizes it per instance (engine/plan/instance-weights.ts).
// Needs: gen_info (array<u32>), philox, and keep() (engine/codegen/build.ts adds them).

const GEN_WORDS = 16u;

struct GenSyn {
  pre: u32,
  post: u32,
  wq: i32,
  delay: u32,
}

// kind 0: a; kind 1: a + b z; kind 2: a + b u.
fn gen_value(kind: u32, a: f32, b: f32, bits: vec4<u32>) -> f32 {
  if (kind == 1u) { return a + keep(b * philox_z3(bits)); }
  if (kind == 2u) { return a + keep(b * philox_uniform(bits.y)); }
  return a;
}

fn gen_synapse(g: u32, q: u32) -> GenSyn {
  let o = g * GEN_WORDS;
  let rule = gen_info[o];
  let n_pre = gen_info[o + 1u];
  let n_post = gen_info[o + 2u];
  let k = gen_info[o + 3u];
  let exclude_self = gen_info[o + 4u];
  let key = vec2<u32>(gen_info[o + 5u], 0x4C414D49u);
  let stream = gen_info[o + 6u];
  let sign = gen_info[o + 7u];
  var s: GenSyn;
  let r0 = philox4x32(vec4<u32>(q, 0u, 0u, stream), key);
  if (rule == 0u) {
    s.pre = philox_mulhi(r0.x, n_pre);
    s.post = philox_mulhi(r0.y, n_post);
  } else {
    s.post = q / k;
    if (exclude_self != 0u) {
      s.pre = philox_mulhi(r0.x, n_pre - 1u);
      if (s.pre >= s.post) { s.pre = s.pre + 1u; }
    } else {
      s.pre = philox_mulhi(r0.x, n_pre);
    }
  }
  let r1 = philox4x32(vec4<u32>(q, 1u, 0u, stream), key);
  var w = gen_value(gen_info[o + 8u], bitcast<f32>(gen_info[o + 9u]), bitcast<f32>(gen_info[o + 10u]), r1);
  if (sign == 1u) { w = max(w, 0.0); }
  if (sign == 2u) { w = min(w, 0.0); }
  if (gen_info[o + 15u] != 0u) {
    s.wq = bitcast<i32>(w);
  } else {
    s.wq = i32(floor(keep(w * bitcast<f32>(gen_info[o + 14u])) + 0.5));
  }
  let r2 = philox4x32(vec4<u32>(q, 2u, 0u, stream), key);
  let d = gen_value(gen_info[o + 11u], bitcast<f32>(gen_info[o + 12u]), bitcast<f32>(gen_info[o + 13u]), r2);
  s.delay = u32(max(floor(keep(d) + 0.5), 1.0));
  return s;
}
