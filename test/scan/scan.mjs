// Lints the collected public charts and records Helm's own view of each, for judging every finding.
//
//   node test/scan/scan.mjs SCAN_DIR [--limit-non-hook N] [--only DIR,DIR] [--resume] [--lint-only DIR]
//
// SCAN_DIR is collect.mjs's output (manifest.tsv, charts/). For each chart, scenario `default` (values.yaml)
// and, when a template names helm.sh/hook, scenario `hooks` (every boolean that is false by default and
// gates a hook template in an if/with/and/or action, set to true; flags Helm cannot render with are dropped
// one by one). Per scenario it writes SCAN_DIR/out/<chart>/<scenario>.*:
//   lint.json    helm-hooks lint --format json (dist/cli.js of this checkout)
//   lint.time    wall, user and system seconds of that lint
//   template.yaml / template.err   helm template (Helm 4)
//   dry.json / dry.err             helm install --dry-run=client -o json: hooks with events, weights, policies
// (Helm only for charts with hook templates or findings to judge), `done` when the chart is complete,
// and SCAN_DIR/values/<chart>.hooks.yaml for the hooks scenario. --lint-only DIR lints every scanned chart again
// with the same values into DIR/<chart>/ (Helm's outputs are kept), to compare builds. SCAN_DIR/out/summary.json sums the time.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import yaml from 'js-yaml';

const args = process.argv.slice(2);
const scanDir = args[0];
if (!scanDir) {
  console.error('usage: node test/scan/scan.mjs SCAN_DIR [--limit-non-hook N] [--only DIR,DIR]');
  process.exit(2);
}
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const limitNonHook = Number(option('--limit-non-hook') ?? Infinity);
const only = option('--only')?.split(',');
const resume = args.includes('--resume');

const root = path.resolve(import.meta.dirname, '../..');
const cli = path.join(root, 'dist/cli.js');
const helm = path.join(root, '.cache/helm/v4/helm/helm');
const helmHome = fs.mkdtempSync(path.join(os.tmpdir(), 'scan-helm-home-'));
const helmEnv = {
  ...process.env,
  HOME: helmHome,
  HELM_CACHE_HOME: path.join(helmHome, 'cache'),
  HELM_CONFIG_HOME: path.join(helmHome, 'config'),
  HELM_DATA_HOME: path.join(helmHome, 'data'),
};
const releaseName = 'release-name';

const manifest = fs
  .readFileSync(path.join(scanDir, 'manifest.tsv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => {
    const [dir, repo, commit, chartPath, hookTemplates, missing] = line.split('\t');
    return { dir, repo, commit, chartPath, hookTemplates: Number(hookTemplates), missing };
  });

function helmRun(argv) {
  const r = spawnSync(helm, argv, { env: helmEnv, encoding: 'utf8', maxBuffer: 1 << 28, timeout: 120_000 });
  return { ok: r.status === 0, stdout: r.stdout ?? '', stderr: (r.stderr ?? '') + (r.error ? String(r.error) : '') };
}

function readYaml(file) {
  try {
    return yaml.load(fs.readFileSync(file, 'utf8')) ?? {};
  } catch {
    return {};
  }
}

function files(dir) {
  const out = [];
  const walk = (d) => {
    let entries;
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** [values prefix, chart dir, condition] for the chart and each unpacked dependency, recursively. */
function chartsWithin(dir, prefix = [], condition = undefined) {
  const out = [{ prefix, dir, condition }];
  const sub = path.join(dir, 'charts');
  if (!fs.existsSync(sub)) return out;
  const chartYaml = readYaml(path.join(dir, 'Chart.yaml'));
  const deps = Array.isArray(chartYaml.dependencies)
    ? chartYaml.dependencies
    : (readYaml(path.join(dir, 'requirements.yaml')).dependencies ?? []);
  for (const e of fs.readdirSync(sub)) {
    const d = path.join(sub, e);
    if (!fs.existsSync(path.join(d, 'Chart.yaml'))) continue;
    const name = readYaml(path.join(d, 'Chart.yaml')).name;
    const dep = deps.find((x) => x && x.name === name);
    const key = dep?.alias ?? name;
    out.push(
      ...chartsWithin(
        d,
        [...prefix, key],
        typeof dep?.condition === 'string' ? [...prefix, ...dep.condition.split(',')[0].trim().split('.')] : undefined,
      ),
    );
  }
  return out;
}

const get = (obj, keys) => keys.reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), obj);

/** Value paths (from the chart root) of booleans, false by default, that gate a template naming helm.sh/hook. */
function hookGates(dir) {
  const gates = new Map();
  const rootValues = readYaml(path.join(dir, 'values.yaml'));
  for (const c of chartsWithin(dir)) {
    const own = readYaml(path.join(c.dir, 'values.yaml'));
    const hookFiles = files(path.join(c.dir, 'templates')).filter(
      (f) => !path.basename(f).startsWith('_') && fs.readFileSync(f, 'utf8').includes('helm.sh/hook'),
    );
    if (hookFiles.length === 0) continue;
    if (c.condition && get(rootValues, c.condition) === false) gates.set(c.condition.join('.'), c.condition);
    for (const f of hookFiles) {
      const text = fs.readFileSync(f, 'utf8');
      for (const action of text.matchAll(/\{\{-?\s*(?:if|else if|with)\s+([^}]*)\}\}/g)) {
        for (const ref of action[1].matchAll(/(not\s+)?\(?\s*\$?\.Values((?:\.[A-Za-z_][\w-]*)+)/g)) {
          if (ref[1]) continue;
          const keys = ref[2].slice(1).split('.');
          const own_ = get(own, keys);
          const full = [...c.prefix, ...keys];
          const override = get(rootValues, full);
          const value = override ?? own_;
          if (value === false) gates.set(full.join('.'), full);
        }
      }
    }
  }
  return [...gates.values()].slice(0, 16);
}

function valuesFor(gates) {
  const v = {};
  for (const keys of gates) {
    let o = v;
    keys.slice(0, -1).forEach((k) => (o = o[k] ??= {}));
    o[keys.at(-1)] = true;
  }
  return v;
}

/** The hooks scenario's values file, or undefined when no gate is off by default or none renders. */
/**
 * Placeholder strings for every `required "…" .Values.x` of the chart, when Helm refuses its default values for
 * want of one: without them Helm renders nothing to judge against. Undefined when not needed or not enough.
 */
function requiredValues(c, chartDir) {
  const file = path.join(scanDir, 'values', `${c.dir}.required.yaml`);
  // Written by hand for charts that `fail` without a value no `required` names (the first line says so).
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8').startsWith('# by hand')) return file;
  const first = helmRun(['template', releaseName, chartDir]);
  if (first.ok || !/required|execution error/.test(first.stderr)) return undefined;
  const paths = new Set();
  for (const f of files(chartDir).filter(
    (x) => /\.(ya?ml|tpl)$/.test(x) && x.includes(`${path.sep}templates${path.sep}`),
  )) {
    for (const m of fs
      .readFileSync(f, 'utf8')
      .matchAll(/required\s+(?:"[^"]*"|`[^`]*`)\s+\(?\$?\.Values((?:\.[A-Za-z_][\w-]*)+)/g))
      paths.add(m[1].slice(1));
  }
  if (paths.size === 0) return undefined;
  const v = {};
  for (const p of paths) {
    const keys = p.split('.');
    let o = v;
    keys.slice(0, -1).forEach((k) => (o = typeof o[k] === 'object' ? o[k] : (o[k] = {})));
    if (typeof o[keys.at(-1)] !== 'object') o[keys.at(-1)] = 'scan-placeholder';
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `# placeholders for required values, by test/scan/scan.mjs\n${yaml.dump(v)}`);
  if (helmRun(['template', releaseName, chartDir, '-f', file]).ok) return file;
  fs.rmSync(file);
  return undefined;
}

function hooksValues(c, chartDir, base) {
  const gates = hookGates(chartDir);
  if (gates.length === 0) return undefined;
  const file = path.join(scanDir, 'values', `${c.dir}.hooks.yaml`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tryGates = (g) => {
    fs.writeFileSync(file, `# hook gates switched on by test/scan/scan.mjs\n${yaml.dump(valuesFor(g))}`);
    return helmRun(['template', releaseName, chartDir, ...base.flatMap((b) => ['-f', b]), '-f', file]).ok;
  };
  if (tryGates(gates)) return file;
  const kept = [];
  for (const g of gates) if (tryGates([...kept, g])) kept.push(g);
  if (kept.length === 0) {
    fs.rmSync(file);
    return undefined;
  }
  tryGates(kept);
  return file;
}

// Charts without hook templates, taken in turn from each repository so that a limit keeps every source.
const nonHookOrder = new Map();
{
  const byRepo = new Map();
  for (const c of manifest.filter((m) => m.hookTemplates === 0)) byRepo.set(c.repo, [...(byRepo.get(c.repo) ?? []), c]);
  let rank = 0;
  for (let i = 0; nonHookOrder.size < manifest.filter((m) => m.hookTemplates === 0).length; i++)
    for (const list of byRepo.values()) if (list[i]) nonHookOrder.set(list[i].dir, rank++);
}

const outRoot = path.join(scanDir, 'out');
const lintOnly = option('--lint-only');

/** Lint (timed) of one chart and scenario into dir; returns [wall, cpu] seconds. */
function lintInto(dir, name, chartDir, vArgs) {
  fs.mkdirSync(dir, { recursive: true });
  const timeFile = path.join(dir, `${name}.lint.time`);
  const lint = spawnSync(
    '/usr/bin/time',
    ['-f', '%e %U %S', '-o', timeFile, 'node', cli, 'lint', chartDir, '--format', 'json', '--jobs', '0', ...vArgs],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
      timeout: 300_000,
    },
  );
  fs.writeFileSync(path.join(dir, `${name}.lint.json`), lint.stdout ?? '');
  fs.writeFileSync(
    path.join(dir, `${name}.lint.err`),
    `${lint.stderr ?? ''}${lint.error ? String(lint.error) : ''}\nexit ${lint.status}\n`,
  );
  const [wall, user, sys] = (
    fs.existsSync(timeFile) ? fs.readFileSync(timeFile, 'utf8').trim().split('\n').at(-1) : '0 0 0'
  )
    .split(' ')
    .map(Number);
  return { lint, wall, cpu: user + sys };
}

/** Whether a lint run printed an error or a warning (or no readable report): Helm's view is then needed. */
function judged(lint) {
  try {
    return JSON.parse(lint.stdout).findings.some((f) => f.severity === 'error' || f.severity === 'warning');
  } catch {
    return true;
  }
}

/** helm template and helm install --dry-run=client -o json of one chart and scenario into dir. */
function helmInto(dir, name, chartDir, vArgs) {
  const template = helmRun(['template', releaseName, chartDir, ...vArgs]);
  fs.writeFileSync(path.join(dir, `${name}.template.yaml`), template.stdout);
  fs.writeFileSync(path.join(dir, `${name}.template.err`), template.stderr);
  const dry = helmRun(['install', releaseName, chartDir, '--dry-run=client', '-o', 'json', ...vArgs]);
  fs.writeFileSync(path.join(dir, `${name}.dry.json`), dry.ok ? dry.stdout : '');
  fs.writeFileSync(path.join(dir, `${name}.dry.err`), dry.stderr);
}

// Lint again, with the values of the first scan, into another directory (a later build's before/after figures).
if (lintOnly) {
  const start = Date.now();
  let wall = 0;
  let cpu = 0;
  let runs = 0;
  for (const c of manifest) {
    if (only && !only.includes(c.dir)) continue;
    const out = path.join(outRoot, c.dir);
    if (!fs.existsSync(path.join(out, 'done'))) continue;
    for (const name of ['default', 'hooks']) {
      const valuesFile = path.join(out, `${name}.values`);
      if (!fs.existsSync(valuesFile)) continue;
      const values = fs.readFileSync(valuesFile, 'utf8').trim();
      const vArgs = values === '-' ? [] : values.split(' ').flatMap((v) => ['-f', v]);
      const r = lintInto(path.join(lintOnly, c.dir), name, path.join(scanDir, 'charts', c.dir), vArgs);
      if (!fs.existsSync(path.join(out, `${name}.template.err`)) && judged(r.lint))
        helmInto(out, name, path.join(scanDir, 'charts', c.dir), vArgs);
      wall += r.wall;
      cpu += r.cpu;
      runs++;
    }
  }
  const summary = {
    lintRuns: runs,
    lintWallSeconds: wall,
    lintCpuSeconds: cpu,
    scanWallSeconds: (Date.now() - start) / 1000,
  };
  fs.writeFileSync(path.join(lintOnly, 'summary.json'), JSON.stringify(summary, null, 2));
  console.log(JSON.stringify(summary));
  process.exit(0);
}
fs.mkdirSync(outRoot, { recursive: true });
const start = Date.now();
let lintWall = 0;
let lintCpu = 0;
let lintRuns = 0;
const scanned = [];
for (const c of manifest) {
  if (only && !only.includes(c.dir)) continue;
  if (c.hookTemplates === 0 && !only && nonHookOrder.get(c.dir) >= limitNonHook) continue;
  const chartDir = path.join(scanDir, 'charts', c.dir);
  const out = path.join(outRoot, c.dir);
  if (resume && fs.existsSync(path.join(out, 'done'))) {
    scanned.push(c.dir);
    continue;
  }
  fs.mkdirSync(out, { recursive: true });
  const required = c.hookTemplates > 0 ? requiredValues(c, chartDir) : undefined;
  const base = required ? [required] : [];
  const scenarios = [['default', base]];
  if (c.hookTemplates > 0) {
    const v = hooksValues(c, chartDir, base);
    if (v) scenarios.push(['hooks', [...base, v]]);
  }
  for (const [name, values] of scenarios) {
    const vArgs = values.flatMap((v) => ['-f', v]);
    const { lint, wall, cpu } = lintInto(out, name, chartDir, vArgs);
    lintWall += wall;
    lintCpu += cpu;
    lintRuns++;
    // Helm's view is needed to judge findings and count hook templates: a chart without hook templates
    // and without an error or warning has nothing to judge.
    fs.writeFileSync(path.join(out, `${name}.values`), values.join(' ') || '-');
    if (c.hookTemplates === 0 && !judged(lint)) continue;
    helmInto(out, name, chartDir, vArgs);
  }
  fs.writeFileSync(path.join(out, 'done'), '');
  scanned.push(c.dir);
  process.stdout.write(`${scanned.length} ${c.dir} ${scenarios.map(([n]) => n).join(',')}\n`);
}
const summary = {
  charts: scanned.length,
  lintRuns,
  lintWallSeconds: lintWall,
  lintCpuSeconds: lintCpu,
  scanWallSeconds: (Date.now() - start) / 1000,
};
fs.writeFileSync(path.join(outRoot, only ? 'summary.partial.json' : 'summary.json'), JSON.stringify(summary, null, 2));
fs.rmSync(helmHome, { recursive: true, force: true });
console.log(JSON.stringify(summary));
