import { parseDocument } from 'yaml';
import { CacheSlot, activeCache } from '../core/caches';

/**
 * What Helm's client-side update compares (Helm 3; Helm 4 without server-side apply): objects, not text (a comment,
 * key order or quoting that decodes to the same value changes nothing), and whether a kind is one client-go's scheme
 * knows (pkg/kube/client.go createPatch).
 */

/** The API groups of k8s.io/client-go/kubernetes/scheme (v0.33), plus apiextensions.k8s.io, which Helm registers. */
const SCHEME_GROUPS: ReadonlySet<string> = new Set([
  '',
  'admissionregistration.k8s.io',
  'internal.apiserver.k8s.io',
  'apps',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'autoscaling',
  'batch',
  'certificates.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'events.k8s.io',
  'extensions',
  'flowcontrol.apiserver.k8s.io',
  'networking.k8s.io',
  'node.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'resource.k8s.io',
  'scheduling.k8s.io',
  'storage.k8s.io',
  'storagemigration.k8s.io',
  'apiextensions.k8s.io',
]);

/** Decoded manifests, kept in the caches of the run (core/caches.ts): a simulation compares each many times. */
const DECODED = new CacheSlot<unknown>('decoded manifests', {
  maxEntries: 1000,
  maxChars: Number.POSITIVE_INFINITY,
});

/** The object a manifest decodes to (YAML 1.1, as sigs.k8s.io/yaml reads it); cached. */
function decode(manifest: string): unknown {
  const decoded = activeCache(DECODED);
  if (decoded?.has(manifest)) return decoded.get(manifest);
  const value: unknown = parseDocument(manifest, { version: '1.1', uniqueKeys: false }).toJS();
  decoded?.set(manifest, value);
  return value;
}

type JsonMap = Record<string, unknown>;

function isMap(value: unknown): value is JsonMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function equal(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((item, index) => equal(item, b[index]));
  if (isMap(a) && isMap(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => key in b && equal(a[key], b[key]));
  }
  return a === b;
}

/** A value of `modified` that `live` lacks or holds otherwise; a key only `live` has is no change. Lists compare whole. */
function changes(live: unknown, modified: unknown): boolean {
  if (!isMap(live) || !isMap(modified)) return !equal(live, modified);
  return Object.keys(modified).some((key) => !(key in live) || changes(live[key], modified[key]));
}

/** A key of `original` that `modified` no longer has, in the maps both hold. */
function drops(original: unknown, modified: unknown): boolean {
  if (!isMap(original) || !isMap(modified)) return false;
  return Object.keys(original).some((key) => !(key in modified) || drops(original[key], modified[key]));
}

/**
 * Whether strategicpatch.CreateThreeWayMergePatch(original, modified, live) — Helm's patch for a kind of the scheme —
 * holds anything: what changed from the live object to the target (keys only the live object has are left alone),
 * plus what the target dropped from the original. Helm sends nothing for an empty patch ("Looks like there are no
 * changes"). Helm's own labels and annotations are on both the target and the live object it wrote, so they cancel
 * out and are left out here. Lists with merge keys are compared whole: a reordering counts as a change.
 */
export function threeWayPatchChanges(original: string, modified: string, live: string): boolean {
  return changes(decode(live), decode(modified)) || drops(decode(original), decode(modified));
}

/** Whether the manifest's apiVersion names a group of client-go's scheme (`v1` is the core group). */
export function isBuiltInKind(manifest: string): boolean {
  const apiVersion = /^apiVersion:[ \t]*["']?([^"'\s#]+)/m.exec(manifest)?.[1];
  if (apiVersion === undefined) return false;
  const slash = apiVersion.lastIndexOf('/');
  return SCHEME_GROUPS.has(slash < 0 ? '' : apiVersion.slice(0, slash));
}
