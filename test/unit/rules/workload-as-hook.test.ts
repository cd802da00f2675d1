import type { InvalidChartCase } from '../../support/rule-tester';
import { ruleTester } from '../../support/rule-tester';

function workload(kind: string, annotations: string[]): string {
  return [
    kind === 'Job' ? 'apiVersion: batch/v1' : 'apiVersion: apps/v1',
    `kind: ${kind}`,
    'metadata:',
    '  name: {{ .Release.Name }}-db',
    ...(annotations.length > 0 ? ['  annotations:', ...annotations.map((line) => `    ${line}`)] : []),
    'spec:',
    '  selector:',
    '    matchLabels: {app: db}',
    '  template:',
    '    metadata:',
    '      labels: {app: db}',
    '    spec:',
    '      restartPolicy: Never',
    '      containers:',
    '        - name: db',
    '          image: postgres:16.4',
    '',
  ].join('\n');
}

const NOT_WAITED = (kind: string) =>
  new RegExp(`Helm does not wait for a ${kind} hook to become ready \\(only Jobs and Pods are waited for\\)`);

/** A workload hook in templates/db.yaml: one finding at its helm.sh/hook value (line 6, from column 19). */
function workloadHook(
  kind: string,
  events: string,
  policy: string | undefined,
  messageId: string,
  data: Record<string, string>,
): InvalidChartCase {
  const annotations = [`helm.sh/hook: ${events}`, ...(policy ? [`helm.sh/hook-delete-policy: ${policy}`] : [])];
  return {
    name: `a ${kind} ${events} hook${policy ? ` with ${policy}` : ''}: ${messageId}`,
    files: { 'templates/db.yaml': workload(kind, annotations) },
    errors: [
      {
        messageId,
        data: { kind, ...data },
        file: 'templates/db.yaml',
        line: 6,
        column: 19,
        endLine: 6,
        endColumn: 19 + events.length,
        severity: 'warning',
        help: [/^Make it a normal release resource/, NOT_WAITED(kind)],
      },
    ],
  };
}

ruleTester.run('workload-as-hook', {
  valid: [
    { name: 'a Job hook', files: { 'templates/db.yaml': workload('Job', ['helm.sh/hook: pre-install']) } },
    { name: 'a Deployment of the release', files: { 'templates/db.yaml': workload('Deployment', []) } },
    {
      name: 'a templated hook annotation that renders nothing',
      files: {
        'templates/db.yaml': workload('Deployment', ['helm.sh/hook: {{ .Values.events }}']),
        'values.yaml': 'events: null\n',
      },
    },
    {
      name: "a subchart's workload hook",
      files: {
        'charts/db/Chart.yaml': 'apiVersion: v2\nname: db\nversion: 1.0.0\n',
        'charts/db/templates/db.yaml': workload('StatefulSet', ['helm.sh/hook: pre-install']),
      },
    },
  ],
  invalid: [
    {
      ...workloadHook('StatefulSet', 'pre-install', undefined, 'neverUpgraded', { event: 'pre-install' }),
      name: 'a pre-install StatefulSet: never upgraded, never uninstalled, not waited for',
    },
    workloadHook('StatefulSet', 'pre-install,post-install', undefined, 'neverUpgradedEvents', {}),
    workloadHook('Deployment', 'pre-install,pre-upgrade', undefined, 'recreatedOnUpgrade', {}),
    workloadHook('DaemonSet', 'post-install', 'hook-succeeded', 'deletedAfterEvent', { event: 'post-install' }),
    workloadHook('Deployment', 'pre-install,post-install', 'hook-succeeded', 'deletedAfterEvents', {}),
    workloadHook('Deployment', 'post-upgrade', 'hook-failed', 'leftRunning', { event: 'post-upgrade' }),
    workloadHook('ReplicaSet', 'post-install,post-upgrade', 'hook-failed', 'leftRunningEvents', {}),
  ],
});
