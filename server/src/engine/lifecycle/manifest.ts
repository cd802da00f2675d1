import { parseDocument } from 'yaml';

/**
 * What Helm 3's client-side update compares: objects, not text (a comment, key order or quoting that decodes to the
 * same value changes nothing), and whether a kind is one client-go's scheme knows (pkg/kube/client.go createPatch).
 */

/** The API groups of k8s.io/client-go/kubernetes/scheme (v0.33), plus apiextensions.k8s.io, which Helm registers. */
const SCHEME_GROUPS: ReadonlySet<string> = new Set([
  '', 'admissionregistration.k8s.io', 'internal.apiserver.k8s.io', 'apps', 'authentication.k8s.io', 'authorization.k8s.io',
  'autoscaling', 'batch', 'certificates.k8s.io', 'coordination.k8s.io', 'discovery.k8s.io', 'events.k8s.io', 'extensions',
  'flowcontrol.apiserver.k8s.io', 'networking.k8s.io', 'node.k8s.io', 'policy', 'rbac.authorization.k8s.io', 'resource.k8s.io',
  'scheduling.k8s.io', 'storage.k8s.io', 'storagemigration.k8s.io', 'apiextensions.k8s.io',
]);

const decoded = new Map<string, unknown>();

/** The object a manifest decodes to (YAML 1.1, as sigs.k8s.io/yaml reads it), as canonical JSON; cached. */
function canonical(manifest: string): unknown {
  let value = decoded.get(manifest);
  if (value === undefined) {
    value = JSON.stringify(sortKeys(parseDocument(manifest, { version: '1.1', uniqueKeys: false }).toJS()));
    if (decoded.size > 1000) decoded.clear();
    decoded.set(manifest, value);
  }
  return value;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value as object).sort().map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]));
  }
  return value;
}

export function sameObject(a: string, b: string): boolean {
  return a === b || canonical(a) === canonical(b);
}

/** Whether the manifest's apiVersion names a group of client-go's scheme (`v1` is the core group). */
export function isBuiltInKind(manifest: string): boolean {
  const apiVersion = /^apiVersion:[ \t]*["']?([^"'\s#]+)/m.exec(manifest)?.[1];
  if (apiVersion === undefined) return false;
  const slash = apiVersion.lastIndexOf('/');
  return SCHEME_GROUPS.has(slash < 0 ? '' : apiVersion.slice(0, slash));
}
