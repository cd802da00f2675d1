import type { ExpectedError } from '../../support/rule-tester';
import { configMapWith, ruleTester } from '../../support/rule-tester';

/** A ConfigMap whose helm.sh/hook is `value`, on line 6 from column 19. */
function hookOn(value: string): string {
  return configMapWith([`helm.sh/hook: ${value}`]);
}

/** A finding on the hook line of hookOn, at `column` (19 is the value's first character). */
function atHook(column: number, expected: Omit<ExpectedError, 'line' | 'column'>): ExpectedError {
  return { line: 6, column, ...expected };
}

const THIS_CONFIGMAP = { subject: 'this ConfigMap' };
/** What Helm 4 logs when it drops a document (manifest_sorter.go (*manifestFile).sort). */
const HELM4_SKIPS = /level=INFO msg="skipping unknown hooks"/;

ruleTester.run('unknown-hook-event', {
  valid: [
    ...[
      'pre-install',
      'post-install',
      'pre-delete',
      'post-delete',
      'pre-upgrade',
      'post-upgrade',
      'pre-rollback',
      'post-rollback',
      'test',
      'test-success',
      'PRE-INSTALL',
      'Test-Success',
      '"pre-install, post-install"',
      '"  pre-install  "',
      '"pre-install,pre-install"',
    ].map((value) => ({ name: `an event Helm knows, in any case and spacing: ${value}`, code: hookOn(value) })),
    { name: 'templated events', code: hookOn('{{ .Values.hookEvents }}') },
    { name: 'an event partly templated', code: hookOn('"pre-{{ .Values.phase }}"') },
    {
      name: 'events chosen by if/else',
      code: hookOn('{{ if .Values.x }}pre-install{{ else }}post-install{{ end }}'),
    },
    {
      name: 'another annotation key and the pod template',
      code: [
        'apiVersion: batch/v1',
        'kind: Job',
        'metadata:',
        '  name: x',
        '  annotations:',
        '    example.com/hook: pre-instal',
        'spec:',
        '  template:',
        '    metadata:',
        '      annotations:',
        '        helm.sh/hook: pre-instal',
        '',
      ].join('\n'),
    },
  ],
  invalid: [
    {
      name: 'a misspelled event: at the item, the nearest event, Helm drops the resource',
      code: hookOn('pre-instal,post-upgrade'),
      errors: [
        atHook(19, {
          messageId: 'droppedMisspelled',
          data: { ...THIS_CONFIGMAP, item: 'pre-instal', suggestion: 'pre-install' },
          endLine: 6,
          endColumn: 29,
          severity: 'error',
          help: [/^Write "pre-install"/, HELM4_SKIPS],
        }),
      ],
      output: hookOn('pre-install,post-upgrade'),
    },
    {
      name: 'checked against Helm 3: its log line',
      code: hookOn('pre-instal'),
      options: { helmVersion: 3 },
      errors: [atHook(19, { messageId: 'droppedMisspelled', help: [/info: skipping unknown hook/] })],
      output: hookOn('pre-install'),
    },
    {
      name: 'an event with no near name, without a fix',
      code: hookOn('deploy'),
      errors: [atHook(19, { messageId: 'droppedUnknown', data: { ...THIS_CONFIGMAP, item: 'deploy' } })],
    },
    {
      // The quote is column 19; "pre-install" runs from 20 to 30.
      name: 'a trailing comma: at the comma, removed',
      code: hookOn('"pre-install,"'),
      errors: [atHook(31, { messageId: 'droppedStrayComma', data: { comma: 'trailing' }, endColumn: 32 })],
      output: hookOn('"pre-install"'),
    },
    {
      name: 'a double comma: removed, both events kept',
      code: hookOn('pre-install,,post-install'),
      errors: [atHook(30, { messageId: 'droppedStrayComma', data: { comma: 'double' } })],
      output: hookOn('pre-install,post-install'),
    },
    {
      // An escape keeps the items from being located in the text: the finding is at the value.
      name: 'an empty item not located in the text: at the value, without a fix',
      code: hookOn('"pre-install,\\t"'),
      errors: [atHook(19, { messageId: 'droppedEmptyItem', data: THIS_CONFIGMAP, endColumn: 35 })],
    },
    {
      name: 'an empty value: at the value',
      code: hookOn('""'),
      errors: [atHook(19, { messageId: 'empty', data: THIS_CONFIGMAP, endColumn: 21 })],
    },
    {
      name: 'a null value: at the key',
      code: configMapWith(['helm.sh/hook:']),
      errors: [atHook(5, { messageId: 'empty', endLine: 6, endColumn: 17 })],
    },
    {
      name: 'events separated by a space: separated with commas',
      code: hookOn('pre-install post-install'),
      errors: [
        atHook(19, {
          messageId: 'droppedSeparators',
          data: { item: 'pre-install post-install' },
          help: [/Helm separates events with commas only, not spaces/],
        }),
      ],
      output: hookOn('pre-install,post-install'),
    },
    {
      name: 'events separated by ";": separated with commas',
      code: hookOn('"pre-install;post-install"'),
      errors: [atHook(20, { messageId: 'droppedSeparators', help: [/not ";"/] })],
      output: hookOn('"pre-install,post-install"'),
    },
    {
      name: 'crd-install, removed in Helm 3: no fix, the CRD belongs in crds/',
      code: hookOn('crd-install'),
      errors: [
        atHook(19, {
          messageId: 'crdInstall',
          data: THIS_CONFIGMAP,
          help: [/^Move this CustomResourceDefinition to the chart's crds\/ directory/],
        }),
      ],
    },
    {
      name: 'test-failure, removed in Helm 3: test offered as an unsafe fix',
      code: hookOn('test-failure'),
      errors: [atHook(19, { messageId: 'testFailure', help: [/a test passes when its Pod succeeds/] })],
      output: null,
      suggestions: [{ title: 'Replace with "test"', output: hookOn('test') }],
    },
    {
      name: 'a YAML boolean such as on, which Helm reads as "true"',
      code: hookOn('on'),
      errors: [
        atHook(19, {
          messageId: 'nonString',
          data: { ...THIS_CONFIGMAP, value: 'on', type: 'a boolean', event: 'true' },
        }),
      ],
    },
    {
      name: 'a flow list: joined with commas',
      code: hookOn('[pre-install, post-install]'),
      errors: [
        atHook(19, {
          messageId: 'collection',
          data: { ...THIS_CONFIGMAP, shape: 'list' },
          help: [/cannot unmarshal array into Go struct field \.metadata\.annotations of type string/],
        }),
      ],
      output: hookOn('pre-install,post-install'),
    },
    {
      name: 'a block list: joined with commas',
      code: configMapWith(['helm.sh/hook:', '  - pre-install', '  - post-upgrade']),
      errors: [{ messageId: 'collection', data: { shape: 'list' }, line: 7, column: 7 }],
      output: hookOn('pre-install,post-upgrade'),
    },
    {
      name: 'only the literal items beside a templated one are checked',
      code: hookOn('"pre-instal,{{ .Values.more }}"'),
      errors: [atHook(20, { messageId: 'droppedMisspelled', data: { item: 'pre-instal' }, endColumn: 30 })],
      output: hookOn('"pre-install,{{ .Values.more }}"'),
    },
    {
      name: 'a hook annotation written inside a define',
      filename: 'templates/_helpers.tpl',
      code: ['{{- define "app.hookAnnotations" -}}', 'helm.sh/hook: post-instal', '{{- end }}', ''].join('\n'),
      errors: [
        {
          messageId: 'droppedMisspelled',
          data: { subject: 'each object that includes this', item: 'post-instal' },
          line: 2,
          column: 15,
          endColumn: 26,
        },
      ],
      output: ['{{- define "app.hookAnnotations" -}}', 'helm.sh/hook: post-install', '{{- end }}', ''].join('\n'),
    },
  ],
});
