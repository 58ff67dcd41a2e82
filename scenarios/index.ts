import type { ProtocolScenario, Scenario, SpikingScenario } from './scenario.ts';
import { ringAttractor } from './ring-attractor.ts';
import { coba } from './coba.ts';
import { brunel } from './brunel.ts';
import { microcircuit } from './microcircuit.ts';
import { hippocampalReplay } from './hippocampal-replay.ts';
import { dopamineSequence } from './dopamine-sequence.ts';
import { beliefState } from './belief-state.ts';
import { laminarPredictiveCoding } from './laminar-predictive-coding.ts';
import { rotationalDynamics } from './rotational-dynamics.ts';
import { corticalGating } from './cortical-gating.ts';
import { historyDependence } from './history-dependence.ts';

export const SCENARIOS: Record<string, Scenario | SpikingScenario | ProtocolScenario> = {
  [ringAttractor.name]: ringAttractor,
  [coba.name]: coba,
  [brunel.name]: brunel,
  [microcircuit.name]: microcircuit,
  [hippocampalReplay.name]: hippocampalReplay,
  [dopamineSequence.name]: dopamineSequence,
  [beliefState.name]: beliefState,
  [laminarPredictiveCoding.name]: laminarPredictiveCoding,
  [rotationalDynamics.name]: rotationalDynamics,
  [corticalGating.name]: corticalGating,
  [historyDependence.name]: historyDependence,
};
