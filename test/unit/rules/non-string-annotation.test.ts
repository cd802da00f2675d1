import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  applyFix,
  assertDocsExamples,
  configMapWith,
  fixAll,
  lint,
  location,
  pointedText,
} from '../../support/rule-tester';

const RULE = 'non-string-annotation';

/** Hook-related text, which the rule needs to check an object, without making it a hook. */
const RESOURCE_POLICY = 'helm.sh/resource-policy: keep';

function hookConfigMapWith(annotationLines: string[]): string {
  return configMapWith([...annotationLines, RESOURCE_POLICY]);
}

function workload(apiVersion: string, kind: string, podAnnotationLines: string[]): string {
  return [
    `apiVersion: ${apiVersion}`,
    `kind: ${kind}`,
    'metadata:',
    '  name: x',
    '  annotations:',
    `    ${RESOURCE_POLICY}`,
    'spec:',
    '  template:',
    '    metadata:',
    '      annotations:',
    ...podAnnotationLines.map((line) => `        ${line}`),
    '    spec: {}',
    '',
  ].join('\n');
}

describe(RULE, () => {
  it('reports an unquoted number at the value, says Kubernetes rejects the object after template and lint pass, and quotes it', () => {
    const text = hookConfigMapWith(['prometheus.io/port: 9102']);
    const findings = lint(RULE, text);
    assert.equal(findings.length, 1);
    assert.deepEqual(pointedText(text, findings), ['9102']);
    assert.equal(location(text, findings[0]!), '6:25-6:29');
    assert.equal(findings[0]!.severity, 'error');
    const { message, help } = findings[0]!;
    assert.match(
      message,
      /^Kubernetes rejects this ConfigMap at install: the annotation prometheus\.io\/port is a number/,
    );
    assert.match(help, /^Quote it: "9102"\./);
    assert.match(
      help,
      /json: cannot unmarshal number into Go struct field ObjectMeta\.metadata\.annotations of type string/,
    );
    assert.match(help, /helm template, helm lint and --dry-run=client pass/);
    assert.equal(findings[0]!.fixes[0]!.safe, true);
    assert.equal(applyFix(text, findings[0]!), hookConfigMapWith(['prometheus.io/port: "9102"']));
  });

  it('reports YAML 1.1 booleans and every number form, and quotes each as typed', () => {
    const cases: [string, 'number' | 'bool'][] = [
      ['true', 'bool'],
      ['yes', 'bool'],
      ['on', 'bool'],
      ['Off', 'bool'],
      ['y', 'bool'],
      ['8080', 'number'],
      ['-5', 'number'],
      ['010', 'number'],
      ['0x1F', 'number'],
      ['1_000', 'number'],
      ['1.5', 'number'],
      ['1e3', 'number'],
    ];
    for (const [typed, kind] of cases) {
      const text = hookConfigMapWith([`example.com/value: ${typed}`]);
      const findings = lint(RULE, text);
      assert.equal(findings.length, 1, typed);
      assert.match(findings[0]!.help, new RegExp(`cannot unmarshal ${kind} into`), typed);
      assert.equal(fixAll(RULE, text), hookConfigMapWith([`example.com/value: "${typed}"`]), typed);
    }
  });

  it('says kubectl cannot convert .inf or .nan to JSON at all, and quotes them', () => {
    for (const [typed, printed] of [
      ['.inf', '\\+Inf'],
      ['-.Inf', '-Inf'],
      ['.nan', 'NaN'],
    ] as const) {
      const text = hookConfigMapWith([`example.com/value: ${typed}`]);
      const findings = lint(RULE, text);
      assert.match(
        findings[0]!.help,
        new RegExp(`error converting YAML to JSON: json: unsupported value: ${printed}"`),
        typed,
      );
      assert.equal(fixAll(RULE, text), hookConfigMapWith([`example.com/value: "${typed}"`]), typed);
    }
  });

  it('quotes several values in one pass', () => {
    const text = hookConfigMapWith(['a.example.com/enabled: true', 'a.example.com/replicas: 3']);
    assert.equal(
      fixAll(RULE, text),
      hookConfigMapWith(['a.example.com/enabled: "true"', 'a.example.com/replicas: "3"']),
    );
  });

  it('accepts strings, null, timestamps and times, which Kubernetes decodes as strings', () => {
    for (const value of [
      '"8080"',
      "'true'",
      'hello',
      '',
      '~',
      'null',
      '2024-01-01',
      '12:30',
      '!!str 5',
      '|\n      5',
    ]) {
      assert.deepEqual(lint(RULE, hookConfigMapWith([`example.com/value: ${value}`])), [], value);
    }
  });

  it('reports a number with an explicit !!int tag but offers no quoting fix', () => {
    const text = hookConfigMapWith(['example.com/value: !!int 5']);
    const findings = lint(RULE, text);
    assert.deepEqual(pointedText(text, findings), ['5']);
    assert.deepEqual(findings[0]!.fixes, []);
  });

  it('reports a list or mapping value, which makes helm template fail, without a fix', () => {
    const flow = hookConfigMapWith(['example.com/hosts: [a, b]']);
    const findings = lint(RULE, flow);
    assert.deepEqual(pointedText(flow, findings), ['[a, b]']);
    assert.match(
      findings[0]!.message,
      /^helm template and helm install fail on this ConfigMap: the annotation example\.com\/hosts is a list/,
    );
    assert.match(
      findings[0]!.help,
      /cannot unmarshal array into Go struct field \.metadata\.annotations of type string/,
    );
    assert.deepEqual(findings[0]!.fixes, []);
    const block = hookConfigMapWith(['example.com/config:', '  key: value']);
    const mapping = lint(RULE, block);
    assert.deepEqual(pointedText(block, mapping), ['key: value']);
    assert.match(mapping[0]!.help, /cannot unmarshal object/);
  });

  it('leaves helm.sh/hook and helm.sh/hook-weight of the object to their own rules', () => {
    assert.deepEqual(lint(RULE, hookConfigMapWith(['helm.sh/hook: on', 'helm.sh/hook-weight: 5'])), []);
  });

  it('stays silent on templated values and annotations built by toYaml', () => {
    for (const value of [
      '{{ .Values.port }}',
      '"{{ .Values.port }}"',
      '{{ .Values.port | quote }}',
      '{{ .Values.replicas }}0',
    ]) {
      assert.deepEqual(lint(RULE, hookConfigMapWith([`example.com/value: ${value}`])), [], value);
    }
    const built = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: x',
      '  annotations:',
      '    {{- toYaml .Values.annotations | nindent 4 }}',
      'data: {}',
      '',
    ].join('\n');
    assert.deepEqual(lint(RULE, built), []);
  });

  it('reports pod template annotations of a built-in workload, naming the nested field, hook keys included', () => {
    const text = workload('apps/v1', 'Deployment', ['prometheus.io/scrape: true', 'helm.sh/hook-weight: 5']);
    const findings = lint(RULE, text);
    assert.deepEqual(pointedText(text, findings), ['true', '5']);
    assert.match(findings[0]!.message, /^The API server rejects this Deployment/);
    assert.match(findings[0]!.help, /kubectl's client-side checks pass/);
    assert.match(
      findings[0]!.help,
      /cannot unmarshal bool into Go struct field ObjectMeta\.spec\.template\.metadata\.annotations of type string/,
    );
    assert.equal(
      fixAll(RULE, text),
      workload('apps/v1', 'Deployment', ['prometheus.io/scrape: "true"', 'helm.sh/hook-weight: "5"']),
    );
    assert.equal(lint(RULE, workload('batch/v1', 'Job', ['sidecar.istio.io/inject: false'])).length, 1);
  });

  it('stays silent on an object without hook-related text: objects that are not hooks are not its business', () => {
    assert.deepEqual(lint(RULE, configMapWith(['prometheus.io/port: 9102'])), []);
    assert.equal(lint(RULE, hookConfigMapWith(['prometheus.io/port: 9102'])).length, 1);
  });

  it('stays silent on nested annotations of a custom resource, whose schema may accept them', () => {
    assert.deepEqual(lint(RULE, workload('argoproj.io/v1alpha1', 'Rollout', ['prometheus.io/scrape: true'])), []);
    assert.deepEqual(lint(RULE, workload('batch.volcano.sh/v1alpha1', 'Job', ['prometheus.io/scrape: true'])), []);
  });

  it('checks annotation fragments in a define but not a labels fragment', () => {
    const annotations = [
      '{{- define "app.hookAnnotations" -}}',
      'helm.sh/hook: pre-install',
      'example.com/enabled: true',
      '{{- end }}',
      '',
    ].join('\n');
    const findings = lint(RULE, annotations, {}, 'templates/_helpers.tpl');
    assert.deepEqual(pointedText(annotations, findings), ['true']);
    assert.match(findings[0]!.message, /^Kubernetes rejects each object that includes this at install/);
    const labels = [
      '{{- define "app.labels" -}}',
      'helm.sh/chart: {{ .Chart.Name }}',
      'app.kubernetes.io/version: 1.0',
      '{{- end }}',
      '',
    ].join('\n');
    assert.deepEqual(lint(RULE, labels, {}, 'templates/_helpers.tpl'), []);
  });

  it('ignores labels', () => {
    const text = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: x',
      '  labels:',
      '    tier: 1',
      'data: {}',
      '',
    ].join('\n');
    assert.deepEqual(lint(RULE, text), []);
  });

  it('documents a bad example it reports and a good one it does not', () => {
    assertDocsExamples(RULE);
  });
});
