/**
 * Choosing a GPU by index, so that several jobs share a node: `--adapter-index K` (the CLI sets
 * LAMINA_ADAPTER_INDEX), DeviceOptions.adapterIndex, or CUDA_VISIBLE_DEVICES.
 *
 * Dawn's node bindings (npm `webgpu`) take two flags only: `backend=` and `adapter=NAME`, and pick the
 * first adapter whose name contains NAME; they have no index. They do list every adapter, in their
 * order, when no name matches. So an index K is the K-th entry of that list (among the names that
 * contain --adapter when one is given), and it is selected by its backend and name. Two adapters of the
 * same name (four identical GPUs in one node) cannot be told apart that way: an index past the first of
 * them is refused, and what works is to let the scheduler hide the other GPUs (see the README).
 *
 * CUDA_VISIBLE_DEVICES does not restrict Vulkan devices (the NVIDIA Vulkan driver ignores it), so Lamina
 * reads it itself: when neither an index nor --adapter is given and its first entry is a whole number N
 * (what Slurm writes for --gres=gpu:...), Lamina takes the N-th adapter named NVIDIA. UUIDs and MIG
 * names are not indices and are ignored, and so is the variable when Dawn lists no NVIDIA adapter.
 */
import { SpecError } from '../errors.ts';

export interface ListedAdapter {
  backend: string;
  name: string;
}

export interface AdapterChoice {
  index: number;
  /** Where the index came from: the option (or its variable LAMINA_ADAPTER_INDEX) or CUDA_VISIBLE_DEVICES. */
  source: 'adapter-index' | 'CUDA_VISIBLE_DEVICES';
  /** Count only adapters whose name contains this. */
  among?: string;
}

const UINT = /^(0|[1-9]\d*)$/;

/** Dawn's list of adapters, from the message it rejects an adapter name that matches none with. */
export function parseAdapterList(message: string): ListedAdapter[] {
  return [...message.matchAll(/^\s*\*\s*backend:\s*'([^']*)',\s*name:\s*'(.*)'\s*$/gm)].map((m) => ({ backend: m[1], name: m[2] }));
}

/** The index asked for: the option, else LAMINA_ADAPTER_INDEX, else (without --adapter) CUDA_VISIBLE_DEVICES. */
export function resolveAdapterIndex(opts: { adapterIndex?: number; adapter?: string }, env: (name: string) => string | undefined): AdapterChoice | undefined {
  if (opts.adapterIndex !== undefined) {
    if (!Number.isSafeInteger(opts.adapterIndex) || opts.adapterIndex < 0) throw new SpecError('adapter-index', `expected a whole number >= 0, got ${opts.adapterIndex}`);
    return { index: opts.adapterIndex, source: 'adapter-index', among: opts.adapter };
  }
  const own = env('LAMINA_ADAPTER_INDEX')?.trim();
  if (own) {
    if (!UINT.test(own)) throw new SpecError('adapter-index', `LAMINA_ADAPTER_INDEX (--adapter-index) must be a whole number >= 0, got '${own}'`);
    return { index: Number(own), source: 'adapter-index', among: opts.adapter };
  }
  if (opts.adapter) return undefined;
  const first = env('CUDA_VISIBLE_DEVICES')?.split(',')[0].trim();
  return first && UINT.test(first) ? { index: Number(first), source: 'CUDA_VISIBLE_DEVICES', among: 'NVIDIA' } : undefined;
}

const listing = (list: ListedAdapter[]) => (list.length ? list.map((a, k) => `${k}: '${a.name}' (${a.backend})`).join(', ') : 'none');

/**
 * The adapter that `choice` names in Dawn's `list`, or undefined when the index came from
 * CUDA_VISIBLE_DEVICES and Dawn lists no NVIDIA adapter. A SpecError when the index is past the list or
 * names an adapter that Dawn's name filter cannot reach (an earlier one's name contains its name).
 */
export function pickAdapter(list: ListedAdapter[], choice: AdapterChoice): ListedAdapter | undefined {
  const candidates = list.filter((a) => !choice.among || a.name.includes(choice.among));
  if (choice.source === 'CUDA_VISIBLE_DEVICES' && candidates.length === 0) return undefined;
  const field = choice.source;
  const what = `${choice.source === 'CUDA_VISIBLE_DEVICES' ? `CUDA_VISIBLE_DEVICES=${choice.index}: ` : ''}adapter ${choice.index}${choice.among ? ` of those named '${choice.among}'` : ''}`;
  const pick = candidates[choice.index];
  if (!pick) throw new SpecError(field, `no ${what}; Dawn offers ${listing(list)}`);
  const reached = list.find((a) => a.backend === pick.backend && a.name.includes(pick.name));
  if (reached !== pick) {
    throw new SpecError(field, `${what} is '${pick.name}' (${pick.backend}), but adapter ${list.indexOf(reached!)} has that name too, and Dawn's node bindings choose adapters by name only ` +
      `(Dawn offers ${listing(list)}); give each job its own GPU through the scheduler instead (Slurm: --gres=gpu:1 with ConstrainDevices=yes), so that the job sees one GPU, adapter 0`);
  }
  return pick;
}
