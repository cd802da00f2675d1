import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadChart } from '../../server/src/engine/chart/load';
import { evaluatedFindings } from '../../server/src/engine/lint/evaluated-lint';
import { LIFECYCLE_RULES } from '../../server/src/engine/rules';
import { kubectlDecode, requireBinaries, run } from '../support/helm';
import { FIXTURES } from '../support/paths';

/** The claims of the evaluated annotation findings, checked with the real helm 4 and kubectl on the same values. */

const CHART = join(FIXTURES, 'evaluated', 'values-annotations');
const scratch = mkdtempSync(join(tmpdir(), 'helm-hooks-evaluated-diff-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function documentOf(output: string, source: string): string | undefined {
  return output.split(/^---\n/m).find((document) => document.startsWith(`# Source: ${source}\n`));
}

describe('values-built hook annotations against helm template', () => {
  it('a bad event from values.yaml makes Helm drop the Job, as the finding in values.yaml says', (t) => {
    if (!requireBinaries(t, ['helm4'])) return;
    const helm = run('helm4', ['template', 'r1', CHART]);
    assert.equal(helm.code, 0, helm.stderr);
    assert.match(helm.stderr, /level=INFO msg="skipping unknown hooks" hookTypes=pre-instal/);
    assert.equal(documentOf(helm.stdout, 'values-annotations/templates/job.yaml'), undefined);
    // Positive control: the other template of the chart is printed.
    assert.ok(documentOf(helm.stdout, 'values-annotations/templates/cleanup.yaml'));
    const rules = evaluatedFindings(loadChart(CHART))
      .filter((finding) => finding.file.endsWith('values.yaml'))
      .map((finding) => finding.rule);
    assert.ok(rules.includes('unknown-hook-event'));
  });

  it('with the event fixed by -f, Helm prints the Job and Kubernetes rejects its unquoted weight from values.yaml', (t) => {
    if (!requireBinaries(t, ['helm4', 'kubectl'])) return;
    const override = join(scratch, 'event.yaml');
    writeFileSync(override, 'jobAnnotations:\n  helm.sh/hook: pre-install\n');
    const helm = run('helm4', ['template', 'r1', CHART, '-f', override]);
    assert.equal(helm.code, 0, helm.stderr);
    const job = documentOf(helm.stdout, 'values-annotations/templates/job.yaml');
    assert.ok(job, helm.stdout);
    assert.match(job, /^ {4}helm\.sh\/hook-weight: 5$/m);
    const decoded = kubectlDecode(job);
    assert.equal(decoded.code, 1);
    assert.match(
      decoded.stderr,
      /cannot unmarshal number into Go struct field ObjectMeta\.metadata\.annotations of type string/,
    );
    // Positive control: the same Job with the weight quoted decodes.
    assert.equal(kubectlDecode(job.replace('helm.sh/hook-weight: 5', 'helm.sh/hook-weight: "5"')).code, 0);

    const findings = evaluatedFindings(loadChart(CHART, { valuesFiles: [override] }));
    // The lifecycle rules see the fixed Job too (no delete policy: hook-left-behind); this test is about the weight.
    const annotationFindings = findings.filter((finding) => !LIFECYCLE_RULES.some((rule) => rule.id === finding.rule));
    assert.deepEqual(
      annotationFindings
        .filter((finding) => finding.rule !== 'unknown-delete-policy')
        .map((finding) => [finding.rule, finding.file]),
      [['unquoted-hook-weight', join(CHART, 'values.yaml')]],
    );
  });
});
