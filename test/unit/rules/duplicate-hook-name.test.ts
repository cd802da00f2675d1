import type { ExpectedError, InvalidChartCase } from '../../support/rule-tester';
import { ruleTester } from '../../support/rule-tester';

/** A ConfigMap named on line 4, from column 9; with k annotation lines it is 7 + k lines long. */
function configMap(name: string, annotations: string[], data = 'a: "1"'): string {
  return [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    `  name: ${name}`,
    '  annotations:',
    ...annotations.map((line) => `    ${line}`),
    'data:',
    `  ${data}`,
    '',
  ].join('\n');
}

/** A Job named on line 4, from column 9; with k annotation lines it is 13 + k lines long. */
function job(annotations: string[], args: string): string {
  return [
    'apiVersion: batch/v1',
    'kind: Job',
    'metadata:',
    '  name: {{ .Release.Name }}-setup',
    '  annotations:',
    ...annotations.map((line) => `    ${line}`),
    'spec:',
    '  template:',
    '    spec:',
    '      restartPolicy: Never',
    '      containers:',
    '        - name: setup',
    '          image: busybox:1.36',
    `          args: [${args}]`,
    '',
  ].join('\n');
}

/** A Pod named on line 4, from column 9; with k annotation lines it is 11 + k lines long. */
function pod(annotations: string[], image: string, args: string): string {
  return [
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    '  name: check',
    '  annotations:',
    ...annotations.map((line) => `    ${line}`),
    'spec:',
    '  restartPolicy: Never',
    '  containers:',
    '    - name: check',
    `      image: ${image}`,
    `      args: [${args}]`,
    '',
  ].join('\n');
}

const HOOKS_FILE = 'templates/hooks.yaml';
const PRE_INSTALL = ['helm.sh/hook: pre-install'];
const SUCCEEDED = ['helm.sh/hook: pre-install', 'helm.sh/hook-delete-policy: hook-succeeded'];
const SETUP = 'ConfigMap "setup"';
/** The release name helm install and helm template use unless told. */
const JOB = 'Job "release-name-setup"';
const HELM3_PLAIN_CREATE = /Helm 3 creates hooks with a plain create, which fails when the object exists/;
const NO_BEFORE_HOOK_CREATION = /lacks before-hook-creation, so Helm does not delete the first before creating it/;
const HELM4_SERVER_SIDE_APPLY = /Helm 4 applies it over the first with server-side apply/;

/** Two hook documents in templates/hooks.yaml, the second after a `---` line. */
function twoDocuments(first: string, second: string): Record<string, string> {
  return { [HOOKS_FILE]: `${first}---\n${second}` };
}

/** A finding at the metadata.name on `line` (column 9), the other document's name on `firstLine` as related. */
function atName(line: number, firstLine: number, expected: Omit<ExpectedError, 'line' | 'column'>): ExpectedError {
  return { line, column: 9, related: [{ line: firstLine, column: 9, message: [/The first/] }], ...expected };
}

/** Pods in a test hook, the later one by weight with a policy that lacks before-hook-creation (its name on line 17). */
function pods(secondImage: string, secondArgs: string): Record<string, string> {
  const later = ['helm.sh/hook: test', 'helm.sh/hook-weight: "1"', 'helm.sh/hook-delete-policy: hook-failed'];
  return twoDocuments(pod(['helm.sh/hook: test'], 'busybox:1.36', 'ping'), pod(later, secondImage, secondArgs));
}

/** Two ConfigMaps of one pre-install event; the second (line 13) lacks before-hook-creation. */
const SAME_EVENT = twoDocuments(configMap('setup', PRE_INSTALL), configMap('setup', SUCCEEDED));

function helm3(testCase: InvalidChartCase): InvalidChartCase {
  return { ...testCase, options: { helmVersion: 3 } };
}

ruleTester.run('duplicate-hook-name', {
  valid: [
    {
      name: "across events, the later one's default before-hook-creation deletes the first",
      files: twoDocuments(configMap('setup', PRE_INSTALL), configMap('setup', ['helm.sh/hook: pre-upgrade'])),
      options: { helmVersion: 3 },
    },
    {
      name: 'across events, the earlier one is deleted after its event succeeded',
      files: twoDocuments(
        configMap('setup', SUCCEEDED),
        configMap('setup', ['helm.sh/hook: post-install', 'helm.sh/hook-delete-policy: hook-failed']),
      ),
      options: { helmVersion: 3 },
    },
    {
      name: 'another kind',
      files: twoDocuments(
        configMap('setup', PRE_INSTALL),
        configMap('setup', SUCCEEDED).replace('kind: ConfigMap', 'kind: Secret'),
      ),
      options: { helmVersion: 3 },
    },
    {
      name: 'another namespace',
      files: twoDocuments(
        configMap('setup', PRE_INSTALL),
        configMap('setup', SUCCEEDED).replace('  name: setup', '  name: setup\n  namespace: other'),
      ),
      options: { helmVersion: 3 },
    },
    {
      name: 'a name made by chance',
      files: twoDocuments(configMap('setup', PRE_INSTALL), configMap('setup{{ randAlphaNum 3 | lower }}', SUCCEEDED)),
      options: { helmVersion: 3 },
    },
    {
      name: "a subchart's two documents",
      files: {
        'charts/db/Chart.yaml': 'apiVersion: v2\nname: db\nversion: 1.0.0\n',
        'charts/db/templates/hooks.yaml': `${configMap('setup', PRE_INSTALL)}---\n${configMap('setup', SUCCEEDED)}`,
      },
      options: { helmVersion: 3 },
    },
  ],
  invalid: [
    helm3({
      name: 'Helm 3: the second ConfigMap of one event, whose explicit policy lacks before-hook-creation, fails',
      files: SAME_EVENT,
      errors: [
        atName(13, 4, {
          messageId: 'alreadyExists',
          data: { name: SETUP, event: 'pre-install', there: 'the first' },
          severity: 'error',
          help: [NO_BEFORE_HOOK_CREATION, HELM3_PLAIN_CREATE],
        }),
      ],
    }),
    {
      name: 'Helm 4: the same second ConfigMap overwrites the first by server-side apply',
      files: SAME_EVENT,
      errors: [
        atName(13, 4, {
          messageId: 'overwritten',
          data: { name: SETUP, event: 'pre-install', there: 'the first' },
          severity: 'warning',
          help: [HELM4_SERVER_SIDE_APPLY, /with client-side apply .* the create fails with "already exists"/],
        }),
      ],
    },
    {
      name: 'Helm 4: a second Job with a changed pod template is rejected',
      files: twoDocuments(job(PRE_INSTALL, 'schema'), job(SUCCEEDED, 'seed')),
      errors: [
        atName(19, 4, {
          messageId: 'immutable',
          data: { name: JOB, event: 'pre-install', there: 'the first' },
          severity: 'error',
          help: [/the API server rejects the changed pod template/],
        }),
      ],
    },
    {
      name: 'Helm 4: a second identical Job never runs, the first has completed',
      files: twoDocuments(job(PRE_INSTALL, 'schema'), job(SUCCEEDED, 'schema')),
      errors: [
        atName(19, 4, {
          messageId: 'notRunAgain',
          data: { name: JOB, event: 'pre-install', there: 'the first' },
          severity: 'warning',
          help: [/the completed Job keeps its status/],
        }),
      ],
    },
    helm3({
      name: "the later of the two by Helm's order (weight, then name) is reported, not the later in the file",
      files: twoDocuments(
        configMap('setup', [...SUCCEEDED, 'helm.sh/hook-weight: "5"']),
        configMap('setup', ['helm.sh/hook: pre-install', 'helm.sh/hook-weight: "-5"']),
      ),
      errors: [atName(4, 15, { messageId: 'alreadyExists', data: { name: SETUP } })],
    }),
    helm3({
      name: "the second's default before-hook-creation silently replaces the first in the same event",
      files: twoDocuments(configMap('setup', PRE_INSTALL), configMap('setup', PRE_INSTALL)),
      errors: [
        atName(13, 4, {
          messageId: 'replaced',
          data: { name: SETUP, event: 'pre-install' },
          severity: 'warning',
          help: [/before-hook-creation policy \(the default without the annotation\) deletes the first/],
        }),
      ],
    }),
    helm3({
      name: "a later event meets an earlier event's object that nothing deleted",
      files: twoDocuments(
        configMap('setup', PRE_INSTALL),
        configMap('setup', ['helm.sh/hook: post-install', 'helm.sh/hook-delete-policy: hook-failed']),
      ),
      errors: [
        atName(13, 4, {
          messageId: 'alreadyExists',
          data: { name: SETUP, event: 'post-install', there: 'the pre-install one' },
          help: [/was created in pre-install and nothing deleted it since/],
        }),
      ],
    }),
    helm3({
      name: 'an upgrade hook meets the object an install hook of the same name left',
      files: twoDocuments(
        configMap('setup', PRE_INSTALL),
        configMap('setup', ['helm.sh/hook: pre-upgrade', 'helm.sh/hook-delete-policy: hook-succeeded']),
      ),
      errors: [
        atName(13, 4, {
          messageId: 'alreadyExists',
          data: { name: SETUP, event: 'pre-upgrade', there: 'the pre-install one' },
        }),
      ],
    }),
    {
      name: 'Pods compared without their images, the one field of a Pod spec an update may change',
      files: pods('busybox:1.37', 'ping'),
      errors: [
        atName(17, 4, {
          messageId: 'notRunAgain',
          data: { name: 'Pod "check"', event: 'test' },
          severity: 'warning',
        }),
      ],
    },
    {
      name: 'Pods whose args differ: the changed spec is rejected',
      files: pods('busybox:1.36', 'curl'),
      errors: [
        atName(17, 4, { messageId: 'immutable', data: { name: 'Pod "check"', event: 'test' }, severity: 'error' }),
      ],
    },
  ],
});
