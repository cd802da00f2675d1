import { TemplateFile } from '../analysis/file';
import { ResourceDocument } from '../model/document';
import { effectivePolicies, lifecycleHooks } from './support/lifecycle-helpers';
import { defineRule } from './rule';

const GENERATORS = /\b(?:randAlphaNum|randAlpha|randAscii|randNumeric|randBytes|genCA|genPrivateKey|genSelfSignedCert\w*|genSignedCert\w*|uuidv4|derivePassword)\b/;
const LOOKUP = /\blookup\b/;
const RECREATING_EVENTS = ['pre-upgrade', 'post-upgrade', 'pre-rollback', 'post-rollback'] as const;

export const statefulHook = defineRule({
  id: 'stateful-hook',
  defaultSeverity: 'error',
  summary: 'PVC hook, or Secret hook with generated data, deleted and re-created on every upgrade or rollback.',
  fixable: false,
  docs: {
    description:
      'A hook is deleted and created again each time one of its events runs: `before-hook-creation` (the default) ' +
      'deletes the old object just before, `hook-succeeded` right after. For a PersistentVolumeClaim that means a new, ' +
      'empty volume on every upgrade or rollback (the old one is released and, with the usual `Delete` reclaim policy, ' +
      'destroyed). For a Secret filled with `randAlphaNum`, `genCA` and the like, it means new passwords, keys and ' +
      'certificates on every upgrade, while databases and stored data still expect the old ones. ' +
      '`helm.sh/resource-policy: keep` does not help: Helm ignores it on hooks. Hook such objects on `pre-install` ' +
      'only, make them normal release resources, or reuse existing data with `lookup`.',
    helmFact:
      'Delete policies run on every execution of each event ([hooks.go `execHookWithDelayedShutdown`](https://github.com/helm/helm/blob/v4.1.4/pkg/action/hooks.go#L59)); `before-hook-creation` ' +
      'is the default when the annotation is absent ([hooks.go `hookSetDeletePolicy`](https://github.com/helm/helm/blob/v4.1.4/pkg/action/hooks.go#L237)); `helm.sh/resource-policy` is not consulted for hooks ' +
      '([hooks.go `deleteHookByPolicy`](https://github.com/helm/helm/blob/v4.1.4/pkg/action/hooks.go#L180)). ' +
      'Random functions render new values on every `helm upgrade`.',
    bad: [
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: {{ .Release.Name }}-db',
      '  annotations:',
      '    helm.sh/hook: pre-install,pre-upgrade',
      '    helm.sh/resource-policy: keep',
      'stringData:',
      '  password: {{ randAlphaNum 32 | quote }}',
    ].join('\n'),
    good: [
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: {{ .Release.Name }}-db',
      '  annotations:',
      '    helm.sh/resource-policy: keep',
      'stringData:',
      '  password: {{ randAlphaNum 32 | quote }}',
    ].join('\n'),
  },
  check(context) {
    for (const hook of lifecycleHooks(context.file)) {
      if (!hook.events || (hook.kind !== 'PersistentVolumeClaim' && hook.kind !== 'Secret')) continue;
      const events = RECREATING_EVENTS.filter((event) => hook.events!.includes(event));
      if (events.length === 0) continue;
      const policies = effectivePolicies(hook.policy);
      if (!policies) continue;
      const deleting = policies.includes('before-hook-creation') ? 'before-hook-creation' : policies.includes('hook-succeeded') ? 'hook-succeeded' : undefined;
      if (!deleting) continue;
      const how =
        deleting === 'before-hook-creation'
          ? `${hook.policy.state === 'default' ? 'The default delete policy, before-hook-creation,' : 'Its before-hook-creation policy'} deletes it just before each ${events.join(' and ')} creates it again`
          : `Its hook-succeeded policy deletes it after each ${events.join(' and ')}, and the next run creates it again`;
      const each = `Every ${[...new Set(events.map((event) => event.replace(/^(?:pre|post)-/, '')))].join(' and ')}`;
      if (hook.kind === 'PersistentVolumeClaim') {
        context.report({
          range: hook.hookEntry.value.range,
          message: `${each} gives this PersistentVolumeClaim a new, empty volume: as a hook, it is deleted and created again.`,
          help:
            `Make it a normal release resource, or hook it on pre-install only. ${how}: the old volume is released ` +
            'and, with the usual Delete reclaim policy, destroyed with its data.',
        });
        continue;
      }
      const generator = generatorIn(context.file, hook.resource);
      if (!generator || hasLookup(context.file)) continue;
      context.report({
        range: hook.hookEntry.value.range,
        message: `${each} generates new values for this Secret: as a hook whose data comes from ${generator}, it is deleted and created again.`,
        help:
          `Hook it on pre-install only, make it a normal release resource, or keep existing values with lookup. ${how} ` +
          'with newly generated values: passwords, keys and certificates change while stored data and clients still expect the old ' +
          'ones. helm.sh/resource-policy: keep does not apply to hooks.',
      });
    }
  },
});

/** The first generating function in the document, or in a variable assigned before it in the same file. */
function generatorIn(file: TemplateFile, resource: ResourceDocument): string | undefined {
  for (const action of file.scan.actions) {
    if (action.kind === 'comment' || action.range.start >= resource.range.end) continue;
    const inner = file.text.slice(action.inner.start, action.inner.end);
    const inDocument = action.range.start >= resource.range.start;
    if (!inDocument && !inner.includes(':=')) continue;
    const match = GENERATORS.exec(inner);
    if (match) return match[0];
  }
  return undefined;
}

function hasLookup(file: TemplateFile): boolean {
  return file.scan.actions.some((action) => action.kind !== 'comment' && LOOKUP.test(file.text.slice(action.inner.start, action.inner.end)));
}
