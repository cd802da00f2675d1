import type { HookEvent } from '../model/hook';
import { deletedWhen } from '../order/order';
import type { ChartObject, ChartRuleContext } from './support/chart-objects';
import { fromSubchart, listEvents, UPGRADE_EVENTS } from './support/hook-objects';
import type { MessageById, MessageData } from './rule';
import { defineRule } from './rule';

const WORKLOAD_KINDS: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);

export const workloadAsHook = defineRule({
  id: 'workload-as-hook',
  defaultSeverity: 'warning',
  summary:
    'Deployment, StatefulSet, DaemonSet or ReplicaSet as a hook: not part of the release, so upgrades and uninstall pass it by.',
  fixable: false,
  messages: {
    deletedAfterEvent:
      'Helm deletes this {{kind}} as soon as its {{event}} hooks have succeeded: as a hook, it does not run past its event.',
    deletedAfterEvents:
      'Helm deletes this {{kind}} as soon as its event has succeeded: as a hook, it does not run past its event.',
    neverUpgraded:
      'helm upgrade never updates this {{kind}}, and helm uninstall leaves it running: as a {{event}} hook, it is not part of the release.',
    neverUpgradedEvents:
      'helm upgrade never updates this {{kind}}, and helm uninstall leaves it running: as a hook, it is not part of the release.',
    recreatedOnUpgrade:
      'Every upgrade deletes and re-creates this {{kind}}, and helm uninstall leaves it running: as a hook, it is not part of the release.',
    leftRunning: 'helm uninstall leaves this {{kind}} running: as a {{event}} hook, it is not part of the release.',
    leftRunningEvents: 'helm uninstall leaves this {{kind}} running: as a hook, it is not part of the release.',
  },
  target: 'helm',
  docs: {
    description:
      'A hook is not a resource of the release: Helm keeps it apart from the manifest, applies it only when one of its ' +
      'own events runs, and never deletes it on `helm uninstall`. Charts sometimes make a database, a cache or an object ' +
      "store a `pre-install` hook so that it starts before the rest. It then runs on after install as nobody's object: " +
      '`helm upgrade` does not run `pre-install` hooks, so a new image or setting in the chart never reaches it; ' +
      '`helm uninstall` leaves it running; `helm get manifest` does not show it. On an upgrade event, the default ' +
      "`before-hook-creation` deletes and re-creates it on every upgrade (downtime, and a StatefulSet's pods start " +
      'over); with `hook-succeeded` Helm deletes it as soon as its event succeeded. Helm does not even wait for it to be ' +
      'ready: only Job and Pod hooks are waited for. Make it a normal release resource, and order start-up with init ' +
      "containers or readiness probes in the objects that need it. The message follows the hook's events and delete " +
      'policy; hooks of subcharts are left alone.',
    helmFact:
      'Hooks are sorted out of the manifest and stored apart in the release (Helm v4.1.4 ' +
      '[pkg/release/v1/util/manifest_sorter.go `SortManifests`](https://github.com/helm/helm/blob/v4.1.4/pkg/release/v1/util/manifest_sorter.go); ' +
      'v3.18.0 [pkg/releaseutil/manifest_sorter.go](https://github.com/helm/helm/blob/v3.18.0/pkg/releaseutil/manifest_sorter.go)). ' +
      'Each command runs only the hooks of its own events ' +
      '([pkg/action/hooks.go `execHookWithDelayedShutdown`](https://github.com/helm/helm/blob/v4.1.4/pkg/action/hooks.go)), and ' +
      "uninstall deletes only the manifest's resources ([pkg/action/uninstall.go `deleteRelease`](https://github.com/helm/helm/blob/v4.1.4/pkg/action/uninstall.go)). " +
      'The hook watcher waits only for Jobs and Pods; any other kind is ready once it exists ' +
      '([pkg/kube/statuswait.go `WatchUntilReady`](https://github.com/helm/helm/blob/v4.1.4/pkg/kube/statuswait.go)). ' +
      '`helm install --dry-run=client -o json` lists such a Deployment under `hooks`, not in `manifest` (test/differential). ' +
      'Users meeting it: [helm/helm#9632](https://github.com/helm/helm/issues/9632) (a pre-install MySQL Deployment left by ' +
      'uninstall), [helm/helm#12799](https://github.com/helm/helm/issues/12799) (a Deployment made a hook disappears on upgrade), ' +
      '[helm/helm#2710](https://github.com/helm/helm/issues/2710) (a StatefulSet hook left after delete).',
    bad: [
      'apiVersion: apps/v1',
      'kind: StatefulSet',
      'metadata:',
      '  name: {{ .Release.Name }}-db',
      '  annotations:',
      '    helm.sh/hook: pre-install',
      'spec:',
      '  serviceName: {{ .Release.Name }}-db',
      '  selector:',
      '    matchLabels: {app: db}',
      '  template:',
      '    metadata:',
      '      labels: {app: db}',
      '    spec:',
      '      containers:',
      '        - name: db',
      '          image: postgres:16.4',
    ].join('\n'),
    good: [
      'apiVersion: apps/v1',
      'kind: StatefulSet',
      'metadata:',
      '  name: {{ .Release.Name }}-db',
      'spec:',
      '  serviceName: {{ .Release.Name }}-db',
      '  selector:',
      '    matchLabels: {app: db}',
      '  template:',
      '    metadata:',
      '      labels: {app: db}',
      '    spec:',
      '      containers:',
      '        - name: db',
      '          image: postgres:16.4',
    ].join('\n'),
  },
  checkChart(context) {
    for (const object of context.objects) {
      const hook = object.hook;
      if (!hook || !object.kind || !WORKLOAD_KINDS.has(object.kind) || fromSubchart(object)) continue;
      context.report({ object, range: hook.hookValueRange, ...explain(object, context) });
    }
  },
});

/** The message and help for a workload hook: what happens to it follows its events and its delete policy. */
function explain(object: ChartObject, context: ChartRuleContext): MessageById & { help: string } {
  const hook = object.hook!;
  const kind = object.kind!;
  const events = [...new Set(hook.events)];
  const shown = listEvents(events);
  // One event is named in the message; several are named in the help.
  const one = events.length === 1;
  const data: MessageData = one ? { kind, event: events[0]! } : { kind };
  // Undefined when the policy is templated: no claim about deletion is made then.
  const deleted = hook.deleted === undefined ? undefined : deletedWhen(kind, hook.deletePolicies);
  const fix =
    `Make it a normal release resource: remove its helm.sh/hook annotations, and order start-up with init containers or ` +
    `readiness probes in the objects that need it.`;
  const notWaited = `Helm does not wait for a ${kind} hook to become ready (only Jobs and Pods are waited for).`;
  const notRelease = `As a hook it is not part of the release: helm get manifest does not show it, and helm uninstall never deletes it.`;
  if (deleted === 'after-event-success' || deleted === 'after-event-success-or-failure') {
    return {
      messageId: one ? 'deletedAfterEvent' : 'deletedAfterEvents',
      data,
      help: `${fix} Its hook-succeeded policy deletes it once every hook of its event (${shown}) has succeeded. ${notWaited}`,
    };
  }
  const seesUpgrade = UPGRADE_EVENTS.every((event) => context.events.has(event));
  const upgrades = events.filter((event) => (UPGRADE_EVENTS as readonly HookEvent[]).includes(event));
  const recreated = deleted === 'before-next-run' && upgrades.length > 0;
  if (seesUpgrade && upgrades.length === 0) {
    return {
      messageId: one ? 'neverUpgraded' : 'neverUpgradedEvents',
      data,
      help: `${fix} helm upgrade runs only pre-upgrade and post-upgrade hooks, so changes to it in the chart never reach the cluster. ${notRelease} ${notWaited}`,
    };
  }
  if (recreated) {
    return {
      messageId: 'recreatedOnUpgrade',
      data: { kind },
      help:
        `${fix} ${hook.deletePolicies === undefined ? 'The default delete policy, before-hook-creation,' : 'Its before-hook-creation policy'} deletes ` +
        `it just before each ${listEvents(upgrades)} creates it again: its pods stop and start over. ${notRelease} ${notWaited}`,
    };
  }
  return {
    messageId: one ? 'leftRunning' : 'leftRunningEvents',
    data,
    help: `${fix} Helm applies it only when ${one ? 'its event runs' : 'one of its events runs'}. ${notRelease} ${notWaited}`,
  };
}
