import type { ChartObject } from './support/chart-objects';
import { deletedAfterSuccess, describeObject } from './support/dependency-helpers';
import {
  INSTALL_EVENTS,
  isCertainHook,
  isCertainReleaseResource,
  readsOf,
  sameObjects,
  UPGRADE_EVENTS,
} from './support/hook-objects';
import { DocumentWalker } from './support/lifecycle-helpers';
import type { PodReference } from './support/pod-references';
import { shown } from './support/helpers';
import { defineRule } from './rule';

export const staleInstallHook = defineRule({
  id: 'stale-install-hook',
  defaultSeverity: 'warning',
  summary:
    'An object hooked only on install (or only on upgrade) that a release resource reads: upgrades never update it, or an install never creates it.',
  fixable: false,
  messages: {
    notUpgraded: 'helm upgrade never updates {{what}}, which {{reader}} reads: {{only}}.',
    notInstalled: 'A fresh install never creates {{what}}, which {{reader}} reads: {{only}}.',
  },
  target: 'helm',
  docs: {
    description:
      'A ConfigMap or Secret is often made a `pre-install` hook so that it exists before anything else. If a release ' +
      "resource (a Deployment's `envFrom`, a volume, `serviceAccountName`, `imagePullSecrets`…) reads it, every later " +
      'change to it in the chart is lost: `helm upgrade` runs only `pre-upgrade` and `post-upgrade` hooks and the object ' +
      'is not a release resource, so the cluster keeps what the first install wrote. The other way round, an object ' +
      'hooked on `pre-upgrade` only does not exist after a fresh install (or `helm upgrade --install` of a new release), ' +
      'and the pods that need it cannot start until the first upgrade. Hook such objects on both ' +
      '(`pre-install,pre-upgrade`), or make them normal release resources, which Helm creates before the workloads ' +
      'that read them anyway. Not reported for PersistentVolumeClaims (a `pre-install` claim is the usual way to keep ' +
      'data), for objects whose content is generated or looked up (a password made once with `randAlphaNum` is meant ' +
      'to stay), for objects another document of the same name updates on the other path, for objects `hook-succeeded` ' +
      'deletes, and for objects or readers that come from subcharts or whose names are not certain.',
    helmFact:
      '`helm install` runs the `pre-install`/`post-install` hooks and `helm upgrade` the `pre-upgrade`/`post-upgrade` ' +
      'ones (Helm v4.1.4 [pkg/action/install.go `performInstall`](https://github.com/helm/helm/blob/v4.1.4/pkg/action/install.go), ' +
      '[pkg/action/upgrade.go `releasingUpgrade`](https://github.com/helm/helm/blob/v4.1.4/pkg/action/upgrade.go); each ' +
      'selects the hooks whose events contain its event in [pkg/action/hooks.go `execHookWithDelayedShutdown`](https://github.com/helm/helm/blob/v4.1.4/pkg/action/hooks.go); ' +
      'v3.18.0 [pkg/action/hooks.go `execHook`](https://github.com/helm/helm/blob/v3.18.0/pkg/action/hooks.go)). Hooks are ' +
      'kept out of the manifest that upgrade applies ([pkg/release/v1/util/manifest_sorter.go `SortManifests`](https://github.com/helm/helm/blob/v4.1.4/pkg/release/v1/util/manifest_sorter.go)); ' +
      '`helm install --dry-run=client -o json` shows the hook with only its install events (test/differential). Users ' +
      'meeting it: [rancher/rancher#31351](https://github.com/rancher/rancher/issues/31351) (a hooked ConfigMap not updated), ' +
      '[helm/charts#14447](https://github.com/helm/charts/pull/14447) (a pre-install ConfigMap missing after ' +
      '`upgrade --install`).',
    bad: [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: {{ .Release.Name }}-config',
      '  annotations:',
      '    helm.sh/hook: pre-install',
      '    helm.sh/hook-weight: "-5"',
      'data:',
      '  LOG_LEVEL: info',
      '---',
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: {{ .Release.Name }}-app',
      'spec:',
      '  selector:',
      '    matchLabels: {app: web}',
      '  template:',
      '    metadata:',
      '      labels: {app: web}',
      '    spec:',
      '      containers:',
      '        - name: app',
      '          image: nginx:1.27',
      '          envFrom:',
      '            - configMapRef:',
      '                name: {{ .Release.Name }}-config',
    ].join('\n'),
    good: [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: {{ .Release.Name }}-config',
      '  annotations:',
      '    helm.sh/hook: pre-install,pre-upgrade',
      '    helm.sh/hook-weight: "-5"',
      'data:',
      '  LOG_LEVEL: info',
      '---',
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: {{ .Release.Name }}-app',
      'spec:',
      '  selector:',
      '    matchLabels: {app: web}',
      '  template:',
      '    metadata:',
      '      labels: {app: web}',
      '    spec:',
      '      containers:',
      '        - name: app',
      '          image: nginx:1.27',
      '          envFrom:',
      '            - configMapRef:',
      '                name: {{ .Release.Name }}-config',
    ].join('\n'),
  },
  checkChart(context) {
    // A render stands for the operations whose events it holds: whether an upgrade runs the hook is certain only in
    // a render of upgrade, whether an install creates it only in a render of install.
    const seesInstall = INSTALL_EVENTS.every((event) => context.events.has(event));
    const seesUpgrade = UPGRADE_EVENTS.every((event) => context.events.has(event));
    for (const target of context.objects) {
      if (!isCertainHook(target) || target.kind === 'PersistentVolumeClaim' || deletedAfterSuccess(target)) continue;
      // Content we cannot know (randAlphaNum, genCA, lookup…) is often made once on purpose: what stateful-hook advises.
      if (new DocumentWalker(target.file).isTemplated(target.resource.range)) continue;
      const { same, uncertain } = sameObjects(context.objects, target);
      if (uncertain || same.some((object) => !object.hook)) continue;
      const events = new Set([target, ...same].flatMap((object) => object.hook!.events));
      const installs = INSTALL_EVENTS.some((event) => events.has(event));
      const upgrades = UPGRADE_EVENTS.some((event) => events.has(event));
      if (installs === upgrades) continue;
      const stale = installs && seesUpgrade;
      const missing = upgrades && seesInstall;
      if (!stale && !missing) continue;
      const readers = releaseReaders(context.objects, target, missing);
      if (readers.length === 0) continue;
      const [first] = readers;
      const own = [...new Set(target.hook.events)];
      const what = `this ${shown(target.kind, 30)}`;
      const reader = describeObject(first!.reader, 30);
      const only =
        own.length === 1
          ? `it is a ${own[0]} hook only`
          : `it has no ${stale ? 'pre-upgrade or post-upgrade' : 'pre-install or post-install'} event`;
      const related = readers.map(({ reader, reference }) => ({
        object: reader,
        range: reference.range,
        message: `${describeObject(reader)} reads it here (${reference.field})`,
      }));
      if (stale) {
        context.report({
          object: target,
          range: target.hook.hookValueRange,
          messageId: 'notUpgraded',
          data: { what, reader, only },
          help:
            `Hook it on pre-upgrade as well (e.g. "pre-install,pre-upgrade"), or make it a normal release resource. helm upgrade ` +
            `runs only pre-upgrade and post-upgrade hooks, and a hook is not a release resource, so changes to ${what} in the ` +
            `chart never reach the cluster: ${describeObject(first!.reader)} keeps reading what the first install wrote.`,
          related,
        });
      } else {
        context.report({
          object: target,
          range: target.hook.hookValueRange,
          messageId: 'notInstalled',
          data: { what, reader, only },
          help:
            `Hook it on pre-install as well (e.g. "pre-install,pre-upgrade"), or make it a normal release resource. helm install ` +
            `(and helm upgrade --install of a new release) runs only pre-install and post-install hooks, so after an install ` +
            `${describeObject(first!.reader)} waits for ${what} (${first!.reference.field}) until the first upgrade.`,
          related,
        });
      }
    }
  },
});

/**
 * The chart's own release resources whose pods read `target`, each with its first reference. `blockingOnly`: only
 * references a pod cannot start without (an optional reference may mean to do without the object).
 */
function releaseReaders(
  objects: readonly ChartObject[],
  target: ChartObject,
  blockingOnly: boolean,
): { reader: ChartObject; reference: PodReference }[] {
  const readers: { reader: ChartObject; reference: PodReference }[] = [];
  for (const reader of objects) {
    if (!isCertainReleaseResource(reader)) continue;
    const reference = readsOf(reader, target).find((candidate) => !blockingOnly || candidate.blocking);
    if (reference) readers.push({ reader, reference });
  }
  return readers;
}
