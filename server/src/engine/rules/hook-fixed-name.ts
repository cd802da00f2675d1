import { lifecycleHooks } from './support/lifecycle-helpers';
import { shown, thisResource } from './support/helpers';
import { defineRule } from './rule';

export const hookFixedName = defineRule({
  id: 'hook-fixed-name',
  defaultSeverity: 'info',
  summary: 'Hook with a fixed name: two releases in one namespace collide.',
  fixable: false,
  messages: {
    fixedName: 'A second release of this chart meets {{subject}}: its name "{{name}}" is the same in every release.',
  },
  reads: 'document',
  docs: {
    description:
      'A hook named `migrate` is called `migrate` in every release of the chart. Install the chart twice in one ' +
      "namespace (or, for a cluster-scoped kind such as a ClusterRole, twice in one cluster) and the second release's " +
      'hook meets the first one\'s object: its `before-hook-creation` deletes it, or its create fails with "already ' +
      'exists", and hook objects are never cleaned up by `helm uninstall`. Build the name from the release name, ' +
      'usually with the chart\'s fullname helper: `{{ include "mychart.fullname" . }}-migrate`. A name that holds any ' +
      'template action is left alone here.',
    helmFact:
      'Hook objects are created under their `metadata.name` and are not part of the release ([release.go `Release.Hooks`](https://github.com/helm/helm/blob/v4.1.4/pkg/release/v1/release.go#L43)); ' +
      '`before-hook-creation` deletes whatever object has that name ([hooks.go `deleteHookByPolicy`](https://github.com/helm/helm/blob/v4.1.4/pkg/action/hooks.go#L180)).',
    bad: [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: migrate',
      '  annotations:',
      '    helm.sh/hook: pre-upgrade',
      'spec: {}',
    ].join('\n'),
    good: [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: {{ .Release.Name }}-migrate',
      '  annotations:',
      '    helm.sh/hook: pre-upgrade',
      'spec: {}',
    ].join('\n'),
  },
  check(context) {
    for (const hook of lifecycleHooks(context.file)) {
      const name = hook.resource.name;
      // A CRD's name is fixed by its group and plural (crd-hook reports it as a hook).
      if (!hook.events || !name || name.templated || name.kind !== 'scalar' || hook.kind === 'CustomResourceDefinition')
        continue;
      const text = name.helmString ?? name.decoded ?? '';
      if (text.trim() === '') continue;
      context.report({
        range: name.range,
        messageId: 'fixedName',
        data: { subject: thisResource(hook.resource), name: shown(text) },
        help:
          `Build the name from the release, e.g. {{ include "<chart>.fullname" . }}-${text}. A second release's hook in the same ` +
          'namespace (or cluster, for a cluster-scoped kind) meets this object: its before-hook-creation deletes it, or its create fails with ' +
          '"already exists", and helm uninstall never cleans up hook objects.',
      });
    }
  },
});
