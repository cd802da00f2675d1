import { parseArgs } from 'node:util';
import { ruleById } from '../engine/rules';
import { RuleDocs, shippedRulesDoc } from '../engine/rules/docs';
import type { HelmVersion, RuleSetting } from '../engine/rules/rule';
import type { CommandIO, OutputFormat } from './lint-command';
import { runLint, UsageError } from './lint-command';
import { isOperation, runOrder } from './order-command';
import type { DeployTarget } from '../engine/deployers/targets';
import { DEPLOY_TARGETS, isDeployTarget } from '../engine/deployers/targets';

declare const HELM_HOOKS_VERSION: string | undefined;

const VERSION = typeof HELM_HOOKS_VERSION === 'string' ? HELM_HOOKS_VERSION : '0.0.0-dev';
/** Installed with the CLI, so that what a rule means can be read offline. */
const RULE_DOCS = RuleDocs.read(shippedRulesDoc(__dirname));

const ORDER_USAGE =
  'helm-hooks order CHART [-f FILE...] [--release-name NAME] [--format text|json|mermaid] [--operation OP] [--helm-version 3|4] [--config FILE] [--target helm|argocd] [--check FILE [--update]]';

const USAGE = `Usage: helm-hooks lint [PATH...] [options]
       ${ORDER_USAGE}

Checks Helm chart hook annotations (helm.sh/hook, hook-weight, hook-delete-policy,
hook-output-log-policy). Each PATH is a chart directory, a template file, or a
directory searched for charts (default: .).

Options:
  --format text|json|sarif     output format (default: text)
  --helm-version 3|4           whose behaviour to check against (default: 4)
  --rule ID=off|info|warning|error
                               set a rule's severity (repeatable; wins over the config)
  --config FILE                configuration (default: nearest .helm-hooks.yaml upward)
  --fix                        apply every safe fix in place, then report what is left
  --max-warnings N             exit 1 when there are more than N warnings
  -f, --values FILE            values file merged over values.yaml, as helm template -f
                               (repeatable; after the config file's values:)
  --release-name NAME          evaluate with this release name only (default: findings
                               must hold for release-name, zz-second and the chart's
                               own name)
  --jobs N                     evaluate up to N charts at once on other threads while the
                               templates are linted as written (default: one fewer than
                               the cores, none on 2 cores or fewer or for a single chart;
                               0: one thread)
  --target helm|argocd         who deploys the chart: also check what Argo CD does with
                               the hooks (repeatable; wins over the config's targets:)
  --rendered FILE|-            lint helm template output instead (- reads stdin), for charts
                               the evaluator cannot follow; findings go to the template its
                               "# Source:" comment names, on the first line that reads the
                               same, else the first with the same key, else line 1; PATH is
                               then the chart directory (default: .)
  -h, --help                   show this help
  -v, --version                print the version

order prints what each release operation runs, step by step, as Helm renders the
chart with the values (the config file's values:, then -f): the hooks of each event in Helm's order (weight, name,
kind), and the release resources between. Without --release-name, a place is shown
only where it holds for any release name.
  --operation install|upgrade|rollback|uninstall|test   only this operation
  --target argocd              the sync as Argo CD runs it instead: its phases and waves,
                               what deleting the Application runs, and what a sync never
                               applies (text or json)
  --format text|json|mermaid   mermaid: each operation's timeline as a Mermaid flowchart
                               (GitHub renders it in a \`\`\`mermaid block)
  --check FILE                 compare with FILE, a saved --format json, on the order only
                               (operation, event, kind, name, weight, position): exit 0 the
                               same, 1 changed (printing what moved, came or went; with
                               --format mermaid, the diagram with the changes marked), 2 a
                               file that cannot be read
  --update                     with --check: save the current order in FILE instead (exit 0)

Exit status: 0 no errors, 1 errors (or too many warnings; for order --check, a changed order),
2 bad usage or unreadable input.
${RULE_DOCS.path !== undefined ? `\nEach rule, what Helm does and how to fix it: ${RULE_DOCS.path}\n` : ''}`;

/** Parses argv and runs the command; returns the exit status. Never throws for bad input. */
export async function main(argv: string[], io: CommandIO, isTTY = false): Promise<number> {
  try {
    return await run(argv, io, isTTY);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`helm-hooks: ${error.message}\n`);
      return 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`helm-hooks: internal error: ${message}\n`);
    return 2;
  }
}

function run(argv: string[], io: CommandIO, isTTY: boolean): number | Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string' },
        'helm-version': { type: 'string' },
        rule: { type: 'string', multiple: true },
        config: { type: 'string' },
        fix: { type: 'boolean' },
        'max-warnings': { type: 'string' },
        values: { type: 'string', short: 'f', multiple: true },
        'release-name': { type: 'string' },
        rendered: { type: 'string' },
        jobs: { type: 'string' },
        operation: { type: 'string' },
        target: { type: 'string', multiple: true },
        check: { type: 'string' },
        update: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message.split('\n')[0]} (see helm-hooks --help)`);
  }
  const { values, positionals } = parsed;
  if (values.version) {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  const [command, ...paths] = positionals;
  if (values.help || command === 'help') {
    io.stdout(USAGE);
    return 0;
  }
  if (command === undefined) throw new UsageError('missing command: helm-hooks lint [PATH...] (see helm-hooks --help)');
  if (command === 'order') return order(values, paths, io);
  if (command !== 'lint') throw new UsageError(`unknown command "${command}" (see helm-hooks --help)`);
  if (values.operation !== undefined) throw new UsageError('--operation is an option of helm-hooks order, not lint');
  if (values.check !== undefined || values.update)
    throw new UsageError('--check and --update are options of helm-hooks order, not lint');

  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json' && format !== 'sarif')
    throw new UsageError(`--format must be text, json or sarif, not "${format}"`);
  let helmVersion: HelmVersion | undefined;
  if (values['helm-version'] !== undefined) {
    if (values['helm-version'] !== '3' && values['helm-version'] !== '4')
      throw new UsageError(`--helm-version must be 3 or 4, not "${values['helm-version']}"`);
    helmVersion = Number(values['helm-version']) as HelmVersion;
  }
  let maxWarnings: number | undefined;
  if (values['max-warnings'] !== undefined) {
    if (!/^\d+$/.test(values['max-warnings']))
      throw new UsageError(`--max-warnings must be a whole number, not "${values['max-warnings']}"`);
    maxWarnings = Number(values['max-warnings']);
  }
  let jobs: number | undefined;
  if (values.jobs !== undefined) {
    if (!/^\d+$/.test(values.jobs)) throw new UsageError(`--jobs must be a whole number, not "${values.jobs}"`);
    jobs = Number(values.jobs);
  }
  const rules: Record<string, RuleSetting> = {};
  for (const entry of values.rule ?? []) {
    const match = /^([a-z0-9-]+)=(off|info|warning|error)$/.exec(entry);
    if (!match) throw new UsageError(`--rule must be ID=off|info|warning|error, not "${entry}"`);
    if (!ruleById(match[1]!)) throw new UsageError(`--rule: unknown rule id "${match[1]}"`);
    rules[match[1]!] = match[2] as RuleSetting;
  }
  const options = {
    paths: paths.length > 0 ? paths : ['.'],
    format: format as OutputFormat,
    rules,
    fix: values.fix ?? false,
    color: isTTY && !process.env.NO_COLOR && format === 'text',
    toolVersion: VERSION,
    ruleDocs: RULE_DOCS,
    ...(helmVersion !== undefined ? { helmVersion } : {}),
    ...(maxWarnings !== undefined ? { maxWarnings } : {}),
    ...(values.config !== undefined ? { configPath: values.config } : {}),
    ...(values.values !== undefined ? { valuesFiles: values.values } : {}),
    ...(values['release-name'] !== undefined ? { releaseName: values['release-name'] } : {}),
    ...(values.rendered !== undefined ? { rendered: values.rendered } : {}),
    ...(jobs !== undefined ? { jobs } : {}),
    ...(values.target !== undefined ? { targets: parseTargets(values.target) } : {}),
  };
  if (options.releaseName !== undefined) checkReleaseName(options.releaseName);
  if (options.rendered !== undefined && (options.valuesFiles !== undefined || options.releaseName !== undefined)) {
    throw new UsageError(
      '--rendered lints output that is already rendered: pass -f and --release-name to helm template instead',
    );
  }
  if (options.rendered !== undefined && paths.length > 1)
    throw new UsageError('--rendered takes at most one PATH: the chart directory');
  return runLint(options, io);
}

interface OrderFlags {
  format?: string;
  'helm-version'?: string;
  operation?: string;
  rule?: string[];
  config?: string;
  fix?: boolean;
  'max-warnings'?: string;
  values?: string[];
  'release-name'?: string;
  rendered?: string;
  jobs?: string;
  target?: string[];
  check?: string;
  update?: boolean;
}

/** `--target NAME`, repeatable: who deploys the chart; wins over the config file's `targets:`. */
function parseTargets(names: string[]): DeployTarget[] {
  const targets: DeployTarget[] = [];
  for (const name of names) {
    if (!isDeployTarget(name)) throw new UsageError(`--target must be ${DEPLOY_TARGETS.join(' or ')}, not "${name}"`);
    if (!targets.includes(name)) targets.push(name);
  }
  return targets;
}

/** Helm's own check (chartutil.ValidateReleaseName): a DNS-1123 subdomain of at most 53 characters. */
function checkReleaseName(name: string): void {
  const releaseNamePattern = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
  if (name.length > 53 || !releaseNamePattern.test(name)) {
    throw new UsageError(
      `--release-name: invalid release name "${name}" (Helm wants lower-case letters, digits, "-" and ".", at most 53 characters)`,
    );
  }
}

function order(values: OrderFlags, paths: string[], io: CommandIO): number {
  const lintOnly =
    values.rule ||
    values.fix ||
    values['max-warnings'] !== undefined ||
    values.rendered !== undefined ||
    values.jobs !== undefined;
  if (lintOnly) {
    throw new UsageError(
      'helm-hooks order takes only -f/--values, --release-name, --format, --operation, --helm-version, --config, --target, --check and --update',
    );
  }
  if (paths.length !== 1) throw new UsageError(`usage: ${ORDER_USAGE}`);
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json' && format !== 'mermaid')
    throw new UsageError(`--format must be text, json or mermaid for order, not "${format}"`);
  if (values.update && values.check === undefined)
    throw new UsageError('--update rewrites the file of --check: helm-hooks order CHART --check FILE --update');
  if (values.update && values.format !== undefined)
    throw new UsageError('--update saves the order as JSON and prints no order: leave out --format');
  if (values.check !== undefined && format === 'json')
    throw new UsageError(
      '--check prints a text diff, or with --format mermaid the marked diagram; --format json is what it compares with',
    );
  const operation = values.operation;
  if (operation !== undefined && !isOperation(operation))
    throw new UsageError(`--operation must be install, upgrade, rollback, uninstall or test, not "${operation}"`);
  const helmVersion = values['helm-version'];
  if (helmVersion !== undefined && helmVersion !== '3' && helmVersion !== '4')
    throw new UsageError(`--helm-version must be 3 or 4, not "${helmVersion}"`);
  const releaseName = values['release-name'];
  if (releaseName !== undefined) checkReleaseName(releaseName);
  const targets = values.target !== undefined ? parseTargets(values.target) : undefined;
  if (targets && targets.length > 1) throw new UsageError('helm-hooks order takes one --target: helm or argocd');
  return runOrder(
    {
      chart: paths[0]!,
      format,
      ...(helmVersion !== undefined ? { helmVersion: Number(helmVersion) as HelmVersion } : {}),
      ...(values.config !== undefined ? { configPath: values.config } : {}),
      ...(operation !== undefined ? { operation } : {}),
      ...(values.values !== undefined ? { valuesFiles: values.values } : {}),
      ...(releaseName !== undefined ? { releaseName } : {}),
      ...(targets ? { target: targets[0]! } : {}),
      ...(values.check !== undefined ? { check: values.check } : {}),
      ...(values.update ? { update: true } : {}),
    },
    io,
  );
}

/** Runs the command line of this process: what `helm-hooks` does (see launch.ts), or `node dist/cli-main.js`. */
export function runCommandLine(): void {
  // A closed pipe (`helm-hooks lint | head`) is not an error worth a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  const io: CommandIO = { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text) };
  void main(process.argv.slice(2), io, !!process.stdout.isTTY).then((status) => {
    process.exitCode = status;
  });
}

if (require.main === module) runCommandLine();
