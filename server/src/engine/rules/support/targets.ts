import { ARGOCD_SYNC_WAVE_KEY } from '../../deployers/argocd';
import type { DeployTarget } from '../../deployers/targets';
import { DEFAULT_TARGETS } from '../../deployers/targets';
import type { MappingModel } from '../../model/document';
import { lastEntry } from '../../model/document';
import { goAtoi } from '../../model/scalar';

/** Only Argo CD deploys the chart: Helm renders it (`helm template`) but never runs its hooks. */
export function argoCdOnly(targets: readonly DeployTarget[] | undefined): boolean {
  return !(targets ?? DEFAULT_TARGETS).includes('helm');
}

/**
 * The annotations certainly give `argocd.argoproj.io/sync-wave` a value `strconv.Atoi` reads: Argo CD then takes the
 * wave from it and never reads `helm.sh/hook-weight` (gitops-engine/pkg/sync/syncwaves/waves.go:12-21).
 */
export function hasArgoSyncWave(annotations: MappingModel | undefined): boolean {
  const value = lastEntry(annotations, ARGOCD_SYNC_WAVE_KEY)?.value;
  if (!value || value.kind !== 'scalar' || value.templated || value.kubeType !== 'string') return false;
  return goAtoi(value.decoded ?? '') !== undefined;
}
