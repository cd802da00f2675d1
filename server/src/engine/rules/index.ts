import { unknownHookEvent } from './unknown-hook-event';
import { duplicateHookEvent } from './duplicate-hook-event';
import { unquotedHookWeight } from './unquoted-hook-weight';
import { invalidHookWeight } from './invalid-hook-weight';
import { unknownDeletePolicy } from './unknown-delete-policy';
import { duplicateDeletePolicy } from './duplicate-delete-policy';
import { unknownOutputLogPolicy } from './unknown-output-log-policy';
import { nonStringAnnotation } from './non-string-annotation';
import { unknownHelmAnnotation } from './unknown-helm-annotation';
import { orphanHookAnnotation } from './orphan-hook-annotation';
import { misplacedHookAnnotation } from './misplaced-hook-annotation';
import { unclosedTemplateAction } from './unclosed-template-action';
import { invalidYaml } from './invalid-yaml';
import { hookDependencyUnavailable } from './hook-dependency-unavailable';
import { hookDependencyOrder } from './hook-dependency-order';
import { hookRecreateConflict } from './hook-recreate-conflict';
import { statefulHook } from './stateful-hook';
import { hookLeftBehind } from './hook-left-behind';
import { jobRestartPolicy } from './job-restart-policy';
import { hookJobUnbounded } from './hook-job-unbounded';
import { unpinnedHookImage } from './unpinned-hook-image';
import { inlineSecretInHook } from './inline-secret-in-hook';
import { testHookNotPod } from './test-hook-not-pod';
import { crdHook } from './crd-hook';
import { hookFixedName } from './hook-fixed-name';
import { staleInstallHook } from './stale-install-hook';
import { workloadAsHook } from './workload-as-hook';
import { duplicateHookName } from './duplicate-hook-name';
import { argocdEverySyncHook } from './argocd-every-sync-hook';
import { argocdIgnoredHook } from './argocd-ignored-hook';
import { argocdMixedHookAnnotations } from './argocd-mixed-hook-annotations';
import { argocdInstallRender } from './argocd-install-render';
import { argocdHookNotRerun } from './argocd-hook-not-rerun';
import { missingChartDependency } from './missing-chart-dependency';
import type { Rule } from './rule';

/**
 * The hook lifecycle rules, which read what a hook meets when it runs, in the README table's order. Those with `check`
 * read each template as written and each document as evaluated; those with `checkChart` read the whole chart as
 * evaluated.
 */
export const LIFECYCLE_RULES: readonly Rule[] = [
  hookDependencyUnavailable,
  hookDependencyOrder,
  hookRecreateConflict,
  statefulHook,
  hookLeftBehind,
  jobRestartPolicy,
  hookJobUnbounded,
  unpinnedHookImage,
  inlineSecretInHook,
  testHookNotPod,
  crdHook,
  hookFixedName,
  staleInstallHook,
  workloadAsHook,
  duplicateHookName,
];

/** The deployer rules: each checks what a deployer other than Helm does, and runs only for its target. */
export const DEPLOYER_RULES: readonly Rule[] = [
  argocdEverySyncHook,
  argocdIgnoredHook,
  argocdMixedHookAnnotations,
  argocdInstallRender,
  argocdHookNotRerun,
];

/** Every rule: annotations, lifecycle, deployers, Chart.yaml; the README's rule table is generated from this list. */
export const ALL_RULES: readonly Rule[] = [
  unknownHookEvent,
  duplicateHookEvent,
  unquotedHookWeight,
  invalidHookWeight,
  unknownDeletePolicy,
  duplicateDeletePolicy,
  unknownOutputLogPolicy,
  nonStringAnnotation,
  unknownHelmAnnotation,
  orphanHookAnnotation,
  misplacedHookAnnotation,
  unclosedTemplateAction,
  invalidYaml,
  ...LIFECYCLE_RULES,
  ...DEPLOYER_RULES,
  missingChartDependency,
];

export function ruleById(id: string): Rule | undefined {
  return ALL_RULES.find((rule) => rule.id === id);
}
