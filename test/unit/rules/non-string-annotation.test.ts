import type { InvalidFileCase } from '../../support/rule-tester';
import { annotationsFromValues, configMapWith, ruleTester } from '../../support/rule-tester';

/** Hook-related text, which the rule needs to read an object, without making it a hook. */
const RESOURCE_POLICY = 'helm.sh/resource-policy: keep';

/** A ConfigMap with the annotation lines (from line 6), then RESOURCE_POLICY. */
function hookConfigMapWith(annotationLines: string[]): string {
  return configMapWith([...annotationLines, RESOURCE_POLICY]);
}

/**
 * A workload whose pod template has the annotation lines (from line 9, indented 8: a value at 10 + key length), then
 * RESOURCE_POLICY, where it changes nothing but makes the object one the rule reads.
 */
function workload(apiVersion: string, kind: string, podAnnotationLines: string[]): string {
  return [
    `apiVersion: ${apiVersion}`,
    `kind: ${kind}`,
    'metadata:',
    '  name: x',
    'spec:',
    '  template:',
    '    metadata:',
    '      annotations:',
    ...[...podAnnotationLines, RESOURCE_POLICY].map((line) => `        ${line}`),
    '    spec: {}',
    '',
  ].join('\n');
}

/** A ConfigMap with `example.com/value: <typed>` (line 6, the value from column 24). */
function withValue(typed: string): string {
  return hookConfigMapWith([`example.com/value: ${typed}`]);
}

const REJECTED_AT_INSTALL = 'Kubernetes rejects this ConfigMap at install';
const PASSES_TEMPLATE_AND_LINT = /helm template, helm lint and --dry-run=client pass/;
const unmarshal = (kind: string, field = 'ObjectMeta\\.metadata\\.annotations') =>
  new RegExp(`json: cannot unmarshal ${kind} into Go struct field ${field} of type string`);

/** A YAML 1.1 scalar Kubernetes decodes as a number or bool: reported at the value, quoted as typed by a safe fix. */
function scalarCase(typed: string, kind: 'number' | 'bool'): InvalidFileCase {
  return {
    name: `${typed}: ${kind === 'bool' ? 'a boolean' : 'a number'}, quoted as typed`,
    code: withValue(typed),
    errors: [
      {
        messageId: 'notString',
        data: {
          rejection: REJECTED_AT_INSTALL,
          key: 'example.com/value',
          kind: kind === 'bool' ? 'a boolean' : 'a number',
        },
        line: 6,
        column: 24,
        endLine: 6,
        endColumn: 24 + typed.length,
        help: [unmarshal(kind)],
      },
    ],
    output: withValue(`"${typed}"`),
  };
}

/** .inf and .nan: kubectl and Helm's client cannot convert them to JSON (Go prints the value as `printed`). */
function nonFiniteCase(typed: string, printed: string): InvalidFileCase {
  return {
    name: `${typed}: no JSON for it, quoted as typed`,
    code: withValue(typed),
    errors: [
      {
        messageId: 'notString',
        data: { rejection: 'helm install and kubectl fail on this ConfigMap', kind: 'a number' },
        line: 6,
        column: 24,
        help: [new RegExp(`error converting YAML to JSON: json: unsupported value: ${printed}"`)],
      },
    ],
    output: withValue(`"${typed}"`),
  };
}

ruleTester.run('non-string-annotation', {
  valid: [
    {
      name: 'an object without hook-related text: objects that are not hooks are not its business',
      code: configMapWith(['prometheus.io/port: 9102']),
    },
    ...['"8080"', "'true'", 'hello', '', '~', 'null', '2024-01-01', '12:30', '!!str 5', '|\n      5'].map((value) => ({
      name: `a string, null, timestamp or time Kubernetes decodes as a string: ${value || '(empty)'}`,
      code: withValue(value),
    })),
    {
      name: 'helm.sh/hook and helm.sh/hook-weight of the object are left to their own rules',
      code: hookConfigMapWith(['helm.sh/hook: on', 'helm.sh/hook-weight: 5']),
    },
    ...['{{ .Values.port }}', '"{{ .Values.port }}"', '{{ .Values.port | quote }}', '{{ .Values.replicas }}0'].map(
      (value) => ({ name: `a templated value: ${value}`, code: withValue(value) }),
    ),
    {
      name: 'annotations built by toYaml',
      code: configMapWith([annotationsFromValues()]),
    },
    {
      name: "nested annotations of a custom resource, whose schema may accept them (Argo's Rollout)",
      code: workload('argoproj.io/v1alpha1', 'Rollout', ['prometheus.io/scrape: true']),
    },
    {
      name: 'nested annotations of a custom resource of kind Job (Volcano)',
      code: workload('batch.volcano.sh/v1alpha1', 'Job', ['prometheus.io/scrape: true']),
    },
    {
      name: 'a labels fragment in a define',
      filename: 'templates/_helpers.tpl',
      code: [
        '{{- define "app.labels" -}}',
        'helm.sh/chart: {{ .Chart.Name }}',
        'app.kubernetes.io/version: 1.0',
        '{{- end }}',
        '',
      ].join('\n'),
    },
    {
      name: 'a number in labels',
      code: [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: x',
        '  labels:',
        '    tier: 1',
        'data: {}',
        '',
      ].join('\n'),
    },
  ],
  invalid: [
    {
      name: 'an unquoted port: rejected at install after template and lint pass, quoted by a safe fix',
      code: hookConfigMapWith(['prometheus.io/port: 9102']),
      errors: [
        {
          messageId: 'notString',
          data: { rejection: REJECTED_AT_INSTALL, key: 'prometheus.io/port', kind: 'a number' },
          line: 6,
          column: 25,
          endLine: 6,
          endColumn: 29,
          severity: 'error',
          help: [unmarshal('number'), PASSES_TEMPLATE_AND_LINT],
        },
      ],
      output: hookConfigMapWith(['prometheus.io/port: "9102"']),
    },
    ...(['true', 'yes', 'on', 'Off', 'y'] as const).map((typed) => scalarCase(typed, 'bool')),
    ...(['8080', '-5', '010', '0x1F', '1_000', '1.5', '1e3'] as const).map((typed) => scalarCase(typed, 'number')),
    nonFiniteCase('.inf', '\\+Inf'),
    nonFiniteCase('-.Inf', '-Inf'),
    nonFiniteCase('.nan', 'NaN'),
    {
      name: 'several values quoted in one pass',
      code: hookConfigMapWith(['a.example.com/enabled: true', 'a.example.com/replicas: 3']),
      errors: [
        { messageId: 'notString', data: { key: 'a.example.com/enabled', kind: 'a boolean' }, line: 6, column: 28 },
        { messageId: 'notString', data: { key: 'a.example.com/replicas', kind: 'a number' }, line: 7, column: 29 },
      ],
      output: hookConfigMapWith(['a.example.com/enabled: "true"', 'a.example.com/replicas: "3"']),
    },
    {
      name: 'a number with an explicit !!int tag: quoting would not make it a string, so no fix',
      code: withValue('!!int 5'),
      errors: [{ messageId: 'notString', data: { kind: 'a number' }, line: 6, column: 30, endColumn: 31 }],
    },
    {
      name: 'a flow list, which makes helm template fail, without a fix',
      code: hookConfigMapWith(['example.com/hosts: [a, b]']),
      errors: [
        {
          messageId: 'notString',
          data: {
            rejection: 'helm template and helm install fail on this ConfigMap',
            key: 'example.com/hosts',
            kind: 'a list',
          },
          line: 6,
          column: 24,
          endColumn: 30,
          help: [unmarshal('array', '\\.metadata\\.annotations')],
        },
      ],
    },
    {
      name: 'a block mapping, which makes helm template fail, without a fix',
      code: hookConfigMapWith(['example.com/config:', '  key: value']),
      errors: [
        {
          messageId: 'notString',
          data: { key: 'example.com/config', kind: 'a mapping' },
          line: 7,
          column: 7,
          endLine: 7,
          endColumn: 17,
          help: [unmarshal('object', '\\.metadata\\.annotations')],
        },
      ],
    },
    {
      name: "a built-in workload's pod template annotations, hook keys included: the API server rejects them",
      code: workload('apps/v1', 'Deployment', ['prometheus.io/scrape: true', 'helm.sh/hook-weight: 5']),
      errors: [
        {
          messageId: 'notString',
          data: { rejection: 'The API server rejects this Deployment', kind: 'a boolean' },
          line: 9,
          column: 31,
          endColumn: 35,
          help: [
            /kubectl's client-side checks pass/,
            unmarshal('bool', 'ObjectMeta\\.spec\\.template\\.metadata\\.annotations'),
          ],
        },
        { messageId: 'notString', data: { key: 'helm.sh/hook-weight', kind: 'a number' }, line: 10, column: 30 },
      ],
      output: workload('apps/v1', 'Deployment', ['prometheus.io/scrape: "true"', 'helm.sh/hook-weight: "5"']),
    },
    {
      name: "a Job's pod template annotations",
      code: workload('batch/v1', 'Job', ['sidecar.istio.io/inject: false']),
      errors: [{ messageId: 'notString', data: { rejection: 'The API server rejects this Job' }, line: 9, column: 34 }],
      output: workload('batch/v1', 'Job', ['sidecar.istio.io/inject: "false"']),
    },
    {
      name: 'an annotations fragment in a define: each object that includes it',
      filename: 'templates/_helpers.tpl',
      code: [
        '{{- define "app.hookAnnotations" -}}',
        'helm.sh/hook: pre-install',
        'example.com/enabled: true',
        '{{- end }}',
        '',
      ].join('\n'),
      errors: [
        {
          messageId: 'notString',
          data: { rejection: 'Kubernetes rejects each object that includes this at install' },
          line: 3,
          column: 22,
          endColumn: 26,
        },
      ],
      output: [
        '{{- define "app.hookAnnotations" -}}',
        'helm.sh/hook: pre-install',
        'example.com/enabled: "true"',
        '{{- end }}',
        '',
      ].join('\n'),
    },
  ],
});
