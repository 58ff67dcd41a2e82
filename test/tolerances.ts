/**
 * Tolerances for GPU-versus-reference comparisons, float32, in one place. The GPU sums dot products in
 * tiles and trees, the reference in index order, and the GPU's exp/tanh/log/cos may differ from the host's
 * by a few ulp; with |W r| sums of up to ~1e3 terms of size ~1 the accumulated rounding stays below
 * ~1e-5 relative per step, and stable networks do not amplify it over tens of steps.
 */
export const TOLERANCE = {
  /** |x_gpu - x_ref| / (1 + |x_ref|) after a short run (state and rates). */
  state_rel: 1e-4,
  /** The same for recorded rows and population means. */
  record_rel: 1e-4,
  /**
   * Plastic weights after a few hundred steps: max |w_gpu - w_ref| / max |w_ref|. Each step's change
   * is computed from rates that agree to ~1e-6 and the GPU may fuse its multiply-adds (FMA), so the
   * per-step rounding differences (~1e-7 of the weight scale) accumulate over the run.
   */
  weight_rel: 1e-4,
  /**
   * A plastic spiking weight against a float64 closed form, per spike-driven change (event): the event
   * rounds w once (half an ulp of |w| < 8: < 5e-7) and its change carries the float32 error of its
   * factors (a decay-table entry and a lazy product, 1 ulp each; a trace's sum over the spikes that still
   * count, < 10 terms at the time constants and rates of the tests; two or three products and sums): under
   * 64 ulp of |dw| < 0.1, < 4e-7. 1e-6 per event bounds both.
   */
  weight_event_abs: 1e-6,
  /** Standard normals: GPU log/cos/sqrt vs the host's, float32 (a few ulp of values up to ~5). */
  normal_abs: 1e-5,
  /**
   * A float32 run against a closed form in float64, |x_gpu - x_exact| / (1 + |x_exact|): decay factors
   * rounded once to float32 and ~1e-7 of rounding per step over a few hundred steps (below ~1e-5), plus
   * the GPU's pow/exp (a few ulp) in the rates.
   */
  closed_form_rel: 1e-4,
} as const;
