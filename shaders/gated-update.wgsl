// gated-update: one step of an LSTM or GRU population, as torch.nn.LSTM / torch.nn.GRU compute a cell.
// gate_sums (generated, engine/codegen/gated.ts) gives each gate's pre-activation from the input
// projections (ih: bias_ih + W_ih r_pre(n)) and from the recurrent ones (hh: bias_hh + W_hh h(n)),
// gate k of unit i reading row k * UNIT_N + i of each block (torch's row order). Then
//   LSTM: i, f, o = sigmoid(ih + hh), g = tanh(ih + hh); c = f c + i g; h = o tanh(c)   (state = c)
//   GRU:  r, z = sigmoid(ih + hh); n = tanh(ih_n + r hh_n); h = (1 - z) n + z h(n)       (state = h)
// and each gate's activation into its block of the state array (GATE_BASE + (k * BATCH + b) * UNIT_N + i).
// One invocation = one (unit i, instance b). Bindings: group 0; group 1 = gated_weights (read-only).
//!splice constants
//!splice lib

const FLAT_N = UNIT_N * BATCH;

fn sigmoid(v: f32) -> f32 { return 1.0 / (1.0 + exp(-v)); }
// tanh clamped as the rate units clamp it (tanh(15) = 1 in float32; lavapipe's tanh overflows beyond).
fn tanh_clamped(v: f32) -> f32 { return tanh(clamp(v, -15.0, 15.0)); }
fn put_gate(k: u32, b: u32, i: u32, v: f32) { state[GATE_BASE + (k * BATCH + b) * UNIT_N + i] = v; }

//!splice main
  let b = flat / UNIT_N;
  let i = flat % UNIT_N;
  let g = UNIT_BASE + b * UNIT_N + i;
  let s = gate_sums(b, i);
  if (IS_LSTM) {
    let ig = sigmoid(s.ih[0] + s.hh[0]);
    let fg = sigmoid(s.ih[1] + s.hh[1]);
    let gg = tanh_clamped(s.ih[2] + s.hh[2]);
    let og = sigmoid(s.ih[3] + s.hh[3]);
    let c = fg * state[g] + ig * gg;
    state[g] = c;
    rate_out[g] = og * tanh_clamped(c);
    put_gate(0u, b, i, ig);
    put_gate(1u, b, i, fg);
    put_gate(2u, b, i, gg);
    put_gate(3u, b, i, og);
  } else {
    let r = sigmoid(s.ih[0] + s.hh[0]);
    let z = sigmoid(s.ih[1] + s.hh[1]);
    let n = tanh_clamped(s.ih[2] + r * s.hh[2]);
    let h = (1.0 - z) * n + z * rate_in[g];
    state[g] = h;
    rate_out[g] = h;
    put_gate(0u, b, i, r);
    put_gate(1u, b, i, z);
    put_gate(2u, b, i, n);
  }
}
