import { dirname, join, relative, resolve, sep } from 'node:path';
import { minimatch } from 'minimatch';
import type { Node } from 'yaml';
import { parseDocument } from 'yaml';
import { isMap, isScalar, isSeq } from './yaml-nodes';
import { ruleById } from '../rules';
import type { HelmVersion, RuleSetting } from '../rules/rule';
import type { FileAccess } from './files';
import { fileExists, nodeFiles, readTextFile } from './files';
import type { TextRange } from './text';
import { LineIndex } from './text';
import type { DeployTarget } from '../deployers/targets';
import { DEPLOY_TARGETS, isDeployTarget } from '../deployers/targets';

export const CONFIG_FILE_NAME = '.helm-hooks.yaml';

/** `.helm-hooks.yaml`, shared by the CLI and the language server so that the editor and CI agree. */
export interface HelmHooksConfig {
  helmVersion?: HelmVersion;
  values?: string[];
  rules?: Record<string, RuleSetting>;
  ignore?: string[];
  /** Who deploys the chart (default `[helm]`): rules for a deployer run only when it is listed. */
  targets?: DeployTarget[];
}

export interface ConfigProblem {
  range: TextRange;
  /** 1-based line and column of the problem, for messages. */
  line: number;
  column: number;
  message: string;
}

export interface LoadedConfig {
  path: string;
  config: HelmHooksConfig;
  problems: ConfigProblem[];
}

const KNOWN_KEYS = ['helmVersion', 'values', 'rules', 'ignore', 'targets'];
const SETTINGS: readonly RuleSetting[] = ['off', 'info', 'warning', 'error'];

/** Parses the config text; unknown keys, rule ids and settings are reported, never ignored. */
export function parseConfig(text: string, path: string): LoadedConfig {
  const lines = new LineIndex(text);
  const problems: ConfigProblem[] = [];
  const problem = (node: Node | null | undefined, message: string) => {
    const start = node?.range?.[0] ?? 0;
    const end = node?.range?.[1] ?? start;
    const position = lines.position(start);
    problems.push({ range: { start, end }, line: position.line + 1, column: position.character + 1, message });
  };
  const config: HelmHooksConfig = {};
  const document = parseDocument(text, { prettyErrors: false });
  for (const error of document.errors) {
    const position = lines.position(error.pos[0]);
    problems.push({
      range: { start: error.pos[0], end: error.pos[1] },
      line: position.line + 1,
      column: position.character + 1,
      message: error.message.split('\n')[0]!,
    });
  }
  if (document.errors.length > 0) return { path, config, problems };
  const root = document.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === '')))
    return { path, config, problems };
  if (!isMap(root)) {
    problem(root, `the configuration must be a mapping (${KNOWN_KEYS.join(', ')})`);
    return { path, config, problems };
  }
  for (const pair of root.items) {
    const keyNode = pair.key as Node;
    const key = isScalar(keyNode) ? String(keyNode.value) : '';
    const value = pair.value as Node | null;
    // `rules:` with every entry commented out is an empty setting, not a mistake.
    if (KNOWN_KEYS.includes(key) && (value === null || (isScalar(value) && value.value === null))) continue;
    switch (key) {
      case 'helmVersion': {
        const version = isScalar(value) ? String(value.value) : '';
        if (version === '3' || version === '4') config.helmVersion = Number(version) as HelmVersion;
        else problem(value ?? keyNode, `helmVersion must be 3 or 4, not ${JSON.stringify(version)}`);
        break;
      }
      case 'values':
      case 'ignore': {
        const list = stringList(value);
        if (list) config[key] = list;
        else problem(value ?? keyNode, `${key} must be a list of strings`);
        break;
      }
      case 'targets': {
        if (!isSeq(value)) {
          problem(value ?? keyNode, `targets must be a list of ${DEPLOY_TARGETS.join(', ')}`);
          break;
        }
        const targets: DeployTarget[] = [];
        for (const item of value.items) {
          const name = isScalar(item) ? String(item.value) : '';
          if (isDeployTarget(name)) {
            if (!targets.includes(name)) targets.push(name);
          } else {
            problem(item as Node, `unknown target ${JSON.stringify(name)} (known: ${DEPLOY_TARGETS.join(', ')})`);
          }
        }
        if (targets.length > 0) config.targets = targets;
        else if (value.items.length === 0)
          problem(value, `targets must name at least one of ${DEPLOY_TARGETS.join(', ')}`);
        break;
      }
      case 'rules': {
        if (!isMap(value)) {
          problem(value ?? keyNode, 'rules must be a mapping of rule id to off, info, warning or error');
          break;
        }
        const rules: Record<string, RuleSetting> = {};
        for (const rulePair of value.items) {
          const idNode = rulePair.key as Node;
          const id = isScalar(idNode) ? String(idNode.value) : '';
          const settingNode = rulePair.value as Node | null;
          const setting = isScalar(settingNode) ? String(settingNode.value) : '';
          if (!ruleById(id)) {
            problem(idNode, `unknown rule id "${id}"`);
            continue;
          }
          if (!(SETTINGS as readonly string[]).includes(setting)) {
            problem(settingNode ?? idNode, `rule ${id}: "${setting}" is not one of off, info, warning, error`);
            continue;
          }
          rules[id] = setting as RuleSetting;
        }
        config.rules = rules;
        break;
      }
      default:
        problem(keyNode, `unknown key "${key}" (known: ${KNOWN_KEYS.join(', ')})`);
    }
  }
  return { path, config, problems };
}

function stringList(node: Node | null): string[] | undefined {
  if (!isSeq(node)) return undefined;
  const result: string[] = [];
  for (const item of node.items) {
    if (!isScalar(item) || typeof item.value !== 'string') return undefined;
    result.push(item.value);
  }
  return result;
}

/** The nearest `.helm-hooks.yaml` in `directory` or above. */
export function findConfigFile(directory: string, files: FileAccess = nodeFiles): string | undefined {
  let current = resolve(directory);
  for (;;) {
    const candidate = join(current, CONFIG_FILE_NAME);
    if (fileExists(files, candidate)) return candidate;
    const parent = dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

export function loadConfig(path: string, files: FileAccess = nodeFiles): LoadedConfig {
  return parseConfig(readTextFile(files, path), path);
}

/** Whether the config file's `ignore` globs, which match paths relative to its folder, leave a file out. */
export function isIgnored(path: string, configFile: LoadedConfig | undefined): boolean {
  const ignore = configFile?.config.ignore;
  if (!configFile || !ignore || ignore.length === 0) return false;
  const relativePath = relative(dirname(configFile.path), path).split(sep).join('/');
  return ignore.some((pattern) => minimatch(relativePath, pattern, { dot: true }));
}
