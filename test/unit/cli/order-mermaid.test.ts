import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { formatOrderMermaid, label } from '../../../server/src/cli/format/order-mermaid';
import type { OrderJson } from '../../../server/src/engine/order/chart-order';
import { REPO_ROOT } from '../../support/paths';
import { CHART_YAML, removeTempDirs, runCli, tempDir, writeFiles } from './cli-harness';

after(removeTempDirs);

/** Mermaid's numeric entities back to characters, as Mermaid shows them. */
function decode(text: string): string {
  return text.replace(/#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)));
}

interface Diagram {
  /** Subgraph titles, in order. */
  subgraphs: string[];
  /** Node id → its label lines, decoded, and its class. */
  nodes: Map<string, { lines: string[]; className?: string }>;
  /** Per subgraph, the ids along its `-->` chain. */
  chains: string[][];
  /** `a -.- b` pairs. */
  dotted: [string, string][];
}

/** Reads the flowchart back, line by line: the structure the formatter promises, not a renderer's view of it. */
function parse(text: string): Diagram {
  const lines = text.split('\n');
  assert.equal(lines[0], 'flowchart LR');
  assert.match(lines[1]!, /^ {2}%% helm-hooks order: /);
  const diagram: Diagram = { subgraphs: [], nodes: new Map(), chains: [], dotted: [] };
  for (const line of lines.slice(2)) {
    const subgraph = /^ {2}subgraph op\d+\["([^"]*)"\]$/.exec(line);
    if (subgraph) {
      diagram.subgraphs.push(decode(subgraph[1]!));
      diagram.chains.push([]);
      continue;
    }
    // Shapes: (["…"]) events, [["…"]] resources, ["…"] hooks; the label is quoted and holds no quote.
    const node = /^ +(n\d+)(?:\(\["([^"]*)"\]\)|\[\["([^"]*)"\]\]|\["([^"]*)"\])(?::::(\w+))?$/.exec(line);
    if (node) {
      const body = node[2] ?? node[3] ?? node[4]!;
      diagram.nodes.set(node[1]!, {
        lines: body.split('<br/>').map(decode),
        ...(node[5] ? { className: node[5] } : {}),
      });
      continue;
    }
    if (/^ {4}n\d+( --> n\d+)+$/.test(line)) {
      diagram.chains[diagram.chains.length - 1]!.push(...line.trim().split(' --> '));
      continue;
    }
    const dotted = /^ {4}(n\d+) -\.- (n\d+)$/.exec(line);
    if (dotted) {
      diagram.dotted.push([dotted[1]!, dotted[2]!]);
      continue;
    }
    assert.ok(
      /^ {2}classDef \w+ /.test(line) || /^ {4}direction TB$/.test(line) || line === '  end' || line === '',
      `unexpected line: ${line}`,
    );
  }
  return diagram;
}

function chainLabels(diagram: Diagram, index: number): string[] {
  return diagram.chains[index]!.map((id) => diagram.nodes.get(id)!.lines.join(' | '));
}

function hook(name: string, weight: number, events = 'pre-install'): string {
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  annotations:\n    helm.sh/hook: ${events}\n    helm.sh/hook-weight: "${weight}"\ndata: {}\n`;
}

function chart(): string {
  return writeFiles(tempDir(), {
    'Chart.yaml': CHART_YAML,
    'templates/a.yaml': hook('a-first', -5),
    'templates/b.yaml': hook('b-second', 0, 'pre-install,post-upgrade'),
    'templates/svc.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports: [{port: 80}]\n',
  });
}

describe('helm-hooks order --format mermaid', () => {
  it('draws one subgraph per operation, each a chain: event, its hooks in order with weights, the release resources, the next event', () => {
    const directory = chart();
    const result = runCli(['order', directory, '--format', 'mermaid'], directory);
    assert.equal(result.status, 0, result.stderr);
    const diagram = parse(result.stdout);
    assert.deepEqual(diagram.subgraphs, ['install', 'upgrade', 'rollback', 'uninstall', 'test']);
    assert.deepEqual(chainLabels(diagram, 0), [
      'pre-install',
      '1. weight -5 | ConfigMap a-first',
      '2. weight 0 | ConfigMap b-second',
      'release resources created: 1 | Service web',
      'post-install: no hooks',
    ]);
    assert.deepEqual(chainLabels(diagram, 1), [
      'pre-upgrade: no hooks',
      'release resources updated: 1 | Service web',
      'post-upgrade',
      '1. weight 0 | ConfigMap b-second',
    ]);
    // test has a single step: a node, no chain.
    assert.deepEqual(diagram.chains[4], []);
    assert.equal(diagram.nodes.get('n1')!.className, 'event');
  });

  it('with --check, marks the reweighted and the added hooks and hangs the removed one off its event; exit 1', () => {
    const directory = chart();
    const saved = join(tempDir(), 'order.json');
    assert.equal(runCli(['order', directory, '--check', saved, '--update'], directory).status, 0);
    writeFiles(directory, {
      'templates/b.yaml': hook('b-second', -9, 'pre-install,post-upgrade'),
      'templates/c.yaml': hook('c-third', 3),
    });
    writeFiles(directory, { 'templates/a.yaml': hook('a-gone', -5, 'post-install') });
    const result = runCli(['order', directory, '--check', saved, '--format', 'mermaid'], directory);
    assert.equal(result.status, 1, result.stderr);
    const diagram = parse(result.stdout);
    const install = diagram.chains[0]!.map((id) => diagram.nodes.get(id)!);
    assert.deepEqual(
      install.map((node) => [node.lines.join(' | '), node.className]),
      [
        ['pre-install', 'event'],
        ['1. weight -9 | ConfigMap b-second | weight was 0', 'changed'],
        ['2. weight 3 | ConfigMap c-third | added', 'added'],
        ['release resources created: 1 | Service web', 'resources'],
        ['post-install', 'event'],
        ['1. weight -5 | ConfigMap a-gone | added', 'added'],
      ],
    );
    const removed = diagram.dotted.map(([from, to]) => [
      diagram.nodes.get(from)!.lines.join(),
      diagram.nodes.get(to)!.lines.join(),
      diagram.nodes.get(to)!.className,
    ]);
    assert.deepEqual(removed, [['pre-install', 'removed: ConfigMap a-first: was 1st, weight -5', 'removed']]);
  });

  it('marks a hook that changed places as moved', () => {
    const directory = chart();
    const saved = join(tempDir(), 'order.json');
    assert.equal(runCli(['order', directory, '--check', saved, '--update'], directory).status, 0);
    writeFiles(directory, { 'templates/a.yaml': hook('a-first', 5) });
    const diagram = parse(
      runCli(['order', directory, '--check', saved, '--format', 'mermaid', '--operation', 'install'], directory).stdout,
    );
    const hooks = diagram.chains[0]!.slice(1, 3).map((id) => diagram.nodes.get(id)!);
    assert.deepEqual(
      hooks.map((node) => [node.lines.join(' | '), node.className]),
      [
        ['1. weight 0 | ConfigMap b-second', undefined],
        ['2. weight 5 | ConfigMap a-first | moved: 2nd, was 1st (weight 5, was -5)', 'moved'],
      ],
    );
  });

  it('keeps every character of a name inside its label: quotes, brackets, braces, #, ;, <, non-ASCII', () => {
    const nasty = 'x"] --> evil["{{ .Release.Name }}#1;<b>é😀';
    const order: OrderJson = {
      version: 1,
      chart: 'c\n%%',
      releaseName: 'r',
      operations: [
        {
          operation: 'test',
          steps: [
            {
              event: 'test',
              hooks: [
                {
                  position: null,
                  weight: null,
                  kind: 'Pod',
                  name: nasty,
                  nameCertain: false,
                  file: 't.yaml',
                  line: 1,
                  deletePolicies: null,
                  deleted: null,
                  reads: [],
                },
              ],
            },
          ],
        },
      ],
      unknown: [{ file: 'templates/x"y.yaml', line: 3, reason: 'r' }],
    };
    const text = formatOrderMermaid(order);
    assert.equal(text.split('\n')[1], '  %% helm-hooks order: chart c %%, release r');
    const diagram = parse(
      text
        .split('\n')
        .filter((line) => !line.includes('not known to be hooks'))
        .join('\n'),
    );
    assert.deepEqual(diagram.nodes.get('n2')!.lines, ['?. weight unknown', `Pod ${nasty}`]);
    assert.equal(decode(label(nasty)), nasty);
    assert.match(label(nasty), /^[A-Za-z0-9 .,:_/()+#;-]*$/);
    assert.match(text, /n3\["not known to be hooks or not, not placed: 1<br\/>templates\/x#34;y\.yaml:3"\]/);
  });

  it("the README shows examples/shop's install order as the command prints it today", () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const command = 'helm-hooks order examples/shop --format mermaid --operation install';
    const at = readme.indexOf(`\`${command}\``);
    assert.ok(at >= 0, `the README names ${command}`);
    const block = /```mermaid\n([\s\S]*?)```/.exec(readme.slice(at));
    assert.ok(block, 'a mermaid block after it');
    const result = runCli(command.split(' ').slice(1), REPO_ROOT);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(block[1], result.stdout);
    parse(block[1]!);
  });
});
