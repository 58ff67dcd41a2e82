import type { Scenario, SpikingScenario } from './scenario.ts';
import { ringAttractor } from './ring-attractor.ts';
import { coba } from './coba.ts';
import { microcircuit } from './microcircuit.ts';
import { hippocampalReplay } from './hippocampal-replay.ts';
import { beliefState } from './belief-state.ts';

export const SCENARIOS: Record<string, Scenario | SpikingScenario> = {
  [ringAttractor.name]: ringAttractor,
  [coba.name]: coba,
  [microcircuit.name]: microcircuit,
  [hippocampalReplay.name]: hippocampalReplay,
  [beliefState.name]: beliefState,
};
