/**
 * Assembles spiking-fused (shaders/spiking-fused.wgsl): every step of a chunk of one instance per
 * workgroup. It splices the same generated neuron step functions as neuron-update (one per neuron model,
 * engine/codegen/spiking-neuron.ts) and the same spike delivery as synapse-spike (lib/deliver.wgsl).
 */
import fused from '../../shaders/spiking-fused.wgsl';
import type { SpikingPlan, SpikingPopPlan } from '../plan/spiking.ts';
import { bindings, constants, spikingSplice } from './spiking-common.ts';
import { neuronLib, neuronStepWgsl, popInfoWgsl, type SpikeRecordSlot } from './spiking-neuron.ts';
import { synapseTables } from './spiking.ts';
import type { Constants } from './wgsl.ts';

/** Invocations per workgroup of the fused kernel. */
export const FUSED_WORKGROUP = 64;

/**
 * spiking-fused for the whole network: `recs` places the spike recorders, `pres` the presynaptic
 * populations' stored rows (one part); with `faults`, every neuron's state is checked after each step.
 */
export function spikingFusedWgsl(plan: SpikingPlan, recs: SpikeRecordSlot[], pres: { pop: SpikingPopPlan; rowBase: number }[], faults = false): string {
  const models = [...new Set(plan.pops.map((p) => p.model.name))];
  const steps = models.map((name, j) => neuronStepWgsl(plan, plan.pops.filter((p) => p.model.name === name), `neuron_m${j}`, faults));
  // The step function of population k: its model's.
  const cases = plan.pops.map((p, k) => `    case ${k}u: { return neuron_m${models.indexOf(p.model.name)}(P, b, i, step); }`);
  const dispatch = `fn neuron_step(k: u32, P: PopInfo, b: u32, i: u32, step: u32) -> bool {\n  switch k {\n${cases.slice(1).join('\n')}${cases.length > 1 ? '\n' : ''}    default: { return neuron_m${models.indexOf(plan.pops[0].model.name)}(P, b, i, step); }\n  }\n}`;
  const consts: Constants = { BATCH: plan.batch, NPOPS: plan.pops.length, NPRE: pres.length, WG: FUSED_WORKGROUP, DT: Math.fround(plan.dt) };
  const variables = Math.max(...plan.pops.map((p) => p.model.stateNames.length));
  const lib = [bindings, neuronLib(plan, faults, variables, true), popInfoWgsl(plan, plan.pops, recs, plan.pops.map(() => 0)), ...steps, dispatch, synapseTables(plan, pres)];
  return spikingSplice('spiking-fused', fused, { constants: constants(consts), lib: lib.join('\n') });
}
