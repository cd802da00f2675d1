import type { ChartTemplate, LoadedChart } from '../chart/types';
import type { DefineEntry } from './exec';
import { BudgetExceeded, Executor } from './exec';
import { HELM_FUNCTIONS } from './functions';
import { Capabilities, Files } from './objects';
import { recordValueOrigins } from './origin';
import type { ParsedTemplate } from './parse';
import { TemplateParseError, parseTemplateShared } from './parse';
import type { Chunk, GoMap, Value } from './value';
import { EvalError, fromData, newMap } from './value';

/**
 * Renders a loaded chart as `helm template` does (Helm's engine.render): every template of the chart and of its
 * enabled subcharts is parsed into one template set, in Helm's order (deeper paths first, then reverse lexical), so a
 * define parsed later replaces one parsed earlier; then every template that is not a partial (`_*`) is executed with
 * its own chart's `.Values`, `.Chart`, `.Files` and `.Template`, in that same order, all sharing the same maps.
 */

export interface RenderOptions {
  /** Default `release-name`, as `helm template` uses without a name. */
  releaseName?: string;
  /** Default `default`. */
  namespace?: string;
  isUpgrade?: boolean;
  revision?: number;
}

export interface TemplateFile {
  /** Helm's template name: `<chart>/templates/x.yaml`, `<chart>/charts/<sub>/templates/y.yaml`. */
  name: string;
  chart: LoadedChart;
  template: ChartTemplate;
  parsed?: ParsedTemplate;
  parseError?: TemplateParseError;
}

export interface RenderedTemplate {
  file: TemplateFile;
  /** The output with its sources; Unknown chunks where the evaluator cannot know the text. */
  chunks: Chunk[];
  /** Why the whole output is Unknown: a parse or execution error, `fail`, or an exhausted budget. */
  error?: string;
}

export interface RenderResult {
  templates: RenderedTemplate[];
  /**
   * Some file may have changed a map that later files read (`set $ …`, `merge .Values.x …`): rendering only some of
   * the files would then not give the output they have in a whole render.
   */
  changedSharedMaps: boolean;
}

/** A chart prepared for rendering: its templates parsed once, its defines indexed; render it any number of times. */
export class ChartRenderer {
  readonly files: TemplateFile[];
  readonly byName: Map<string, TemplateFile>;
  private readonly defines = new Map<string, DefineEntry>();

  /** `parsed`: earlier parses by template text, reused and added to (what an editor re-evaluating after a keystroke wants). */
  constructor(
    readonly chart: LoadedChart,
    parsed?: Map<string, ParsedTemplate | TemplateParseError>,
  ) {
    const files: TemplateFile[] = [];
    const collect = (current: LoadedChart) => {
      for (const template of current.templates)
        files.push({ name: `${current.templatePrefix}/${template.path}`, chart: current, template });
      current.subcharts.forEach(collect);
    };
    collect(chart);
    files.sort((a, b) => compareHelmOrder(a.name, b.name));
    for (const file of files) {
      let result = parsed?.get(file.template.text);
      if (!result) {
        try {
          result = parseTemplateShared(file.template.text);
        } catch (error) {
          if (!(error instanceof TemplateParseError)) throw error;
          result = error;
        }
        parsed?.set(file.template.text, result);
      }
      if (result instanceof TemplateParseError) {
        file.parseError = result;
        continue;
      }
      file.parsed = result;
      // Each file is itself a template of the set, under its name (`include (print $.Template.BasePath "/x.yaml")`).
      this.defines.set(file.name, {
        template: file.name,
        list: file.parsed.root,
        start: 0,
        end: file.template.text.length,
      });
      for (const define of file.parsed.defines) {
        // Go keeps an existing template when the new definition is empty (parse.IsEmptyTree).
        const empty = define.list.nodes.every((node) => node.type === 'text' && node.text.trim() === '');
        if (empty && this.defines.has(define.name)) continue;
        this.defines.set(define.name, { template: file.name, list: define.list, start: define.start, end: define.end });
      }
    }
    this.files = files;
    this.byName = new Map(files.map((file) => [file.name, file]));
  }

  /** The template whose definition of `name` wins in the template set. */
  defineOwner(name: string): string | undefined {
    return this.defines.get(name)?.template;
  }

  /** `only`: render just these files (the others are left out of the result), for a caller that knows the rest. */
  render(options: RenderOptions = {}, only?: (file: TemplateFile) => boolean): RenderResult {
    const release = newMap();
    release.Name = options.releaseName ?? 'release-name';
    release.Namespace = options.namespace ?? 'default';
    release.IsInstall = !options.isUpgrade;
    release.IsUpgrade = !!options.isUpgrade;
    release.Revision = BigInt(options.revision ?? 1);
    release.Service = 'Helm';
    const capabilities = new Capabilities();
    const contexts = new Map<LoadedChart, GoMap>();
    const contextOf = (chart: LoadedChart): GoMap => {
      let context = contexts.get(chart);
      if (!context) {
        context = newMap();
        context.Values = fromData(chart.values);
        recordValueOrigins(context.Values, chart);
        context.Release = release;
        context.Chart = chartObject(chart);
        context.Capabilities = capabilities;
        context.Files = new Files(chart.files);
        contexts.set(chart, context);
      }
      return context;
    };
    const executor = new Executor({ functions: HELM_FUNCTIONS, defines: this.defines });
    const templates: RenderedTemplate[] = [];
    for (const file of this.files) {
      if (baseName(file.name).startsWith('_') || (only && !only(file))) continue;
      if (file.parseError) {
        templates.push({
          file,
          chunks: wholeFileUnknown(file, `parse error: ${file.parseError.message}`),
          error: file.parseError.message,
        });
        continue;
      }
      const context = contextOf(file.chart);
      const templateInfo = newMap();
      templateInfo.Name = file.name;
      templateInfo.BasePath = `${file.chart.templatePrefix}/templates`;
      context.Template = templateInfo;
      executor.beginTemplate();
      try {
        templates.push({ file, chunks: executor.run(file.name, file.parsed!.root, context as Value) });
      } catch (error) {
        if (!(error instanceof EvalError) && !(error instanceof BudgetExceeded)) throw error;
        templates.push({ file, chunks: wholeFileUnknown(file, error.message), error: error.message });
      }
    }
    return { templates, changedSharedMaps: executor.changedSharedMaps || executor.tainted };
  }
}

function wholeFileUnknown(file: TemplateFile, reason: string): Chunk[] {
  return [{ unknown: 'control', reason, source: { template: file.name, start: 0, end: file.template.text.length } }];
}

function baseName(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}

/** engine.sortTemplates: more path segments first; equal depth in reverse lexical order. */
export function compareHelmOrder(a: string, b: string): number {
  const depth = (name: string) => name.split('/').length;
  if (depth(a) !== depth(b)) return depth(b) - depth(a);
  return a < b ? 1 : a > b ? -1 : 0;
}

/** `.Chart` as Helm 4 hands it to templates: Chart.yaml's fields under Go's capitalised names. */
function chartObject(chart: LoadedChart): GoMap {
  const raw = chart.metadata.raw;
  const text = (value: unknown) =>
    typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
  const list = (value: unknown) => (Array.isArray(value) ? fromData(value) : []);
  const object = newMap();
  object.Name = chart.metadata.name;
  object.Version = chart.metadata.version;
  object.AppVersion = chart.metadata.appVersion ?? '';
  object.APIVersion = chart.metadata.apiVersion;
  object.Description = text(raw.description);
  object.Type = chart.metadata.type ?? '';
  object.KubeVersion = text(raw.kubeVersion);
  object.Home = text(raw.home);
  object.Icon = text(raw.icon);
  object.Keywords = list(raw.keywords);
  object.Sources = list(raw.sources);
  object.Deprecated = raw.deprecated === true;
  object.Condition = text(raw.condition);
  object.Tags = text(raw.tags);
  object.Annotations = raw.annotations && typeof raw.annotations === 'object' ? fromData(raw.annotations) : null;
  object.Maintainers = Array.isArray(raw.maintainers)
    ? raw.maintainers.map((maintainer) => {
        const entry = newMap();
        const source = (maintainer ?? {}) as Record<string, unknown>;
        entry.Name = text(source.name);
        entry.Email = text(source.email);
        entry.URL = text(source.url);
        return entry;
      })
    : [];
  object.Dependencies = list(raw.dependencies);
  object.IsRoot = chart.templatePrefix === chart.metadata.name && !chart.templatePrefix.includes('/');
  return object;
}
