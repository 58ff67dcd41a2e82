/**
 * NWB 2.x export of a run's output directory (`lamina run --nwb`, `lamina export DIR --nwb`): reads
 * meta.json, summary.json and the .npy files, nothing else, and writes DIR/NAME.nwb (HDF5, through h5wasm)
 * with the namespace specifications cached in the file, so that pynwb opens it without schema of its own.
 * One file per run: batch instances are the `instance` column of the Units table and axis 1 of every
 * TimeSeries (the layout of the .npy files). What goes where is in nwb-content.ts and the README.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { SpecError } from '../errors.ts';
import { isSpikingSpec } from '../spec/kind.ts';
import { VERSION } from '../version.ts';
import { readNpyFile } from './npy-files.ts';
import { writeNetwork, writeRecorders, writeScratch, writeUnits, type RecorderSpec, type Run, type RunSpec } from './nwb-content.ts';
import { CORE, NwbH5, NWB_VERSION, typed } from './nwb-h5.ts';

export { NWB_VERSION };

export interface NwbExport {
  /** File name in the directory (NAME.nwb) and its path. */
  file: string;
  path: string;
  /** What a reader or nwbinspector may trip on (e.g. a TimeSeries with fewer samples than columns). */
  warnings: string[];
}

function readJson(dir: string, file: string): Record<string, unknown> {
  const path = join(dir, file);
  if (!existsSync(path)) throw new SpecError(file, `${dir} has no ${file}: not the output directory of a Lamina run`);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    throw new SpecError(file, `cannot read ${path}: ${(e as Error).message}`);
  }
}

/** The run's name: its spec file's or scenario's name (meta.json `target`), else the directory's. */
function runName(meta: Record<string, unknown>, dir: string): string {
  const target = typeof meta.target === 'string' ? basename(meta.target).replace(/\.json$/, '') : basename(resolve(dir));
  return target.replace(/[^A-Za-z0-9._-]/g, '_') || 'run';
}

function describeRun(dir: string, meta: Record<string, unknown>): Run {
  const spec = meta.spec as RunSpec | undefined;
  if (!spec || typeof spec !== 'object' || !Array.isArray(spec.populations)) {
    throw new SpecError('meta.json', `${dir}/meta.json records no network spec (a protocol scenario drives several networks itself): nothing to export as NWB`);
  }
  if (meta.status === 'running' || meta.status === 'failed') throw new SpecError('meta.json', `the run in ${dir} is ${meta.status}: its outputs are incomplete`);
  const steps = Number(meta.steps_completed ?? meta.steps);
  if (!Number.isInteger(steps) || steps < 0) throw new SpecError('meta.json', `steps_completed: expected a count of steps, got ${String(meta.steps_completed ?? meta.steps)}`);
  return {
    spec, spiking: isSpikingSpec(spec), batch: Number(meta.batch ?? 1), steps, warnings: [],
    load: (file) => {
      const path = join(dir, file);
      if (!existsSync(path)) throw new SpecError(file, `${dir} has no ${file}, which the run's spec records`);
      let npy;
      try { npy = readNpyFile(path); } catch (e) { throw new SpecError(file, `cannot read ${path}: ${(e as Error).message}`); }
      if (npy.fortranOrder) throw new SpecError(file, 'is in Fortran order; Lamina writes C order');
      return npy;
    },
  };
}

/** Conventions every file states in general/notes. */
function notes(run: Run, meta: Record<string, unknown>): string {
  return [
    `Simulated with Lamina ${String(meta.lamina ?? '?')} (NWB export by Lamina ${VERSION}).`,
    `Time: step k (0-based) advances the network from k dt to (k + 1) dt, dt = ${run.spec.dt} ms; spikes of step k are at (k + 1) dt; row r of a recorder sampled every e steps is the state at (r + 1) e dt. Times are seconds from the start of the simulation (timestamps_reference_time).`,
    `Batch: ${run.batch} independent instance(s) of the network; the Units table's "instance" column and axis 1 of each TimeSeries name the instance.`,
    `Status: ${String(meta.status ?? 'complete')}, ${run.steps} of ${String(meta.steps ?? run.steps)} steps.`,
    'Units: TimeSeries data are the float32 values as recorded, in the model\'s units; data x conversion is in the unit named (e.g. mV x 0.001 = volts).',
    'Subject: an in-silico network, not an animal (age "P0D/" means unknown, sex "U" unknown).',
    'Metadata: general/source_script holds the run\'s spec (JSON), general/data_collection its meta.json; /scratch/summary_json its summary.json.',
  ].join('\n');
}

function writeFileLevel(w: NwbH5, run: Run, meta: Record<string, unknown>, name: string, metaText: string): void {
  const start = typeof meta.date === 'string' && !Number.isNaN(Date.parse(meta.date)) ? new Date(meta.date).toISOString() : new Date().toISOString();
  const seed = meta.seed ?? (Array.isArray(meta.instance_seeds) ? meta.instance_seeds[0] : undefined);
  const kind = run.spiking ? 'spiking' : 'rate';
  w.attrs('/', { ...typed(CORE('NWBFile')), nwb_version: NWB_VERSION });
  w.text('/file_create_date', [new Date().toISOString()]);
  w.text('/identifier', `lamina-${name}-seed${String(seed ?? 'default')}-${start.replace(/[-:.]/g, '')}-${randomUUID()}`);
  w.text('/session_description', `Lamina simulation of ${name}: a ${kind} network of ${run.spec.populations.length} population(s), ${run.steps} steps of ${run.spec.dt} ms, batch of ${run.batch}${meta.status === 'interrupted' ? ' (interrupted before the last step)' : ''}.`);
  w.text('/session_start_time', start);
  w.text('/timestamps_reference_time', start);
  for (const g of ['/acquisition', '/analysis', '/processing', '/stimulus', '/stimulus/presentation', '/stimulus/templates', '/general', '/scratch']) w.mkgroup(g);
  w.text('/general/source_script', JSON.stringify(run.spec, null, 1), undefined, { file_name: typeof meta.target === 'string' ? basename(meta.target) : `${name}.json` });
  w.text('/general/data_collection', metaText);
  w.text('/general/notes', notes(run, meta));
  w.text('/general/experiment_description', `Simulation of a ${kind} network (${run.spec.populations.map((p) => `${p.name}: ${p.size}`).join(', ')}) with Lamina, on the GPU through WebGPU.`);
  w.text('/general/keywords', ['simulation', 'Lamina', `${kind} network`]);
  w.mkgroup('/general/subject', CORE('Subject'));
  w.text('/general/subject/subject_id', name);
  w.text('/general/subject/description', `In-silico ${kind} network simulated by Lamina; not an animal.`);
  w.text('/general/subject/sex', 'U');
  w.text('/general/subject/age', 'P0D/');
  const adapter = meta.adapter as { description?: string; device?: string; vendor?: string; backend?: string } | undefined;
  if (adapter && typeof adapter === 'object') {
    w.mkgroup('/general/devices');
    w.mkgroup('/general/devices/gpu', CORE('Device'), {
      description: `GPU adapter that ran the simulation: ${adapter.description || adapter.device || 'unknown'} (backend ${adapter.backend ?? 'default'})`,
      ...(adapter.vendor ? { manufacturer: adapter.vendor } : {}),
    });
  }
}

/**
 * Writes DIR/NAME.nwb from the run in DIR (NAME: the spec file's or scenario's name, or `name`); the
 * file is written to a temporary name and renamed, so no half-written .nwb is ever seen.
 */
export async function exportNwb(dir: string, opts: { name?: string } = {}): Promise<NwbExport> {
  const meta = readJson(dir, 'meta.json');
  const metaText = readFileSync(join(dir, 'meta.json'), 'utf8');
  const run = describeRun(dir, meta);
  const name = opts.name ?? runName(meta, dir);
  const file = `${name}.nwb`, path = resolve(dir, file), tmp = `${path}.tmp-${process.pid}`;
  const records = (run.spec.record ?? []) as RecorderSpec[];
  const spikes = records.filter((r) => r.what === 'spikes'), dense = records.filter((r) => r.what !== 'spikes');
  const used = new Set(records.map((r) => `${r.name}.npy`));
  const w = await NwbH5.create(tmp);
  try {
    writeFileLevel(w, run, meta, name, metaText);
    if (spikes.length) writeUnits(w, run, spikes);
    writeRecorders(w, run, dense);
    for (const f of writeNetwork(w, run, (f) => existsSync(join(dir, f)))) used.add(f);
    for (const f of readdirSync(dir).filter((f) => f.endsWith('.npy') && !used.has(f)).sort()) writeScratch(w, f.slice(0, -4), run.load(f));
    if (existsSync(join(dir, 'summary.json'))) {
      w.text('/scratch/summary_json', readFileSync(join(dir, 'summary.json'), 'utf8'), CORE('ScratchData'), { notes: "summary.json of the run's output directory (JSON)." });
    }
    w.cacheSpecifications();
    w.close();
    renameSync(tmp, path);
  } catch (e) {
    try { w.close(); } catch { /* already closed */ }
    rmSync(tmp, { force: true });
    throw e;
  }
  return { file, path, warnings: run.warnings };
}
