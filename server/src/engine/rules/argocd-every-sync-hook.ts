import { argoHookViews } from './support/argocd-hooks';
import { defineRule } from './rule';

/** The install-only or upgrade-only half of a pair Argo CD maps to one phase, and the message id saying what Argo CD does. */
const HALVES = [
  { alone: 'pre-install', missing: 'pre-upgrade', messageId: 'preInstallEverySync' },
  { alone: 'pre-upgrade', missing: 'pre-install', messageId: 'preUpgradeFirstSync' },
  { alone: 'post-install', missing: 'post-upgrade', messageId: 'postInstallEverySync' },
  { alone: 'post-upgrade', missing: 'post-install', messageId: 'postUpgradeFirstSync' },
] as const;

export const argocdEverySyncHook = defineRule({
  id: 'argocd-every-sync-hook',
  defaultSeverity: 'warning',
  summary: 'Install-only or upgrade-only hook: Argo CD runs it on every sync (target `argocd`).',
  fixable: false,
  messages: {
    preInstallEverySync:
      'Argo CD runs this pre-install hook before every sync (PreSync), not only when the chart is first installed.',
    preUpgradeFirstSync:
      "Argo CD runs this pre-upgrade hook at the first sync too (PreSync), before any of the chart's objects exist.",
    postInstallEverySync:
      'Argo CD runs this post-install hook after every sync (PostSync), not only after the first install.',
    postUpgradeFirstSync:
      'Argo CD runs this post-upgrade hook after the first sync too (PostSync), when nothing was upgraded.',
  },
  target: 'argocd',
  reads: 'document',
  docs: {
    description:
      'Argo CD cannot tell an install from an upgrade: every sync is the same operation. It maps `pre-install` and ' +
      '`pre-upgrade` to its PreSync phase, `post-install` and `post-upgrade` to PostSync, and runs those phases on ' +
      'every sync. A hook meant to run once at install (create a database, seed data) runs again on every sync; a ' +
      'hook meant for upgrades only (a migration that expects the old version to be running) runs at the very first ' +
      "sync too, before any of the chart's objects exist, and may wait or fail forever. Make such a hook safe to run " +
      'on every sync (idempotent, and tolerant of a first run), and give it both events of the pair so that Helm ' +
      'runs it as often as Argo CD does; or say explicitly what Argo CD should do with `argocd.argoproj.io/hook`.',
    helmFact:
      'Argo CD (argoproj/argo-cd at 37ee0097cf): gitops-engine/pkg/sync/hook/helm/type.go:27-32 maps pre-install and ' +
      'pre-upgrade to PreSync, post-install and post-upgrade to PostSync; the chart is rendered with `helm template` ' +
      'without `--is-upgrade` (util/helm/cmd.go:429-470), so `.Release.IsInstall` is true on every sync. Argo CD ' +
      "issues #2480, #7536; the docs' warning \"'install' vs 'upgrade' vs 'sync'\" ([the Argo CD Helm guide, lines 533-536](https://github.com/argoproj/argo-cd/blob/37ee0097cf851bc2dd7665fc081bbce61a7e836e/docs/user-guide/helm.md#L533-L536)).",
    bad: [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: {{ .Release.Name }}-create-db',
      '  annotations:',
      '    helm.sh/hook: pre-install',
      'spec:',
      '  template:',
      '    spec:',
      '      restartPolicy: Never',
      '      containers:',
      '        - name: create',
      '          image: postgres:16',
    ].join('\n'),
    good: [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: {{ .Release.Name }}-create-db',
      '  annotations:',
      '    helm.sh/hook: pre-install,pre-upgrade',
      'spec:',
      '  template:',
      '    spec:',
      '      restartPolicy: Never',
      '      containers:',
      '        - name: create',
      '          image: postgres:16',
    ].join('\n'),
  },
  check(context) {
    for (const view of argoHookViews(context.file)) {
      if (view.plan.eventsFrom !== 'helm') continue;
      const halves = HALVES.filter(
        (half) => view.helmItems.includes(half.alone) && !view.helmItems.includes(half.missing),
      );
      if (halves.length === 0) continue;
      const runs = halves.map((half) => `${half.alone} without ${half.missing}`).join('; ');
      context.report({
        range: view.hook.hookEntry.value.range,
        messageId: halves[0]!.messageId,
        help:
          `Make the hook safe to run on every sync and give it both events of each pair (${runs}), or set argocd.argoproj.io/hook ` +
          'to say what Argo CD should run. Argo CD cannot tell an install from an upgrade: it maps pre-install and pre-upgrade to ' +
          'PreSync, post-install and post-upgrade to PostSync, and runs them on every sync.',
      });
    }
  },
});
