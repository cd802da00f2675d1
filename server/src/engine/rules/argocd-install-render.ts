import type { TextRange } from '../core/text';
import { actionsOverlapping } from '../template/scanner';
import { argoHookViews } from './support/argocd-hooks';
import { defineRule } from './rule';

const MESSAGES = {
  lookupEmpty: 'Argo CD renders this hook without a cluster: lookup returns an empty map here on every sync.',
  isUpgradeFalse: 'Argo CD renders every sync as a first install: .Release.IsUpgrade is false for this hook.',
  isInstallTrue: 'Argo CD renders every sync as a first install: .Release.IsInstall is true for this hook.',
  revisionOne: 'Argo CD renders every sync as a first install: .Release.Revision is 1 for this hook.',
} as const;

/**
 * What `helm template` gives, which Argo CD renders every sync with: an install, at revision 1, without a cluster.
 * Checked with Helm 3.18 and 4.1 (`helm template . --name-template rel --namespace ns --include-crds`).
 */
const RENDER_FACTS: readonly { pattern: RegExp; messageId: keyof typeof MESSAGES }[] = [
  { pattern: /(?<![\w$.])lookup\b/, messageId: 'lookupEmpty' },
  { pattern: /\.Release\.IsUpgrade\b/, messageId: 'isUpgradeFalse' },
  { pattern: /\.Release\.IsInstall\b/, messageId: 'isInstallTrue' },
  { pattern: /\.Release\.Revision\b/, messageId: 'revisionOne' },
];

export const argocdInstallRender = defineRule({
  id: 'argocd-install-render',
  defaultSeverity: 'warning',
  summary:
    'Hook template reads `lookup` or `.Release.IsUpgrade`/`IsInstall`/`Revision`: Argo CD always renders a first install (target `argocd`).',
  fixable: false,
  messages: MESSAGES,
  target: 'argocd',
  reads: 'document',
  // It reads the template's actions, which Helm's render no longer has (the evaluated view would find nothing there
  // and so overrule the finding).
  syntaxOnly: true,
  docs: {
    description:
      'Argo CD renders the chart with `helm template`, without `--is-upgrade` and without a cluster, on every sync. ' +
      'In a hook that means `.Release.IsUpgrade` is always false, `.Release.IsInstall` always true, `.Release.Revision` ' +
      'always 1, and `lookup` always returns an empty map. A migration guarded by `if .Release.IsUpgrade` never ' +
      'renders; a Secret hook that reuses its password through `lookup` generates a new one on every sync. Make the ' +
      'hook work without them (a Job can read the cluster itself at run time), or keep such values out of the hook.',
    helmFact:
      'Argo CD (argoproj/argo-cd at 37ee0097cf) runs `helm template CHART --name-template NAME` with values, API ' +
      'versions and `--include-crds`, never `--is-upgrade` ([util/helm/cmd.go lines 429-470](https://github.com/argoproj/argo-cd/blob/37ee0097cf851bc2dd7665fc081bbce61a7e836e/util/helm/cmd.go#L429-L470)). Helm 3.18 and 4.1 render that ' +
      'as an install: `.Release.IsInstall` true, `.Release.IsUpgrade` false, `.Release.Revision` 1, and `lookup` ' +
      'returns `{}` without a cluster (a test checks this with both binaries).',
    bad: [
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: {{ .Release.Name }}-db',
      '  annotations:',
      '    helm.sh/hook: pre-install,pre-upgrade',
      '{{- $old := lookup "v1" "Secret" .Release.Namespace (printf "%s-db" .Release.Name) }}',
      'stringData:',
      '  password: {{ if $old }}{{ index $old.data "password" | b64dec }}{{ else }}{{ randAlphaNum 24 }}{{ end }}',
    ].join('\n'),
    good: [
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: {{ .Release.Name }}-db',
      '  annotations:',
      '    helm.sh/hook: pre-install,pre-upgrade',
      'stringData:',
      '  password: {{ required "set db.password" .Values.db.password }}',
    ].join('\n'),
  },
  check(context) {
    const file = context.file;
    for (const view of argoHookViews(file)) {
      // Only hooks a sync applies: the others say nothing here (argocd-ignored-hook reports them).
      if (view.plan.syncPhases.length === 0) continue;
      // From the end of the document before: a guard such as `{{ if .Release.IsUpgrade }}` stands above the document.
      const before = file.model.documents
        .filter((other) => other.range.end <= view.hook.resource.range.start)
        .reduce((end, other) => Math.max(end, other.range.end), 0);
      const document: TextRange = { start: before, end: view.hook.resource.range.end };
      const found: { messageId: keyof typeof MESSAGES; range: TextRange }[] = [];
      for (const action of actionsOverlapping(file.scan.actions, document)) {
        if (action.kind === 'comment') continue;
        const text = file.text.slice(action.inner.start, action.inner.end);
        for (const fact of RENDER_FACTS) {
          if (fact.pattern.test(text) && !found.some((entry) => entry.messageId === fact.messageId))
            found.push({ messageId: fact.messageId, range: action.range });
        }
      }
      if (found.length === 0) continue;
      context.report({
        range: view.hook.hookEntry.value.range,
        messageId: found[0]!.messageId,
        help: [
          'Make the hook work without them (a Job can read the cluster at run time), or keep them out of the hook.',
          ...found.slice(1).map((entry) => MESSAGES[entry.messageId]),
          'Argo CD renders the chart with helm template on every sync, without --is-upgrade and without a cluster: an install at',
          'revision 1, where lookup returns an empty map.',
        ].join(' '),
        related: found.map((entry) => ({ file: file.path, range: entry.range, message: 'read here' })),
      });
    }
  },
});
