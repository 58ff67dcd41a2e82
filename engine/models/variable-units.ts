/**
 * Units of what a run records, read from the models' data (for axis titles and exports): a neuron
 * model's state variables declare theirs; the input on a port has the unit of the state variable whose
 * update adds it (weights of projections onto that port are in that unit: pA onto lif_psc_exp's
 * current ports, leak-conductance units onto lif_coba's); rate units' state x and rate r are
 * dimensionless (engine/spec/rate.ts), as are modulators.
 */
import { namesIn, parseProgram } from './expr.ts';
import type { NeuronModelSpec } from './neuron.ts';

/** The unit string of a dimensionless quantity. */
export const DIMENSIONLESS = '1';
/** Times are in ms and rates of spiking populations in Hz, everywhere. */
export const TIME_UNIT = 'ms';
export const SPIKE_RATE_UNIT = 'Hz';

/** The declared unit of a state variable, or undefined when the model has no such variable. */
export function stateUnit(model: NeuronModelSpec, variable: string): string | undefined {
  return Object.hasOwn(model.state, variable) ? model.state[variable].unit : undefined;
}

/**
 * The unit of the input arriving on `port`: that of the state variable assigned by the update
 * statement that reads in_<port> (undefined when no statement does, or the code does not parse).
 */
export function portUnit(model: NeuronModelSpec, port: string): string | undefined {
  let program;
  try { program = parseProgram(model.update); } catch { return undefined; }
  const st = program.find((s) => s.kind === 'assign' && namesIn(s.value).has(`in_${port}`));
  return st ? stateUnit(model, st.name) : undefined;
}

/** "name (unit)" for an axis title; a dimensionless quantity says so, an unknown unit too. */
export function withUnit(name: string, unit: string | undefined): string {
  if (unit === undefined) return `${name} (unit unknown)`;
  return `${name} (${unit.trim() === DIMENSIONLESS ? 'dimensionless' : unit})`;
}
