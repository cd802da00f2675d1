import { isScalar } from '../../core/yaml-nodes';
import type { ResourceDocument } from '../../model/document';
import { resolvePlainScalar } from '../../model/scalar';
import type { TextRange } from '../../core/text';
import type { BlockMap, DocumentWalker } from './lifecycle-helpers';
import { containersOf, podSpecOf } from './lifecycle-helpers';

/** The kinds of object a pod reads by name from its own namespace. */
export type ReferencedKind = 'Secret' | 'ConfigMap' | 'ServiceAccount' | 'PersistentVolumeClaim';

/** One object a pod spec names, with where the name is written. */
export interface PodReference {
  kind: ReferencedKind;
  name: string;
  /** The name's scalar. */
  range: TextRange;
  /** Where in the pod spec, for messages: `env secretKeyRef`, `volume "data"`, `serviceAccountName`. */
  field: string;
  /**
   * The pod cannot start while the object is missing: a non-optional env reference or volume, or the service account
   * (the API refuses to create the pod). A missing image pull secret only fails a pull that needs it.
   */
  blocking: boolean;
}

/**
 * What a workload's pod spec reads by name: env `secretKeyRef`/`configMapKeyRef`, `envFrom`, volumes (secret,
 * configMap, projected sources, persistentVolumeClaim), `serviceAccountName` and `imagePullSecrets`. Only literal
 * names are listed; a name built by template output we cannot see is left out.
 */
export function podReferences(
  walker: DocumentWalker,
  resource: ResourceDocument,
  kind: string | undefined,
): PodReference[] {
  const podSpec = podSpecOf(walker, resource, kind);
  if (!podSpec) return [];
  const references: PodReference[] = [];
  const add = (node: unknown, referenced: ReferencedKind, field: string, optional: boolean) => {
    const name = walker.literal(node);
    if (!name || name.text.trim() === '') return;
    references.push({ kind: referenced, name: name.text, range: name.range, field, blocking: !optional });
  };
  for (const container of containersOf(walker, podSpec)) {
    for (const item of itemsUnder(walker, container, 'env')) {
      const valueFrom = walker.childMap(item, 'valueFrom');
      if (!valueFrom) continue;
      for (const [key, referenced] of [
        ['secretKeyRef', 'Secret'],
        ['configMapKeyRef', 'ConfigMap'],
      ] as const) {
        const ref = walker.childMap(valueFrom, key);
        if (ref) add(walker.entry(ref, 'name')?.node, referenced, `env ${key}`, isOptional(walker, ref));
      }
    }
    for (const item of itemsUnder(walker, container, 'envFrom')) {
      for (const [key, referenced] of [
        ['secretRef', 'Secret'],
        ['configMapRef', 'ConfigMap'],
      ] as const) {
        const ref = walker.childMap(item, key);
        if (ref) add(walker.entry(ref, 'name')?.node, referenced, `envFrom ${key}`, isOptional(walker, ref));
      }
    }
  }
  for (const volume of itemsUnder(walker, podSpec, 'volumes')) {
    const volumeName = walker.literal(walker.entry(volume, 'name')?.node)?.text;
    const field = volumeName ? `volume "${volumeName}"` : 'volume';
    const secret = walker.childMap(volume, 'secret');
    if (secret) add(walker.entry(secret, 'secretName')?.node, 'Secret', field, isOptional(walker, secret));
    const configMap = walker.childMap(volume, 'configMap');
    if (configMap) add(walker.entry(configMap, 'name')?.node, 'ConfigMap', field, isOptional(walker, configMap));
    const claim = walker.childMap(volume, 'persistentVolumeClaim');
    if (claim) add(walker.entry(claim, 'claimName')?.node, 'PersistentVolumeClaim', field, false);
    const projected = walker.childMap(volume, 'projected');
    if (projected) {
      for (const source of itemsUnder(walker, projected, 'sources')) {
        for (const [key, referenced] of [
          ['secret', 'Secret'],
          ['configMap', 'ConfigMap'],
        ] as const) {
          const ref = walker.childMap(source, key);
          if (ref)
            add(walker.entry(ref, 'name')?.node, referenced, `${field} (projected ${key})`, isOptional(walker, ref));
        }
      }
    }
  }
  // serviceAccount is the deprecated alias the API still honours when serviceAccountName is absent.
  const account = walker.entry(podSpec, 'serviceAccountName') ?? walker.entry(podSpec, 'serviceAccount');
  if (account) add(account.node, 'ServiceAccount', 'serviceAccountName', false);
  for (const item of itemsUnder(walker, podSpec, 'imagePullSecrets')) {
    const entry = walker.entry(item, 'name');
    const name = walker.literal(entry?.node);
    if (name && name.text.trim() !== '')
      references.push({
        kind: 'Secret',
        name: name.text,
        range: name.range,
        field: 'imagePullSecrets',
        blocking: false,
      });
  }
  return references;
}

function itemsUnder(walker: DocumentWalker, map: BlockMap, key: string): BlockMap[] {
  const entry = walker.entry(map, key);
  return entry ? walker.seqMaps(entry).items : [];
}

/** `optional: true` as Kubernetes decodes it (go-yaml v2: `true`, `yes`, `on`…); templated counts as optional too. */
function isOptional(walker: DocumentWalker, map: BlockMap): boolean {
  const entry = walker.entry(map, 'optional');
  if (!entry) return false;
  if (walker.isOpaque(entry)) return true;
  const node = entry.node;
  if (!isScalar(node) || node.type !== 'PLAIN') return false;
  const resolved = resolvePlainScalar(String(walker.literal(node)?.text ?? ''));
  return resolved.type === 'bool' && resolved.bool === true;
}
