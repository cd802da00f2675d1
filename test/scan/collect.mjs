// Collects public charts from bare git mirrors into a scan directory outside the repository.
//
//   node test/scan/collect.mjs MIRRORS_DIR OUT_DIR
//
// MIRRORS_DIR holds <owner>+<name>/repo bare mirrors (the library's `fetch`). For every chart directory
// of the sources below (a Chart.yaml that is not a dependency copy inside another chart's charts/), it
// copies the chart to OUT_DIR/charts/<owner>__<name>__<chart>, fills charts/ with dependencies found in
// the same repository (this machine reaches no chart repository), and writes OUT_DIR/manifest.tsv:
// chart dir, repository, commit, path, templates naming helm.sh/hook, dependencies left unresolved.
// Charts of ../shared/corpus are skipped: the scan is about charts beyond it.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import yaml from 'js-yaml';

const [mirrorsDir, outDir] = process.argv.slice(2);
if (!mirrorsDir || !outDir) {
  console.error('usage: node test/scan/collect.mjs MIRRORS_DIR OUT_DIR');
  process.exit(2);
}

// Repositories scanned, and how many charts without any hook template to keep from each (hook charts are
// all kept): the scan is about hooks, and charts without them only test that lint stays quiet.
const sources = [
  ['helm/charts', Infinity],
  ['bitnami/charts', Infinity],
  ['prometheus-community/helm-charts', Infinity],
  ['grafana/helm-charts', Infinity],
  ['argoproj/argo-helm', Infinity],
  ['elastic/helm-charts', Infinity],
  ['DataDog/helm-charts', Infinity],
  ['open-telemetry/opentelemetry-helm-charts', Infinity],
  ['jenkinsci/helm-charts', Infinity],
  ['hashicorp/vault-helm', Infinity],
  ['hashicorp/consul-k8s', Infinity],
  ['codecentric/helm-charts', Infinity],
  ['sentry-kubernetes/charts', Infinity],
  ['goharbor/harbor-helm', Infinity],
  ['mastodon/chart', Infinity],
  ['PostHog/charts-clickhouse', Infinity],
  ['airflow-helm/charts', Infinity],
  ['deliveryhero/helm-charts', Infinity],
  ['jfrog/charts', Infinity],
  ['newrelic/helm-charts', Infinity],
  ['aws/eks-charts', Infinity],
  ['Kong/charts', Infinity],
  ['cowboysysop/charts', Infinity],
  ['spiffe/helm-charts-hardened', Infinity],
  ['StackStorm/stackstorm-k8s', Infinity],
  ['apache/pulsar-helm-chart', Infinity],
  ['cockroachdb/helm-charts', Infinity],
  ['jupyterhub/zero-to-jupyterhub-k8s', Infinity],
  ['nextcloud/helm', Infinity],
  ['SigNoz/charts', Infinity],
  ['jaegertracing/helm-charts', Infinity],
  ['percona/percona-helm-charts', Infinity],
  ['yugabyte/charts', Infinity],
  ['k8s-at-home/charts', 25],
];
// Repositories only searched for dependencies.
const dependencySources = ['k8s-at-home/library-charts'];

const corpusDirs = new Set(fs.readdirSync(path.join(import.meta.dirname, '../../../shared/corpus/charts')));

const srcRoot = path.join(outDir, 'src');
const chartsRoot = path.join(outDir, 'charts');
fs.mkdirSync(srcRoot, { recursive: true });
fs.rmSync(chartsRoot, { recursive: true, force: true });
fs.mkdirSync(chartsRoot, { recursive: true });

function git(gitDir, ...args) {
  return execFileSync('git', ['--git-dir', gitDir, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
}

/** Writes HEAD's files; blobs the mirror left out (its largest files) are skipped. */
function writeTree(gitDir, tree) {
  const entries = git(gitDir, 'ls-tree', '-r', '-z', 'HEAD')
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const [meta, file] = line.split('\t');
      const [mode, type, sha] = meta.split(' ');
      return { mode, type, sha, file };
    })
    .filter((e) => e.type === 'blob');
  const out = execFileSync('git', ['--git-dir', gitDir, 'cat-file', '--batch'], {
    input: entries.map((e) => e.sha).join('\n') + '\n',
    maxBuffer: 2 ** 31,
  });
  let at = 0;
  for (const e of entries) {
    const nl = out.indexOf(10, at);
    const header = out.subarray(at, nl).toString();
    at = nl + 1;
    if (header.endsWith('missing')) continue;
    const size = Number(header.split(' ')[2]);
    const body = out.subarray(at, at + size);
    at += size + 1;
    const target = path.join(tree, e.file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    if (e.mode === '120000') fs.symlinkSync(body.toString(), target);
    else fs.writeFileSync(target, body);
  }
}

/** Unpacks HEAD of a mirror once; returns the tree's directory and the commit. */
function unpack(repo) {
  const gitDir = path.join(mirrorsDir, repo.replace('/', '+'), 'repo');
  const commit = git(gitDir, 'rev-parse', 'HEAD').trim();
  const tree = path.join(srcRoot, repo.replace('/', '+'));
  const stamp = path.join(tree, '.scan-commit');
  if (!fs.existsSync(stamp) || fs.readFileSync(stamp, 'utf8') !== commit) {
    fs.rmSync(tree, { recursive: true, force: true });
    fs.mkdirSync(tree, { recursive: true });
    writeTree(gitDir, tree);
    fs.writeFileSync(stamp, commit);
  }
  return { tree, commit };
}

function readChartYaml(dir) {
  try {
    return yaml.load(fs.readFileSync(path.join(dir, 'Chart.yaml'), 'utf8')) ?? {};
  } catch {
    return null;
  }
}

function dependenciesOf(dir, chartYaml) {
  let deps = chartYaml?.dependencies;
  if (!deps && fs.existsSync(path.join(dir, 'requirements.yaml'))) {
    try {
      deps = yaml.load(fs.readFileSync(path.join(dir, 'requirements.yaml'), 'utf8'))?.dependencies;
    } catch {
      deps = undefined;
    }
  }
  return Array.isArray(deps) ? deps.filter((d) => d && typeof d.name === 'string') : [];
}

/** Every chart directory of a tree (relative paths), nested dependency copies included. */
function chartDirs(tree) {
  const out = [];
  const walk = (rel) => {
    const abs = path.join(tree, rel);
    let entries;
    try {
      entries = fs.readdirSync(abs, { withFileTypes: true });
    } catch {
      return;
    }
    if (entries.some((e) => e.name === 'Chart.yaml' && e.isFile())) out.push(rel);
    for (const e of entries) {
      if (e.isDirectory() && e.name !== '.git' && e.name !== 'node_modules') walk(path.join(rel, e.name));
    }
  };
  walk('');
  return out;
}

function hasHookTemplate(dir) {
  const t = path.join(dir, 'templates');
  if (!fs.existsSync(t)) return [];
  const out = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (fs.readFileSync(p, 'utf8').includes('helm.sh/hook')) out.push(path.relative(dir, p));
    }
  };
  walk(t);
  return out;
}

const index = new Map(); // chart name -> [{repo, tree, rel}]
const trees = new Map();
for (const repo of [...sources.map(([r]) => r), ...dependencySources]) {
  const { tree, commit } = unpack(repo);
  trees.set(repo, { tree, commit });
  for (const rel of chartDirs(tree)) {
    const name = readChartYaml(path.join(tree, rel))?.name;
    if (typeof name !== 'string') continue;
    if (!index.has(name)) index.set(name, []);
    index.get(name).push({ repo, tree, rel });
  }
}

/** Whether a chart repository URL is where that GitHub repository publishes its charts. */
function publishes(repo, url) {
  const owner = repo.split('/')[0].toLowerCase();
  if (owner === 'helm') return /kubernetes-charts|charts\.helm\.sh/.test(url);
  return url.toLowerCase().includes(owner);
}

function present(chartDir, dep) {
  const sub = path.join(chartDir, 'charts');
  if (!fs.existsSync(sub)) return false;
  for (const e of fs.readdirSync(sub)) {
    if (e.endsWith('.tgz') && e.startsWith(`${dep.name}-`)) return true;
    const y = readChartYaml(path.join(sub, e));
    if (y && y.name === dep.name) return true;
  }
  return false;
}

/** Fills charts/ of a copied chart from the same repository; returns the dependencies left missing. */
function resolve(chartDir, origin, depth = 0) {
  const missing = [];
  const chartYaml = readChartYaml(chartDir);
  for (const dep of dependenciesOf(chartDir, chartYaml)) {
    if (present(chartDir, dep)) continue;
    let source;
    const repoUrl = typeof dep.repository === 'string' ? dep.repository : '';
    if (repoUrl.startsWith('file://')) {
      const p = path.resolve(path.join(origin.tree, origin.rel), repoUrl.slice('file://'.length));
      if (readChartYaml(p)) source = p;
    }
    if (!source) {
      const candidates = (index.get(dep.name) ?? []).filter(
        (c) => !c.rel.split(path.sep).includes('charts') || c.rel.startsWith('charts'),
      );
      const sameRepo = candidates.filter((c) => c.repo === origin.repo);
      const parent = path.dirname(origin.rel);
      const pick =
        sameRepo.find((c) => path.dirname(c.rel) === parent) ??
        sameRepo.find((c) => !c.rel.includes(`${path.sep}charts${path.sep}`)) ??
        (origin.repo === 'k8s-at-home/charts'
          ? candidates.find((c) => c.repo === 'k8s-at-home/library-charts')
          : undefined) ??
        // A dependency published from another scanned repository (bitnami's databases, prometheus-community's
        // exporters), recognised by its owner in the repository URL; its version may differ from the pin.
        candidates.find((c) => publishes(c.repo, repoUrl) && !c.rel.includes(`${path.sep}charts${path.sep}`));
      if (pick) {
        source = path.join(pick.tree, pick.rel);
        if (pick.repo !== origin.repo) borrowed.push(`${dep.name}<-${pick.repo}`);
      }
    }
    if (!source || depth > 4) {
      missing.push(dep.name);
      continue;
    }
    const target = path.join(chartDir, 'charts', dep.name);
    fs.cpSync(source, target, { recursive: true, dereference: true });
    const pickOrigin = { repo: origin.repo, tree: origin.tree, rel: path.relative(origin.tree, source) };
    missing.push(...resolve(target, pickOrigin, depth + 1).map((m) => `${dep.name}/${m}`));
  }
  return missing;
}

const rows = [
  [
    'dir',
    'repo',
    'commit',
    'chart_path',
    'hook_templates',
    'missing_dependencies',
    'dependencies_from_other_repositories',
  ],
];
let borrowed = [];
for (const [repo, nonHookLimit] of sources) {
  const { tree, commit } = trees.get(repo);
  let nonHookKept = 0;
  const all = chartDirs(tree);
  const chartSet = new Set(all);
  const nested = (rel) => {
    for (let d = path.dirname(rel); d !== '.' && d !== ''; d = path.dirname(d)) if (chartSet.has(d)) return true;
    return rel !== '' && chartSet.has('');
  };
  const dirs = all
    .filter((rel) => !nested(rel))
    .filter(
      (rel) => !rel.split(path.sep).some((s) => /^(tests?|testdata|fixtures|examples?|archives|\.github)$/.test(s)),
    )
    .sort();
  const [owner, name] = repo.split('/');
  for (const rel of dirs) {
    const chartYaml = readChartYaml(path.join(tree, rel));
    if (!chartYaml || typeof chartYaml.name !== 'string' || chartYaml.type === 'library') continue;
    const dir = `${owner}__${name}__${chartYaml.name}`;
    if (corpusDirs.has(dir) || fs.existsSync(path.join(chartsRoot, dir))) continue;
    const hooks = hasHookTemplate(path.join(tree, rel));
    if (hooks.length === 0) {
      if (nonHookKept >= nonHookLimit) continue;
      nonHookKept++;
    }
    const target = path.join(chartsRoot, dir);
    fs.cpSync(path.join(tree, rel), target, { recursive: true, dereference: true });
    borrowed = [];
    const missing = resolve(target, { repo, tree, rel });
    rows.push([
      dir,
      repo,
      commit,
      rel || '.',
      String(hooks.length),
      missing.join(';') || '-',
      borrowed.join(';') || '-',
    ]);
  }
}
fs.writeFileSync(path.join(outDir, 'manifest.tsv'), rows.map((r) => r.join('\t')).join('\n') + '\n');
console.log(
  `${rows.length - 1} charts, ${rows.slice(1).filter((r) => r[4] !== '0').length} with hook templates, ${rows.slice(1).filter((r) => r[5] !== '-').length} with missing dependencies`,
);
