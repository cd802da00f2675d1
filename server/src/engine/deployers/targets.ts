/**
 * Who deploys the chart. `helm`: `helm install`/`upgrade` run the hooks (the default). `argocd`: Argo CD renders the
 * chart with `helm template` and runs its hooks its own way (deployers/argocd.ts). A rule with a target runs only when
 * that deployer is among the targets: with `argocd` alone, the rules about Helm's own run of the hooks are silent.
 */
export const DEPLOY_TARGETS = ['helm', 'argocd'] as const;
export type DeployTarget = (typeof DEPLOY_TARGETS)[number];
export const DEFAULT_TARGETS: readonly DeployTarget[] = ['helm'];

export function isDeployTarget(value: string): value is DeployTarget {
  return (DEPLOY_TARGETS as readonly string[]).includes(value);
}
