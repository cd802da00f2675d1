import { createHash } from 'node:crypto';
import { LoadedChart } from '../chart/types';
import { ParsedTemplate, TemplateParseError } from './parse';
import { ChartRenderer, RenderedTemplate, TemplateFile } from './render';

/**
 * Renders a chart again and again as it is edited, re-executing only the templates whose output can have changed.
 *
 * A template's output is a function of its own text, the texts of the `define`s it reaches through `include` and
 * `template` (transitively), the values, Chart.yaml and `.Files`, the release name and install-or-upgrade. The cache
 * key of a rendered template holds exactly those, by hash: so after an edit to one template only that template is
 * executed again, and after an edit to `_helpers.tpl` only the templates that reach a define whose text, or whose
 * winning file, changed. Three things make a template depend on every file instead, because their targets are not
 * written in the text: an `include` whose name is computed, `tpl` when some value or chart file holds an action
 * that calls `include` or `template` (tpl's text comes from there), and a chart where some template may change the
 * shared `.Values` maps in place (`set`, `unset`, `merge` … into anything but a fresh `dict`), since Helm renders all
 * files with the same maps, one after another.
 */

export interface RenderKey {
  releaseName: string;
  isUpgrade: boolean;
}

const INCLUDE = /\b(?:include|template)\s+("(?:[^"\\]|\\.)*"|`[^`]*`)/g;
const COMPUTED_INCLUDE = /\binclude\s+[^"`\s]/;
/** Text that, given to `tpl`, could call a define: an action naming include or template. */
const TEMPLATE_CALL = /\{\{[^}]*\b(?:include|template)\b/;
/** A mutating function whose first argument is not a fresh map: it may change a map other templates read. */
const MUTATION = /\b(?:set|unset|merge|mergeOverwrite|mustMerge|mustMergeOverwrite)\s+(?!\(\s*(?:dict|deepCopy|mustDeepCopy)\b)[^\s)}]/;
/** An action that is not a comment. */
const ACTION = /\{\{-?\s*(?!\/\*)[\s\S]*?\}\}/g;

function mayMutate(text: string): boolean {
  if (!MUTATION.test(text)) return false;
  for (const [action] of text.matchAll(ACTION)) if (MUTATION.test(action)) return true;
  return false;
}

function isPartial(file: TemplateFile): boolean {
  return file.name.slice(file.name.lastIndexOf('/') + 1).startsWith('_');
}

function hash(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

export class RenderCache {
  /** Template executions so far: what an edit costs, for tests and benchmarks. */
  executions = 0;
  private readonly parsed = new Map<string, ParsedTemplate | TemplateParseError>();
  private readonly outputs = new Map<string, RenderedTemplate>();
  private current!: { chart: LoadedChart; renderer: ChartRenderer; keys: Map<string, string> };

  constructor(chart: LoadedChart) {
    this.update(chart);
  }

  get chart(): LoadedChart {
    return this.current.chart;
  }

  /** The chart as it is now (templates, values, files); parses only template texts not seen before. */
  update(chart: LoadedChart): void {
    const renderer = new ChartRenderer(chart, this.parsed);
    for (const text of [...this.parsed.keys()]) if (!renderer.files.some((file) => file.template.text === text)) this.parsed.delete(text);
    this.current = { chart, renderer, keys: dependencyKeys(chart, renderer) };
    const live = new Set(this.current.keys.values());
    for (const key of [...this.outputs.keys()]) if (![...live].some((prefix) => key.startsWith(prefix))) this.outputs.delete(key);
  }

  file(name: string): TemplateFile | undefined {
    return this.current.renderer.byName.get(name);
  }

  /** Every template's output in Helm's order, executing only those not in the cache. */
  render(options: RenderKey): RenderedTemplate[] {
    const { renderer, keys } = this.current;
    const suffix = `\0${options.releaseName}\0${options.isUpgrade}`;
    const missing = new Set(renderer.files.filter((file) => !isPartial(file) && !this.outputs.has(keys.get(file.name) + suffix)).map((file) => file.name));
    if (missing.size > 0) {
      const fresh = renderer.render(options, (file) => missing.has(file.name)).templates;
      this.executions += fresh.length;
      for (const rendered of fresh) this.outputs.set(keys.get(rendered.file.name) + suffix, rendered);
    }
    // The very objects rendered before, so that what callers derived from them can be cached by identity too.
    const result: RenderedTemplate[] = [];
    for (const file of renderer.files) {
      const rendered = this.outputs.get(keys.get(file.name) + suffix);
      if (rendered) result.push(rendered);
    }
    return result;
  }
}

/** Per template name: the hash of everything its output depends on but the release (see RenderCache). */
function dependencyKeys(chart: LoadedChart, renderer: ChartRenderer): Map<string, string> {
  const environment = hash(JSON.stringify(environmentOf(chart)));
  const allTexts = hash(renderer.files.map((file) => `${file.name}\0${file.template.text}`).join('\0'));
  const mutates = renderer.files.some((file) => mayMutate(file.template.text));
  const dynamicTpl = callsFromData(chart);
  const dynamic = (text: string) => COMPUTED_INCLUDE.test(text) || (dynamicTpl && /\btpl\b/.test(text));
  // Each define's name → the file whose definition wins (the template set the renderer built) and its body text.
  const defines = new Map<string, { file: TemplateFile; body: string }>();
  for (const file of renderer.files) {
    for (const define of file.parsed?.defines ?? []) {
      const winner = renderer.defineOwner(define.name);
      if (winner === file.name) defines.set(define.name, { file, body: file.template.text.slice(define.start, define.end) });
    }
    defines.set(file.name, { file, body: file.template.text });
  }
  const keys = new Map<string, string>();
  for (const file of renderer.files) {
    if (mutates) {
      keys.set(file.name, hash(`${environment}\0${allTexts}\0${file.name}`));
      continue;
    }
    const reached = new Map<string, string>();
    let isDynamic = false;
    const queue = [file.template.text];
    while (queue.length > 0 && !isDynamic) {
      const text = queue.pop()!;
      if (dynamic(text)) isDynamic = true;
      for (const match of text.matchAll(INCLUDE)) {
        const name = match[1]!.startsWith('`') ? match[1]!.slice(1, -1) : (JSON.parse(match[1]!) as string);
        if (reached.has(name)) continue;
        const define = defines.get(name);
        reached.set(name, define ? `${define.file.name}\0${define.body}` : '');
        if (define) queue.push(define.body);
      }
    }
    const dependencies = isDynamic ? allTexts : hash([...reached].sort().map(([name, body]) => `${name}\0${body}`).join('\0'));
    keys.set(file.name, hash(`${environment}\0${file.name}\0${file.template.text}\0${dependencies}`));
  }
  return keys;
}

/** Whether some value or chart file of the tree holds an action calling a define, which `tpl` could run. */
function callsFromData(chart: LoadedChart): boolean {
  const inValue = (value: unknown): boolean =>
    typeof value === 'string' ? TEMPLATE_CALL.test(value) : typeof value === 'object' && value !== null && Object.values(value).some(inValue);
  return inValue(chart.values) || [...chart.files.values()].some((text) => TEMPLATE_CALL.test(text)) || chart.subcharts.some(callsFromData);
}

/**
 * What every template may read besides templates: each chart's values, Chart.yaml, files and place in the tree; and
 * the values texts, since findings point into them.
 */
function environmentOf(chart: LoadedChart): unknown {
  return {
    prefix: chart.templatePrefix,
    values: chart.values,
    valuesTexts: (chart.valuesSources ?? []).map((source) => [source.path, source.text]),
    metadata: chart.metadata.raw,
    files: [...chart.files],
    subcharts: chart.subcharts.map(environmentOf),
  };
}
