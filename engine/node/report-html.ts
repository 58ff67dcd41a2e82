/**
 * report.html as text: one self-contained page (inline CSS and SVG, no script, no external file or
 * address) with a status line, the run's facts, its summary, its figures and its metadata. Values
 * from summary.json and meta.json are shown as nested tables, long arrays and texts shortened.
 */
import { esc } from '../plot/svg.ts';
import type { ReportFigure } from './report-figure.ts';

export interface ReportPage {
  title: string;
  /** Shown prominently when the run did not complete (e.g. "interrupted"). */
  status?: { status: string; text: string };
  /** [label, value] rows: versions, adapter, seed, git commit, steps. */
  facts: [string, string][];
  summary: unknown;
  figures: ReportFigure[];
  scenarioFigures: ReportFigure[];
  /** Things the report could not read or draw, each a sentence. */
  problems: string[];
  meta: unknown;
  files: [string, number][];
}

const CSS = `body{font-family:sans-serif;margin:24px auto;max-width:1100px;color:#222;padding:0 12px}
h1{font-size:22px}h2{font-size:18px;border-bottom:1px solid #ccc;padding-bottom:4px;margin-top:32px}
table{border-collapse:collapse;margin:6px 0;font-size:13px}td,th{border:1px solid #ddd;padding:3px 7px;text-align:left;vertical-align:top}
th{background:#f4f4f4}.status{padding:12px 16px;border-radius:4px;font-weight:bold;font-size:16px;margin:12px 0}
.status.complete{background:#e8f5e9;color:#1b5e20}.status.incomplete{background:#c62828;color:white}
.pass{color:#1b5e20;font-weight:bold}.fail{color:#c62828;font-weight:bold}
figure{margin:18px 0;padding:8px;border:1px solid #eee;overflow-x:auto}figcaption{font-size:13px;color:#444;margin-top:4px}
pre{background:#f7f7f7;padding:8px;font-size:12px;overflow-x:auto;max-height:400px}.problem{color:#c62828}`;

/** Numbers to 6 significant digits (integers as they are). */
function num(v: number): string {
  return Number.isInteger(v) ? String(v) : Number.isFinite(v) ? String(+v.toPrecision(6)) : String(v);
}

const SHOWN = 12, ROWS = 50, TEXT = 400;

/** A JSON value as HTML: objects as key/value tables, arrays of like objects as tables, long arrays and texts shortened. */
export function valueHtml(v: unknown, depth = 0): string {
  if (v === null || v === undefined) return '<i>none</i>';
  if (typeof v === 'number') return num(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') return esc(v.length > TEXT ? `${v.slice(0, TEXT)}… (${v.length} characters)` : v);
  if (depth > 4) return `<code>${esc(JSON.stringify(v).slice(0, TEXT))}</code>`;
  if (Array.isArray(v)) {
    const more = (n: number) => (v.length > n ? ` … (${v.length} in all)` : '');
    if (v.every((x) => typeof x !== 'object' || x === null)) return `[${v.slice(0, SHOWN).map((x) => valueHtml(x, depth + 1)).join(', ')}${more(SHOWN)}]`;
    const keys = [...new Set(v.slice(0, ROWS).flatMap((x) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.keys(x) : [])))];
    if (keys.length && v.every((x) => x && typeof x === 'object' && !Array.isArray(x))) {
      const rows = v.slice(0, ROWS).map((x) => `<tr>${keys.map((k) => `<td>${valueHtml((x as Record<string, unknown>)[k], depth + 1)}</td>`).join('')}</tr>`);
      return `<table><tr>${keys.map((k) => `<th>${esc(k)}</th>`).join('')}</tr>${rows.join('')}</table>${v.length > ROWS ? `<p>… ${v.length - ROWS} more rows</p>` : ''}`;
    }
    return `<ol start="0">${v.slice(0, ROWS).map((x) => `<li>${valueHtml(x, depth + 1)}</li>`).join('')}</ol>${more(ROWS)}`;
  }
  const entries = Object.entries(v as Record<string, unknown>);
  return `<table>${entries.map(([k, x]) => `<tr><th>${esc(k)}</th><td>${valueHtml(x, depth + 1)}</td></tr>`).join('')}</table>`;
}

/** The checks of a summary (name, pass, detail) as a table, PASS or FAIL in colour. */
function checksHtml(checks: { name: string; pass: boolean; detail: string }[]): string {
  return `<table data-table="checks"><tr><th>check</th><th>result</th><th>detail</th></tr>${checks.map((c) =>
    `<tr><td>${esc(String(c.name))}</td><td class="${c.pass ? 'pass' : 'fail'}">${c.pass ? 'PASS' : 'FAIL'}</td><td>${esc(String(c.detail))}</td></tr>`).join('')}</table>`;
}

function figureHtml(f: ReportFigure): string {
  // An XML prolog or doctype is not allowed inside HTML: the figure starts at its <svg element.
  const svg = f.svg.slice(Math.max(0, f.svg.indexOf('<svg')));
  return `<figure data-kind="${esc(f.kind)}" data-source="${esc(f.source)}">\n${svg}<figcaption>${esc(f.caption)}</figcaption></figure>`;
}

/** A JSON document, pretty-printed and cut at `max` characters. */
function jsonBlock(v: unknown, max = 50_000): string {
  const s = JSON.stringify(v, null, 1) ?? 'null';
  return `<pre>${esc(s.length > max ? `${s.slice(0, max)}\n… (${s.length} characters in all)` : s)}</pre>`;
}

export function reportHtml(p: ReportPage): string {
  const summary = (p.summary ?? {}) as Record<string, unknown>;
  const checks = Array.isArray(summary.checks) ? summary.checks as { name: string; pass: boolean; detail: string }[] : undefined;
  const rest = Object.fromEntries(Object.entries(summary).filter(([k]) => k !== 'checks'));
  const { spec, ...metaRest } = (p.meta ?? {}) as Record<string, unknown>;
  const status = p.status
    ? `<div class="status incomplete" data-status="${esc(p.status.status)}">${esc(p.status.text)}</div>`
    : '<div class="status complete" data-status="complete">Run completed.</div>';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(p.title)}</title><style>${CSS}</style></head>
<body>
<h1>${esc(p.title)}</h1>
${status}
<section data-section="meta"><h2>Run</h2><table data-table="facts">${p.facts.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table></section>
<section data-section="summary"><h2>Summary</h2>${p.summary === undefined ? '<p class="problem">No summary.json.</p>' : `${checks ? checksHtml(checks) : ''}${valueHtml(rest)}`}</section>
<section data-section="figures"><h2>Recordings</h2>${p.figures.length ? p.figures.map(figureHtml).join('\n') : '<p>No recordings to draw.</p>'}</section>
${p.scenarioFigures.length ? `<section data-section="scenario-figures"><h2>Figures of the scenario</h2>${p.scenarioFigures.map(figureHtml).join('\n')}</section>` : ''}
${p.problems.length ? `<section data-section="problems"><h2>Not shown</h2><ul>${p.problems.map((s) => `<li class="problem">${esc(s)}</li>`).join('')}</ul></section>` : ''}
<section data-section="files"><h2>Files</h2><table>${p.files.map(([f, n]) => `<tr><td>${esc(f)}</td><td>${n} bytes</td></tr>`).join('')}</table></section>
<section data-section="meta-json"><h2>meta.json</h2>${jsonBlock(metaRest)}${spec === undefined ? '' : `<details><summary>spec</summary>${jsonBlock(spec)}</details>`}</section>
</body></html>
`;
}
