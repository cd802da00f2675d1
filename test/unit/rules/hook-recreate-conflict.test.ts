import type { ExpectedError, InvalidFileCase } from '../../support/rule-tester';
import { configMapWith, ruleTester } from '../../support/rule-tester';

/**
 * A hook of `kind` with the given annotation lines; the delete policy, when on line 7, starts at column 33. Its name
 * is literal, so the tester also lints each case as Helm renders it.
 */
function hookOf(kind: string, annotations: string[]): string {
  const apiVersion = kind === 'Job' ? 'batch/v1' : 'v1';
  return [
    `apiVersion: ${apiVersion}`,
    `kind: ${kind}`,
    'metadata:',
    '  name: x',
    '  annotations:',
    ...annotations.map((line) => `    ${line}`),
    'spec: {}',
    '',
  ].join('\n');
}

function hookWithPolicy(kind: string, events: string, policy: string): string {
  return hookOf(kind, [`helm.sh/hook: ${events}`, `helm.sh/hook-delete-policy: ${policy}`]);
}

/** The finding at a policy value on line 7, from column 33 to its end. */
function atPolicy(policy: string, expected: Omit<ExpectedError, 'line' | 'column'>): ExpectedError {
  return { line: 7, column: 33, endLine: 7, endColumn: 33 + policy.length, ...expected };
}

/** Writing any delete policy turns off Helm's default, the fact every finding's help states first. */
const DEFAULT_TURNED_OFF = /^Add before-hook-creation to the list: writing any delete policy turns off Helm's default/;

/** What the next run meets on Helm 4: a Job or Pod is applied over the old one, or fails with client-side apply. */
const HELM4_JOB =
  /Helm 4 with server-side apply applies the new Job over the old one: unchanged, a completed Job "succeeds" at once without running again; with a changed pod template it is rejected as immutable; with client-side apply \(--server-side=false, or a release Helm 3 installed\) it fails with "jobs\.batch "…" already exists"/;

/** A Job, Pod or ConfigMap hook at the given Helm version: graded `severity`, fixed by adding before-hook-creation. */
function gradedCase(
  name: string,
  kind: string,
  events: string,
  policy: string,
  helmVersion: 3 | 4,
  severity: 'error' | 'warning',
  expected: Omit<ExpectedError, 'line' | 'column' | 'severity'>,
): InvalidFileCase {
  return {
    name: `${name}: ${severity} on Helm ${helmVersion}`,
    code: hookWithPolicy(kind, events, policy),
    options: { helmVersion },
    errors: [atPolicy(policy, { severity, ...expected })],
    output: hookWithPolicy(kind, events, `${policy},before-hook-creation`),
  };
}

ruleTester.run('hook-recreate-conflict', {
  valid: [
    ...[
      ['helm.sh/hook: pre-upgrade'],
      ['helm.sh/hook: pre-upgrade', 'helm.sh/hook-delete-policy: before-hook-creation'],
      ['helm.sh/hook: pre-upgrade', 'helm.sh/hook-delete-policy: hook-succeeded,Before-Hook-Creation'],
      ['helm.sh/hook: pre-upgrade', 'helm.sh/hook-delete-policy: hook-failed,hook-succeeded'],
      ['helm.sh/hook: post-upgrade', 'helm.sh/hook-delete-policy: "hook-succeeded, hook-failed, hook-success"'],
    ].map((lines) => ({
      name: `no policy (the default is before-hook-creation), it listed, or both success and failure: ${lines.join('; ')}`,
      code: hookOf('Job', lines),
    })),
    ...['hook-success', '""'].map((policy) => ({
      name: `a policy of unknown items only, which is unknown-delete-policy's: ${policy}`,
      code: hookWithPolicy('Job', 'pre-upgrade', policy),
    })),
    {
      name: 'a ConfigMap on events that never recur',
      code: configMapWith(['helm.sh/hook: pre-install,post-delete', 'helm.sh/hook-delete-policy: hook-succeeded']),
    },
    { name: 'a templated policy', code: hookWithPolicy('Job', 'pre-upgrade', '{{ .Values.policy }}') },
    { name: 'templated events', code: hookWithPolicy('ConfigMap', '{{ .Values.events }}', 'hook-succeeded') },
    { name: 'annotations built by toYaml', code: hookOf('Job', ['{{- toYaml .Values.hookAnnotations | nindent 4 }}']) },
    {
      name: 'annotations built by an include from a dict',
      code: [
        'apiVersion: batch/v1',
        'kind: Job',
        'metadata:',
        '  name: x',
        '  {{- $annotations := dict "helm.sh/hook" "pre-upgrade" "helm.sh/hook-delete-policy" "hook-succeeded" }}',
        '  annotations: {{- include "common.tplvalues.render" (dict "value" $annotations "context" $) | nindent 4 }}',
        'spec: {}',
        '',
      ].join('\n'),
    },
    {
      name: 'a CustomResourceDefinition, which no policy deletes',
      code: hookWithPolicy('CustomResourceDefinition', 'pre-upgrade', 'hook-succeeded'),
    },
    { name: 'a resource that is not a hook', code: hookOf('Job', ['helm.sh/hook-delete-policy: hook-succeeded']) },
  ],
  invalid: [
    {
      name: 'a Job whose only policy is hook-succeeded: a failed run stays, before-hook-creation is added',
      code: hookWithPolicy('Job', 'pre-install', 'hook-succeeded'),
      errors: [
        atPolicy('hook-succeeded', {
          messageId: 'failedRun',
          data: { subject: 'this Job', next: 'the next pre-install', policy: 'hook-succeeded' },
          severity: 'warning',
          help: [
            DEFAULT_TURNED_OFF,
            /hook-succeeded policy deletes this Job only after it succeeds/,
            /The next pre-install \(a retry, or a later release of the same name: hook objects survive helm uninstall\) then meets the old object/,
            HELM4_JOB,
          ],
        }),
      ],
      output: hookWithPolicy('Job', 'pre-install', 'hook-succeeded,before-hook-creation'),
    },
    gradedCase(
      'the recurring events, and the Helm 3 "already exists" failure',
      'Job',
      'pre-upgrade,post-rollback',
      'hook-succeeded',
      3,
      'warning',
      {
        messageId: 'failedRun',
        data: { next: 'the next pre-upgrade or post-rollback' },
        help: [
          /The next pre-upgrade or post-rollback then meets the old object: Helm 3 creates hooks with a plain create, so that run fails with "jobs\.batch "…" already exists"/,
        ],
      },
    ),
    gradedCase(
      'hook-failed alone on a Pod: a successful run stays for the next test',
      'Pod',
      'test',
      'hook-failed',
      4,
      'error',
      {
        messageId: 'successfulRun',
        data: { subject: 'this Pod', next: 'the next test', policy: 'hook-failed' },
        help: [/hook-failed policy deletes this Pod only when it fails/],
      },
    ),
    // Helm 4: an unchanged Job does not run again, a changed one is rejected, whatever the apply method.
    gradedCase('hook-failed alone on a pre-upgrade Job', 'Job', 'pre-upgrade', 'hook-failed', 4, 'error', {
      messageId: 'successfulRun',
      help: [HELM4_JOB],
    }),
    // Helm 3: "already exists" on the next upgrade, for any kind.
    gradedCase('hook-failed alone on a pre-upgrade ConfigMap', 'ConfigMap', 'pre-upgrade', 'hook-failed', 3, 'error', {
      messageId: 'successfulRun',
      help: [/Helm 3 creates hooks with a plain create, so that run fails with "configmaps "…" already exists"/],
    }),
    // Helm 4: server-side apply re-applies a ConfigMap; only client-side apply fails.
    gradedCase(
      'hook-failed alone on a pre-upgrade ConfigMap',
      'ConfigMap',
      'pre-upgrade',
      'hook-failed',
      4,
      'warning',
      {
        messageId: 'successfulRun',
        help: [
          /Helm 4 with server-side apply re-applies it in place, which works unless a field is immutable or owned by another manager; with client-side apply \(--server-side=false, or a release Helm 3 installed\) it fails with "configmaps "…" already exists"/,
        ],
      },
    ),
    // Only a failed run leaves it.
    gradedCase('hook-succeeded alone on a pre-upgrade Job', 'Job', 'pre-upgrade', 'hook-succeeded', 3, 'warning', {
      messageId: 'failedRun',
    }),
    // pre-install runs again only for a new release of the same name.
    gradedCase('hook-failed alone on a pre-install Job', 'Job', 'pre-install', 'hook-failed', 4, 'warning', {
      messageId: 'successfulRun',
    }),
    {
      name: 'a ConfigMap on an event that recurs: an unfinished run leaves it for the next pre-upgrade',
      code: configMapWith(['helm.sh/hook: pre-install,pre-upgrade', 'helm.sh/hook-delete-policy: hook-succeeded']),
      errors: [
        atPolicy('hook-succeeded', {
          messageId: 'unfinishedRun',
          data: { subject: 'this ConfigMap', next: 'the next pre-upgrade', policy: 'hook-succeeded' },
          severity: 'warning',
          help: [
            /This ConfigMap stays whenever its event does not finish: Helm 3 up to 3\.18 keeps hooks that succeeded when a later hook of the event fails, and an interrupted command keeps them in any version/,
          ],
        }),
      ],
      output: configMapWith([
        'helm.sh/hook: pre-install,pre-upgrade',
        'helm.sh/hook-delete-policy: hook-succeeded,before-hook-creation',
      ]),
    },
    {
      name: "the list's spaced separator is kept when before-hook-creation is added",
      code: hookWithPolicy('Job', 'post-upgrade', '"hook-failed , hook-sucess"'),
      errors: [atPolicy('"hook-failed , hook-sucess"', { messageId: 'successfulRun' })],
      output: hookWithPolicy('Job', 'post-upgrade', '"hook-failed , hook-sucess , before-hook-creation"'),
    },
    {
      name: 'before-hook-creation goes after the last item, before a trailing comma',
      code: hookWithPolicy('Job', 'post-upgrade', "'hook-succeeded,'"),
      errors: [atPolicy("'hook-succeeded,'", { messageId: 'failedRun' })],
      output: hookWithPolicy('Job', 'post-upgrade', "'hook-succeeded,before-hook-creation,'"),
    },
  ],
});
