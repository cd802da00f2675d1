import { containersOf, DocumentWalker, lifecycleHooks, podSpecOf } from './support/lifecycle-helpers';
import { shown } from './support/helpers';
import { defineRule } from './rule';

export const unpinnedHookImage = defineRule({
  id: 'unpinned-hook-image',
  defaultSeverity: 'warning',
  summary: 'Hook container image without a tag or with `:latest`: each run may pull different code.',
  fixable: false,
  messages: {
    unpinned: 'Each run of this hook may pull different code: the image "{{image}}" {{problem}}.',
  },
  reads: 'document',
  docs: {
    description:
      'A hook runs again on every install, upgrade, rollback or test it is hooked on, often months after the chart was ' +
      'written. An image with no tag means `:latest`, and `:latest` moves: the migration or check that passed in CI ' +
      "may run different code in production, and a rollback runs today's image against yesterday's release. " +
      'Kubernetes also defaults `imagePullPolicy` to `Always` for `:latest`, so every hook run needs the registry. Pin ' +
      'a version tag or a digest (`@sha256:…`). Images built by templates are judged once the chart is evaluated.',
    helmFact:
      'Helm re-creates hooks on each run of their events ([hooks.go `execHookWithDelayedShutdown`](https://github.com/helm/helm/blob/v4.1.4/pkg/action/hooks.go#L59)); a rollback runs the ' +
      "target revision's stored hooks ([rollback.go `performRollback`](https://github.com/helm/helm/blob/v4.1.4/pkg/action/rollback.go#L197)). Kubernetes resolves an image without a tag to `:latest` and " +
      'defaults `imagePullPolicy: Always` for it.',
    bad: [
      'apiVersion: v1',
      'kind: Pod',
      'metadata:',
      '  name: {{ .Release.Name }}-smoke-test',
      '  annotations:',
      '    helm.sh/hook: test',
      'spec:',
      '  restartPolicy: Never',
      '  containers:',
      '    - name: curl',
      '      image: curlimages/curl:latest',
    ].join('\n'),
    good: [
      'apiVersion: v1',
      'kind: Pod',
      'metadata:',
      '  name: {{ .Release.Name }}-smoke-test',
      '  annotations:',
      '    helm.sh/hook: test',
      'spec:',
      '  restartPolicy: Never',
      '  containers:',
      '    - name: curl',
      '      image: curlimages/curl:8.10.1',
    ].join('\n'),
  },
  check(context) {
    const walker = new DocumentWalker(context.file);
    for (const hook of lifecycleHooks(context.file)) {
      if (!hook.events) continue;
      const podSpec = podSpecOf(walker, hook.resource, hook.kind);
      if (!podSpec) continue;
      for (const container of containersOf(walker, podSpec)) {
        const entry = walker.entry(container, 'image');
        const image = entry && walker.literal(entry.node);
        if (!image) continue;
        const problem = unpinned(image.text.trim());
        if (!problem) continue;
        context.report({
          range: image.range,
          messageId: 'unpinned',
          data: { image: shown(image.text.trim(), 60), problem },
          help: "Pin a version tag or a digest (@sha256:…). Kubernetes pulls the image on every run, and a rollback runs today's image.",
        });
      }
    }
  },
});

/** Why an image reference is not pinned, or undefined when it has a digest or a tag other than `latest`. */
function unpinned(image: string): string | undefined {
  if (image === '' || image.includes('@')) return undefined;
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  if (colon < 0) return 'has no tag, so it means :latest';
  return lastSegment.slice(colon + 1) === 'latest' ? 'uses the moving tag :latest' : undefined;
}
