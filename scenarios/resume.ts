/**
 * `lamina resume DIR`: continues an interrupted run from its last checkpoint, with the request meta.json
 * recorded, appending to the same files. The network is rebuilt from the same spec and seed, its state
 * loaded from the checkpoint (refused if the spec has changed since), and every output file cut back to the
 * rows it held at the checkpoint: the finished directory is the one an uninterrupted run writes.
 */
import { SpecError } from '../engine/errors.ts';
import { readCheckpoint } from './checkpoint-files.ts';
import { OutputDir } from './output-dir.ts';
import { execute, resolveJob, type RunOutcome, type RunRequest } from './run.ts';

export interface ResumeRequest {
  out: string;
  /** Steps between checkpoints from here on (default: the interrupted run's). */
  checkpointEvery?: number;
  signal?: AbortSignal;
  progress?: (msg: string) => void;
}

export async function resumeDirectory(req: ResumeRequest): Promise<RunOutcome> {
  const meta = OutputDir.previousMeta(req.out);
  if (!meta) throw new SpecError('resume', `${req.out} holds no run (no meta.json)`);
  if (meta.status === 'complete') throw new SpecError('resume', `the run in ${req.out} is complete; nothing to resume`);
  const request = meta.request as Omit<RunRequest, 'out'> | undefined;
  if (!request || typeof request !== 'object' || request.target === undefined) throw new SpecError('resume', `${req.out}/meta.json does not record the run's request`);
  const run: RunRequest = { ...request, out: req.out, signal: req.signal, progress: req.progress, checkpointEvery: req.checkpointEvery ?? request.checkpointEvery };
  const job = resolveJob(run);
  if (job.kind === 'protocol') throw new SpecError('resume', `${job.scenario.name} is a protocol scenario and writes no checkpoints; run it again`);
  const dir = OutputDir.open(req.out, { resume: true });
  let checkpoint;
  try {
    checkpoint = readCheckpoint(req.out);
  } catch (e) {
    dir.release();
    throw e;
  }
  return execute(dir, job, run, checkpoint);
}
