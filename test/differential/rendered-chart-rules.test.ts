import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { main } from '../../server/src/cli/main';
import { requireBinaries, run, writeChart } from '../support/helm';

/** `helm-hooks lint --rendered` on real `helm template` output: the chart rules read every object of the stream. */

const SECRET = [
  'apiVersion: v1',
  'kind: Secret',
  'metadata:',
  '  name: {{ .Release.Name }}-db',
  '{{- if .Values.hooked }}',
  '  annotations:',
  '    helm.sh/hook: pre-install',
  '    helm.sh/hook-weight: "-5"',
  '{{- end }}',
  'stringData:',
  '  password: secret',
  '',
].join('\n');

const JOB = [
  'apiVersion: batch/v1',
  'kind: Job',
  'metadata:',
  '  name: {{ .Release.Name }}-migrate',
  '  annotations:',
  '    helm.sh/hook: pre-install',
  '    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded',
  'spec:',
  '  backoffLimit: 1',
  '  template:',
  '    spec:',
  '      restartPolicy: Never',
  '      containers:',
  '        - name: migrate',
  '          image: busybox:1.36',
  '          env:',
  '            - name: PASSWORD',
  '              valueFrom:',
  '                secretKeyRef:',
  '                  name: {{ .Release.Name }}-db',
  '                  key: password',
  '',
].join('\n');

interface JsonFinding {
  file: string;
  line: number;
  column: number;
  rule: string;
  related: { file: string; line: number }[];
}

describe('helm-hooks lint --rendered with the chart rules', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'helm-hooks-rendered-'));
  after(() => rmSync(scratch, { recursive: true, force: true }));

  async function lintRendered(hooked: boolean): Promise<JsonFinding[]> {
    const chart = writeChart({ 'secret.yaml': SECRET, 'job.yaml': JOB });
    writeFileSync(join(chart, 'values.yaml'), `hooked: ${hooked}\n`);
    const rendered = run('helm4', ['template', 'r1', chart]);
    assert.equal(rendered.code, 0, rendered.stderr);
    const file = join(scratch, `rendered-${hooked}.yaml`);
    writeFileSync(file, rendered.stdout);
    let stdout = '';
    await main(['lint', '--format', 'json', '--rendered', file, chart], {
      stdout: (text) => void (stdout += text),
      stderr: () => undefined,
    });
    const findings = (JSON.parse(stdout) as { findings: JsonFinding[] }).findings;
    return findings.filter((finding) => finding.rule.startsWith('hook-dependency'));
  }

  it('reports the pre-install Job that reads the release Secret helm template printed, at the secretKeyRef name in job.yaml', async (t) => {
    if (!requireBinaries(t, ['helm4'])) return;
    const findings = await lintRendered(false);
    assert.deepEqual(
      findings.map((finding) => [
        finding.rule,
        finding.file.endsWith('templates/job.yaml'),
        finding.line,
        finding.column,
      ]),
      [['hook-dependency-unavailable', true, 20, 19]],
    );
    assert.ok(findings[0]!.related[0]!.file.endsWith('templates/secret.yaml'));
    assert.equal(findings[0]!.related[0]!.line, 4);
  });

  it('stays silent once the Secret is an earlier pre-install hook in the rendered output (positive control)', async (t) => {
    if (!requireBinaries(t, ['helm4'])) return;
    assert.deepEqual(await lintRendered(true), []);
  });
});
