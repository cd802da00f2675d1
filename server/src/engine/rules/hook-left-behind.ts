import type { TemplateFile } from '../analysis/file';
import type { ChartObject } from './support/chart-objects';
import type { LifecycleHook } from './support/lifecycle-helpers';
import {
  DocumentWalker,
  effectivePolicies,
  hasKnownPolicy,
  lifecycleHooks,
  policyRange,
} from './support/lifecycle-helpers';
import { capitalize, thisResource } from './support/helpers';
import { defineRule } from './rule';

export const hookLeftBehind = defineRule({
  id: 'hook-left-behind',
  defaultSeverity: 'info',
  summary: 'A hook object that is never deleted after it succeeds: it stays after `helm uninstall`, unmanaged.',
  fixable: false,
  messages: {
    leftBehind: '{{subject}} stays in the cluster after it succeeds, and helm uninstall leaves it behind.',
  },
  target: 'helm',
  docs: {
    description:
      'Hook objects are not part of the release: `helm uninstall` never deletes them, and `helm get manifest` does not ' +
      'show them. Only the delete policies (or `ttlSecondsAfterFinished` on a Job) remove them. Without ' +
      '`hook-succeeded`, a hook that did its work stays in the cluster; the default `before-hook-creation` deletes it ' +
      'only just before the hook runs again, so after the last run, and after uninstall, it is left behind with nobody ' +
      'managing it. Add `hook-succeeded` (usually `before-hook-creation,hook-succeeded`) unless you keep the object on ' +
      "purpose, e.g. to read a failed Job's logs. CustomResourceDefinitions are never deleted by a policy; crd-hook " +
      'reports them. Silent where a hook of another event reads the object (a Secret made at pre-install that the ' +
      'pre-upgrade and pre-delete Jobs mount): `hook-succeeded` would delete it before they run.',
    helmFact:
      "Hook resources are stored in the release's hooks ([release.go `Release.Hooks`](https://github.com/helm/helm/blob/v4.1.4/pkg/release/v1/release.go#L43)), not its manifest; uninstall does " +
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
  checkChart(context) {
    const walkers = new Map<TemplateFile, { walker: DocumentWalker; hooks: LifecycleHook[] }>();
    for (const object of context.objects) {
      if (!object.hook) continue;
      let analysed = walkers.get(object.file);
      if (!analysed)
        walkers.set(
          object.file,
          (analysed = { walker: new DocumentWalker(object.file), hooks: lifecycleHooks(object.file) }),
        );
      const hook = analysed.hooks.find((candidate) => candidate.resource === object.resource);
      if (!hook?.events || hook.kind === 'CustomResourceDefinition') continue;
      const policies = effectivePolicies(hook.policy);
      if (!policies || policies.includes('hook-succeeded')) continue;
      // Only unknown items: unknown-delete-policy already says the object is never deleted.
      if (hook.policy.state === 'listed' && !hasKnownPolicy(policies)) continue;
      if (hook.kind === 'Job' && cleansItself(analysed.walker, hook.resource)) continue;
      // Kept on purpose, it seems: a hook of another event reads it, and hook-succeeded would remove it before then.
      if (laterReaders(context.objects, object).length > 0) continue;
      const when = policies.includes('before-hook-creation')
        ? hook.policy.state === 'default'
          ? 'With no delete policy, Helm deletes it only just before the hook runs again (the default before-hook-creation)'
          : 'Its before-hook-creation policy deletes it only just before the hook runs again'
        : policies.includes('hook-failed')
          ? 'Its hook-failed policy deletes it only when it fails'
          : 'No policy here deletes it';
      const ttl = hook.kind === 'Job' ? ', or set ttlSecondsAfterFinished on the Job' : '';
      context.report({
        object,
        range: policyRange(hook),
        messageId: 'leftBehind',
        data: { subject: capitalize(thisResource(hook.resource)) },
        help:
          `Add hook-succeeded to helm.sh/hook-delete-policy (e.g. "before-hook-creation,hook-succeeded")${ttl}, unless you keep it ` +
          `on purpose. ${when}; hook objects are not part of the release, so helm uninstall leaves it behind, unmanaged.`,
      });
    }
  },
});

/**
 * The hooks that read `object` by name on an event it is not a hook of: hook-succeeded would delete it at the end of
 * its own event, before they run (hook-dependency-unavailable then reports them).
 */
function laterReaders(objects: readonly ChartObject[], object: ChartObject): ChartObject[] {
  const own = new Set(object.hook?.events ?? []);
  return objects.filter(
    (reader) =>
      reader !== object &&
      reader.hook !== undefined &&
      reader.namespace !== undefined &&
      reader.namespace === object.namespace &&
      reader.hook.events.some((event) => !own.has(event)) &&
      reader.reads.some((reference) => reference.kind === object.kind && reference.name === object.name),
  );
}

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
