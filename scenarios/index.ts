import type { Scenario } from './scenario.ts';
import { ringAttractor } from './ring-attractor.ts';

export const SCENARIOS: Record<string, Scenario> = {
  [ringAttractor.name]: ringAttractor,
};
