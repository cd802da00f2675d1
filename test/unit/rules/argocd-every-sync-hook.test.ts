import type { InvalidFileCase } from '../../support/rule-tester';
import { configMapWith, ruleTester } from '../../support/rule-tester';

const ARGOCD = { targets: ['argocd'] as const };

// Facts: gitops-engine/pkg/sync/hook/helm/type.go:27-32 (argoproj/argo-cd 37ee0097cf) maps pre-install and
// pre-upgrade to PreSync, post-install and post-upgrade to PostSync; hook/hook.go:38-53 reads Helm's events only
// without a valid argocd.argoproj.io/hook.
const MAPS_EVENTS = /maps pre-install and pre-upgrade to PreSync, post-install and post-upgrade to PostSync/;

/** A ConfigMap hook on `events`, reported at its helm.sh/hook value (line 6, from column 19). */
function unpaired(events: string, messageId: string, extra: string[] = [], options: object = ARGOCD): InvalidFileCase {
  return {
    name: `${events}${extra.length > 0 ? ` with ${extra.join(', ')}` : ''}: ${messageId}`,
    code: configMapWith([`helm.sh/hook: ${events}`, ...extra]),
    options,
    errors: [
      {
        messageId,
        line: 6,
        column: 19,
        endLine: 6,
        endColumn: 19 + events.length,
        severity: 'warning',
        help: [MAPS_EVENTS],
      },
    ],
  };
}

const TEMPLATED = [
  'apiVersion: v1',
  'kind: ConfigMap',
  'metadata:',
  '  name: x',
  '  annotations:',
  '    helm.sh/hook: {{ .Values.hook }}',
  '    {{- with .Values.extra }}{{ toYaml . | nindent 4 }}{{ end }}',
  'data: {}',
  '',
].join('\n');

const valid = (name: string, annotations: string[], options: object = ARGOCD) => ({
  name,
  code: configMapWith(annotations),
  options,
});

ruleTester.run('argocd-every-sync-hook', {
  valid: [
    valid('both install and upgrade events', ['helm.sh/hook: pre-install,pre-upgrade']),
    valid('both post events, spaced', ['helm.sh/hook: post-upgrade, post-install']),
    valid('a valid Argo CD hook wins', ['helm.sh/hook: pre-install', 'argocd.argoproj.io/hook: PreSync']),
    valid('a templated event list', ['helm.sh/hook: {{ .Values.hook }}']),
    valid('a templated annotation Argo CD reads', [
      'helm.sh/hook: pre-install',
      'argocd.argoproj.io/sync-wave: {{ .Values.wave | quote }}',
    ]),
    valid('an event outside the pairs', ['helm.sh/hook: pre-delete']),
    valid('without a target', ['helm.sh/hook: pre-install'], {}),
    valid('with the helm target only', ['helm.sh/hook: pre-install'], { targets: ['helm'] }),
    {
      name: 'as rendered: an Argo CD hook from values',
      files: {
        'templates/cm.yaml': TEMPLATED,
        'values.yaml': 'hook: post-install\nextra:\n  argocd.argoproj.io/hook: PostSync\n',
      },
      options: ARGOCD,
    },
    {
      name: 'as rendered, without the target',
      files: { 'templates/cm.yaml': TEMPLATED, 'values.yaml': 'hook: post-install\nextra: {}\n' },
    },
  ],
  invalid: [
    unpaired('pre-install', 'preInstallEverySync'),
    unpaired('pre-upgrade', 'preUpgradeFirstSync'),
    unpaired('post-install', 'postInstallEverySync'),
    unpaired('post-upgrade', 'postUpgradeFirstSync'),
    {
      ...unpaired('post-install,pre-upgrade', 'preUpgradeFirstSync'),
      name: 'a post-install,pre-upgrade migration: one finding, each unpaired event in the help',
      errors: [
        {
          messageId: 'preUpgradeFirstSync',
          line: 6,
          column: 19,
          help: [/pre-upgrade without pre-install; post-install without post-upgrade/],
        },
      ],
    },
    {
      ...unpaired('pre-install', 'preInstallEverySync', ['argocd.argoproj.io/hook: presync']),
      name: 'an Argo CD hook value it does not know (presync): Argo CD reads helm.sh/hook',
    },
    {
      ...unpaired('pre-install', 'preInstallEverySync', [], { targets: ['helm', 'argocd'] }),
      name: 'with the helm and argocd targets',
    },
    {
      name: 'as rendered: events from values, reported at the action',
      files: { 'templates/cm.yaml': TEMPLATED, 'values.yaml': 'hook: post-install\nextra: {}\n' },
      options: ARGOCD,
      errors: [
        {
          messageId: 'postInstallEverySync',
          file: 'templates/cm.yaml',
          line: 6,
          column: 19,
          endColumn: 19 + '{{ .Values.hook }}'.length,
        },
      ],
    },
  ],
});
