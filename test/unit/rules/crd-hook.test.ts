import { ruleTester } from '../../support/rule-tester';

function crd(annotations: string[]): string {
  return [
    'apiVersion: apiextensions.k8s.io/v1',
    'kind: CustomResourceDefinition',
    'metadata:',
    '  name: widgets.example.com',
    '  annotations:',
    ...annotations.map((line) => `    ${line}`),
    'spec:',
    '  group: example.com',
    '',
  ].join('\n');
}

/** `"helm.sh/hook": pre-install,pre-upgrade` is line 6; its value runs from column 21 to 44. */
const AT_EVENTS = { line: 6, column: 21, endLine: 6, endColumn: 44 };
const NEVER_DELETED = /never deletes a CustomResourceDefinition hook, whatever its delete policy/;

ruleTester.run('crd-hook', {
  valid: [
    { name: 'a CRD that is not a hook', code: crd(['example.com/owner: team']) },
    { name: 'a templated event list', code: crd(['helm.sh/hook: {{ .Values.crdHook }}']) },
    { name: 'a value Helm drops (unknown-hook-event reports it)', code: crd(['helm.sh/hook: crd-install']) },
  ],
  invalid: [
    ...[[], ['helm.sh/hook-delete-policy: hook-succeeded']].map((policy) => ({
      name: `a CRD hook${policy.length > 0 ? ' with hook-succeeded' : ''}: reported at its helm.sh/hook value`,
      code: crd(['"helm.sh/hook": pre-install,pre-upgrade', ...policy]),
      errors: [
        {
          messageId: 'crdHook',
          ...AT_EVENTS,
          severity: 'warning' as const,
          help: [/^Move the CRD to the chart's crds\/ directory/, NEVER_DELETED],
        },
      ],
    })),
  ],
});
