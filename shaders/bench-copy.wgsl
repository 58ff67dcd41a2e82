// bench-copy: dst[k] = src[k] over vec4s, grid-stride. Measures the device's achievable streaming
// bandwidth (the yardstick for the weight-streaming efficiency of synapse-dense).
// One invocation = a strided series of vec4 elements. Bindings: group 0 = src, dst.

@group(0) @binding(0) var<storage, read> src: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read_write> dst: array<vec4<f32>>;

override THREADS: u32 = 65536u;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let n = arrayLength(&src);
  for (var k = gid.x; k < n; k += THREADS) {
    dst[k] = src[k];
  }
}
