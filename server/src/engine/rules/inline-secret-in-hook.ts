import type { TemplateFile } from '../analysis/file';
import type { TextRange } from '../core/text';
import type { BlockMap, KeyedValue } from './support/lifecycle-helpers';
import { containersOf, DocumentWalker, lifecycleHooks, podSpecOf } from './support/lifecycle-helpers';
import { shown } from './support/helpers';
import type { Report } from './rule';
import { defineRule } from './rule';

const SECRET_NAME = /(?:PASSWORD|TOKEN|SECRET|API_KEY)$/i;
const URL_WITH_PASSWORD = /\b[a-z][a-z0-9+.-]*:\/\/[^\s/@:?#]*:([^\s/@?#]+)@[^\s/@]/i;
const WEBHOOK_URL =
  /\bhttps?:\/\/(?:hooks\.slack\.com\/(?:services|workflows|triggers)\/\S+|(?:discord(?:app)?\.com)\/api\/webhooks\/\S+|outlook\.office\.com\/webhook\S*\/\S+|[a-z0-9-]+\.webhook\.office\.com\/\S+)/i;
/** Values that name no secret: flags, and references Kubernetes or a shell expands at run time. */
const NOT_A_SECRET = /^(?:true|false|yes|no|on|off|enabled?|disabled?|none|null|~)$/i;

export const inlineSecretInHook = defineRule({
  id: 'inline-secret-in-hook',
  defaultSeverity: 'warning',
  summary: "Literal password, token or webhook URL in a hook's env, args or command.",
  fixable: true,
  messages: {
    inField:
      "helm get hooks shows this secret to anyone who can read the release: the hook's {{field}} holds {{what}}.",
    inEnvVar:
      'helm get hooks shows this secret to anyone who can read the release: the env var {{name}} holds {{what}}.',
  },
  reads: 'document',
  docs: {
    description:
      "A password, token or webhook URL written into a hook's container `env`, `args` or `command` is stored in the " +
      "chart's source, in every rendered manifest, and in the release record, where `helm get hooks` prints it to " +
      'anyone who can read the release. Webhook URLs of Slack, Discord and Microsoft Teams are credentials: whoever has ' +
      'one can post to the channel. Reported: a URL with a password (`https://user:pass@host`), a URL to a known ' +
      'webhook host, and a literal value of an env var named `…PASSWORD`, `…TOKEN`, `…SECRET` or `…API_KEY` (not a path, ' +
      'not a `$(VAR)` reference). Read the value from a Secret with `valueFrom.secretKeyRef`; the fix writes that stub ' +
      '(not applied automatically: the Secret must exist).',
    helmFact:
      'Helm stores hooks with their full manifest in the release record (`helm get hooks`; ' +
      '[release.go `Release.Hooks`](https://github.com/helm/helm/blob/v4.1.4/pkg/release/v1/release.go#L43)), a Secret readable by anyone allowed to read the release.',
    bad: [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: {{ .Release.Name }}-notify',
      '  annotations:',
      '    helm.sh/hook: post-upgrade',
      'spec:',
      '  template:',
      '    spec:',
      '      restartPolicy: Never',
      '      containers:',
      '        - name: notify',
      '          image: curlimages/curl:8.10.1',
      '          env:',
      '            - name: API_TOKEN',
      '              value: s3cr3t-t0ken',
    ].join('\n'),
    good: [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: {{ .Release.Name }}-notify',
      '  annotations:',
      '    helm.sh/hook: post-upgrade',
      'spec:',
      '  template:',
      '    spec:',
      '      restartPolicy: Never',
      '      containers:',
      '        - name: notify',
      '          image: curlimages/curl:8.10.1',
      '          env:',
      '            - name: API_TOKEN',
      '              valueFrom:',
      '                secretKeyRef:',
      '                  name: {{ .Release.Name }}-notify',
      '                  key: api-token',
    ].join('\n'),
  },
  check(context) {
    const walker = new DocumentWalker(context.file);
    for (const hook of lifecycleHooks(context.file)) {
      if (!hook.events) continue;
      const podSpec = podSpecOf(walker, hook.resource, hook.kind);
      if (!podSpec) continue;
      for (const container of containersOf(walker, podSpec)) {
        checkEnv(context.file, walker, container, context.report);
        for (const key of ['command', 'args']) {
          const entry = walker.entry(container, key);
          if (!entry) continue;
          for (const item of (entry.node as { items?: unknown[] } | null)?.items ?? []) {
            const literal = walker.literal(item);
            const problem = literal && urlProblem(literal.text);
            if (literal && problem) {
              context.report({
                range: literal.range,
                messageId: 'inField',
                data: { field: key, what: problem.what },
                help: `Pass it through an env var read from a Secret (valueFrom.secretKeyRef) and refer to it as $(VAR). ${STORED}${problem.why}`,
              });
            }
          }
        }
      }
    }
  },
});

const STORED =
  'It is stored in the chart, in every rendered manifest and in the release record, where helm get hooks shows it.';

/** What a value holds that is a secret, and what more there is to say about it. */
interface SecretProblem {
  what: string;
  /** Empty, or a sentence after a space. */
  why: string;
}

function checkEnv(
  file: TemplateFile,
  walker: DocumentWalker,
  container: BlockMap,
  report: (report: Report) => void,
): void {
  const env = walker.entry(container, 'env');
  if (!env) return;
  for (const variable of walker.seqMaps(env).items) {
    const name = walker.literal(walker.entry(variable, 'name')?.node)?.text;
    const valueEntry = walker.entry(variable, 'value');
    const value = valueEntry && walker.literal(valueEntry.node);
    if (!name || !valueEntry || !value) continue;
    const text = value.text.trim();
    const problem =
      urlProblem(text) ??
      (SECRET_NAME.test(name) && looksLikeSecret(text) ? { what: 'a literal value', why: '' } : undefined);
    if (!problem) continue;
    const finding: Report = {
      range: value.range,
      messageId: 'inEnvVar',
      data: { name: shown(name), what: problem.what },
      help: `Read it from a Secret with valueFrom.secretKeyRef. ${STORED}${problem.why}`,
    };
    const key = name.toLowerCase().replace(/_/g, '-');
    const edit = secretKeyRefEdit(file, walker, valueEntry, value.range, key);
    if (edit) {
      finding.fixes = [
        {
          title: `Read ${name} from a Secret (create {{ .Release.Name }}-hook-secrets with key ${key})`,
          safe: false,
          edits: [edit],
        },
      ];
    }
    report(finding);
  }
}

function urlProblem(text: string): SecretProblem | undefined {
  const withPassword = URL_WITH_PASSWORD.exec(text);
  if (withPassword && !/^(?:\$|<|\{|\*+$)/.test(withPassword[1]!))
    return { what: 'a URL with a password in it', why: '' };
  if (WEBHOOK_URL.test(text))
    return {
      what: 'a webhook URL',
      why: ' A webhook URL is itself a credential: whoever has it can post to the channel.',
    };
  return undefined;
}

function looksLikeSecret(text: string): boolean {
  if (text === '' || NOT_A_SECRET.test(text)) return false;
  if (/^(?:\/|\.\.?\/|~\/)/.test(text)) return false;
  return !text.includes('$(') && !text.includes('${');
}

/** Replaces `value: …` with a `valueFrom.secretKeyRef` block indented from the key's column. */
function secretKeyRefEdit(
  file: TemplateFile,
  walker: DocumentWalker,
  entry: KeyedValue,
  valueRange: TextRange,
  key: string,
): { range: TextRange; newText: string } | undefined {
  const column = walker.blockColumn(entry.keyRange);
  if (column === undefined) return undefined;
  if (
    !/^\s*:[ \t]*$/.test(file.text.slice(entry.keyRange.end, valueRange.start)) ||
    /[\r\n]/.test(file.text.slice(valueRange.start, valueRange.end))
  )
    return undefined;
  const newline = file.text.includes('\r\n') ? '\r\n' : '\n';
  const pad = (depth: number) => ' '.repeat(column + depth);
  const newText = [
    'valueFrom:',
    `${pad(2)}secretKeyRef:`,
    `${pad(4)}name: {{ .Release.Name }}-hook-secrets`,
    `${pad(4)}key: ${key}`,
  ].join(newline);
  return { range: { start: entry.keyRange.start, end: valueRange.end }, newText };
}
