import { lifecycleHooks } from './support/lifecycle-helpers';
import { defineRule } from './rule';

export const crdHook = defineRule({
  id: 'crd-hook',
  defaultSeverity: 'warning',
  summary: 'CustomResourceDefinition as a hook: never deleted by a delete policy; it belongs in `crds/`.',
  fixable: false,
  messages: {
    crdHook: 'Helm never upgrades or deletes this CustomResourceDefinition: as a hook, it is not part of the release.',
  },
  target: 'helm',
  reads: 'document',
  docs: {
    description:
      'Helm never deletes a CustomResourceDefinition hook, whatever `helm.sh/hook-delete-policy` says, so ' +
      '`before-hook-creation` does not replace it on the next run and `hook-succeeded` does not clean it up. As a hook ' +
      'it is not part of the release either: `helm upgrade` does not update it and `helm uninstall` leaves it. This is ' +
      "the Helm 2 `crd-install` pattern. Put CRDs in the chart's `crds/` directory (installed before any hook, never " +
      'upgraded or deleted by Helm), or make them normal templates when the chart should manage their lifecycle.',
    helmFact:
      '[hooks.go `deleteHookByPolicy`](https://github.com/helm/helm/blob/v4.1.4/pkg/action/hooks.go#L180) skips CustomResourceDefinition hooks: a CRD hook with `hook-succeeded` got no DELETE. ' +
      '`crd-install` was replaced by the `crds/` directory ([Chart Hooks](https://helm.sh/docs/topics/charts_hooks/); ' +
      '[argoproj/argo-helm#169](https://github.com/argoproj/argo-helm/issues/169), [open-policy-agent/gatekeeper#846](https://github.com/open-policy-agent/gatekeeper/issues/846)).',
    bad: [
      'apiVersion: apiextensions.k8s.io/v1',
      'kind: CustomResourceDefinition',
      'metadata:',
      '  name: widgets.example.com',
      '  annotations:',
      '    helm.sh/hook: pre-install',
      '    helm.sh/hook-delete-policy: before-hook-creation',
      'spec: {}',
    ].join('\n'),
    good: [
      'apiVersion: apiextensions.k8s.io/v1',
      'kind: CustomResourceDefinition',
      'metadata:',
      '  name: widgets.example.com',
      'spec: {}',
    ].join('\n'),
  },
  check(context) {
    for (const hook of lifecycleHooks(context.file)) {
      if (hook.kind !== 'CustomResourceDefinition' || !hook.events) continue;
      context.report({
        range: hook.hookEntry.value.range,
        messageId: 'crdHook',
        help:
          "Move the CRD to the chart's crds/ directory, or make it a normal template without helm.sh/hook. Helm never deletes a " +
          'CustomResourceDefinition hook, whatever its delete policy: it is not replaced on the next run, not updated by helm ' +
          'upgrade, and left behind by helm uninstall.',
      });
    }
  },
});
