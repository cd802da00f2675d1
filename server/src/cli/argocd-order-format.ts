import { ARGOCD_SOURCE } from '../engine/deployers/argocd';
import type { ArgoOrderJson, ArgoOrderObjectJson } from '../engine/order/argocd-order';

const PHASE_NOTES: Record<string, string> = {
  PreSync: 'before the resources, on every sync',
  Sync: 'the resources the Application manages, and Sync hooks',
  PostSync: 'after every sync whose resources became healthy',
  SyncFail: 'only when the sync fails',
};

function object(entry: ArgoOrderObjectJson): string {
  const what = entry.hook
    ? `hook (${entry.eventsFrom === 'argocd' ? 'argocd.argoproj.io/hook' : 'helm.sh/hook'})${entry.deleted ? `, ${entry.deleted}` : ''}`
    : 'resource';
  return `${entry.kind ?? '?'} ${entry.name ?? '?'}  ${entry.file}:${entry.line}  ${what}`;
}

/** `helm-hooks order --target argocd` as text: the sync's phases and waves, the deletion, and what is never applied. */
export function formatArgoOrderText(order: ArgoOrderJson, view: 'evaluated' | 'as-written'): string {
  const source =
    view === 'evaluated'
      ? `rendered as helm template renders it for Argo CD (release ${order.releaseName})`
      : 'as written';
  const out: string[] = [
    `Chart ${order.chart}: the sync as Argo CD runs it, ${source}`,
    `Argo CD ${ARGOCD_SOURCE.version}: every sync runs these steps, install or upgrade alike; each wave's objects are applied`,
    'together, kind by kind, and the next wave waits for its hooks to finish.',
  ];
  if (order.hooksOnly) {
    out.push(
      '',
      'Every object is a hook: Argo CD leaves hooks out of the sync status, so the Application is always Synced and',
      'automated sync never runs them (Argo CD issues #7237, #22694).',
    );
  }
  for (const { phase, waves } of order.sync) {
    if (waves.length === 0) {
      out.push('', `${phase}: nothing (${PHASE_NOTES[phase]})`);
      continue;
    }
    out.push('', `${phase} (${PHASE_NOTES[phase]})`);
    for (const { wave, objects } of waves) {
      out.push(`  wave ${wave}`);
      for (const entry of objects) out.push(`    ${object(entry)}`);
    }
  }
  out.push('', 'When the Application is deleted');
  for (const { phase, objects } of order.deletion.phases) {
    const note =
      phase === 'PreDelete'
        ? 'created together, before its resources are deleted'
        : 'created together, after its resources are deleted';
    if (objects.length === 0) out.push(`  ${phase}: nothing`);
    else {
      out.push(`  ${phase} (${note})`);
      for (const entry of objects) out.push(`    ${object(entry)}`);
    }
  }
  for (const entry of order.deletion.kept)
    out.push(`  kept: ${entry.kind ?? '?'} ${entry.name ?? '?'}  ${entry.file}:${entry.line}  ${entry.why}`);
  if (order.skipped.length > 0) {
    out.push('', 'Never applied by a sync');
    for (const entry of order.skipped)
      out.push(`  ${entry.kind ?? '?'} ${entry.name ?? '?'}  ${entry.file}:${entry.line}  ${entry.why}`);
  }
  if (order.unknown.length > 0) {
    out.push('', 'Unknown (not placed above)');
    for (const entry of order.unknown) out.push(`  ${entry.file}:${entry.line}  ${entry.reason}`);
  }
  return `${out.join('\n')}\n`;
}
