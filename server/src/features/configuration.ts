import { dirname, isAbsolute, resolve } from 'node:path';
import type { Connection } from 'vscode-languageserver/node';
import type { LoadedConfig } from '../engine/core/config';
import { findConfigFile, loadConfig } from '../engine/core/config';
import type { LintOptions } from '../engine/lint/lint';
import { DEFAULT_TARGETS } from '../engine/deployers/targets';
import { ruleById } from '../engine/rules';
import type { HelmVersion, RuleSetting } from '../engine/rules/rule';
import type { HelmHooksSettings } from '../protocol';
import { SETTINGS_SECTION } from '../protocol';

export const DEFAULT_SETTINGS: HelmHooksSettings = {
  helmVersion: 4,
  valuesFiles: [],
  rules: {},
  codeLens: { enable: true },
  diagnostics: { scope: 'chart' },
  trace: { server: 'off' },
};

const RULE_SETTINGS = new Set(['off', 'info', 'warning', 'error']);

/** Editor settings as sent, reduced to what is valid; the rest is dropped (and logged by the caller). */
export function normalizeSettings(raw: unknown): { settings: HelmHooksSettings; problems: string[] } {
  const problems: string[] = [];
  const settings: HelmHooksSettings = structuredClone(DEFAULT_SETTINGS);
  if (!raw || typeof raw !== 'object') return { settings, problems };
  const value = raw as Record<string, unknown>;
  const version = value['helmVersion'];
  if (version !== undefined && version !== null) {
    if (String(version) === '3' || String(version) === '4') settings.helmVersion = Number(version) as 3 | 4;
    else problems.push(`helmHooks.helmVersion must be 3 or 4, not ${JSON.stringify(version)}`);
  }
  const valuesFiles = value['valuesFiles'];
  if (Array.isArray(valuesFiles))
    settings.valuesFiles = valuesFiles.filter((file): file is string => typeof file === 'string');
  const rules = value['rules'];
  if (rules && typeof rules === 'object') {
    for (const [id, setting] of Object.entries(rules as Record<string, unknown>)) {
      if (!ruleById(id)) problems.push(`helmHooks.rules: unknown rule id "${id}"`);
      else if (typeof setting !== 'string' || !RULE_SETTINGS.has(setting))
        problems.push(`helmHooks.rules.${id}: "${String(setting)}" is not one of off, info, warning, error`);
      else settings.rules[id] = setting;
    }
  }
  const codeLens = value['codeLens'] as Record<string, unknown> | undefined;
  if (codeLens && typeof codeLens.enable === 'boolean') settings.codeLens.enable = codeLens.enable;
  const diagnostics = value['diagnostics'] as Record<string, unknown> | undefined;
  if (diagnostics && diagnostics.scope !== undefined && diagnostics.scope !== null) {
    if (diagnostics.scope === 'chart' || diagnostics.scope === 'openFiles')
      settings.diagnostics.scope = diagnostics.scope;
    else
      problems.push(
        `helmHooks.diagnostics.scope must be "chart" or "openFiles", not ${JSON.stringify(diagnostics.scope)}`,
      );
  }
  const trace = value['trace'] as Record<string, unknown> | undefined;
  if (trace && (trace.server === 'off' || trace.server === 'messages' || trace.server === 'verbose'))
    settings.trace.server = trace.server;
  return { settings, problems };
}

export interface EffectiveConfig {
  settings: HelmHooksSettings;
  lint: LintOptions;
  /** The `.helm-hooks.yaml` in force, if any. */
  file?: LoadedConfig;
}

/**
 * Editor settings read through `workspace/configuration` (or pushed with didChangeConfiguration by clients that
 * cannot be asked), merged under the nearest `.helm-hooks.yaml`, which wins so that the editor and CI agree.
 */
export class Configuration {
  private readonly settingsCache = new Map<string, Promise<HelmHooksSettings>>();
  private readonly fileCache = new Map<string, LoadedConfig | undefined>();
  private pushed: unknown;

  constructor(
    private readonly connection: Connection,
    private readonly canPull: () => boolean,
    private readonly log: (message: string) => void,
  ) {}

  /** Settings changed: forget them; the pushed ones are kept for clients without `workspace/configuration`. */
  settingsChanged(pushed: unknown): void {
    this.settingsCache.clear();
    const section =
      pushed && typeof pushed === 'object' ? (pushed as Record<string, unknown>)[SETTINGS_SECTION] : undefined;
    if (section !== undefined) this.pushed = section;
  }

  /** A `.helm-hooks.yaml` was created, changed or deleted. */
  configFileChanged(): void {
    this.fileCache.clear();
  }

  /** Settings for a resource; `''` asks for the window's settings. */
  async settingsFor(scopeUri: string): Promise<HelmHooksSettings> {
    let cached = this.settingsCache.get(scopeUri);
    if (!cached) {
      cached = this.fetch(scopeUri);
      this.settingsCache.set(scopeUri, cached);
    }
    return cached;
  }

  private async fetch(scopeUri: string): Promise<HelmHooksSettings> {
    let raw: unknown = this.pushed;
    if (this.canPull()) {
      try {
        raw =
          scopeUri === ''
            ? await this.connection.workspace.getConfiguration(SETTINGS_SECTION)
            : await this.connection.workspace.getConfiguration({ scopeUri, section: SETTINGS_SECTION });
      } catch (error) {
        this.log(`could not read settings: ${(error as Error).message}`);
      }
    }
    const { settings, problems } = normalizeSettings(raw);
    for (const problem of problems) this.log(problem);
    return settings;
  }

  /** The nearest `.helm-hooks.yaml` from `directory` upward; a file with problems is logged and used for what is valid. */
  configFileFor(directory: string): LoadedConfig | undefined {
    if (!this.fileCache.has(directory)) {
      const path = findConfigFile(directory);
      let loaded: LoadedConfig | undefined;
      if (path) {
        try {
          loaded = loadConfig(path);
          for (const problem of loaded.problems)
            this.log(`${path}:${problem.line}:${problem.column}: ${problem.message}`);
        } catch (error) {
          this.log(`could not read ${path}: ${(error as Error).message}`);
        }
      }
      this.fileCache.set(directory, loaded);
    }
    return this.fileCache.get(directory);
  }

  async effective(chartDirectory: string, scopeUri: string): Promise<EffectiveConfig> {
    const settings = await this.settingsFor(scopeUri);
    const file = this.configFileFor(chartDirectory);
    const config = file?.config ?? {};
    const helmVersion: HelmVersion = config.helmVersion ?? settings.helmVersion;
    const rules: Record<string, RuleSetting> = {
      ...(settings.rules as Record<string, RuleSetting>),
      ...(config.rules ?? {}),
    };
    // Who deploys the chart is the chart's business, not the editor's: only `.helm-hooks.yaml` says it.
    const targets = config.targets ?? [...DEFAULT_TARGETS];
    const effective: EffectiveConfig = { settings, lint: { helmVersion, rules, targets } };
    if (file) effective.file = file;
    return effective;
  }
}

/** The values files merged over values.yaml: `.helm-hooks.yaml`'s `values` (relative to it), else the setting (relative to the chart). */
export function valuesFilesOf(chart: { directory: string }, config: EffectiveConfig): string[] {
  const fromFile = config.file?.config.values;
  if (fromFile && fromFile.length > 0) return fromFile.map((file) => resolve(dirname(config.file!.path), file));
  return config.settings.valuesFiles.map((file) => (isAbsolute(file) ? file : resolve(chart.directory, file)));
}
