// report.html: one self-contained page (no network, no external file) a person can read from a
// CI artifact. Divergences come first, each with a line diff of the kernel's trace against the
// model's, the first differing event marked, its scenario file and step; then every scenario
// grouped by package, with the stage and per-scenario times. Everything essential is plain HTML
// and CSS; the only script is the filter box, which stays hidden without JavaScript.

import type { ScenarioVerdict } from './judge.js';
import { formatNs } from './measurements.js';
import type { RunSummary } from './report.js';
import { diffTraceLines, eventFields, type DiffLine } from './trace-diff.js';

/** A section another module adds to the page (coverage, fuzzing): a title and finished HTML. */
export interface ReportSection {
  /** Its anchor: `#id`. Letters, digits and `-`. */
  id: string;
  title: string;
  /** Trusted HTML the module built (escape what it did not write itself, with `escapeHtml`). */
  html: string;
}

export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const esc = escapeHtml;

/** Equal lines kept around a change; a longer equal run folds into a <details>. */
const CONTEXT = 3;

const anchor = (name: string) => `d-${name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
const pkgAnchor = (pkg: string) => `p-${pkg.replace(/[^A-Za-z0-9_-]/g, '_')}`;
const ms = (n: number | undefined) => (n === undefined ? '–' : n < 10 ? `${n.toFixed(1)} ms` : `${Math.round(n)} ms`);
const s = (n: number | null | undefined) => (n === null || n === undefined ? '–' : `${n} s`);

function lineHtml(l: DiffLine, firstId: string): string {
  const mark = l.side === 'kernel' ? '−' : l.side === 'model' ? '+' : '';
  const fields = eventFields(l.event)
    .map((f) => (l.fields?.includes(f.key) ? `<mark>${esc(f.text)}</mark>` : esc(f.text)))
    .join(' ');
  const cls = `l ${l.side}${l.first ? ' first' : ''}`;
  const id = l.first ? ` id="${firstId}-${l.side}"` : '';
  const title = l.first ? ' title="the first differing event"' : '';
  return `<div class="${cls}"${id}${title}><span class="mk">${l.first ? '▶' : ''}${mark}</span><span class="n">${l.k ?? ''}</span><span class="n">${l.m ?? ''}</span>` +
    `<span class="t"><b>${esc(l.event.ev)}</b> <span class="st">step ${l.event.step}</span> ${fields}</span></div>`;
}

/** The diff, with long runs of equal events folded (open them with a click; no script). */
function diffHtml(lines: DiffLine[], firstId: string): string {
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    if (lines[i]!.side !== 'same') {
      out.push(lineHtml(lines[i]!, firstId));
      i++;
      continue;
    }
    let j = i;
    while (j < lines.length && lines[j]!.side === 'same') j++;
    // Context after the previous change and before the next one; none at the trace's ends.
    const head = i === 0 ? 0 : CONTEXT;
    const tail = j === lines.length ? 0 : CONTEXT;
    if (j - i > head + tail + 1) {
      for (let k = i; k < i + head; k++) out.push(lineHtml(lines[k]!, firstId));
      const fold = lines.slice(i + head, j - tail);
      out.push(`<details class="fold"><summary>${fold.length} equal events</summary>${fold.map((l) => lineHtml(l, firstId)).join('')}</details>`);
      for (let k = j - tail; k < j; k++) out.push(lineHtml(lines[k]!, firstId));
    } else {
      for (let k = i; k < j; k++) out.push(lineHtml(lines[k]!, firstId));
    }
    i = j;
  }
  return `<div class="diff"><div class="l head"><span class="mk"></span><span class="n">kernel</span><span class="n">model</span><span class="t">event</span></div>${out.join('')}</div>`;
}

const sameTrace = (a: readonly unknown[] | undefined, b: readonly unknown[] | undefined) => JSON.stringify(a) === JSON.stringify(b);

function divergenceHtml(v: ScenarioVerdict): string {
  const id = anchor(v.name);
  const diffs: { title: string; model: ScenarioVerdict['model'] }[] = [];
  const together = v.together === 'diverge' && v.modelTogether !== undefined;
  if (v.alone === 'diverge' && together && sameTrace(v.model, v.modelTogether)) {
    diffs.push({ title: "both models (its own package's, and with every extension loaded: the same trace)", model: v.model });
  } else {
    if (v.alone === 'diverge') diffs.push({ title: v.together === 'same' ? 'the model' : "its own package's model", model: v.model });
    if (together) diffs.push({ title: 'the model with every extension loaded', model: v.modelTogether! });
  }
  const body = diffs
    .map((d, i) => {
      const lines = diffTraceLines(v.kernel, d.model);
      const changes = lines.filter((l) => l.side !== 'same').length;
      return `<h4>kernel (−) against ${esc(d.title)} (+): ${changes} line${changes === 1 ? '' : 's'} differ</h4>` +
        (lines.length ? diffHtml(lines, `${id}-${i}`) : '<p class="muted">both traces are empty</p>');
    })
    .join('');
  const step = v.at ? `<dt>step</dt><dd>${v.at.step} <code>${esc(v.at.source)}</code></dd>` : '';
  return `<section class="divergence" id="${id}" data-filter="${esc(`${v.name} ${v.source} diverge`.toLowerCase())}">
<h3>${esc(v.name)} <span class="pkg">${esc(v.source)}</span></h3>
<dl><dt>file</dt><dd><code>${esc(v.file)}</code></dd>${step}<dt>pins</dt><dd>${esc(v.pins)}</dd>
<dt>time</dt><dd>kernel ${ms(v.ms)}, judging ${ms(v.judgeMs)}</dd></dl>
<p class="why">${esc(v.explanation ?? '').replace(/\n/g, '<br>')}</p>
${body}
<p class="muted">Line numbers count events from 0; <code>time</code> events are measurements and are not compared. Both traces in full: results.jsonl.</p>
</section>`;
}

const verdictCell = (x: string) => `<td class="v ${x}">${x === 'diverge' ? 'DIVERGE' : x}</td>`;

function packageHtml(pkg: string, vs: readonly ScenarioVerdict[]): string {
  const n = (x: string) => vs.filter((v) => v.verdict === x).length;
  const rows = vs
    .map((v) => {
      const name = v.verdict === 'diverge' ? `<a href="#${anchor(v.name)}">${esc(v.name)}</a>` : esc(v.name);
      const note = v.verdict === 'skip' ? v.reason ?? '' : v.pins;
      return `<tr class="${v.verdict}" data-filter="${esc(`${v.name} ${v.source} ${v.verdict}`.toLowerCase())}"><td>${name}</td>${verdictCell(v.verdict)}${verdictCell(v.alone)}${verdictCell(v.together)}` +
        `<td class="num">${ms(v.ms)}</td><td class="num">${ms(v.judgeMs)}</td><td>${esc(note)}</td></tr>`;
    })
    .join('\n');
  return `<section class="pkg" id="${pkgAnchor(pkg)}"><h3>${esc(pkg)} <span class="muted">${vs.length} scenario${vs.length === 1 ? '' : 's'}: ${n('agree')} agree, ${n('diverge')} diverge, ${n('skip')} skipped</span></h3>
<table><colgroup><col class="c-name"><col class="c-v"><col class="c-v"><col class="c-v"><col class="c-ms"><col class="c-ms"><col></colgroup>
<thead><tr><th>scenario</th><th>verdict</th><th>own model</th><th>every extension</th><th>kernel</th><th>judging</th><th>pins / why skipped</th></tr></thead><tbody>
${rows}
</tbody></table></section>`;
}

function stagesHtml(sm: RunSummary): string {
  const st = sm.stages;
  if (!st) return '';
  const cells: [string, number | null][] = [['fetch', st.fetch_s], ['build', st.build_s], ['boot', st.boot_s], ['run', st.run_s], ['judge', st.judge_s], ['total', sm.wall_s]];
  return `<table class="stages"><thead><tr>${cells.map(([k]) => `<th>${k}</th>`).join('')}</tr></thead><tbody><tr>${cells.map(([, v]) => `<td class="num">${s(v)}</td>`).join('')}</tr></tbody></table>`;
}

const CSS = `*{box-sizing:border-box}body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;max-width:100%}
h1{font-size:1.5em}h2{margin-top:1.6em;border-bottom:2px solid #ccc}h3{margin:1.2em 0 .3em}h4{margin:.8em 0 .3em;font-size:1em}
.pass{color:#080}.fail{color:#b00}.muted{color:#777;font-weight:normal}.pkg{color:#555;font-weight:normal;font-size:.85em}
table{border-collapse:collapse;width:100%;table-layout:fixed}td,th{border-bottom:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
table.stages{width:auto;table-layout:auto}.num{text-align:right;white-space:nowrap}
col.c-name{width:22%}col.c-v{width:7.5em}col.c-ms{width:5.5em}
td.v.agree{color:#080}td.v.diverge{color:#b00;font-weight:bold}td.v.skip,td.v.same{color:#888}
pre,code{font:12px/1.35 ui-monospace,monospace;white-space:pre-wrap;overflow-wrap:anywhere}pre{background:#f6f6f6;padding:.5em}
section.divergence{border-left:4px solid #b00;padding:.2em 0 .5em 1em;margin:1em 0}
dl{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:.15em 1em;margin:.3em 0}dt{color:#555}dd{margin:0;overflow-wrap:anywhere}
.why{font-weight:600}
.diff{font:12px/1.35 ui-monospace,monospace;border:1px solid #ddd}
.l{display:grid;grid-template-columns:2.4em 4.2em 4.2em minmax(0,1fr);border-top:1px solid #f0f0f0}
.l>span{padding:1px 4px}.l .n{color:#888;text-align:right}.l .t{white-space:pre-wrap;overflow-wrap:anywhere;min-width:0}
.l.head{background:#eee;font-weight:bold}.l.kernel{background:#fde8e8}.l.model{background:#e6f4e6}
.l.first{outline:2px solid #d60;outline-offset:-2px;background:#fff1c2}.l.first .mk{color:#d60;font-weight:bold}
mark{background:#ffb347;padding:0 2px}.st{color:#666}
details.fold>summary{color:#666;cursor:pointer;padding:1px 4px;background:#fafafa}
#filter{font:inherit;padding:4px 8px;width:24em;max-width:100%;margin:.5em 0}`;

// The filter box: hides the package rows and divergences whose name, package or verdict does not
// contain the text. Without JavaScript the box stays hidden and the page shows everything.
const FILTER_JS = `(function(){var f=document.getElementById('filter');if(!f)return;f.hidden=false;
f.addEventListener('input',function(){var q=f.value.trim().toLowerCase();
document.querySelectorAll('[data-filter]').forEach(function(e){e.hidden=q!==''&&e.getAttribute('data-filter').indexOf(q)<0;});
document.querySelectorAll('section.pkg').forEach(function(p){p.hidden=q!==''&&!p.querySelector('tr[data-filter]:not([hidden])');});});})();`;

/** The page. `sections` (coverage, fuzzing...) go after the divergences, before the scenario list. */
export function renderHtml(sm: RunSummary, verdicts: readonly ScenarioVerdict[], sections: readonly ReportSection[] = []): string {
  const diverged = verdicts.filter((v) => v.verdict === 'diverge');
  const packages = new Map<string, ScenarioVerdict[]>();
  for (const v of verdicts) packages.set(v.source, [...(packages.get(v.source) ?? []), v]);
  const where = `${sm.mode}${sm.mode === 'vm' ? `, ${sm.accel}` : ''}`;
  const problems = [
    sm.failure ? `<h2>The run stopped</h2><pre>${esc(sm.failure)}</pre>` : '',
    sm.splats.length ? `<h2>Kernel splats</h2><pre>${esc(sm.splats.join('\n'))}</pre>` : '',
    sm.invalid.length ? `<h2>Invalid scenarios</h2><pre>${esc(sm.invalid.map((i) => `${i.file}: ${i.message}`).join('\n'))}</pre>` : '',
    sm.layout?.mismatches.length ? `<h2>UAPI layout mismatches</h2><pre>${esc(sm.layout.mismatches.join('\n'))}</pre>` : '',
  ].join('');
  const measurements = sm.measurements.length
    ? `<h2 id="measurements">Measured latencies</h2><p class="muted">The kernel's timings of operations the scenarios time, beside the model's prediction (a stated cost model); reported, not judged.</p>` +
      `<table><thead><tr><th>scenario</th><th>operation</th><th>n</th><th>median</th><th>min</th><th>p90</th><th>max</th><th>model</th></tr></thead><tbody>` +
      sm.measurements.map((m) => `<tr><td>${esc(m.scenario)}</td><td>${esc(m.name)}</td><td>${m.n}</td><td>${formatNs(m.kernel.median)}</td><td>${formatNs(m.kernel.min)}</td><td>${formatNs(m.kernel.p90)}</td><td>${formatNs(m.kernel.max)}</td><td>${formatNs(m.model)}</td></tr>`).join('') +
      '</tbody></table>'
    : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>uringlab testbed: ${sm.ok ? 'PASS' : 'FAIL'} ${esc(sm.kernel)} (${where})</title><style>${CSS}</style></head>
<body><h1>uringlab testbed</h1>
<p class="status"><b class="${sm.ok ? 'pass' : 'fail'}">${sm.ok ? 'PASS' : 'FAIL'}</b> — kernel ${esc(sm.kernel)} (profile ${esc(sm.profile)}, ${where}):
${sm.agree} agree, ${sm.diverge} diverge, ${sm.skipped} skipped of ${sm.scenarios} (${sm.judged_together} also judged with every extension loaded)${sm.layout ? `; UAPI layout: ${sm.layout.checked} items, ${sm.layout.mismatches.length} mismatches` : ''}.</p>
${stagesHtml(sm)}
${problems}
<h2 id="divergences">Divergences (${diverged.length})</h2>
${diverged.length ? diverged.map(divergenceHtml).join('\n') : '<p>None: every judged scenario gave the kernel\'s trace.</p>'}
${sections.map((x) => `<h2 id="${esc(x.id)}">${esc(x.title)}</h2>\n${x.html}`).join('\n')}
<h2 id="scenarios">Scenarios by package</h2>
<p class="toc">${[...packages].map(([p, vs]) => `<a href="#${pkgAnchor(p)}">${esc(p)}</a> (${vs.length})`).join(' · ')}</p>
<input id="filter" type="search" placeholder="filter: name, package or verdict" aria-label="filter scenarios" hidden>
${[...packages].map(([p, vs]) => packageHtml(p, vs)).join('\n')}
${measurements}
${sm.notes.length ? `<h2 id="notes">Notes</h2><p class="muted">${sm.notes.map(esc).join('<br>')}</p>` : ''}
<script>${FILTER_JS}</script>
</body></html>
`;
}
