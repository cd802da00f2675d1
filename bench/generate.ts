import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Deterministic templates in the style of the corpus charts: Deployments with `include`/`toYaml` blocks and
 * conditionals, hook Jobs with their annotations (one weight left unquoted, so that rules have something to report),
 * ConfigMaps with block scalars, and the documents separated by `---`.
 */
const PARTS: ((index: number) => string[])[] = [
  (index) => [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: {{ include "bench.fullname" . }}-web-${index}`,
    '  labels:',
    '    {{- include "bench.labels" . | nindent 4 }}',
    '  {{- with .Values.web.annotations }}',
    '  annotations:',
    '    {{- toYaml . | nindent 4 }}',
    '  {{- end }}',
    'spec:',
    '  {{- if not .Values.web.autoscaling.enabled }}',
    '  replicas: {{ .Values.web.replicas }}',
    '  {{- end }}',
    '  selector:',
    '    matchLabels:',
    '      {{- include "bench.selectorLabels" . | nindent 6 }}',
    '  template:',
    '    metadata:',
    '      annotations:',
    '        checksum/config: {{ include (print $.Template.BasePath "/configmap.yaml") . | sha256sum }}',
    '      labels:',
    '        {{- include "bench.selectorLabels" . | nindent 8 }}',
    '    spec:',
    '      serviceAccountName: {{ include "bench.serviceAccountName" . }}',
    '      containers:',
    `        - name: web-${index}`,
    '          image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"',
    '          imagePullPolicy: {{ .Values.image.pullPolicy }}',
    '          ports:',
    '            - name: http',
    '              containerPort: 8080',
    '              protocol: TCP',
    '          env:',
    '            - name: DATABASE_URL',
    '              valueFrom:',
    '                secretKeyRef:',
    '                  name: {{ .Release.Name }}-db',
    '                  key: url',
    '          {{- range $key, $value := .Values.web.extraEnv }}',
    '            - name: {{ $key }}',
    '              value: {{ $value | quote }}',
    '          {{- end }}',
    '          resources:',
    '            {{- toYaml .Values.web.resources | nindent 12 }}',
  ],
  (index) => [
    'apiVersion: batch/v1',
    'kind: Job',
    'metadata:',
    `  name: {{ .Release.Name }}-migrate-${index}`,
    '  annotations:',
    '    "helm.sh/hook": pre-install,pre-upgrade',
    index % 2 === 0 ? `    "helm.sh/hook-weight": "${index % 7}"` : `    "helm.sh/hook-weight": -${index % 7}`,
    '    "helm.sh/hook-delete-policy": before-hook-creation,hook-succeeded',
    'spec:',
    '  backoffLimit: 2',
    '  activeDeadlineSeconds: 600',
    '  template:',
    '    metadata:',
    '      labels:',
    '        {{- include "bench.selectorLabels" . | nindent 8 }}',
    '    spec:',
    '      restartPolicy: Never',
    '      containers:',
    '        - name: migrate',
    '          image: "{{ .Values.migrate.image }}:{{ .Values.migrate.tag }}"',
    '          args: ["migrate", "--to", "{{ .Values.migrate.target }}"]',
    '          {{- if .Values.migrate.env }}',
    '          env:',
    '            {{- toYaml .Values.migrate.env | nindent 12 }}',
    '          {{- end }}',
  ],
  (index) => [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    `  name: {{ .Release.Name }}-config-${index}`,
    '  labels:',
    '    {{- include "bench.labels" . | nindent 4 }}',
    'data:',
    '  app.properties: |',
    `    server.port=8080`,
    '    server.name={{ .Values.name }}',
    '    {{- if .Values.debug }}',
    '    logging.level=debug',
    '    {{- end }}',
    `    feature.${index}=true`,
    '  enabled: {{ .Values.enabled | quote }}',
  ],
];

/** A template of exactly `lines` lines (the last one ends with a line break). */
export function generatedTemplate(lines: number): string {
  const out: string[] = [];
  for (let index = 0; out.length < lines; index++) {
    if (index > 0) out.push('---');
    out.push(...PARTS[index % PARTS.length]!(index));
  }
  return out.slice(0, lines).join('\n') + '\n';
}

/** Where in the template the typing happens: at its first, middle or last quoted hook weight. */
export type TypingPlace = 'top' | 'middle' | 'end';

/**
 * The offset just inside the quotes of the quoted hook weight at `place`: the first of the template, the one nearest
 * its middle, or the last.
 */
export function weightOffset(text: string, place: TypingPlace): number {
  const marker = '"helm.sh/hook-weight": "';
  const offsets: number[] = [];
  for (let at = text.indexOf(marker); at >= 0; at = text.indexOf(marker, at + 1)) offsets.push(at + marker.length);
  if (offsets.length === 0) throw new Error('the template has no quoted hook weight');
  if (place === 'top') return offsets[0]!;
  if (place === 'end') return offsets[offsets.length - 1]!;
  const middle = text.length / 2;
  return offsets.reduce((best, offset) => (Math.abs(offset - middle) < Math.abs(best - middle) ? offset : best));
}

const CHART_YAML = (name: string) => `apiVersion: v2\nname: ${name}\nversion: 0.1.0\nappVersion: "1.0"\n`;

/** Writes a chart holding one template (`templates/bench.yaml`); returns the template's path. */
export function writeChartWith(directory: string, name: string, template: string): string {
  mkdirSync(join(directory, 'templates'), { recursive: true });
  writeFileSync(join(directory, 'Chart.yaml'), CHART_YAML(name));
  const path = join(directory, 'templates', 'bench.yaml');
  writeFileSync(path, template);
  return path;
}

/**
 * A workspace of `charts` charts with `perChart` templates each (about 90 lines apiece, as corpus templates are);
 * returns every template's path.
 */
export function writeWorkspace(root: string, charts: number, perChart: number): string[] {
  const paths: string[] = [];
  for (let chart = 0; chart < charts; chart++) {
    const directory = join(root, `chart-${chart}`);
    mkdirSync(join(directory, 'templates'), { recursive: true });
    writeFileSync(join(directory, 'Chart.yaml'), CHART_YAML(`chart-${chart}`));
    for (let template = 0; template < perChart; template++) {
      const path = join(directory, 'templates', `t-${template}.yaml`);
      writeFileSync(path, generatedTemplate(80 + ((chart * perChart + template) % 21)));
      paths.push(path);
    }
  }
  return paths;
}
