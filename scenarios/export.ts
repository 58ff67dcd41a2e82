/**
 * NWB export of a run's directory, under the directory's lock: `lamina export DIR --nwb` for a run that
 * has ended, and `lamina run ... --nwb` when a run completes. The .nwb file is listed in meta.json with
 * the run's other files, so that `--force` removes it with them.
 */
import { SpecError } from '../engine/errors.ts';
import { exportNwb, type NwbExport } from '../engine/node/nwb.ts';
import { OutputDir, type RunStatus } from './output-dir.ts';

/** Writes DIR/NAME.nwb into an open output directory and lists it in meta.json (status unchanged). */
export async function writeNwb(dir: OutputDir, status: RunStatus): Promise<NwbExport> {
  const x = await exportNwb(dir.dir);
  dir.note(x.file);
  dir.writeMeta(status);
  return x;
}

export async function exportDirectory(out: string): Promise<NwbExport> {
  const meta = OutputDir.previousMeta(out);
  if (!meta) throw new SpecError('export', `${out} holds no run (no meta.json)`);
  const dir = OutputDir.open(out, { resume: true });
  try {
    return await writeNwb(dir, meta.status as RunStatus);
  } finally {
    dir.release();
  }
}
