// Judges every error and warning of a scan (scan.mjs) against Helm's own output for the same chart.
//
//   node test/scan/judge.mjs SCAN_DIR [OUT_TSV] [--lint-dir DIR]
//
// --lint-dir reads the lint output of scan.mjs --lint-only DIR (a later build) instead of SCAN_DIR/out.
//
// For each finding (deduplicated over scenarios by chart, file, line and rule) it looks for automatic
// evidence in what Helm printed: the documents `helm template` rendered from the file, the hooks of
// `helm install --dry-run=client -o json` with their events, weights and delete policies, and kubectl's
// decode of the rendered document. Where that settles nothing, test/scan/judgements.tsv (written by
// hand after reading the template) gives the verdict. Writes the verdict table (default
// test/scan/verdicts.tsv) and prints the figures: findings per rule with true/false/unsure counts,
// hook templates, false errors and warnings per 100 hook templates.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import yaml from 'js-yaml';

const argv = process.argv.slice(2);
const lintDirAt = argv.indexOf('--lint-dir');
const lintRoot = lintDirAt >= 0 ? path.resolve(argv.splice(lintDirAt, 2)[1]) : undefined;
const [scanDir, outTsv = path.join(import.meta.dirname, 'verdicts.tsv')] = argv;
if (!scanDir) {
  console.error('usage: node test/scan/judge.mjs SCAN_DIR [OUT_TSV]');
  process.exit(2);
}
const root = path.resolve(import.meta.dirname, '../..');
const kubectl = path.join(root, '.cache/helm/v4/kubectl/kubectl');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scan-judge-'));

const read = (f) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : '');
const tsvField = (s) =>
  String(s)
    .replace(/[\t\n]+/g, ' ')
    .trim();

/** Rendered documents of helm output, with the template path (chart name stripped) each came from. */
function renderedDocs(text) {
  const docs = [];
  for (const part of text.split(/^---\s*$/m)) {
    const m = part.match(/^# Source: [^/]+\/(.+)$/m);
    if (!m) continue;
    let obj;
    try {
      obj = yaml.load(part);
    } catch {
      obj = undefined;
    }
    docs.push({ source: m[1].trim(), text: part, obj });
  }
  return docs;
}

const knownRules = new Set(
  fs
    .readdirSync(path.join(root, 'server/src/engine/rules'))
    .filter((f) => f.endsWith('.ts') && !['index.ts', 'rule.ts', 'docs.ts'].includes(f))
    .map((f) => f.replace(/\.ts$/, '')),
);

function loadChart(dir) {
  const out = path.join(scanDir, 'out', dir);
  const chartDir = path.join(scanDir, 'charts', dir);
  const scenarios = [];
  for (const name of ['default', 'hooks']) {
    const lintOut = path.join(lintRoot ?? path.join(scanDir, 'out'), dir);
    const lintText = read(path.join(lintOut, `${name}.lint.json`));
    if (!lintText && !fs.existsSync(path.join(out, `${name}.template.err`))) continue;
    let lint;
    try {
      lint = JSON.parse(lintText);
    } catch {
      lint = undefined;
    }
    let dry;
    try {
      dry = JSON.parse(read(path.join(out, `${name}.dry.json`)));
    } catch {
      dry = undefined;
    }
    const templateText = read(path.join(out, `${name}.template.yaml`));
    const hooks = (dry?.hooks ?? []).map((h) => ({ ...h, source: h.path.split('/').slice(1).join('/') }));
    scenarios.push({
      name,
      lint,
      lintErr: read(path.join(lintOut, `${name}.lint.err`)),
      templateErr: read(path.join(out, `${name}.template.err`)),
      dryErr: read(path.join(out, `${name}.dry.err`)),
      rendered: templateText ? renderedDocs(templateText) : [],
      helmRendered: templateText.length > 0,
      hooks,
      manifestDocs: dry ? renderedDocs(dry.manifest ?? '') : [],
      dryOk: !!dry,
      values: read(path.join(out, `${name}.values`)).trim(),
    });
  }
  return { dir, chartDir, scenarios };
}

/** kubectl's decode of a rendered document: '' when it decodes, else the error text. */
function kubectlDecode(docText) {
  const f = path.join(tmp, 'doc.yaml');
  fs.writeFileSync(f, docText);
  const r = spawnSync(kubectl, ['label', '--local', '-f', f, 'probe=1', '-o', 'yaml'], { encoding: 'utf8' });
  return r.status === 0 ? '' : (r.stderr || 'kubectl failed').trim().split('\n')[0];
}

const annotationsOf = (obj) =>
  obj && typeof obj === 'object' && obj.metadata && typeof obj.metadata === 'object'
    ? (obj.metadata.annotations ?? {})
    : {};

/** The `---`-separated document of a template file holding a line, and whether the file has several. */
function documentAt(chartDir, file, line) {
  const lines = read(path.join(chartDir, file)).split('\n');
  const separators = lines.map((l, i) => (/^---\s*$/.test(l) ? i : -1)).filter((i) => i >= 0);
  const before = separators.filter((i) => i < line - 1).at(-1) ?? -1;
  const after = separators.find((i) => i >= line - 1) ?? lines.length;
  const multi = separators.some(
    (i) => lines.slice(0, i).some((l) => /^kind:/.test(l)) && lines.slice(i + 1).some((l) => /^kind:/.test(l)),
  );
  return { text: lines.slice(before + 1, after).join('\n'), multi };
}

function sourceLine(chartDir, file, line) {
  const lines = read(path.join(chartDir, file)).split('\n');
  return (lines[line - 1] ?? '').trim();
}

/**
 * The pattern of the chart's .helmignore that keeps Helm from loading the file. Only the top chart's file counts:
 * Helm's LoadDir reads that one, and a subchart unpacked under charts/ is loaded from the same walk (its own
 * .helmignore is not read: Kong's ingress chart renders charts/kong/templates/tests, which kong's ignores).
 */
function helmignored(chartDir, file) {
  {
    const base = chartDir;
    const rel = file;
    const patterns = read(path.join(base, '.helmignore'))
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#') && !l.startsWith('!'));
    for (const raw of patterns) {
      const p = raw.replace(/\/$/, '');
      const glob = new RegExp(
        `^${p
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '[^/]*')
          .replace(/\?/g, '[^/]')}$`,
      );
      const hit = p.includes('/')
        ? rel === p || rel.startsWith(`${p}/`) || glob.test(rel)
        : rel.split('/').some((seg) => glob.test(seg));
      if (hit) return `${path.relative(chartDir, path.join(base, '.helmignore')) || '.helmignore'}: ${raw}`;
    }
  }
  return undefined;
}

/** Automatic verdict for one finding, or undefined to leave it to judgements.tsv. */
function autoVerdict(chart, f) {
  const ignored = f.rule !== 'missing-chart-dependency' && helmignored(chart.chartDir, f.file);
  if (ignored) {
    const sourced = chart.scenarios.some((s) => s.rendered.some((d) => d.source === f.file));
    if (!sourced) return ['false', `Helm never loads the file: ${ignored} (helm template has no # Source: for it)`];
  }
  const docsOf = (pick) =>
    chart.scenarios.flatMap((s) =>
      pick(s)
        .filter((d) => d.source === f.file)
        .map((d) => ({ ...d, scenario: s.name })),
    );
  const rendered = docsOf((s) => s.rendered);
  const hooksFromFile = docsOf((s) => s.hooks);
  const normalFromFile = docsOf((s) => s.manifestDocs);
  const refused = chart.scenarios.every((s) => !s.helmRendered);
  const text = sourceLine(chart.chartDir, f.file, f.line);
  switch (f.rule) {
    case 'missing-chart-dependency': {
      const line = chart.scenarios
        .flatMap((s) => s.templateErr.split('\n'))
        .find((l) => /missing in charts\/ directory/.test(l));
      const name = f.message.match(/dependency "([^"]+)"/)?.[1];
      const listed = line
        ?.replace(/.*missing in charts\/ directory: /, '')
        .split(/,\s*/)
        .map((x) => x.trim());
      if (line && name && listed.includes(name))
        return ['true', `helm template: ${line.trim().replace(/^.*(found in Chart\.yaml)/, '$1')}`];
      if (chart.scenarios.some((s) => s.helmRendered)) return ['false', 'helm template renders the chart'];
      return undefined;
    }
    case 'unpinned-hook-image': {
      const images = hooksFromFile.flatMap((h) =>
        [...h.manifest.matchAll(/^\s*-?\s*image:\s*["']?([^"'\s]+)/gm)].map((m) => m[1]),
      );
      const named = f.message.match(/image "([^"]+)"/)?.[1];
      const bad = images.filter(
        (i) => !i.includes('@') && (!/:[^/]+$/.test(i) || /:latest$/.test(i)) && (!named || i === named),
      );
      if (bad.length) return ['true', `Helm renders hook ${hooksFromFile[0].kind} with image ${bad[0]}`];
      const literal = text.match(/^-?\s*image:\s*["']?([^"'{}\s]+)["']?\s*$/)?.[1];
      if (literal && !literal.includes('@') && (!/:[^/]+$/.test(literal) || /:latest$/.test(literal)))
        return [
          'true',
          `template line (in a branch the scenarios do not render) is a literal untagged image: ${literal}`,
        ];
      return undefined;
    }
    case 'unquoted-hook-weight':
    case 'non-string-annotation': {
      const docs = rendered.length ? rendered : normalFromFile;
      for (const d of docs) {
        const err = kubectlDecode(d.text);
        if (/cannot unmarshal|json: cannot|unmarshal/.test(err))
          return ['true', `kubectl label --local: ${err.slice(0, 160)}`];
      }
      if (docs.length) return undefined;
      return undefined;
    }
    case 'orphan-hook-annotation': {
      const m = text.match(/(helm\.sh\/[\w-]+)/);
      const key = m?.[1];
      // The kind written nearest above the line, to name the right document of a multi-document file.
      const kind = read(path.join(chart.chartDir, f.file))
        .split('\n')
        .slice(0, f.line)
        .reverse()
        .find((l) => /^kind:\s*\w+/.test(l))
        ?.match(/^kind:\s*(\w+)/)?.[1];
      const orphan = normalFromFile.find(
        (d) =>
          key &&
          (!kind || d.obj?.kind === kind) &&
          Object.keys(annotationsOf(d.obj)).includes(key) &&
          !('helm.sh/hook' in annotationsOf(d.obj)),
      );
      if (orphan)
        return [
          'true',
          `dry-run: ${orphan.obj.kind} ${orphan.obj.metadata?.name} is a normal resource (manifest) with ${key} and no helm.sh/hook`,
        ];
      return undefined;
    }
    case 'misplaced-hook-annotation': {
      const normal = normalFromFile.find(
        (d) => /helm\.sh\/hook/.test(d.text) && !('helm.sh/hook' in annotationsOf(d.obj)),
      );
      if (normal)
        return [
          'true',
          `dry-run: ${normal.obj.kind} ${normal.obj.metadata?.name} is in manifest, not hooks, though it carries helm.sh/hook elsewhere`,
        ];
      return undefined;
    }
    case 'job-restart-policy': {
      const jobs = hooksFromFile.filter((h) => h.kind === 'Job');
      for (const h of jobs) {
        const obj = yaml.load(h.manifest);
        const rp = obj?.spec?.template?.spec?.restartPolicy;
        if (rp === undefined || rp === 'Always')
          return ['true', `dry-run: hook Job ${h.name} renders restartPolicy ${rp ?? '(none)'}`];
      }
      if (jobs.length && !documentAt(chart.chartDir, f.file, f.line).multi)
        return [
          'false',
          `dry-run: hook Job ${jobs[0].name} renders restartPolicy ${yaml.load(jobs[0].manifest)?.spec?.template?.spec?.restartPolicy}`,
        ];
      return undefined;
    }
    case 'unknown-hook-event': {
      const value = text
        .replace(/^.*helm\.sh\/hook["']?\s*:\s*/, '')
        .replace(/^["']|["']$/g, '')
        .trim();
      const logged = chart.scenarios
        .flatMap((s) => s.templateErr.split('\n'))
        .find((l) => /skipping unknown hook/.test(l));
      // A document from the file that Helm kept while it carries the event: the finding is disproved.
      const kept = [...rendered, ...normalFromFile].filter((d) =>
        String(annotationsOf(d.obj)['helm.sh/hook'] ?? '').includes(value.split(',')[0]),
      );
      const renderedAnywhere = kept.length > 0 || hooksFromFile.some((h) => h.manifest.includes(value.split(',')[0]));
      const loggedType = logged?.match(/hookTypes=(\S+)/)?.[1]?.replace(/^"|"$/g, '');
      if (logged && !renderedAnywhere && loggedType && (text.includes(loggedType) || f.message.includes(loggedType)))
        return ['true', `helm template renders nothing from the file and logs: ${logged.trim()}`];
      if (renderedAnywhere) return ['false', `Helm keeps a document of ${f.file} whose helm.sh/hook carries ${value}`];
      return undefined;
    }
    case 'hook-recreate-conflict': {
      const segment = documentAt(chart.chartDir, f.file, f.line);
      if (!segment.multi) {
        const h = hooksFromFile.find(
          (x) => (x.delete_policies ?? []).length > 0 && !x.delete_policies.includes('before-hook-creation'),
        );
        if (h)
          return [
            'true',
            `dry-run: hook ${h.kind} ${h.name} events ${h.events.join(',')} delete_policies ${h.delete_policies.join(',')} (no before-hook-creation)`,
          ];
        const ok = hooksFromFile.find(
          (x) => (x.delete_policies ?? []).length === 0 || x.delete_policies.includes('before-hook-creation'),
        );
        if (ok)
          return [
            'false',
            `dry-run: hook ${ok.kind} ${ok.name} delete_policies ${(ok.delete_policies ?? []).join(',') || '(none: default before-hook-creation)'}`,
          ];
      }
      // In the finding's own document of the file: a literal policy line.
      const policies = segment.text.split('\n').filter((l) => /helm\.sh\/hook-delete-policy/.test(l));
      if (policies.length === 1 && !/\{\{|before-hook-creation/.test(policies[0]))
        return [
          'true',
          `template: the finding's document sets a literal policy without before-hook-creation: ${policies[0].trim()}`,
        ];
      return undefined;
    }
    case 'inline-secret-in-hook': {
      for (const h of hooksFromFile) {
        const url = h.manifest.match(/[a-z]+:\/\/[^\s:@/"']+:[^\s@/"']+@[^\s"']+/);
        if (url)
          return [
            'true',
            `dry-run: hook ${h.kind} ${h.name} carries a URL with a password: ${url[0].replace(/:[^:@]+@/, ':***@')}`,
          ];
        const env = h.manifest.match(
          /-\s*name:\s*["']?(\w*(?:PASSW|TOKEN|SECRET|WEBHOOK)\w*)["']?\s*\n\s*value:\s*(\S.*)/i,
        );
        if (env) return ['true', `dry-run: hook ${h.kind} ${h.name} env ${env[1]} has a literal value`];
      }
      return undefined;
    }
    case 'workload-as-hook': {
      const h = hooksFromFile.find((x) => ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'].includes(x.kind));
      if (h)
        return [
          'true',
          `dry-run: ${h.kind} ${h.name} is listed under hooks (events ${h.events.join(',')}, delete_policies ${(h.delete_policies ?? []).join(',') || 'none: before-hook-creation'}), not in manifest`,
        ];
      return undefined;
    }
    case 'stale-install-hook': {
      const reader = f.message.match(/(\w+) "([^"]+)" reads/);
      for (const s of chart.scenarios) {
        const h = s.hooks.find((x) => x.source === f.file && !['PersistentVolumeClaim'].includes(x.kind));
        if (!h || !reader) continue;
        const onlyInstall = h.events.every((e) => /install/.test(e)) && !h.events.some((e) => /upgrade/.test(e));
        const onlyUpgrade = h.events.every((e) => /upgrade/.test(e)) && !h.events.some((e) => /install/.test(e));
        const normal = s.manifestDocs.find((d) => d.obj?.kind === reader[1] && d.obj?.metadata?.name === reader[2]);
        if ((onlyInstall || onlyUpgrade) && normal && normal.text.includes(h.name))
          return [
            'true',
            `dry-run: hook ${h.kind} ${h.name} events ${h.events.join(',')} only; ${reader[1]} ${reader[2]} is a release resource (manifest) naming it`,
          ];
      }
      return undefined;
    }
    case 'unknown-delete-policy': {
      const known = new Set(['before-hook-creation', 'hook-succeeded', 'hook-failed']);
      const h = hooksFromFile.find((x) => (x.delete_policies ?? []).some((p) => !known.has(p)));
      if (h) return ['true', `dry-run: hook ${h.kind} ${h.name} delete_policies ${JSON.stringify(h.delete_policies)}`];
      return undefined;
    }
    case 'duplicate-hook-event': {
      const h = hooksFromFile.find((x) => new Set(x.events).size < x.events.length);
      if (h) return ['true', `dry-run: hook ${h.kind} ${h.name} events ${JSON.stringify(h.events)}`];
      return undefined;
    }
    case 'invalid-hook-weight': {
      for (const h of hooksFromFile) {
        const w = annotationsOf(yaml.load(h.manifest))['helm.sh/hook-weight'];
        if (w !== undefined && !/^[+-]?\d+$/.test(String(w)) && !h.weight)
          return [
            'true',
            `dry-run: hook ${h.kind} ${h.name} has hook-weight ${JSON.stringify(w)} and Helm's weight is 0`,
          ];
      }
      return undefined;
    }
    case 'invalid-yaml': {
      // The flagged line rendered by Helm, and kubectl (go-yaml) decodes the document: Helm reads it. A line whose text
      // the file has more than once may have been rendered from another place (mongodb's `- name: data` of an else
      // branch that no scanned values render): left to judgements.tsv.
      if (refused || /\{\{/.test(text) || text.length < 4) return undefined;
      if (
        read(path.join(chart.chartDir, f.file))
          .split('\n')
          .filter((line) => line.trim() === text).length > 1
      )
        return undefined;
      const withLine = [
        ...rendered,
        ...normalFromFile,
        ...hooksFromFile.map((h) => ({ ...h, text: h.manifest })),
      ].filter((d) => d.text.includes(text));
      if (withLine.length === 0) return undefined;
      const errors = withLine.map((d) => kubectlDecode(d.text)).filter(Boolean);
      if (errors.length === 0)
        return [
          'false',
          `helm template renders the line (${text.slice(0, 40)}) and kubectl label --local decodes the document`,
        ];
      return ['true', `kubectl label --local on the rendered document: ${errors[0].slice(0, 160)}`];
    }
    case 'stateful-hook': {
      const again = (h) => h.events.some((e) => /upgrade|rollback/.test(e));
      const pvc = hooksFromFile.find((h) => h.kind === 'PersistentVolumeClaim' && again(h));
      if (pvc)
        return [
          'true',
          `dry-run: hook PersistentVolumeClaim ${pvc.name} events ${pvc.events.join(',')}, delete_policies ${(pvc.delete_policies ?? ['(default before-hook-creation)']).join(',')}`,
        ];
      // Two renders of the same values (helm template, install --dry-run) giving different Secret data: generated.
      const generated = [];
      for (const s of chart.scenarios) {
        for (const h of s.hooks.filter((x) => x.source === f.file && x.kind === 'Secret' && again(x))) {
          const other = s.rendered.find(
            (d) => d.source === f.file && d.obj?.kind === 'Secret' && d.obj?.metadata?.name === h.name,
          );
          const data = (o) => JSON.stringify([o?.data, o?.stringData]);
          if (other && data(other.obj) !== data(yaml.load(h.manifest)))
            generated.push(`${h.name} (${h.events.join(',')})`);
        }
      }
      if (generated.length)
        return [
          'true',
          `dry-run: hook Secret(s) of the file run on upgrade/rollback and their data differs between helm template and install --dry-run of the same values (generated): ${[...new Set(generated)].join('; ')}`,
        ];
      return undefined;
    }
    default:
      return undefined;
  }
}

const judgementsFile = path.join(import.meta.dirname, 'judgements.tsv');
const judgements = new Map();
for (const line of read(judgementsFile).split('\n').slice(1)) {
  if (!line.trim()) continue;
  const [chart, file, l, rule, verdict, evidence] = line.split('\t');
  judgements.set([chart, file, l, rule].join('\t'), { verdict, evidence });
}

const manifest = read(path.join(scanDir, 'manifest.tsv'))
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => l.split('\t'));
const rows = [];
let hookTemplates = 0;
let hookTemplatesAsWritten = 0;
let chartsScanned = 0;
let chartsRefused = 0;
const lintFailures = [];
const slow = [];
for (const [dir] of manifest) {
  if (!fs.existsSync(path.join(scanDir, 'out', dir))) continue;
  const chart = loadChart(dir);
  if (chart.scenarios.length === 0) continue;
  chartsScanned++;
  if (fs.existsSync(path.join(scanDir, 'out', dir, 'default.template.err')) && !chart.scenarios[0].helmRendered)
    chartsRefused++;
  // Hook templates: template files that render a document carrying helm.sh/hook, in any scenario.
  const hookSources = new Set();
  for (const s of chart.scenarios) {
    for (const h of s.hooks) hookSources.add(h.source);
    for (const d of s.rendered) if ('helm.sh/hook' in annotationsOf(d.obj)) hookSources.add(d.source);
  }
  hookTemplates += hookSources.size;
  hookTemplatesAsWritten += Number(manifest.find((m) => m[0] === dir)[4]);
  const findings = new Map();
  for (const s of chart.scenarios) {
    if (!s.lint) {
      lintFailures.push(`${dir} ${s.name}: ${s.lintErr.trim().split('\n').slice(-3).join(' ')}`);
      continue;
    }
    const time = read(path.join(lintRoot ?? path.join(scanDir, 'out'), dir, `${s.name}.lint.time`))
      .trim()
      .split('\n')
      .at(-1);
    if (Number(time?.split(' ')[0]) > 10) slow.push(`${dir} ${s.name}: ${time}`);
    for (const f of s.lint.findings) {
      if (f.severity !== 'error' && f.severity !== 'warning') continue;
      const file = path.relative(chart.chartDir, path.resolve(root, f.file));
      const key = [dir, file, f.line, f.rule].join('\t');
      const prev = findings.get(key);
      if (prev) prev.scenarios.push(s.name);
      else findings.set(key, { ...f, file, scenarios: [s.name] });
    }
  }
  for (const [key, f] of findings) {
    const manual = judgements.get(key);
    const auto = manual ? undefined : autoVerdict(chart, f);
    const [verdict, evidence] = manual
      ? [manual.verdict, manual.evidence]
      : (auto ?? ['unsure', `not judged yet: ${f.message}`]);
    rows.push([dir, f.file, f.line, f.rule, f.severity, verdict, tsvField(evidence)]);
  }
}
rows.sort((a, b) => a.slice(0, 4).join('\t').localeCompare(b.slice(0, 4).join('\t')));
fs.writeFileSync(
  outTsv,
  [['chart', 'file', 'line', 'rule', 'severity', 'verdict', 'evidence'], ...rows].map((r) => r.join('\t')).join('\n') +
    '\n',
);

let lintWall = 0;
let lintCpu = 0;
let lintRuns = 0;
for (const [dir] of manifest) {
  for (const name of ['default', 'hooks']) {
    const t = read(path.join(lintRoot ?? path.join(scanDir, 'out'), dir, `${name}.lint.time`))
      .trim()
      .split('\n')
      .at(-1);
    if (!t) continue;
    const [wall, user, sys] = t.split(' ').map(Number);
    lintWall += wall;
    lintCpu += user + sys;
    lintRuns++;
  }
}
const perRule = new Map();
for (const r of rows) {
  const k = `${r[3]} (${r[4]})`;
  const c = perRule.get(k) ?? { true: 0, false: 0, unsure: 0 };
  c[r[5]]++;
  perRule.set(k, c);
}
const falseErrors = rows.filter((r) => r[4] === 'error' && r[5] === 'false').length;
const falseWarnings = rows.filter((r) => r[4] === 'warning' && r[5] === 'false').length;
console.log(
  `charts scanned: ${chartsScanned} (Helm refuses ${chartsRefused} of those it was asked to render, with default values)`,
);
console.log(
  `hook templates: ${hookTemplates} rendered by Helm; ${hookTemplatesAsWritten} template files naming helm.sh/hook`,
);
console.log('findings per rule (true/false/unsure):');
for (const [k, c] of [...perRule].sort()) console.log(`  ${k}: ${c.true}/${c.false}/${c.unsure}`);
const per100 = (n) => ((100 * n) / Math.max(hookTemplates, 1)).toFixed(2);
console.log(
  `false errors: ${falseErrors} (${per100(falseErrors)} per 100 hook templates); false warnings: ${falseWarnings} (${per100(falseWarnings)} per 100)`,
);
console.log(`unsure: ${rows.filter((r) => r[5] === 'unsure').length}`);
console.log(`lint: ${lintRuns} runs, ${lintWall.toFixed(0)} s wall, ${lintCpu.toFixed(0)} s CPU (user+system)`);
const figures = {
  charts: chartsScanned,
  chartsHelmRefusesWithDefaultValues: chartsRefused,
  hookTemplates,
  hookTemplateFilesAsWritten: hookTemplatesAsWritten,
  findings: rows.length,
  falseErrors,
  falseWarnings,
  falseErrorsPer100HookTemplates: Number(per100(falseErrors)),
  falseWarningsPer100HookTemplates: Number(per100(falseWarnings)),
  unsure: rows.filter((r) => r[5] === 'unsure').length,
  perRule: Object.fromEntries([...perRule].sort()),
  lint: { runs: lintRuns, wallSeconds: Math.round(lintWall), cpuSeconds: Math.round(lintCpu), over10sWall: slow },
  lintFailures,
};
fs.writeFileSync(path.join(path.dirname(outTsv), 'figures.json'), JSON.stringify(figures, null, 2) + '\n');
if (lintFailures.length) console.log(`lint failures:\n  ${lintFailures.join('\n  ')}`);
if (slow.length) console.log(`lint over 10 s:\n  ${slow.join('\n  ')}`);
const unknownRules = rows.filter((r) => !knownRules.has(r[3]) && r[3] !== 'missing-chart-dependency');
if (unknownRules.length)
  console.log(`rules not in server/src/engine/rules: ${[...new Set(unknownRules.map((r) => r[3]))].join(', ')}`);
fs.rmSync(tmp, { recursive: true, force: true });
