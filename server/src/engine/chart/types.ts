import type { FileAccess } from '../core/files';

/** `Chart.yaml` as Helm reads it; `raw` is the whole mapping, for the `.Chart.*` fields the evaluator exposes. */
export interface ChartMetadata {
  /** The chart's name, or its `alias` when the parent's dependency entry gives one. */
  name: string;
  version: string;
  appVersion?: string;
  apiVersion: string;
  type?: string;
  raw: Record<string, unknown>;
}

export interface ChartTemplate {
  /** `templates/x.yaml`, relative to the chart root, `/`-separated. */
  path: string;
  /** On disk, or `<archive>.tgz#<dir>/templates/x.yaml` for a file inside a packaged subchart. */
  absolutePath: string;
  text: string;
  /**
   * Where `text` starts in the file as an editor holds it: 1 (one UTF-16 unit) when the file began with a UTF-8
   * byte-order mark, which Helm's loader drops and so does ours. Offsets into `text` are that much less.
   */
  textStart?: number;
}

export interface ChartProblem {
  /** The file (or archive member, as in `absolutePath`) the problem is about. */
  path: string;
  message: string;
}

export interface LoadedChart {
  /** Absolute path, or a path inside an archive (`…/charts/x-1.0.0.tgz#x`). */
  directory: string;
  metadata: ChartMetadata;
  /**
   * `.Values` as Helm computes them for this chart's templates: its `values.yaml` coalesced with the user's values
   * files (root) or with the parent's section for it (subchart), and with the globals passed down.
   */
  values: Record<string, unknown>;
  /** Every file under `templates/` Helm renders or reads defines from (a library chart: only `_` files). */
  templates: ChartTemplate[];
  /** Non-template files for `.Files.Get`, path relative to the chart root, `.helmignore` applied. */
  files: Map<string, string>;
  /** Enabled subcharts only (condition, tags and alias applied). */
  subcharts: LoadedChart[];
  /** Helm's template name prefix: `<parent>/charts/<sub>` (the alias for an aliased subchart). */
  templatePrefix: string;
  /** Unreadable files, bad YAML, what makes Helm refuse the chart: reported, never thrown. */
  problems: ChartProblem[];
  /**
   * The values texts `values` was computed from, lowest precedence first, so that a value can be traced back to the
   * key a user wrote: this chart's `values.yaml`, then its parents' `values.yaml` and the `-f` files.
   */
  valuesSources?: ValuesSource[];
  /**
   * The dependencies the chart lists that `charts/` does not hold (action.CheckDependencies, top chart only), with the
   * file that lists them (Chart.yaml, or requirements.yaml) and its text. Absent when none is missing.
   */
  missingDependencies?: { path: string; text: string; names: string[] };
}

/** One values text, and where this chart's `.Values` sit inside it (`[]` for its own, `['sub']` in its parent's). */
export interface ValuesSource {
  /** As in `ChartTemplate.absolutePath`. */
  path: string;
  text: string;
  at: string[];
}

export interface LoadOptions {
  /** `-f/--values` files, merged in order over `values.yaml`. */
  valuesFiles?: string[];
  /** Open editor buffers by absolute path; they win over the disk. */
  overlay?: Map<string, string>;
  /** Where the chart's files are read from: the disk unless given (tests load charts from memory). */
  files?: FileAccess;
}
