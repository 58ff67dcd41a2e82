/** The markdown table of bench/issue11/paired.ts, in bench/RESULTS.md's format (median [min - max]). */
export interface Stat { median: number; min: number; max: number; n: number }
export interface Row {
  what: string; unit: string; target: string; higher_is_better?: boolean;
  before: Stat; after: Stat; after_over_before: Stat;
  peers: Record<string, { value: Stat; after_over_peer: Stat; before_over_peer: Stat } & Record<string, unknown>>;
  same_spikes?: boolean;
  [more: string]: unknown;
}

const num = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3));
const range = (s: Stat, f = num) => `${f(s.median)} [${f(s.min)} - ${f(s.max)}]`;
const ratio = (s: Stat) => range(s, (x) => x.toFixed(3));

export function markdown(out: Record<string, unknown>): string {
  const rows = out.rows as Row[];
  const adapter = out.adapter as Record<string, unknown> | undefined;
  const lines = [
    `Issue 11 before / after, ${String(out.date).slice(0, 10)}: base ${out.base} (before) against ${out.head} (after), ${out.rounds} rounds per row,`,
    `contestants in rotating order. Adapter: ${adapter ? `${adapter.description ?? ''} ${adapter.vendor ?? ''} ${adapter.architecture ?? ''}`.replace(/\s+/g, ' ').trim() : '?'}.`,
    `Command: \`${out.command}\`. Ratios are of times per unit of work, per round (below 1: the first is faster).`,
    '',
    '| benchmark | unit | before, median [min - max] | after | peer | after / before | after / peer | before / peer | same spikes | target |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const peers = Object.entries(r.peers);
    const first = peers.length ? peers : [['', undefined] as const];
    first.forEach(([name, p], k) => {
      lines.push(`| ${k ? '' : r.what} | ${k ? '' : r.unit} | ${k ? '' : range(r.before)} | ${k ? '' : range(r.after)} | ${p ? `${name} ${range(p.value)}` : '-'} | ${k ? '' : ratio(r.after_over_before)} | ${p ? ratio(p.after_over_peer) : '-'} | ${p ? ratio(p.before_over_peer) : '-'} | ${k || r.same_spikes === undefined ? '' : r.same_spikes ? 'yes' : '**no**'} | ${k ? '' : r.target} |`);
    });
  }
  return lines.join('\n');
}
