import { parseArgs } from 'node:util';
import { ruleById } from '../engine/rules';
import { HelmVersion, RuleSetting } from '../engine/rules/rule';
import { CommandIO, OutputFormat, runLint, UsageError } from './lint-command';

declare const HELM_HOOKS_VERSION: string | undefined;

const VERSION = typeof HELM_HOOKS_VERSION === 'string' ? HELM_HOOKS_VERSION : '0.0.0-dev';

const USAGE = `Usage: helm-hooks lint [PATH...] [options]

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
  -h, --help                   show this help
  -v, --version                print the version

Exit status: 0 no errors, 1 errors (or too many warnings), 2 bad usage or unreadable input.
`;

/** Parses argv and runs the command; returns the exit status. Never throws for bad input. */
export function main(argv: string[], io: CommandIO, isTTY = false): number {
  try {
    return run(argv, io, isTTY);
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

function run(argv: string[], io: CommandIO, isTTY: boolean): number {
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
  if (command !== 'lint') throw new UsageError(`unknown command "${command}" (see helm-hooks --help)`);

  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json' && format !== 'sarif') throw new UsageError(`--format must be text, json or sarif, not "${format}"`);
  let helmVersion: HelmVersion | undefined;
  if (values['helm-version'] !== undefined) {
    if (values['helm-version'] !== '3' && values['helm-version'] !== '4') throw new UsageError(`--helm-version must be 3 or 4, not "${values['helm-version']}"`);
    helmVersion = Number(values['helm-version']) as HelmVersion;
  }
  let maxWarnings: number | undefined;
  if (values['max-warnings'] !== undefined) {
    if (!/^\d+$/.test(values['max-warnings'])) throw new UsageError(`--max-warnings must be a whole number, not "${values['max-warnings']}"`);
    maxWarnings = Number(values['max-warnings']);
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
    ...(helmVersion !== undefined ? { helmVersion } : {}),
    ...(maxWarnings !== undefined ? { maxWarnings } : {}),
    ...(values.config !== undefined ? { configPath: values.config } : {}),
  };
  return runLint(options, io);
}

if (require.main === module) {
  // A closed pipe (`helm-hooks lint | head`) is not an error worth a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  const io: CommandIO = { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text) };
  process.exitCode = main(process.argv.slice(2), io, !!process.stdout.isTTY);
}
