import type { HookEvent } from '../model/hook';

/**
 * What Helm does with each annotation and value, in the user's words, for completion documentation and hovers
 * (each rule's docs link the Helm source behind it; the hook code is https://github.com/helm/helm/blob/v4.1.4/pkg/action/hooks.go).
 */
export const EVENT_FACTS: Readonly<Record<HookEvent, string>> = {
  'pre-install':
    "Runs on `helm install`, after the templates render and the `crds/` CRDs are installed, before any release resource is created: none of the chart's other resources exist yet.",
  'post-install':
    'Runs on `helm install`, after every release resource has been created (and is ready, with `--wait`).',
  'pre-delete': 'Runs on `helm uninstall`, before any release resource is deleted.',
  'post-delete':
    'Runs on `helm uninstall`, after the delete requests: release resources are deleted or still terminating, except those with `helm.sh/resource-policy: keep`.',
  'pre-upgrade': "Runs on `helm upgrade`, before the update: the previous revision's resources are in the cluster.",
  'post-upgrade':
    "Runs on `helm upgrade`, after the update: the new revision's resources exist and removed ones are deleted.",
  'pre-rollback':
    'Runs on `helm rollback`, before the rollback; the hooks come from the target revision, not the current chart.',
  'post-rollback': 'Runs on `helm rollback`, after the rollback; the hooks come from the target revision.',
  test: 'Runs only on `helm test`, against the deployed release. `helm test --logs` reads the logs of every test hook as a Pod.',
};

export const DELETE_POLICY_FACTS: Readonly<Record<string, string>> = {
  'before-hook-creation':
    'Helm deletes the previous object of this hook just before creating it again (the default when the annotation is absent).',
  'hook-succeeded': 'Helm deletes the hook after every hook of the event has succeeded, in reverse order.',
  'hook-failed': 'Helm deletes the hook right after it fails.',
};

export const OUTPUT_LOG_POLICY_FACTS: Readonly<Record<string, string>> = {
  'hook-succeeded': "Helm prints the hook's container logs after the event's hooks succeed (Job and Pod hooks only).",
  'hook-failed': "Helm prints the hook's container logs when it fails (Job and Pod hooks only).",
};

export const KEY_FACTS: Readonly<Record<string, string>> = {
  'helm.sh/hook':
    'Makes this object a hook: Helm does not install it with the release but creates it at the listed events (comma-separated), ' +
    'waits for a Job to complete or a Pod to succeed, and fails the release if it fails. Any unknown event drops the whole ' +
    'object from the release without an error. Hook objects are not part of the release: `helm uninstall` leaves them behind ' +
    'unless a delete policy removes them.',
  'helm.sh/hook-weight':
    'Orders the hooks of one event: Helm sorts by weight (ascending), then by `metadata.name` byte-wise, then by kind. ' +
    'Helm reads it with `strconv.Atoi`; anything else (`"5.0"`, `" 5"`) silently becomes 0. The value must be a quoted ' +
    'string: an unquoted number makes Kubernetes reject the object at install.',
  'helm.sh/hook-delete-policy':
    'When Helm deletes the hook object: `before-hook-creation` (the default when absent), `hook-succeeded`, `hook-failed`, ' +
    'comma-separated. Any value, even an unknown one, replaces the default.',
  'helm.sh/hook-output-log-policy':
    "Whether Helm prints the hook's container logs: `hook-succeeded`, `hook-failed` (Helm 3.18+ and 4; Job and Pod hooks only). " +
    'Without it Helm prints no hook logs.',
  'helm.sh/resource-policy':
    '`keep` stops `helm uninstall` (and an upgrade that drops the object) from deleting this release resource. It has no ' +
    'effect on hooks: their delete policies still apply.',
};

export const RESOURCE_POLICY_VALUES: Readonly<Record<string, string>> = {
  keep: '`helm uninstall` leaves this resource in the cluster; it is no longer managed by the release.',
};
