import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { unpinned } from '../../../server/src/engine/rules/unpinned-hook-image';
import { assertDocsExamples, lint, location, pointedText } from '../../support/rule-tester';

const RULE = 'unpinned-hook-image';

function pod(images: string[], hook = 'test'): string {
  return [
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    '  name: t',
    '  annotations:',
    `    helm.sh/hook: ${hook}`,
    'spec:',
    '  initContainers:',
    '    - name: wait',
    `      image: ${images[0]}`,
    '  containers:',
    ...images.slice(1).flatMap((image, index) => [`    - name: c${index}`, `      image: ${image}`]),
    '',
  ].join('\n');
}

describe(RULE, () => {
  it('reads image references as Kubernetes does: a digest pins, a registry port is not a tag', () => {
    assert.equal(unpinned('busybox'), 'has no tag, so it means :latest');
    assert.equal(unpinned('docker.io/library/busybox:latest'), 'uses the moving tag :latest');
    assert.equal(unpinned('localhost:5000/tools/kubectl'), 'has no tag, so it means :latest');
    assert.equal(unpinned('localhost:5000/tools/kubectl:1.30'), undefined);
    assert.equal(
      unpinned('busybox@sha256:3fbc632167424a6d997e74f52b878d7cc478225cffac6bc977eedfe51c7f4e79'),
      undefined,
    );
    assert.equal(
      unpinned('busybox:latest@sha256:3fbc632167424a6d997e74f52b878d7cc478225cffac6bc977eedfe51c7f4e79'),
      undefined,
    );
    assert.equal(unpinned('busybox:1.36'), undefined);
  });

  it('reports untagged and :latest images of containers and init containers at the image value', () => {
    const text = pod(['busybox', 'curlimages/curl:8.10.1', '"bitnami/kubectl:latest"']);
    const findings = lint(RULE, text);
    assert.deepEqual(pointedText(text, findings), ['busybox', '"bitnami/kubectl:latest"']);
    assert.equal(location(text, findings[0]!), '10:14-10:21');
    assert.equal(findings[0]!.severity, 'warning');
    assert.match(findings[0]!.message, /the image "busybox" has no tag, so it means :latest/);
    assert.match(findings[1]!.message, /"bitnami\/kubectl:latest" uses the moving tag :latest/);
    assert.match(findings[1]!.help, /^Pin a version tag or a digest/);
  });

  it('finds the pod spec of a Job and of a CronJob', () => {
    const job = [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: j',
      '  annotations:',
      '    helm.sh/hook: pre-install',
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      '        - name: a',
      '          image: alpine',
      '',
    ].join('\n');
    assert.deepEqual(pointedText(job, lint(RULE, job)), ['alpine']);
    const cron = [
      'apiVersion: batch/v1',
      'kind: CronJob',
      'metadata:',
      '  name: j',
      '  annotations:',
      '    helm.sh/hook: post-install',
      'spec:',
      '  jobTemplate:',
      '    spec:',
      '      template:',
      '        spec:',
      '          containers:',
      '            - name: a',
      '              image: alpine:latest',
      '',
    ].join('\n');
    assert.deepEqual(pointedText(cron, lint(RULE, cron)), ['alpine:latest']);
  });

  it('stays silent on templated images and on workloads that are not hooks', () => {
    assert.deepEqual(
      lint(RULE, pod(['"{{ .Values.image.repository }}:{{ .Values.image.tag }}"', '{{ include "image" . }}'])),
      [],
    );
    assert.deepEqual(
      lint(RULE, pod(['busybox', 'alpine']).replace(/  annotations:\n    helm\.sh\/hook: test\n/, '')),
      [],
    );
    assert.deepEqual(lint(RULE, pod(['busybox', 'alpine'], '{{ .Values.hookType }}')), []);
  });

  it('documents a bad example it reports and a good one it does not', () => {
    assertDocsExamples(RULE);
  });
});
