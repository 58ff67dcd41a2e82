/**
 * The scenarios entry of Lamina (`@lamina-sim/lamina/scenarios`, Node only): the built-in scenarios
 * (each builds a network from the seed's science, runs it and checks its result) and runToDirectory,
 * which runs a scenario or a JSON spec into an output directory exactly as `lamina run` does.
 * @module @lamina-sim/lamina/scenarios
 */
export { SCENARIOS } from './index.ts';
export { runToDirectory } from './run.ts';
export type { RunRequest } from './run.ts';
export type { Check, ProtocolScenario, Scenario, ScenarioOptions, ScenarioResult, SpikingScenario } from './scenario.ts';
