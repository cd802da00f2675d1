import type { AnnotationSet, ValueModel } from '../../model/document';
import { formatGoFloat, resolvePlainScalar } from '../../model/scalar';
import { subjectOf } from './helpers';

/** The JSON type Kubernetes decodes an annotation value into, as encoding/json names it in its errors. */
export type JsonKind = 'number' | 'bool' | 'array' | 'object';

/**
 * What Kubernetes decodes the value as, when that is not a string or null (the two it accepts). A templated scalar
 * gives undefined: its rendered text is not known here. A list or map is one whatever its items hold.
 */
export function nonStringKind(value: ValueModel): JsonKind | undefined {
  if (value.kind === 'seq') return 'array';
  if (value.kind === 'map') return 'object';
  if (value.kind !== 'scalar' || value.templated) return undefined;
  switch (value.kubeType) {
    case 'int':
    case 'float':
      return 'number';
    case 'bool':
      return 'bool';
    default:
      return undefined;
  }
}

export function describeKind(kind: JsonKind): string {
  switch (kind) {
    case 'number':
      return 'a number';
    case 'bool':
      return 'a boolean';
    case 'array':
      return 'a list';
    case 'object':
      return 'a mapping';
  }
}

function unmarshalError(kind: JsonKind, field: string): string {
  return `json: cannot unmarshal ${kind} into Go struct field ${field} of type string`;
}

/** What goes wrong when an annotation holds a value Kubernetes does not decode as a string. */
export interface Rejection {
  /** Who fails on what, and when, to lead a message: "Kubernetes rejects this Job at install". */
  short: string;
  /** The same with the error quoted and which checks pass, for a finding's help. */
  detail: string;
}

/**
 * What happens to the object when an annotation of this set holds `value`, of `kind` (manifest_sorter.go
 * `(*manifestFile).sort` and kube client.go `Build` @v4.1.4). Helm reads every document's own metadata into
 * `map[string]string`, which fails on a list or map but converts a number or bool; Kubernetes' typed decode then rejects the number or bool, for a hook
 * inside Helm's own client. Annotations nested in a pod template are only decoded by the API server. `.inf` and `.nan`
 * fail earlier, wherever they are, when kubectl or Helm's client convert the manifest to JSON (checked with kubectl
 * 1.34: "error converting YAML to JSON: json: unsupported value: NaN"), while `helm template` still passes.
 */
export function rejection(value: ValueModel, kind: JsonKind, set: AnnotationSet): Rejection {
  const subject = subjectOf(set);
  const special = kind === 'number' ? nonFinite(value) : undefined;
  if (special) {
    return {
      short: `helm install and kubectl fail on ${subject}`,
      detail: `kubectl and Helm's client cannot even convert the manifest to JSON ("error converting YAML to JSON: json: unsupported value: ${special}"), although helm template and helm lint pass`,
    };
  }
  if (set.origin === 'nested') {
    const field = ['ObjectMeta', ...set.path.filter((part): part is string => typeof part === 'string')].join('.');
    return {
      short: `The API server rejects ${subject}`,
      detail: `the API server rejects the whole object ("${unmarshalError(kind, field)}"), although helm template, helm lint and kubectl's client-side checks pass`,
    };
  }
  if (kind === 'array' || kind === 'object') {
    const error = unmarshalError(kind, '.metadata.annotations');
    if (set.origin === 'define') {
      return {
        short: `helm template fails on ${subject}`,
        detail: `helm template and helm install fail on an object whose own annotations include it ("${error}"), and Kubernetes rejects it anywhere else; helm lint passes`,
      };
    }
    return {
      short: `helm template and helm install fail on ${subject}`,
      detail: `helm template and helm install fail to decode the object ("${error}"); only helm lint passes it`,
    };
  }
  return {
    short: `Kubernetes rejects ${subject} at install`,
    detail:
      `Kubernetes rejects the object at install ("${unmarshalError(kind, 'ObjectMeta.metadata.annotations')}"), for a hook inside Helm's ` +
      'own client before anything is created, although helm template, helm lint and --dry-run=client pass',
  };
}

/** How Go prints a plain `.inf` / `.nan` scalar's value, which JSON cannot hold. */
function nonFinite(value: ValueModel): string | undefined {
  const float = resolvePlainScalar(value.decoded ?? '').float;
  return float === undefined || Number.isFinite(float) ? undefined : formatGoFloat(float);
}
