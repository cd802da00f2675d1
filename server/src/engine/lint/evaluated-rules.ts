import type { HookEvent } from '../model/hook';
import { effectiveSeverity, lintChartObjects } from './lint';
import { DEPLOYER_RULES, LIFECYCLE_RULES } from '../rules';
import type { ChartObject } from '../rules/support/chart-objects';
import { formatMessage } from '../rules/messages';
import type { Finding, Fix, RelatedLocation, Report, Rule } from '../rules/rule';
import type { Analyses, DocumentView } from '../analysis/rendered-document';
import type { SourceMapper } from '../analysis/source-map';
import type { EvaluatedLintOptions } from './evaluated-lint';
import { DEFAULT_TARGETS } from '../deployers/targets';

// Deployer rules read a whole object's annotations, as lifecycle rules do: a literal value in the template may be
// reported because of one that only the evaluation knows.
const LIFECYCLE_IDS: ReadonlySet<string> = new Set([...LIFECYCLE_RULES, ...DEPLOYER_RULES].map((rule) => rule.id));

export function cachedFileFindings(
  view: DocumentView,
  rules: readonly Rule[],
  options: EvaluatedLintOptions,
  mapper: SourceMapper,
  analyses: Analyses,
): Finding[] {
  if (!view.holdsHookRelatedText) return [];
  const optionsKey = JSON.stringify([
    options.helmVersion,
    options.rules,
    options.targets ?? null,
    options.ruleSet?.map((rule) => rule.id) ?? null,
  ]);
  let findings = view.findings.get(optionsKey);
  if (!findings) {
    findings = fileFindings(view, rules, options, mapper, analyses);
    view.findings.set(optionsKey, findings);
  }
  return findings;
}

function fileFindings(
  view: DocumentView,
  rules: readonly Rule[],
  options: EvaluatedLintOptions,
  mapper: SourceMapper,
  analyses: Analyses,
): Finding[] {
  const file = view.file(analyses);
  const findings: Finding[] = [];
  for (const rule of rules) {
    if (!rule.check) continue;
    const setting = options.rules[rule.id];
    const lifecycle = LIFECYCLE_IDS.has(rule.id);
    const report = (reported: Report) => {
      if (reported.uncertain || view.touchesUnknown(reported.range)) return;
      const severity = effectiveSeverity(rule, setting, reported);
      if (!severity) return;
      const mapped = view.locate(reported.range, lifecycle);
      if (!mapped || mapper.isSuppressed(mapped.file, mapped.range.start, rule.id)) return;
      const related: RelatedLocation[] = [];
      for (const location of reported.related ?? []) {
        const target = view.locate(location.range, lifecycle);
        if (target) related.push({ file: target.file, range: target.range, message: location.message });
      }
      findings.push({
        rule: rule.id,
        severity,
        file: mapped.file,
        range: mapped.range,
        ...formatMessage(rule, reported),
        help: reported.help,
        related,
        fixes: mapFixes(reported, view),
      });
    };
    rule.check({ file, helmVersion: options.helmVersion, targets: options.targets ?? DEFAULT_TARGETS, report });
  }
  return findings;
}

/** The chart rules over every object of one render: hooks, and what they may read. */
export function chartFindings(
  views: readonly DocumentView[],
  rules: readonly Rule[],
  events: ReadonlySet<HookEvent>,
  options: EvaluatedLintOptions,
  mapper: SourceMapper,
  analyses: Analyses,
): Finding[] {
  const objects: ChartObject[] = [];
  const viewOf = new Map<ChartObject, DocumentView>();
  for (const view of viewsTheChartRulesRead(views, options, analyses)) {
    for (const object of view.chartObjects(analyses)) {
      objects.push(object);
      viewOf.set(object, view);
    }
  }
  if (!objects.some((object) => object.hook)) return [];
  return lintChartObjects(
    objects,
    events,
    options,
    (object, range, rule) => {
      const view = viewOf.get(object)!;
      if (rule !== undefined && view.touchesUnknown(range)) return undefined;
      const mapped = view.locate(range, true);
      if (!mapped || (rule !== undefined && mapper.isSuppressed(mapped.file, mapped.range.start, rule)))
        return undefined;
      return { file: mapped.file, range: mapped.range };
    },
    rules,
  );
}

/**
 * The documents that may be a hook, an object a hook reads, or a workload that reads one. A release workload is read
 * only when it may relate to a hook (it names one, or what one reads), which spares parsing most pod specs; not for
 * Argo CD, whose simulation plans every object.
 */
function viewsTheChartRulesRead(
  views: readonly DocumentView[],
  options: EvaluatedLintOptions,
  analyses: Analyses,
): DocumentView[] {
  const concerned = views.filter((view) => view.concernsHooks);
  if ((options.targets ?? DEFAULT_TARGETS).includes('argocd')) return concerned;
  const names = new Set<string>();
  for (const view of concerned) {
    if (view.isPlainReleaseWorkload) continue;
    if (!addHookNames(view.chartObjects(analyses), names)) return concerned;
  }
  return concerned.filter((view) => !view.isPlainReleaseWorkload || view.holdsAnyName(names));
}

/**
 * Adds the names of `objects`' hooks and of what they read to `names`; false when a hook's name is not known (any
 * workload may then be the one it names).
 */
function addHookNames(objects: readonly ChartObject[], names: Set<string>): boolean {
  for (const object of objects) {
    if (!object.hook && !object.maybeHook) continue;
    if (object.name === undefined) return false;
    names.add(object.name);
    for (const reference of object.reads) names.add(reference.name);
  }
  return true;
}

/**
 * A fix survives only when each of its edits lands on exactly the text it was computed on, so the edit means the same
 * in the user's file; it is never `safe`, since an edit to a values file or a shared `define` reaches further than
 * the one document that showed the problem.
 */
function mapFixes(reported: Report, view: DocumentView): Fix[] {
  const fixes: Fix[] = [];
  for (const fix of reported.fixes ?? []) {
    const edits = [];
    for (const edit of fix.edits) {
      if (edit.file !== undefined) break;
      const mapped = view.locate(edit.range);
      if (!mapped?.exact) break;
      edits.push({ file: mapped.file, range: mapped.range, newText: edit.newText });
    }
    if (edits.length === fix.edits.length && edits.length > 0) fixes.push({ title: fix.title, safe: false, edits });
  }
  return fixes;
}
