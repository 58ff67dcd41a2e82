/**
 * GPU-generated stored connectivity, host side: the gen_info words that shaders/lib/synapse-gen.wgsl reads
 * (one record of GEN_WORDS u32 per generated projection, floats as their bits), and generateSynapses, the
 * float32 CPU twin of gen_synapse (same Philox streams, same roundings), used by the spiking reference.
 */
import { KEY_HI, mulhi32, philox4x32, uniform23, z3FromBits } from '../util/philox.ts';
import { STREAM_BUILD, type GenDistribution, type GeneratedPlan, type SpikingPlan } from '../plan/spiking.ts';

const F = Math.fround;
export const GEN_WORDS = 16;
const f32 = new Float32Array(1), i32 = new Int32Array(f32.buffer);
const bitsOf = (x: number) => { f32[0] = x; return i32[0]; };

/** The gen_info words of every generated projection (floats as their bits). */
export function genInfo(plan: SpikingPlan): Uint32Array {
  const words = new Uint32Array(Math.max(plan.generated.length, 1) * GEN_WORDS);
  const f = new Float32Array(1), u = new Uint32Array(f.buffer);
  const bits = (v: number) => { f[0] = v; return u[0]; };
  plan.generated.forEach((g, i) => {
    words.set([
      g.rule, g.pre.size, g.post.size, g.k, g.excludeSelf ? 1 : 0, g.seed >>> 0, (STREAM_BUILD | g.index) >>> 0, g.sign,
      g.weight.kind, bits(g.weight.a), bits(g.weight.b), g.delay.kind, bits(g.delay.a), bits(g.delay.b),
      bits(2 ** g.post.scales[g.port]), g.slot,
    ], i * GEN_WORDS);
  });
  return words;
}

function genValue(d: GenDistribution, r: Uint32Array): number {
  if (d.kind === 1) return F(d.a + F(d.b * z3FromBits(r)));
  if (d.kind === 2) return F(d.a + F(d.b * uniform23(r[1])));
  return d.a;
}

/** CPU twin of gen_synapse for every synapse of a generated projection. */
export function generateSynapses(g: GeneratedPlan): { pre: Uint32Array; post: Uint32Array; wq: Int32Array; delay: Uint32Array } {
  const n = g.synapses;
  const pre = new Uint32Array(n), post = new Uint32Array(n), wq = new Int32Array(n), delay = new Uint32Array(n);
  const stream = (STREAM_BUILD | g.index) >>> 0;
  const scale = F(2 ** g.post.scales[g.port]);
  for (let q = 0; q < n; q++) {
    const r0 = philox4x32(q, 0, 0, stream, g.seed, KEY_HI);
    if (g.rule === 0) {
      pre[q] = mulhi32(r0[0], g.pre.size);
      post[q] = mulhi32(r0[1], g.post.size);
    } else {
      post[q] = Math.floor(q / g.k);
      if (g.excludeSelf) {
        const j = mulhi32(r0[0], g.pre.size - 1);
        pre[q] = j >= post[q] ? j + 1 : j;
      } else {
        pre[q] = mulhi32(r0[0], g.pre.size);
      }
    }
    let w = genValue(g.weight, philox4x32(q, 1, 0, stream, g.seed, KEY_HI));
    if (g.sign === 1) w = Math.max(w, 0);
    if (g.sign === 2) w = Math.min(w, 0);
    // With a per-instance weight slot, the float32 weight's bits (engine/plan/instance-weights.ts).
    wq[q] = g.slot ? bitsOf(w) : Math.floor(F(F(w * scale) + 0.5)) | 0;
    const d = genValue(g.delay, philox4x32(q, 2, 0, stream, g.seed, KEY_HI));
    delay[q] = Math.max(Math.floor(F(d + 0.5)), 1);
  }
  return { pre, post, wq, delay };
}

