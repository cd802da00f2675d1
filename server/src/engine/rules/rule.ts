import type { TemplateFile } from '../analysis/file';
import type { TextRange } from '../core/text';
import type { ChartRuleContext } from './support/chart-objects';
import type { DeployTarget } from '../deployers/targets';
import type { LoadedChart } from '../chart/types';

export type Severity = 'error' | 'warning' | 'info';
export type RuleSetting = Severity | 'off';
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];
export type HelmVersion = 3 | 4;

export interface TextEdit {
  /** Absolute or project-relative path, as the file was given to the engine. */
  file: string;
  range: TextRange;
  newText: string;
}

export interface Fix {
  title: string;
  /** Cannot change what the user meant: `--fix` and `source.fixAll` apply only safe fixes. */
  safe: boolean;
  edits: TextEdit[];
}

export interface RelatedLocation {
  file: string;
  range: TextRange;
  message: string;
}

/** Short enough to read in one line of the Problems panel or a terminal. */
export const MAX_MESSAGE_LENGTH = 160;

export interface Finding {
  rule: string;
  severity: Severity;
  file: string;
  range: TextRange;
  /** One sentence of at most MAX_MESSAGE_LENGTH characters: what goes wrong, and when (formatted from messageId). */
  message: string;
  /** The key in the rule's `messages` the message was formatted from. */
  messageId: string;
  /** The values the message's placeholders were filled with: what tests compare instead of the wording. */
  data?: MessageData;
  /** Plain text, a few sentences: the fix first, then why (what Helm or Kubernetes does). */
  help: string;
  related: RelatedLocation[];
  fixes: Fix[];
}

/** The values a message template's `{{placeholder}}`s are filled with. */
export type MessageData = Readonly<Record<string, string | number>>;

/** A message named by its id in the rule's `messages`, filled with `data` (see formatMessage). */
export interface MessageById {
  messageId: string;
  data?: MessageData;
}

/** What a rule hands to `report`: the runner fills in the rule id, the file and the configured severity. */
export type Report = ReportBody & MessageById;

export interface ReportBody {
  range: TextRange;
  /** See Finding: the fix first, then why, in plain text. */
  help: string;
  /** This finding's own severity when it differs from the rule's default (e.g. an info-level variant). */
  severity?: Severity;
  /** The claim rests on a value we could not evaluate: never reported above warning. */
  uncertain?: boolean;
  related?: RelatedLocation[];
  /** Edits without `file` apply to the reported file. */
  fixes?: { title: string; safe: boolean; edits: (Omit<TextEdit, 'file'> & { file?: string })[] }[];
}

export interface RuleDocs {
  /** Why this matters, in the user's terms (Markdown). */
  description: string;
  /**
   * What Helm or Kubernetes does, citing Helm's source as a link to a file and function at a named tag
   * (https://github.com/helm/helm/blob/v4.1.4/…), and public issues where users met the problem (Markdown).
   */
  helmFact: string;
  /** A template that this rule reports; a test lints it. */
  bad: string;
  /** The same template written right; a test lints it and expects nothing from this rule. */
  good: string;
}

export interface FileRuleContext {
  file: TemplateFile;
  helmVersion: HelmVersion;
  /** Who deploys the chart (default: helm), for a rule of every target whose claim a deployer changes. */
  targets?: readonly DeployTarget[];
  report(report: Report): void;
}

export interface LoadedChartContext {
  chart: LoadedChart;
  /** `file`: the absolute path of the file the range is in (Chart.yaml, say). */
  report(report: Report & { file: string }): void;
}

export interface Rule {
  id: string;
  defaultSeverity: Severity;
  /** One line, for tables and hovers. */
  summary: string;
  docs: RuleDocs;
  /**
   * The rule's messages by id, in the style of ESLint: each one sentence (see Finding.message) with `{{name}}`
   * placeholders that a report's `data` fills.
   */
  messages: Readonly<Record<string, string>>;
  /** Whether the rule offers fixes (for docs and SARIF). */
  fixable: boolean;
  /**
   * The deployer whose behaviour the rule checks: it runs only when that deployer is among the targets. `helm`: a
   * claim about what `helm install`/`upgrade`/`rollback`/`test`/`uninstall` do at run time, which Argo CD, rendering
   * with `helm template` and running hooks its own way, does not do. None: a claim about rendering, decoding or the
   * API server, true whoever deploys the chart.
   */
  target?: DeployTarget;
  /**
   * What `check` reads of a template. `document`: each YAML document on its own (its annotation sets, its hook, its
   * pod spec), and the file only inside it, so that what it finds in a document follows from that document's text
   * wherever it sits; the language server keeps those findings per document between keystrokes (lintFileReusing).
   * `file` (the default: a new rule is correct before it is fast): the whole file, run on every change.
   */
  reads?: 'document' | 'file';
  /**
   * `check` is about the template's own syntax (its actions, its YAML once they are set aside), which the documents
   * Helm renders no longer have: it does not run on the evaluated view.
   */
  syntaxOnly?: boolean;
  /** Runs on one template as written, and on each document of the chart as Helm renders it. */
  check?(context: FileRuleContext): void;
  /** Runs on every object of the chart as Helm renders it, once per release name and operation. */
  checkChart?(context: ChartRuleContext): void;
  /** Runs once on the chart as Helm loads it, before anything renders: its Chart.yaml and what `charts/` holds. */
  checkLoadedChart?(context: LoadedChartContext): void;
}

export function defineRule(rule: Rule): Rule {
  return rule;
}
