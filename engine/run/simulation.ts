/**
 * One entry point for every network: createSimulation(spec) builds the GPU simulation of a rate or a
 * spiking spec (told apart by its populations: a neuron model makes it spiking), and createReference(spec)
 * its CPU float32 twin; all four implement the Simulation interface (engine/simulation.ts).
 */
import { compileSpiking } from '../plan/compile-spiking.ts';
import { compile } from '../plan/rate.ts';
import { ReferenceSimulation } from '../reference/rate.ts';
import { SpikingReference } from '../reference/spiking.ts';
import { isSpikingSpec } from '../spec/kind.ts';
import type { NetworkSpec } from '../spec/rate.ts';
import type { SpikingSpec } from '../spec/spiking.ts';
import { validateSpec } from '../spec/validate-rate.ts';
import { RateSimulation, type SimulationOptions } from './rate-simulation.ts';
import { SpikingSimulation, type SpikingOptions } from './spiking-simulation.ts';

/** Options of either kind; those that do not apply to the spec's kind are ignored. */
export type CreateOptions = SimulationOptions & SpikingOptions;

/** The GPU simulation of a rate (NetworkSpec) or spiking (SpikingSpec) network, built once. */
export function createSimulation(spec: SpikingSpec, opts?: CreateOptions): Promise<SpikingSimulation>;
export function createSimulation(spec: NetworkSpec, opts?: CreateOptions): Promise<RateSimulation>;
export function createSimulation(spec: unknown, opts?: CreateOptions): Promise<RateSimulation | SpikingSimulation>;
export function createSimulation(spec: unknown, opts: CreateOptions = {}): Promise<RateSimulation | SpikingSimulation> {
  return isSpikingSpec(spec) ? SpikingSimulation.create(spec, opts) : RateSimulation.create(spec, opts);
}

/** The CPU float32 twin of createSimulation(spec, opts): the same plan, stepped on the host. */
export type ReferenceOptions = { batch?: number; seed?: number; detectFaults?: boolean };
export function createReference(spec: SpikingSpec, opts?: ReferenceOptions): SpikingReference;
export function createReference(spec: NetworkSpec, opts?: ReferenceOptions): ReferenceSimulation;
export function createReference(spec: unknown, opts?: ReferenceOptions): ReferenceSimulation | SpikingReference;
export function createReference(spec: unknown, opts: ReferenceOptions = {}): ReferenceSimulation | SpikingReference {
  if (isSpikingSpec(spec)) {
    const compiled = compileSpiking(spec, opts);
    return new SpikingReference(compiled.plan, compiled.spec, opts.detectFaults ?? true);
  }
  const valid = validateSpec(spec);
  return new ReferenceSimulation(compile(valid, opts), valid.record ?? [], opts.detectFaults ?? true);
}
