/**
 * Values the host hands a running network between runs, checked once for every implementation of the
 * Simulation interface (GPU and CPU twins of both kinds): a host modulator's value per instance, and a
 * plastic projection's weights (one instance's worth, for every instance, or one per instance).
 */
import { SpecError } from '../errors.ts';

/** The modulator named `name` (which must be a host modulator) and its value per instance, float32. */
export function hostModulatorValues(modulators: readonly { name: string; kind: string }[], name: string, values: number | ArrayLike<number>, batch: number): { index: number; values: Float32Array<ArrayBuffer> } {
  const index = modulators.findIndex((m) => m.name === name);
  const m = modulators[index];
  if (!m || m.kind !== 'host') {
    const hosts = modulators.filter((q) => q.kind === 'host').map((q) => q.name);
    const why = m ? `modulator "${name}" is of type "${m.kind}" (it follows its schedule or activity; only host modulators are set from the host)` : `no modulator named "${name}"`;
    throw new SpecError(`setModulator("${name}")`, `${why}; host modulators: ${hosts.length ? hosts.join(', ') : 'none'}`);
  }
  const vals = typeof values === 'number' ? new Array<number>(batch).fill(values) : Array.from(values);
  if (vals.length !== batch) throw new SpecError(`setModulator("${name}").values`, `expected ${batch} values (one per instance), got ${vals.length}`);
  vals.forEach((v, b) => { if (!Number.isFinite(v) || !Number.isFinite(Math.fround(v))) throw new SpecError(`setModulator("${name}").values[${b}]`, `expected a finite float32, got ${v}`); });
  return { index, values: Float32Array.from(vals) };
}

/**
 * A plastic projection's new weights for every instance: `data` holds one instance's `perInstance`
 * values (used for all) or `batch` of them; `shape` says what one instance's values are, for errors.
 */
export function weightsForAll(projection: string, data: ArrayLike<number>, perInstance: number, batch: number, shape: string): Float32Array<ArrayBuffer> {
  if (data.length !== perInstance && data.length !== batch * perInstance) {
    throw new SpecError(`writeWeights("${projection}").data`, `expected ${batch * perInstance} values (batch ${batch} x ${shape}) or ${perInstance} (${shape}, for every instance), got ${data.length}`);
  }
  const out = new Float32Array(batch * perInstance);
  for (let k = 0; k < out.length; k++) {
    const v = data[k % data.length];
    if (!Number.isFinite(v) || !Number.isFinite(Math.fround(v))) throw new SpecError(`writeWeights("${projection}").data[${k % data.length}]`, `expected a finite float32, got ${v}`);
    out[k] = v;
  }
  return out;
}
