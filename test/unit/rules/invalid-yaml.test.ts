import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertDocsExamples, lint, location, pointedText } from '../../support/rule-tester';

const RULE = 'invalid-yaml';

function lines(...parts: string[]): string {
  return [...parts, ''].join('\n');
}

/** Valid Helm templates written in the styles real charts use: none of them may be reported. */
const VALID_TEMPLATES: Record<string, string> = {
  'nindent includes alone on their line and after a key, followed by more keys': lines(
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: {{ include "app.fullname" . }}',
    '  labels: {{- include "common.labels.standard" ( dict "customLabels" .Values.commonLabels "context" $ ) | nindent 4 }}',
    '    app.kubernetes.io/component: primary',
    '  annotations:',
    '    {{- include "app.annotations" . | nindent 4 }} # shared annotations',
    '    example.com/owner: team',
    'spec:',
    '  selector:',
    '    matchLabels: {{- include "app.selectorLabels" . | nindent 6 }}',
    '  template:',
    '    spec:',
    '      containers:',
    '        - name: app',
    '          resources: {{- toYaml .Values.resources | nindent 12 }}',
    '          volumeMounts: {{- toYaml .Values.mounts | nindent 12 }}',
    '            - name: extra',
    '              mountPath: /extra',
  ),
  'range loops generating list items and mapping entries, with $k: $v pairs': lines(
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: x',
    '  annotations:',
    '    {{- range $key, $value := .Values.annotations }}',
    '    {{ $key }}: {{ $value | quote }}',
    '    {{- end }}',
    'data:',
    '  {{- range $path, $_ := .Files.Glob "conf/*" }}',
    '  {{ base $path }}: |-',
    '{{ $.Files.Get $path | indent 4 }}',
    '  {{- end }}',
    '  args: |',
    '    {{- range .Values.args }}',
    '    - {{ . | quote }}',
    '    {{- end }}',
    'list:',
    '  {{- range .Values.items }}',
    '  - name: {{ .name }}',
    '    value: {{ .value | quote }}',
    '  {{- end }}',
  ),
  'if/else around keys, inline if/else and a key guarded on its own line': lines(
    'apiVersion: v1',
    'kind: Service',
    'metadata:',
    '  name: x',
    '  {{- if .Values.annotations }}',
    '  annotations:',
    '    {{- toYaml .Values.annotations | nindent 4 }}',
    '  {{- else }}',
    '  annotations: {}',
    '  {{- end }}',
    'spec:',
    '  type: {{ if .Values.public }}LoadBalancer{{ else }}ClusterIP{{ end }}',
    '  policy: {{ if .Values.local }}"Local"{{ else }}"Cluster"{{ end }}',
    '  {{ if .Values.ipv6 }}ipFamilies: [IPv6]{{ end }}',
    '  ports:',
    '    - port: 80',
  ),
  'if/else branches of different shapes, and a range beside the "{}" written when it is empty': lines(
    'apiVersion: networking.k8s.io/v1',
    'kind: Ingress',
    'metadata:',
    '  name: x',
    'spec:',
    '  rules:',
    '    - http:',
    '        paths:',
    '          - backend:',
    '{{- if semverCompare ">=1.19-0" .Capabilities.KubeVersion.GitVersion }}',
    '              service:',
    '                name: x',
    '            pathType: Prefix',
    '{{- else }}',
    '              serviceName: x',
    '{{- end }}',
    'data:',
    '{{- range $name, $file := .Values.files }}',
    '  {{ $name }}: {{ $file | quote }}',
    '{{- end }}',
    '{{- if not .Values.files }}',
    '  {}',
    '{{- end }}',
  ),
  'quoted strings holding actions with inner quotes': lines(
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: "{{ .Release.Name }}-{{ printf "%s" .Values.suffix }}"',
    '  annotations:',
    "    a: '{{ .Values.a | default \"it''s\" }}'",
    '    b: "{{ .Values.b | replace "\\"" "" }}"',
    '    c: {{ printf "%s:%s" .Values.host .Values.port | quote }}',
    'data:',
    '  image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"',
  ),
  'block scalars holding actions and control lines, first line included': lines(
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: x',
    'data:',
    '  run.sh: |',
    '    {{- if .Values.debug }}',
    '    set -x',
    '    {{- end }}',
    '    echo "{{ .Values.message }}"',
    '{{ .Files.Get "files/extra.sh" | indent 4 }}',
    '    exit 0',
    '  config.json: |-',
    '    {{- toJson .Values.config | nindent 4 }}',
    '  other: x',
  ),
  'flow mappings and sequences with actions': lines(
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    '  name: x',
    '  labels: { app: {{ .Values.app }}, tier: "{{ .Values.tier }}" }',
    'spec:',
    '  containers: [{ name: app, image: {{ .Values.image | quote }} }]',
    '  command: ["sh", "-c", "{{ .Values.command }}"]',
    '  args: [',
    '    {{- range .Values.args }}',
    '    {{ . | quote }},',
    '    {{- end }}',
    '  ]',
  ),
  '"---" inside a range, comments, assignments and a multi-line action': lines(
    '{{- /*',
    'Several ConfigMaps, one per entry.',
    '*/ -}}',
    '{{- $fullName := include "app.fullname" . -}}',
    '{{- range $name, $data := .Values.configMaps }}',
    '---',
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: {{ printf "%s-%s"',
    '    $fullName $name }}',
    '  labels:',
    '    {{- include "app.labels" (dict',
    '      "context" $',
    '      "component" $name) | nindent 4 }}',
    'data:',
    '  {{- toYaml $data | nindent 2 }}',
    '{{- end }}',
  ),
  'a list item whose mapping comes from toYaml and goes on below, and "with" written without a space': lines(
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: x',
    'spec:',
    '  template:',
    '    metadata:',
    '      labels:',
    '        {{- with.Values.podLabels }}',
    '        {{- toYaml . | nindent 8 }}',
    '        {{- end }}',
    '    spec:',
    '      topologySpreadConstraints:',
    '      {{- range $constraint := .Values.topologySpreadConstraints }}',
    '      - {{ toYaml $constraint | nindent 8 | trim }}',
    '        labelSelector:',
    '          matchLabels: {}',
    '      {{- end }}',
  ),
  '`{{- end -}}` before an if alone on its line, in a Secret whose block scalars open with a with (bitnami chainloop)':
    lines(
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: x',
      'stringData:',
      '  {{- if .Values.legacy }}',
      '    {{- fail "legacy is gone" }}',
      '  {{- end -}}',
      '  {{- if .Values.sentry }}',
      '  sentry.yaml: |',
      '    {{- toYaml .Values.sentry | nindent 4 }}',
      '  {{- end }}',
      '  {{- if .Values.fileCA }}',
      '  fileca.yaml: |',
      '    {{- with .Values.fileCA }}',
      '    cert_path: {{ .certPath | quote }}',
      '    {{- end }}',
      '  {{- end }}',
      '  {{- if .Values.ejbcaCA }}',
      '  ejbca.yaml: |',
      '    {{- with .Values.ejbcaCA }}',
      '    server_url: {{ .serverURL | quote }}',
      '    {{- end }}',
      '  {{- end }}',
      '  config.yaml: |',
      '    debug: false',
    ),
  'an if/else choosing `volumeMounts:` or `volumeMounts: []` above the entries a range adds': lines(
    'apiVersion: batch/v1',
    'kind: Job',
    'metadata:',
    '  name: x',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '        - name: app',
    '          envFrom:',
    '          - configMapRef:',
    '              name: settings',
    '      {{- if .Values.extraMounts }}',
    '          volumeMounts:',
    '      {{- else }}',
    '          volumeMounts: []',
    '      {{- end }}',
    '          {{- range .Values.extraMounts }}',
    '            - name: {{ .name }}',
    '              mountPath: {{ .path }}',
    '          {{- end }}',
  ),
  'a trimmed `include … | nindent N` written left of the block scalar it writes a line of': lines(
    'apiVersion: batch/v1',
    'kind: Job',
    'metadata:',
    '  name: x',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '        - name: app',
    '          args:',
    '            - "-c"',
    '            - |',
    '              echo start',
    '            {{- if .Values.dataDirs }}',
    '            {{- include "app.probe" . | nindent 14 }} && \\',
    '            {{- end }}',
    '              echo done',
  ),
  'Windows line endings':
    'apiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: {{ .Release.Name }}\r\n  labels:\r\n    {{- include "x" . | nindent 4 }}\r\ndata: {}\r\n',
};

describe(RULE, () => {
  for (const [name, text] of Object.entries(VALID_TEMPLATES)) {
    it(`reports nothing on a valid template: ${name}`, () => {
      assert.deepEqual(lint(RULE, text), []);
    });
  }

  it("reports a key indented one space too far, with the parser's message and what it means for hook checks", () => {
    const text = lines('apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: x', '   namespace: y', 'data: {}');
    const findings = lint(RULE, text);
    assert.equal(findings.length, 1);
    assert.equal(findings[0]!.severity, 'warning');
    // The parser blames the value that the over-indented line would have to continue.
    assert.deepEqual(pointedText(text, findings), ['x']);
    assert.equal(location(text, findings[0]!), '4:9-4:10');
    assert.match(findings[0]!.message, /hooks are not checked: Nested mappings are not allowed in compact mappings\./);
    assert.match(findings[0]!.help, /"YAML parse error on …\/test\.yaml"/);
    assert.deepEqual(findings[0]!.fixes, []);
  });

  it("reports a key that leaves its mapping's column", () => {
    const text = lines('apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: x', ' labels: {}', 'data: {}');
    const findings = lint(RULE, text);
    // The parser blames the line's indentation; the finding points at the line's text.
    assert.deepEqual(pointedText(text, findings), ['labels: {}']);
    assert.equal(location(text, findings[0]!), '5:2-5:12');
    assert.match(findings[0]!.message, /All mapping items must start at the same column/);
  });

  it('reports a tab used for indentation', () => {
    const text = lines('apiVersion: v1', 'kind: ConfigMap', 'metadata:', '\tname: x', 'data: {}');
    const findings = lint(RULE, text);
    assert.deepEqual(pointedText(text, findings), ['\t']);
    assert.match(findings[0]!.message, /Tabs are not allowed as indentation/);
  });

  it('reports an unclosed flow sequence', () => {
    const text = lines(
      'apiVersion: v1',
      'kind: Pod',
      'metadata:',
      '  name: x',
      'spec:',
      '  args: [a, {{ .Values.b }}',
      'status: {}',
    );
    const findings = lint(RULE, text);
    assert.equal(findings.length, 1);
    assert.match(
      findings[0]!.message,
      /Flow sequence in block collection must be sufficiently indented and end with a \]/,
    );
  });

  it('reports a mistake inside an if block, which breaks the render whenever the block is on', () => {
    const text = lines(
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: x',
      '  {{- if .Values.labels }}',
      '  labels:',
      '    a: b',
      '   c: d',
      '  {{- end }}',
      'data: {}',
    );
    assert.equal(lint(RULE, text).length, 1);
  });

  it('still reports a mistake outside the conditional parts it sets aside', () => {
    const text = lines(
      'apiVersion: v1',
      'kind: Service',
      'metadata:',
      '  name: x',
      'spec:',
      '  type: {{ if .Values.public }}"LoadBalancer"{{ else }}"ClusterIP"{{ end }}',
      '  {{- if .Values.ip }}',
      '  clusterIP: {{ .Values.ip }}',
      '  {{- else }}',
      '  clusterIP: None',
      '  {{- end }}',
      '  ports:',
      '    - port: 80',
      '     targetPort: 8080',
    );
    const findings = lint(RULE, text);
    assert.equal(findings.length, 1);
    assert.deepEqual(pointedText(text, findings), ['targetPort: 8080']);
    assert.match(findings[0]!.message, /Sequence item without - indicator/);
  });

  it('reports the broken branch itself, not what blanking both branches of an if/else above it would break', () => {
    // An if/else opening different keys above a shared child renders either way; the volumes entry in the else branch
    // below breaks the list when that branch renders (Helm: "YAML parse error", as on mission-control's mongodb).
    const text = lines(
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: x',
      'spec:',
      '  {{- if .Values.useStatefulSet }}',
      '  serviceName: x',
      '  updateStrategy:',
      '  {{- else }}',
      '  strategy:',
      '  {{- end }}',
      '    type: {{ .Values.updateType }}',
      '  template:',
      '    spec:',
      '      volumes:',
      '      - name: config',
      '        configMap:',
      '          name: x',
      '{{- if .Values.persistence }}',
      '  volumeClaimTemplates: []',
      '{{- else }}',
      '        - name: data',
      '          emptyDir: {}',
      '{{- end }}',
    );
    const findings = lint(RULE, text);
    assert.deepEqual(
      findings.map((found) => text.slice(0, found.range.start).split('\n').length),
      [22],
    );
  });

  it('still reports a broken entry under an if/else that keeps either branch', () => {
    const text = VALID_TEMPLATES[
      'an if/else choosing `volumeMounts:` or `volumeMounts: []` above the entries a range adds'
    ]!.replace('              mountPath:', '               mountPath:');
    const findings = lint(RULE, text);
    assert.equal(findings.length, 1);
    assert.deepEqual(
      findings.map((found) => text.slice(0, found.range.start).split('\n').length),
      [19],
    );
    assert.match(findings[0]!.message, /Nested mappings are not allowed in compact mappings/);
  });

  it('reports an `nindent N` output that lands left of the block scalar it is written in', () => {
    const text = VALID_TEMPLATES[
      'a trimmed `include … | nindent N` written left of the block scalar it writes a line of'
    ]!.replace('nindent 14', 'nindent 12');
    const findings = lint(RULE, text);
    assert.equal(findings.length, 1);
    assert.deepEqual(
      findings.map((found) => text.slice(0, found.range.start).split('\n').length),
      [15],
    );
  });

  it('reports one finding per document, the first problem of each', () => {
    const text = lines('a: 1', ' b: 2', '  c: 3', '---', 'kind: ConfigMap', '---', 'd: [', 'e: 1');
    const findings = lint(RULE, text);
    assert.equal(findings.length, 2);
    assert.ok(findings[0]!.range.start < text.indexOf('---'));
    assert.ok(findings[1]!.range.start > text.lastIndexOf('---'));
  });

  it('leaves a template Helm cannot parse to unclosed-template-action', () => {
    const text = lines('apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: {{ .Values.name', '   namespace: y');
    assert.deepEqual(lint(RULE, text), []);
  });

  it('ignores NOTES.txt and _helpers.tpl, which Helm does not read as manifests', () => {
    const notes = lines(
      'Thank you for installing {{ .Chart.Name }}.',
      '  Get the URL:',
      'echo: http://{{ .Values.host }}: now',
    );
    assert.deepEqual(lint(RULE, notes, {}, 'templates/NOTES.txt'), []);
    assert.deepEqual(
      lint(
        RULE,
        lines('{{- define "x" -}}', 'a: 1', ' b: 2', '{{- end }}', 'not: [yaml'),
        {},
        'templates/_helpers.tpl',
      ),
      [],
    );
  });

  it('documents a bad example it reports and a good one it does not', () => {
    assertDocsExamples(RULE);
  });
});
