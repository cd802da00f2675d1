import { DocumentWalker, effectivePolicies, hasKnownPolicy, lifecycleHooks, policyRange } from './support/lifecycle-helpers';
import { capitalize, thisResource } from './support/helpers';
import { defineRule } from './rule';

export const hookLeftBehind = defineRule({
  id: 'hook-left-behind',
  defaultSeverity: 'info',
  summary: 'A hook object that is never deleted after it succeeds: it stays after `helm uninstall`, unmanaged.',
  fixable: false,
  reads: 'document',
  docs: {
    description:
      'Hook objects are not part of the release: `helm uninstall` never deletes them, and `helm get manifest` does not ' +
      'show them. Only the delete policies (or `ttlSecondsAfterFinished` on a Job) remove them. Without ' +
      '`hook-succeeded`, a hook that did its work stays in the cluster; the default `before-hook-creation` deletes it ' +
      'only just before the hook runs again, so after the last run, and after uninstall, it is left behind with nobody ' +
      'managing it. Add `hook-succeeded` (usually `before-hook-creation,hook-succeeded`) unless you keep the object on ' +
      'purpose, e.g. to read a failed Job\'s logs. CustomResourceDefinitions are never deleted by a policy; crd-hook ' +
      'reports them.',
    helmFact:
      'Hook resources are stored in the release\'s hooks ([release.go `Release.Hooks`](https://github.com/helm/helm/blob/v4.1.4/pkg/release/v1/release.go#L43)), not its manifest; uninstall does ' +
      'not delete them ([uninstall.go `(*Uninstall).Run`](https://github.com/helm/helm/blob/v4.1.4/pkg/action/uninstall.go#L62); [Chart Hooks](https://helm.sh/docs/topics/charts_hooks/): "Hook resources are not managed"; ' +
      '[helm/helm#10758](https://github.com/helm/helm/issues/10758), [helm/helm#9206](https://github.com/helm/helm/issues/9206)). `before-hook-creation` deletes only before the next ' +
      'creation, `hook-succeeded` after the event succeeded ([hooks.go `execHookWithDelayedShutdown`](https://github.com/helm/helm/blob/v4.1.4/pkg/action/hooks.go#L59)).',
    bad: [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: {{ .Release.Name }}-migrate',
      '  annotations:',
      '    helm.sh/hook: pre-upgrade',
      '    helm.sh/hook-delete-policy: before-hook-creation',
      'spec: {}',
    ].join('\n'),
    good: [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: {{ .Release.Name }}-migrate',
      '  annotations:',
      '    helm.sh/hook: pre-upgrade',
      '    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded',
      'spec: {}',
    ].join('\n'),
  },
  check(context) {
    const walker = new DocumentWalker(context.file);
    for (const hook of lifecycleHooks(context.file)) {
      if (!hook.events || hook.kind === 'CustomResourceDefinition') continue;
      const policies = effectivePolicies(hook.policy);
      if (!policies || policies.includes('hook-succeeded')) continue;
      // Only unknown items: unknown-delete-policy already says the object is never deleted.
      if (hook.policy.state === 'listed' && !hasKnownPolicy(policies)) continue;
      if (hook.kind === 'Job' && cleansItself(walker, hook.resource)) continue;
      const when = policies.includes('before-hook-creation')
        ? hook.policy.state === 'default'
          ? 'With no delete policy, Helm deletes it only just before the hook runs again (the default before-hook-creation)'
          : 'Its before-hook-creation policy deletes it only just before the hook runs again'
        : policies.includes('hook-failed')
          ? 'Its hook-failed policy deletes it only when it fails'
          : 'No policy here deletes it';
      const ttl = hook.kind === 'Job' ? ', or set ttlSecondsAfterFinished on the Job' : '';
      context.report({
        range: policyRange(hook),
        message: `${capitalize(thisResource(hook.resource))} stays in the cluster after it succeeds, and helm uninstall leaves it behind.`,
        help:
          `Add hook-succeeded to helm.sh/hook-delete-policy (e.g. "before-hook-creation,hook-succeeded")${ttl}, unless you keep it ` +
          `on purpose. ${when}; hook objects are not part of the release, so helm uninstall leaves it behind, unmanaged.`,
      });
    }
  },
});

/** A Job that sets ttlSecondsAfterFinished, or whose spec may set it through template output, is removed by Kubernetes. */
function cleansItself(walker: DocumentWalker, resource: Parameters<DocumentWalker['root']>[0]): boolean {
  const root = walker.root(resource);
  if (!root) return true;
  if (root.hasUnknownEntries) return true;
  const specEntry = walker.entry(root, 'spec');
  if (!specEntry) return false;
  const spec = walker.mapOf(specEntry);
  if (!spec) return walker.isOpaque(specEntry);
  return spec.hasUnknownEntries || walker.entry(spec, 'ttlSecondsAfterFinished') !== undefined;
}
