import type { ArgoHookView } from './support/argocd-hooks';
import { argoHookViews, listed } from './support/argocd-hooks';
import { DELETE_POLICY_KEY } from '../model/hook';
import type { SyncPhase } from '../deployers/argocd';
import {
  annotationItems,
  ARGOCD_HOOK_DELETE_POLICY_KEY,
  ARGOCD_HOOK_KEY,
  argoDeletePolicies,
  argoHookTypes,
  argoPhaseOfHelmEvent,
  describeArgoDeletion,
  SYNC_PHASES,
} from '../deployers/argocd';
import { formatMessage } from './messages';
import type { MessageData } from './rule';
import { defineRule } from './rule';

const RULE_ID = 'argocd-mixed-hook-annotations';

const MESSAGES = {
  helmDeletePolicyAdded: 'Argo CD also applies helm.sh/hook-delete-policy here: this hook is {{deletion}}.',
  deletionHookFromHelm:
    "Argo CD also runs this object when the Application is deleted, from helm.sh/hook's {{events}}.",
  argoPhaseWins:
    'Argo CD runs this hook at {{argoPhases}}, not at {{helmPhases}} as helm.sh/hook says: its own annotation wins.',
} as const;

interface Surprise {
  messageId: keyof typeof MESSAGES;
  data: MessageData;
  why: string;
}

/** What Argo CD still reads of Helm's annotations on an object whose `argocd.argoproj.io/hook` it knows. */
function surprises(view: ArgoHookView): Surprise[] {
  const found: Surprise[] = [];
  const argoItems = argoHookTypes(view.annotation);
  // The Argo CD policies alone, as the author may expect them (the docs say Helm's annotations are then ignored).
  const ownPolicies = argoDeletePolicies((key) => (key === DELETE_POLICY_KEY ? undefined : view.annotation(key)));
  const policies = view.plan.deletePolicies;
  if (view.annotation(DELETE_POLICY_KEY) !== undefined && policies.some((policy) => !ownPolicies.includes(policy))) {
    // delete_policy.go DeletePolicies: BeforeHookCreation only when neither annotation names a policy.
    const joined =
      view.annotation(ARGOCD_HOOK_DELETE_POLICY_KEY) !== undefined
        ? 'adds the policies of helm.sh/hook-delete-policy to its own'
        : 'takes the policies of helm.sh/hook-delete-policy instead of its default BeforeHookCreation';
    found.push({
      messageId: 'helmDeletePolicyAdded',
      data: { deletion: describeArgoDeletion(policies) },
      why: `Argo CD ${joined} (Argo CD issue #15613).`,
    });
  }
  const deletion = (['pre-delete', 'post-delete'] as const).filter(
    (event) =>
      view.helmItems.includes(event) &&
      !annotationItems(view.annotation(ARGOCD_HOOK_KEY)).includes(argoPhaseOfHelmEvent(event)!),
  );
  if (deletion.length > 0) {
    found.push({
      messageId: 'deletionHookFromHelm',
      data: { events: listed(deletion) },
      why: 'Argo CD runs PreDelete and PostDelete hooks from either annotation, whatever the other one says.',
    });
  }
  const helmPhases = SYNC_PHASES.filter((phase) => view.helmItems.some((item) => argoPhaseOfHelmEvent(item) === phase));
  const argoPhases = SYNC_PHASES.filter((phase) => (argoItems as string[]).includes(phase));
  if (helmPhases.length > 0 && !argoItems.includes('Skip') && !samePhases(helmPhases, argoPhases)) {
    found.push({
      messageId: 'argoPhaseWins',
      data: { argoPhases: listed(argoPhases), helmPhases: listed(helmPhases) },
      why: 'On an object whose argocd.argoproj.io/hook holds a type Argo CD knows, it does not read the events of helm.sh/hook.',
    });
  }
  return found;
}

function samePhases(a: readonly SyncPhase[], b: readonly SyncPhase[]): boolean {
  return a.length === b.length && a.every((phase) => b.includes(phase));
}

export const argocdMixedHookAnnotations = defineRule({
  id: RULE_ID,
  defaultSeverity: 'warning',
  summary:
    'Helm hook annotations beside `argocd.argoproj.io/hook` that Argo CD ignores or still reads (target `argocd`).',
  fixable: false,
  messages: MESSAGES,
  target: 'argocd',
  reads: 'document',
  docs: {
    description:
      "Argo CD's docs say that Argo CD hooks make it ignore Helm's. Its code decides per object, and only in part: on an " +
      'object whose `argocd.argoproj.io/hook` holds a type it knows, the events of `helm.sh/hook` are ignored, but ' +
      "`helm.sh/hook-delete-policy` is still added to Argo CD's delete policies (a `hook-succeeded` meant for Helm " +
      'deletes the hook after every successful sync), and a `pre-delete` or `post-delete` in `helm.sh/hook` still makes ' +
      'it a PreDelete or PostDelete hook. Keep the two sets of annotations saying the same thing, or keep only one.',
    helmFact:
      "Argo CD (argoproj/argo-cd at 37ee0097cf): gitops-engine/pkg/sync/hook/hook.go:38-53 reads Helm's events only " +
      "when no Argo CD type is given; gitops-engine/pkg/sync/hook/delete_policy.go:11-25 joins both annotations' " +
      'policies; controller/hook.go:34-60 matches PreDelete/PostDelete on either annotation. Argo CD issues #1952, ' +
      '#15613, pull request #15752 (docs: "all helm hooks are ignored", [the Argo CD Helm guide, lines 528-531](https://github.com/argoproj/argo-cd/blob/37ee0097cf851bc2dd7665fc081bbce61a7e836e/docs/user-guide/helm.md#L528-L531)).',
    bad: [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: {{ .Release.Name }}-update-db',
      '  annotations:',
      '    helm.sh/hook: post-install,post-upgrade',
      '    helm.sh/hook-delete-policy: hook-succeeded',
      '    argocd.argoproj.io/hook: PreSync',
      '    argocd.argoproj.io/hook-delete-policy: BeforeHookCreation',
      'spec:',
      '  template:',
      '    spec:',
      '      restartPolicy: Never',
      '      containers:',
      '        - name: update',
      '          image: busybox:1.36',
    ].join('\n'),
    good: [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: {{ .Release.Name }}-update-db',
      '  annotations:',
      '    helm.sh/hook: pre-install,pre-upgrade',
      '    helm.sh/hook-delete-policy: before-hook-creation',
      '    argocd.argoproj.io/hook: PreSync',
      '    argocd.argoproj.io/hook-delete-policy: BeforeHookCreation',
      'spec:',
      '  template:',
      '    spec:',
      '      restartPolicy: Never',
      '      containers:',
      '        - name: update',
      '          image: busybox:1.36',
    ].join('\n'),
  },
  check(context) {
    for (const view of argoHookViews(context.file)) {
      if (view.plan.eventsFrom !== 'argocd') continue;
      const found = surprises(view);
      if (found.length === 0) continue;
      context.report({
        range: view.hook.hookEntry.value.range,
        messageId: found[0]!.messageId,
        data: found[0]!.data,
        help: [
          "Make helm.sh/hook's annotations say what argocd.argoproj.io/hook's say, or keep only one set.",
          ...found.slice(1).map((entry) => formatMessage({ id: RULE_ID, messages: MESSAGES }, entry).message),
          ...found.map((entry) => entry.why),
        ].join(' '),
      });
    }
  },
});
