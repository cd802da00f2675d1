import type { TemplateFile } from '../../analysis/file';
import type { ResourceDocument } from '../../model/document';
import { lastEntry, literalText } from '../../model/document';
import type { HookEvent } from '../../model/hook';
import { RESOURCE_POLICY_KEY } from '../../model/hook';
import type { HookInfo } from '../../order/order';
import { hooksOfFile } from '../../order/order';
import type { TextRange } from '../../core/text';
import { DocumentWalker, lifecycleHooks } from './lifecycle-helpers';
import type { PodReference } from './pod-references';
import { podReferences } from './pod-references';
import type { HelmVersion, MessageById, Severity } from '../rule';
import type { DeployTarget } from '../../deployers/targets';

/**
 * The objects of a chart as Helm renders it, for rules that look across files: each document's kind, name and
 * namespace where certain, its hook annotations as Helm parses them, and what its pod reads by name.
 */
export interface ChartObject {
  /** The document's text as analysed (the evaluated text, with template actions where the output is not known). */
  file: TemplateFile;
  resource: ResourceDocument;
  /** Helm's template name (`mychart/templates/job.yaml`), the file part of Helm's order key. */
  template: string;
  kind?: string;
  name?: string;
  /** `metadata.namespace`, or the release namespace when absent; undefined when not known. */
  namespace?: string;
  /** A hook whose events are known; its weight, name and policies may still be uncertain (see HookInfo). */
  hook?: HookInfo;
  /** `helm.sh/hook` is present but its value is not known: it may be a hook of any event. */
  maybeHook: boolean;
  /**
   * `helm uninstall` leaves this release resource in place: it carries `helm.sh/resource-policy` with any value
   * (`keep`, and by a quirk any other value: https://github.com/helm/helm/blob/v4.1.4/pkg/action/resource_policy.go#L26).
   * Undefined when not known.
   */
  survivesUninstall?: boolean;
  /** What the object's pod reads by name (Job, Pod and other workloads). */
  reads: PodReference[];
}

/** As Report: a message by id. */
export type ChartReport = ChartReportBody & MessageById;

export interface ChartReportBody {
  /** The object the finding is about, and a range in its file. */
  object: ChartObject;
  range: TextRange;
  /** As Report's: the fix first, then why, in plain text. */
  help: string;
  severity?: Severity;
  related?: { object: ChartObject; range: TextRange; message: string }[];
}

export interface ChartRuleContext {
  objects: readonly ChartObject[];
  /** The hook events this render of the chart stands for (an install render for install, uninstall and test). */
  events: ReadonlySet<HookEvent>;
  helmVersion: HelmVersion;
  /** Who deploys the chart (default: helm); the dependency rules also ask Argo CD's simulation when it is among them. */
  targets?: readonly DeployTarget[];
  report(report: ChartReport): void;
}

/**
 * The objects of one analysed document text. `namespace` is the release namespace the chart was rendered in;
 * `documentIndex`, the document's place in its template's output when the text holds that one document only (Helm
 * orders hooks of equal weight, name and kind by it).
 */
export function chartObjectsOf(
  file: TemplateFile,
  template: string,
  releaseNamespace: string,
  documentIndex?: number,
): ChartObject[] {
  if (file.isPartial) return [];
  const walker = new DocumentWalker(file);
  const hooks = hooksOfFile(file, template).hooks;
  const maybeHooks = new Set(
    lifecycleHooks(file)
      .filter((hook) => !hook.events)
      .map((hook) => hook.resource),
  );
  const objects: ChartObject[] = [];
  for (const resource of file.model.documents) {
    const kind = resource.kind && literalText(resource.kind);
    const name = resource.name && literalText(resource.name);
    const object: ChartObject = { file, resource, template, maybeHook: maybeHooks.has(resource), reads: [] };
    if (kind) object.kind = kind;
    if (name) object.name = name;
    const namespace = namespaceOf(resource, releaseNamespace);
    if (namespace !== undefined) object.namespace = namespace;
    const hook = hooks.find((candidate) => candidate.documentIndex === resource.index);
    if (hook) object.hook = documentIndex === undefined ? hook : { ...hook, documentIndex };
    const survives = survivesUninstall(resource);
    if (survives !== undefined) object.survivesUninstall = survives;
    object.reads = podReferences(walker, resource, kind);
    objects.push(object);
  }
  return objects;
}

function namespaceOf(resource: ResourceDocument, releaseNamespace: string): string | undefined {
  const entry = resource.metadata && lastEntry(resource.metadata, 'namespace');
  if (!entry) return resource.metadataUnknown ? undefined : releaseNamespace;
  const text = literalText(entry.value);
  return text === undefined ? undefined : text === '' ? releaseNamespace : text;
}

function survivesUninstall(resource: ResourceDocument): boolean | undefined {
  if (lastEntry(resource.annotations, RESOURCE_POLICY_KEY)) return true;
  return resource.annotations?.hasUnknownEntries || resource.metadataUnknown ? undefined : false;
}
