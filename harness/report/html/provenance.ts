/**
 * Where the numbers come from: the exact command and resolved configuration, git state, machine
 * load, environment, capacity model and dataset, with a link to results.json.
 */
import type { ResultsFile } from '../../results/types.ts';
import { NA, escapeHtml as e, fmtBytes, fmtInt, fmtNum, fmtSeconds } from '../format.ts';
import { kv, table } from './parts.ts';

export function gitText(run: ResultsFile['run']): string {
  if (run.gitSha === null) return 'unknown (not a git checkout)';
  const dirty = run.gitDirty === undefined ? 'dirty flag not recorded' : run.gitDirty ? 'DIRTY: uncommitted changes in the working tree' : 'clean working tree';
  return `${run.gitSha} (${dirty})`;
}

export function loadText(results: ResultsFile): string {
  const l = results.run.loadAverage;
  if (!l) return 'not recorded';
  const busy = Math.max(l.start, l.end) > results.environment.cores ? ' — above the core count: processes waited for a core (this run\'s own servers, app and generator count in it with any other work), so figures are noisier' : '';
  return `1-minute load average ${fmtNum(l.start, 2)} at the start, ${fmtNum(l.end, 2)} at the end (${results.environment.cores} cores; the machine is shared)${busy}`;
}

export function capacityText(results: ResultsFile): string {
  const cm = results.environment.capacityModel;
  const per = cm.perNode ? ` (${fmtNum(cm.perNode.cpus, 2)} CPU and ${fmtBytes(cm.perNode.memoryBytes)} per PostgreSQL node)` : '';
  return cm.applied ? `applied: ${cm.description}${per}` : `UNCONSTRAINED (${cm.description.replace(/^unconstrained:\s*/i, '')})`;
}

function runPart(results: ResultsFile, resultsHref: string): string {
  const r = results.run;
  const config = r.config === undefined ? '<p>Resolved configuration not recorded by this run.</p>' : `<pre class="json">${e(JSON.stringify(r.config, null, 2))}</pre>`;
  return `${kv(
    [
      ['results file', `<a href="${e(resultsHref)}">${e(resultsHref)}</a> (schema version ${results.schemaVersion}${results.upgradedFrom ? `, read from a version ${results.upgradedFrom} file` : ''})`],
      ['run id', `<code>${e(r.id)}</code>`],
      ['started / finished', e(`${r.startedAt} / ${r.finishedAt}`)],
      ['command', `<pre class="cmd">${e(r.command)}</pre>`],
      ['git', `<code>${e(gitText(r))}</code>`],
      ['machine load', e(loadText(results))],
      ['seeds', e(`dataset ${r.seeds.dataset}, scenario ${r.seeds.scenario}`)],
    ],
    true,
  )}
<h4>Resolved configuration (flags, BENCH_* variables, --config file, defaults, and the app's settings)</h4>
${config}`;
}

function environmentPart(results: ResultsFile): string {
  const env = results.environment;
  const servers = Object.entries(env.servers);
  return `<div class="grid2"><div>
<h4>Environment</h4>
${kv([
  ['cores', String(env.cores)],
  ['CPU', env.cpuModel],
  ['memory', fmtBytes(env.memoryBytes)],
  ['OS', env.os],
  ['Node.js', env.node],
  ['stack provider', env.stackProvider],
  ['capacity model', capacityText(results)],
])}
</div><div>
<h4>Server versions</h4>
${servers.length === 0 ? `<p>${e(NA)}</p>` : table<[string, string]>([{ head: 'node', cell: (r) => r[0] }, { head: 'version', cell: (r) => r[1] }], servers)}
</div></div>`;
}

function datasetPart(results: ResultsFile): string {
  const d = results.dataset;
  const counts = Object.entries(d.counts);
  return `<div class="grid2"><div>
<h4>Dataset</h4>
${kv([
  ['profile / seed', `${d.profile} / ${d.seed}`],
  ['logical shards', fmtInt(d.logicalShards)],
  ['digest (sha256 over every row)', d.digest ?? 'not recorded'],
  ['source', d.source ?? 'not recorded'],
  ['seeding time', fmtSeconds(d.seedSeconds)],
])}
</div><div>
<h4>Rows</h4>
${counts.length === 0 ? `<p>${e(NA)}</p>` : table<[string, number]>([{ head: 'table', cell: (r) => r[0] }, { head: 'rows', num: true, cell: (r) => fmtInt(r[1]) }], counts)}
</div></div>`;
}

export function renderProvenance(results: ResultsFile, resultsHref: string): string {
  return `<section class="card" id="provenance">
<h2>Provenance</h2>
<p class="sub">Every figure in this report is read from <a href="${e(resultsHref)}">results.json</a> (hover a table cell to see where), and the file from the command below.</p>
${runPart(results, resultsHref)}
${environmentPart(results)}
${datasetPart(results)}
</section>`;
}
