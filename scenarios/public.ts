/**
 * The scenarios entry of Lamina (`@lamina-sim/lamina/scenarios`, Node only): the built-in scenarios
 * (each builds a network from the seed's science, runs it and checks its result) and runToDirectory,
 * which runs a scenario or a JSON spec into an output directory exactly as `lamina run` does, and
 * resumeDirectory, which continues an interrupted run as `lamina resume` does, and runSweep, which runs
 * a sweep file as `lamina sweep` does.
 * @module @lamina-sim/lamina/scenarios
 */
export { SCENARIOS } from './index.ts';
export { runToDirectory } from './run.ts';
export type { RunOutcome, RunRequest } from './run.ts';
export { resumeDirectory } from './resume.ts';
export type { ResumeRequest } from './resume.ts';
export type { Check, ProtocolScenario, Scenario, ScenarioOptions, ScenarioResult, SpikingScenario } from './scenario.ts';
// Parameter sweeps (`lamina sweep`): a sweep file run into DIR/sweep.sqlite, and its CSV export.
export { runSweep, readSweepFile, DEFAULT_MAX_BATCH } from './sweep/runner.ts';
export type { SweepOutcome, SweepProgress, SweepRequest } from './sweep/runner.ts';
export { validateSweep } from './sweep/format.ts';
export type { Axis, MetricSpec, SweepFile } from './sweep/format.ts';
export { exportCsv, exportParquet } from './sweep/export.ts';
// Sweeps on a cluster: a shard per job-array task, the job-array script, and the merge of the shard tables.
export { parseShard, resolveShard, shardFromEnv, type Shard } from './cluster.ts';
export { emitSbatch, SBATCH_DEFAULTS, type EmitRequest, type Emitted } from './sweep/emit.ts';
export { mergeShards, type MergeOutcome, type ShardReport } from './sweep/merge.ts';
// The analysis tools on a run's directory (`lamina analyze`).
export { analyzeDirectory, type AnalysisTool, type AnalyzeOptions, type AnalyzeResult } from './analyze/command.ts';
