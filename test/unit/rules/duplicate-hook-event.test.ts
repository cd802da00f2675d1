import type { InvalidFileCase } from '../../support/rule-tester';
import { configMapWith, ruleTester } from '../../support/rule-tester';

/** A ConfigMap hook whose `helm.sh/hook` value starts at line 6, column 19 ("    helm.sh/hook: " is 18 columns). */
function hookWith(value: string): string {
  return configMapWith([`helm.sh/hook: ${value}`]);
}

/** What Helm does with a repeated event: the help must say it runs the hook again in the same phase. */
const RUNS_TWICE = [
  /Helm keeps duplicate events and runs the hook once per occurrence/,
  /deletes it \(before-hook-creation\), then creates it and waits for it again in the same phase/,
];

/** A duplicate on line 6 of hookWith's value, from `column` over `written`, removed by the safe fix. */
function duplicateCase(
  name: string,
  value: string,
  columns: number[],
  written: string,
  fixedValue: string,
): InvalidFileCase {
  return {
    name,
    code: hookWith(value),
    errors: columns.map((column) => ({
      messageId: 'eventTwiceListed',
      data: { event: written.toLowerCase(), written },
      line: 6,
      column,
      endLine: 6,
      endColumn: column + written.length,
    })),
    output: hookWith(fixedValue),
  };
}

ruleTester.run('duplicate-hook-event', {
  valid: [
    ...['pre-install,post-install', '"pre-install, pre-upgrade, post-install, post-upgrade"', 'test-success'].map(
      (value) => ({ name: `distinct events: ${value}`, code: hookWith(value) }),
    ),
    { name: 'an empty item between two events', code: hookWith('pre-install,,post-install') },
    { name: 'events from a value', code: hookWith('{{ .Values.hookEvents }}') },
    { name: 'a known event beside a templated one', code: hookWith('"pre-install,{{ .Values.event }}"') },
    { name: 'a quoted value', code: hookWith('{{ .Values.events | quote }}') },
    {
      name: 'the same event in two if/else branches, which never render together',
      code: hookWith(
        '"{{ if .Values.a }}post-install, pre-install, post-upgrade{{ else }}post-delete, pre-install, post-rollback{{ end }}"',
      ),
    },
    { name: 'annotations built by toYaml', code: configMapWith(['{{- toYaml .Values.annotations | nindent 4 }}']) },
    {
      name: 'another annotation key',
      code: configMapWith(['example.com/hook: pre-install,pre-install', 'helm.sh/hook-weight: "5"']),
    },
    {
      name: 'a pod template annotation, which Helm does not read',
      code: [
        'apiVersion: batch/v1',
        'kind: Job',
        'metadata:',
        '  name: x',
        'spec:',
        '  template:',
        '    metadata:',
        '      annotations:',
        '        helm.sh/hook: pre-install,pre-install',
        '',
      ].join('\n'),
    },
  ],
  invalid: [
    {
      name: 'the second occurrence of an event: the hook runs twice in that phase, and the repeat is removed',
      code: hookWith('pre-install, post-install,pre-install'),
      // "pre-install, post-install," is 26 columns after column 19: the repeat starts at column 45.
      errors: [
        {
          messageId: 'eventTwiceListed',
          data: { event: 'pre-install', written: 'pre-install' },
          line: 6,
          column: 45,
          endLine: 6,
          endColumn: 56,
          severity: 'warning',
          help: RUNS_TWICE,
          // The first occurrence, where the value starts.
          related: [{ line: 6, column: 19, message: [/"pre-install" is listed first/] }],
        },
      ],
      output: hookWith('pre-install, post-install'),
    },
    {
      name: 'test-success is the alias of test',
      code: hookWith('test,test-success'),
      errors: [
        {
          messageId: 'testTwiceAliased',
          data: { event: 'test', written: 'test-success', first: 'test' },
          line: 6,
          column: 24,
          endColumn: 36,
          help: [...RUNS_TWICE, /test-success is an alias of test/],
          related: [{ line: 6, column: 19, message: [/"test" is listed first/] }],
        },
      ],
      output: hookWith('test'),
    },
    {
      name: 'test listed twice',
      code: hookWith('test, test'),
      errors: [{ messageId: 'testTwiceListed', data: { event: 'test', written: 'test' }, line: 6, column: 25 }],
      output: hookWith('test'),
    },
    {
      name: 'test after test-success: the same event under its alias',
      code: hookWith('test-success,post-install,test'),
      errors: [
        {
          messageId: 'testTwiceAliased',
          data: { event: 'test', written: 'test', first: 'test-success' },
          line: 6,
          column: 45,
        },
      ],
      output: hookWith('test-success,post-install'),
    },
    // Helm trims and lower-cases each item before it compares: " PRE-INSTALL " is pre-install.
    duplicateCase(
      'events compared after trimming and lower-casing them, as Helm does',
      '"pre-install, PRE-INSTALL "',
      [33],
      'PRE-INSTALL',
      '"pre-install"',
    ),
    duplicateCase(
      'the separators of the items around a removed duplicate are kept',
      'pre-install,pre-install, post-install',
      [31],
      'pre-install',
      'pre-install, post-install',
    ),
    duplicateCase(
      'every repeat of a thrice-listed event, fixed together',
      'pre-upgrade,pre-upgrade,pre-upgrade',
      [31, 43],
      'pre-upgrade',
      'pre-upgrade',
    ),
    duplicateCase(
      'duplicates of a known event beside an unknown one',
      'pre-install,pre-instal,pre-install',
      [42],
      'pre-install',
      'pre-install,pre-instal',
    ),
    duplicateCase(
      'a duplicate around a templated item, which renders between them whatever it is',
      '"pre-install, {{ .Values.extra }}, pre-install"',
      // `"` at 19, "pre-install, " 20–32, the 19-column action 33–51, ", " 52–53.
      [54],
      'pre-install',
      '"pre-install, {{ .Values.extra }}"',
    ),
    {
      name: 'escapes keep the items from being located: the whole value, without a fix',
      code: hookWith('"pre-install,\\tpre-install"'),
      errors: [
        {
          messageId: 'eventTwiceListed',
          data: { event: 'pre-install', written: 'pre-install' },
          line: 6,
          column: 19,
          endLine: 6,
          endColumn: 19 + '"pre-install,\\tpre-install"'.length,
          related: [],
        },
      ],
      output: null,
    },
    {
      name: 'hook annotations written inside a define',
      filename: 'templates/_helpers.tpl',
      code: ['{{- define "app.hookAnnotations" -}}', 'helm.sh/hook: post-install,post-install', '{{- end }}', ''].join(
        '\n',
      ),
      // "helm.sh/hook: post-install," is 27 columns: the repeat starts at column 28.
      errors: [{ messageId: 'eventTwiceListed', line: 2, column: 28, endColumn: 40 }],
      output: ['{{- define "app.hookAnnotations" -}}', 'helm.sh/hook: post-install', '{{- end }}', ''].join('\n'),
    },
  ],
});
