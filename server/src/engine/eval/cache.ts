import { createHash } from 'node:crypto';
import type { LoadedChart } from '../chart/types';
import type { ParsedTemplate, TemplateParseError } from './parse';
import type { RenderedTemplate, TemplateFile } from './render';
import { ChartRenderer } from './render';

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
const MUTATION =
  /\b(?:set|unset|merge|mergeOverwrite|mustMerge|mustMergeOverwrite)\s+(?!\(\s*(?:dict|deepCopy|mustDeepCopy)\b)[^\s)}]/;
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

interface CacheState {
  chart: LoadedChart;
  renderer: ChartRenderer;
  dependencies: Dependencies;
  /** Outputs by `name\0release name\0isUpgrade`. */
  outputs: Map<string, RenderedTemplate>;
  /**
   * Whether a render of every file changed maps that files share (see RenderResult); undefined until one ran.
   * Only when it did not is a file's output the same rendered alone, and the same for install and upgrade when the
   * file cannot see which it is.
   */
  changesSharedMaps: boolean | undefined;
}

/** Renders a chart, re-executing only what can have changed since the last render. */
export interface Renderer {
  /** Every template's output, or (with `only`) at least those templates' outputs. */
  render(options: { releaseName: string; isUpgrade: boolean }, only?: ReadonlySet<string>): RenderedTemplate[];
  /** The parsed files by Helm template name, for mapping output back to its source. */
  file(name: string): TemplateFile | undefined;
  chart: LoadedChart;
}

export class RenderCache implements Renderer {
  /** Template executions so far: what an edit costs, for tests and benchmarks. */
  executions = 0;
  private readonly parsed = new Map<string, ParsedTemplate | TemplateParseError>();
  private current: CacheState;

  constructor(chart: LoadedChart) {
    this.current = this.stateOf(chart);
  }

  get chart(): LoadedChart {
    return this.current.chart;
  }

  /**
   * The chart as it is now (templates, values, files); parses only template texts not seen before, and keeps the
   * output of every template whose dependencies hash the same as before.
   */
  update(chart: LoadedChart): void {
    const previous = this.current;
    this.current = this.stateOf(chart);
    for (const text of [...this.parsed.keys()])
      if (!this.current.renderer.files.some((file) => file.template.text === text)) this.parsed.delete(text);
    if (previous.outputs.size === 0) return;
    // Hashed only now: a chart rendered once (the CLI) never pays for them.
    const before = previous.dependencies.hashes();
    const after = this.current.dependencies.hashes();
    for (const [key, rendered] of previous.outputs) {
      const name = key.slice(0, key.indexOf('\0'));
      if (before.get(name) === after.get(name)) this.current.outputs.set(key, rendered);
    }
  }

  private stateOf(chart: LoadedChart): CacheState {
    const renderer = new ChartRenderer(chart, this.parsed);
    return {
      chart,
      renderer,
      dependencies: dependenciesOf(chart, renderer),
      outputs: new Map(),
      changesSharedMaps: undefined,
    };
  }

  file(name: string): TemplateFile | undefined {
    return this.current.renderer.byName.get(name);
  }

  /**
   * Every template's output in Helm's order, executing only those not in the cache; with `only`, those templates at
   * least (every one until a render of all of them showed that none changes what the others read).
   */
  render(options: RenderKey, only?: ReadonlySet<string>): RenderedTemplate[] {
    for (;;) {
      const state = this.current;
      const { renderer, dependencies, outputs } = state;
      const independent = state.changesSharedMaps === false;
      const wanted = (file: TemplateFile) => !isPartial(file) && (!only || !independent || only.has(file.name));
      const outputKey = (name: string, isUpgrade: boolean) => `${name}\0${options.releaseName}\0${isUpgrade}`;
      // The other operation's output serves a file that cannot tell them apart.
      const kept = (file: TemplateFile) =>
        outputs.get(outputKey(file.name, options.isUpgrade)) ??
        (independent && !dependencies.seesOperation.get(file.name)
          ? outputs.get(outputKey(file.name, !options.isUpgrade))
          : undefined);
      const files = renderer.files.filter(wanted);
      const missing = new Set(files.filter((file) => !kept(file)).map((file) => file.name));
      if (missing.size > 0) {
        const fresh = renderer.render(options, (file) => missing.has(file.name));
        this.executions += fresh.templates.length;
        if (fresh.changedSharedMaps && independent) {
          // Rendered alone on a promise the chart no longer keeps: render every file together.
          state.changesSharedMaps = true;
          continue;
        }
        if (missing.size === renderer.files.filter((file) => !isPartial(file)).length || fresh.changedSharedMaps)
          state.changesSharedMaps = fresh.changedSharedMaps;
        for (const rendered of fresh.templates) outputs.set(outputKey(rendered.file.name, options.isUpgrade), rendered);
      }
      // The very objects rendered before, so that what callers derived from them can be cached by identity too.
      return files.map(kept).filter((rendered): rendered is RenderedTemplate => rendered !== undefined);
    }
  }
}

interface Dependencies {
  /**
   * Per template name: whether the output may differ between install and upgrade, because the template or a define
   * it reaches reads `.Release.IsUpgrade`, `IsInstall` or `Revision` (or all of `.Release`), or runs text the cache
   * cannot see.
   */
  seesOperation: Map<string, boolean>;
  /** Per template name: the hash of everything its output depends on but the release (computed once, when asked). */
  hashes(): Map<string, string>;
}

/** Text that may read whether the release is installed or upgraded. */
const OPERATION = /\b(?:IsUpgrade|IsInstall|Revision)\b|\.Release\b(?!\.(?:Name|Namespace|Service)\b)/;
const TPL = /\btpl\b/;

/** What each template's output depends on (see RenderCache): what it reaches, and whether it sees the operation. */
function dependenciesOf(chart: LoadedChart, renderer: ChartRenderer): Dependencies {
  const dynamicTpl = dataMatches(chart, TEMPLATE_CALL);
  // tpl runs text from values and files: it can see the operation only if such text reads it.
  const tplSeesOperation = dataMatches(chart, OPERATION);
  const dynamic = (text: string) => COMPUTED_INCLUDE.test(text) || (dynamicTpl && TPL.test(text));
  // Each define's name → the file whose definition wins (the template set the renderer built) and its body text.
  const defines = new Map<string, { file: TemplateFile; body: string }>();
  for (const file of renderer.files) {
    for (const define of file.parsed?.defines ?? []) {
      const winner = renderer.defineOwner(define.name);
      if (winner === file.name)
        defines.set(define.name, { file, body: file.template.text.slice(define.start, define.end) });
    }
    defines.set(file.name, { file, body: file.template.text });
  }
  // What each text (a template or a define's body) calls and reads, worked out once however many files reach it.
  const scans = new Map<string, { calls: string[]; dynamic: boolean; seesOperation: boolean }>();
  const scan = (text: string) => {
    let found = scans.get(text);
    if (!found) {
      const calls = [...text.matchAll(INCLUDE)].map((match) =>
        match[1]!.startsWith('`') ? match[1]!.slice(1, -1) : (JSON.parse(match[1]!) as string),
      );
      found = {
        calls,
        dynamic: dynamic(text),
        seesOperation: OPERATION.test(text) || (tplSeesOperation && TPL.test(text)),
      };
      scans.set(text, found);
    }
    return found;
  };
  const anySeesOperation = tplSeesOperation || renderer.files.some((file) => OPERATION.test(file.template.text));
  const reachedBy = new Map<string, { reached: Set<string>; isDynamic: boolean }>();
  const seesOperation = new Map<string, boolean>();
  for (const file of renderer.files) {
    const reached = new Set<string>();
    let isDynamic = false;
    let sees = false;
    const queue = [file.template.text];
    while (queue.length > 0 && !isDynamic) {
      const found = scan(queue.pop()!);
      if (found.dynamic) isDynamic = true;
      if (found.seesOperation) sees = true;
      for (const name of found.calls) {
        if (reached.has(name)) continue;
        reached.add(name);
        const define = defines.get(name);
        if (define) queue.push(define.body);
      }
    }
    reachedBy.set(file.name, { reached, isDynamic });
    seesOperation.set(file.name, isDynamic ? anySeesOperation : sees);
  }
  let hashes: Map<string, string> | undefined;
  return {
    seesOperation,
    hashes: () => {
      if (hashes) return hashes;
      const mutates = renderer.files.some((file) => mayMutate(file.template.text));
      const environment = hash(JSON.stringify(environmentOf(chart)));
      const allTexts = hash(renderer.files.map((file) => `${file.name}\0${file.template.text}`).join('\0'));
      const defineHashes = new Map<string, string>();
      const defineHash = (name: string) => {
        let found = defineHashes.get(name);
        if (found === undefined) {
          const define = defines.get(name);
          found = define ? hash(`${define.file.name}\0${define.body}`) : '';
          defineHashes.set(name, found);
        }
        return found;
      };
      hashes = new Map();
      for (const file of renderer.files) {
        const { reached, isDynamic } = reachedBy.get(file.name)!;
        const dependencies = isDynamic
          ? allTexts
          : [...reached]
              .sort()
              .map((name) => `${name}\0${defineHash(name)}`)
              .join('\0');
        hashes.set(
          file.name,
          mutates
            ? hash(`${environment}\0${allTexts}`)
            : hash(`${environment}\0${file.template.text}\0${dependencies}`),
        );
      }
      return hashes;
    },
  };
}

/** Whether some value or chart file of the tree holds text `pattern` finds, which `tpl` could run. */
function dataMatches(chart: LoadedChart, pattern: RegExp): boolean {
  const inValue = (value: unknown): boolean =>
    typeof value === 'string'
      ? pattern.test(value)
      : typeof value === 'object' && value !== null && Object.values(value).some(inValue);
  return (
    inValue(chart.values) ||
    [...chart.files.values()].some((text) => pattern.test(text)) ||
    chart.subcharts.some((subchart) => dataMatches(subchart, pattern))
  );
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
