import type { LoadedChart } from '../chart/types';
import type { Renderer } from '../eval/cache';
import { RenderCache } from '../eval/cache';
import type { HookEvent } from '../model/hook';
import type { TextRange } from '../core/text';
import type { LintOptions } from './lint';
import { DEFAULT_LINT_OPTIONS, effectiveSeverity, ruleApplies } from './lint';
import { ALL_RULES } from '../rules';
import { formatMessage } from '../rules/messages';
import type { Finding, Rule } from '../rules/rule';
import { documentViews } from '../analysis/rendered-document';
import { SourceMapper } from '../analysis/source-map';
import type { Analyses } from '../analysis/rendered-document';
import { cachedFileFindings, chartFindings } from './evaluated-rules';
import type { RenderedLiteral } from './findings';
import { compareFindings, findingKey, RenderedLiteralBuilder } from './findings';

/**
 * The rules on the evaluated view: each document Helm would render is analysed as rendered text, the file rules run
 * on it, the chart rules run on all of the chart's objects together, and each finding is moved back to the text the
 * user wrote: the key or value in a values file when `toYaml` printed a map of `.Values`, the line of a `define` for
 * text an `include` brought in, the action for a value an action printed.
 *
 * Only what is certain is reported: a finding must hold under every release name tried (or the one given), must not
 * touch output the evaluator could not know, and must not rest on a rule's guess (`uncertain`). Findings on text
 * written literally in the template itself are reported too: the as-written pass may not have been sure of them (an
 * `include` it could not see into), and where it was, mergeFindings keeps its finding, which carries the safe fixes.
 */

export interface EvaluatedLintOptions extends LintOptions {
  /** Evaluate with this release name only; by default findings must hold under every name of `certaintyReleaseNames`. */
  releaseName?: string;
  /** The rules to run instead of all of them: a rule's tests run that rule (or a fake one) alone. */
  ruleSet?: readonly Rule[];
}

export const DEFAULT_RELEASE_NAMES = ['release-name', 'zz-second'] as const;

/**
 * The release names a finding must hold under: the two defaults, and the chart's own name, since the `fullname` helper
 * `helm create` scaffolds drops a release name that contains the chart's name (`helm install kibana` names objects
 * `kibana`, not `kibana-kibana`), which can change how hooks' names sort.
 */
export function certaintyReleaseNames(chart: LoadedChart): string[] {
  const names: string[] = [...DEFAULT_RELEASE_NAMES];
  const own = chart.metadata.name;
  if (typeof own === 'string' && own !== '' && !names.includes(own)) names.push(own);
  return names;
}

/**
 * The findings of the evaluated chart that the as-written view cannot see. Findings point into files by their
 * absolute paths; findings that would point inside a packaged subchart (`.tgz`) are left out, as nobody edits those.
 */
export function evaluatedFindings(
  chartOrRenderer: LoadedChart | Renderer,
  options: EvaluatedLintOptions = DEFAULT_LINT_OPTIONS,
): Finding[] {
  return evaluateLint(chartOrRenderer, options).findings;
}

/** What the evaluated view says of a chart: its findings, and where Helm's render leaves nothing to find. */
export interface Evaluation {
  findings: Finding[];
  rendered: RenderedLiteral;
}

/** evaluatedFindings, with the templates' literal text that rendered documents hold (see DocumentView.renderedLiteral). */
export function evaluateLint(
  chartOrRenderer: LoadedChart | Renderer,
  options: EvaluatedLintOptions = DEFAULT_LINT_OPTIONS,
): Evaluation {
  // A cache even for one evaluation: templates that cannot tell install from upgrade are executed once for both.
  const renderer = 'render' in chartOrRenderer ? chartOrRenderer : new RenderCache(chartOrRenderer);
  const enabled = (rule: Rule | undefined): rule is Rule => !!rule && ruleApplies(rule, options);
  const loadedChartFound = loadedChartFindings(renderer.chart, options);
  // The annotation rules that read annotation values, and the per-hook lifecycle rules.
  const ruleSet = options.ruleSet ?? ALL_RULES;
  const fileRules = ruleSet.filter((rule) => rule.check && !rule.syntaxOnly && enabled(rule));
  const chartRules = ruleSet.filter((rule) => rule.checkChart && enabled(rule));
  const chartRuleIds: ReadonlySet<string> = new Set(chartRules.map((rule) => rule.id));
  if (fileRules.length === 0 && chartRules.length === 0) return { findings: loadedChartFound, rendered: {} };
  const names = options.releaseName !== undefined ? [options.releaseName] : certaintyReleaseNames(renderer.chart);
  const mapper = new SourceMapper(renderer);
  const found = new Map<string, Finding>();
  const operations = operationsToRender(renderer.chart);
  // Documents that render the same text (most, between install and upgrade) are analysed once.
  const analyses: Analyses = new Map();
  const rendered = new RenderedLiteralBuilder();
  for (const isUpgrade of operations) {
    const events = operations.length === 1 ? ALL_EVENTS : isUpgrade ? UPGRADE_EVENTS : INSTALL_EVENTS;
    let certain: Map<string, Finding> | undefined;
    // After the first name, only the documents that had file findings can have them under both names, and only the
    // templates that gave a finding, or (for a chart finding) an object the chart rules read, need rendering again.
    let withFindings: Set<string> | undefined;
    let needed: Set<string> | undefined;
    for (const releaseName of names) {
      const findings = new Map<string, Finding>();
      const views = renderer
        .render({ releaseName, isUpgrade }, needed)
        .flatMap((template) => documentViews(template, mapper));
      const documentsWithFindings = new Set<string>();
      const templatesNeeded = new Set<string>();
      for (const view of views) {
        if (withFindings && !withFindings.has(view.key)) continue;
        const fileFound = cachedFileFindings(view, fileRules, options, mapper, analyses);
        if (fileFound.length > 0) {
          documentsWithFindings.add(view.key);
          templatesNeeded.add(view.template);
        }
        for (const finding of fileFound) findings.set(certaintyKey(finding, chartRuleIds), finding);
      }
      // The first name renders every template: what it holds is what Helm renders with these values.
      if (!needed) for (const view of views) rendered.add(view.renderedLiteral(analyses));
      withFindings = documentsWithFindings;
      const chartFound =
        chartRules.length > 0 ? chartFindings(views, chartRules, events, options, mapper, analyses) : [];
      for (const finding of chartFound) findings.set(certaintyKey(finding, chartRuleIds), finding);
      if (chartFound.length > 0) for (const view of views) if (view.concernsHooks) templatesNeeded.add(view.template);
      needed = templatesNeeded;
      certain = certain ? new Map([...certain].filter(([key]) => findings.has(key))) : findings;
      // Nothing under one name: nothing can hold under both, so the other render is not needed.
      if (certain.size === 0) break;
    }
    for (const finding of certain?.values() ?? [])
      if (!found.has(findingKey(finding))) found.set(findingKey(finding), finding);
  }
  for (const finding of loadedChartFound) found.set(findingKey(finding), finding);
  return inUserFiles(
    { findings: [...found.values()].sort(compareFindings), rendered: rendered.build() },
    renderer.chart,
  );
}

/**
 * Offsets into the texts the chart was rendered from, as offsets into the files the user edits: a template that began
 * with a byte-order mark was read without it (see ChartTemplate.textStart).
 */
function inUserFiles(evaluation: Evaluation, chart: LoadedChart): Evaluation {
  const shifts = new Map<string, number>();
  const visit = (current: LoadedChart) => {
    for (const template of current.templates)
      if (template.textStart) shifts.set(template.absolutePath, template.textStart);
    current.subcharts.forEach(visit);
  };
  visit(chart);
  if (shifts.size === 0) return evaluation;
  const move = <T extends { file: string; range: TextRange }>(located: T): T => {
    const by = shifts.get(located.file);
    return by ? { ...located, range: { start: located.range.start + by, end: located.range.end + by } } : located;
  };
  const findings = evaluation.findings.map((finding) => ({
    ...move(finding),
    related: finding.related.map(move),
    fixes: finding.fixes.map((fix) => ({ ...fix, edits: fix.edits.map(move) })),
  }));
  const rendered: RenderedLiteral = {};
  for (const [file, ranges] of Object.entries(evaluation.rendered)) {
    const by = shifts.get(file) ?? 0;
    const shift = (list: TextRange[]) => list.map((range) => ({ start: range.start + by, end: range.end + by }));
    rendered[file] = { read: shift(ranges.read), parsed: shift(ranges.parsed) };
  }
  return { findings, rendered };
}

/** The findings of the rules that read the chart as Helm loads it (its Chart.yaml, what `charts/` holds). */
export function loadedChartFindings(chart: LoadedChart, options: EvaluatedLintOptions): Finding[] {
  const findings: Finding[] = [];
  for (const rule of options.ruleSet ?? ALL_RULES) {
    if (!rule.checkLoadedChart || !ruleApplies(rule, options)) continue;
    const setting = options.rules[rule.id];
    rule.checkLoadedChart({
      chart,
      report: (reported) => {
        const severity = effectiveSeverity(rule, setting, reported);
        if (severity)
          findings.push({
            rule: rule.id,
            severity,
            file: reported.file,
            range: reported.range,
            ...formatMessage(rule, reported),
            help: reported.help,
            related: reported.related ?? [],
            fixes: [],
          });
      },
    });
  }
  return findings;
}

const INSTALL_EVENTS: ReadonlySet<HookEvent> = new Set([
  'pre-install',
  'post-install',
  'pre-delete',
  'post-delete',
  'test',
]);
const UPGRADE_EVENTS: ReadonlySet<HookEvent> = new Set([
  'pre-upgrade',
  'post-upgrade',
  'pre-rollback',
  'post-rollback',
]);
const ALL_EVENTS: ReadonlySet<HookEvent> = new Set([...INSTALL_EVENTS, ...UPGRADE_EVENTS]);

/**
 * What must be equal under every release name for a finding to be certain. A file rule's message and help must be the
 * same too: one that quotes a name built from the release name (hook-fixed-name) is then not certain. A chart rule's
 * message names the objects it links, which follow the release name; its place is what must agree.
 */
function certaintyKey(finding: Finding, chartRuleIds: ReadonlySet<string>): string {
  return chartRuleIds.has(finding.rule)
    ? findingKey(finding)
    : `${findingKey(finding)}\0${finding.message}\0${finding.help}`;
}

/** Install always; upgrade too when some template can tell them apart. */
function operationsToRender(chart: LoadedChart): boolean[] {
  const all = (current: LoadedChart): boolean =>
    current.templates.some((template) => /\b(IsUpgrade|IsInstall|Revision)\b/.test(template.text)) ||
    current.subcharts.some(all);
  return all(chart) ? [false, true] : [false];
}
