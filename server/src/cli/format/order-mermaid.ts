import type { OrderJson } from '../../engine/order/chart-order';
import type { HookChange, OrderComparison } from '../../engine/order/compare';
import { changeAt } from '../../engine/order/compare';
import { changeDetail, describeChange, hookName } from './order-check';

/**
 * `order --format mermaid`: each operation's timeline as one Mermaid flowchart, which GitHub renders from a
 * ```mermaid block in Markdown. Every text from the chart goes through `label`, so a name or a templated value as
 * written cannot break out of its node. With a comparison (`--check`), changed hooks carry a class and say what
 * changed, and removed hooks hang off their event.
 */

/** Release resources listed in the step between the events; more would drown the hooks. */
const RESOURCES_SHOWN = 6;

const OPERATION_NOTES: Record<string, string> = {
  install: 'release resources created',
  upgrade: 'release resources updated',
  rollback: 'release resources rolled back',
  uninstall: 'release resources deleted',
};

const CLASSES = [
  'classDef event fill:#e8eaf6,stroke:#3949ab,color:#1a237e',
  'classDef resources fill:#eceff1,stroke:#607d8b,color:#263238',
  'classDef added fill:#e8f5e9,stroke:#2e7d32,stroke-width:3px',
  'classDef moved fill:#fff3e0,stroke:#ef6c00,stroke-width:3px',
  'classDef renamed fill:#e3f2fd,stroke:#1565c0,stroke-width:3px',
  'classDef changed fill:#fffde7,stroke:#f9a825,stroke-width:3px',
  'classDef removed fill:#ffebee,stroke:#c62828,stroke-dasharray:5 3',
];

export function formatOrderMermaid(order: OrderJson, comparison?: OrderComparison): string {
  // The comment follows the diagram type: older Mermaid versions (GitHub's among them) look for the type on line 1.
  const out = [
    'flowchart LR',
    `  %% helm-hooks order: chart ${oneLine(order.chart)}, release ${oneLine(order.releaseName)}`,
    ...CLASSES.map((line) => `  ${line}`),
  ];
  let next = 0;
  const node = () => `n${++next}`;
  order.operations.forEach(({ operation, steps }, o) => {
    out.push(`  subgraph op${o}["${label(operation)}"]`, '    direction TB');
    const chain: string[] = [];
    for (const step of steps) {
      if ('resources' in step) {
        const id = node();
        const listed = step.resources
          .slice(0, RESOURCES_SHOWN)
          .map((resource) => label(`${resource.kind ?? '?'} ${resource.name ?? '?'}`));
        if (step.resources.length > RESOURCES_SHOWN)
          listed.push(label(`… and ${step.resources.length - RESOURCES_SHOWN} more`));
        out.push(
          `    ${id}[["${[label(`${OPERATION_NOTES[operation] ?? 'release resources'}: ${step.resources.length}`), ...listed].join('<br/>')}"]]:::resources`,
        );
        chain.push(id);
        continue;
      }
      const eventId = node();
      out.push(
        `    ${eventId}(["${label(step.hooks.length === 0 ? `${step.event}: no hooks` : step.event)}"]):::event`,
      );
      chain.push(eventId);
      step.hooks.forEach((hook, index) => {
        const id = node();
        const change = comparison ? changeAt(comparison, operation, step.event, index) : undefined;
        const place = `${hook.position ?? '?'}. weight ${hook.weight ?? 'unknown'}`;
        const lines = [label(place), label(`${hook.kind ?? '?'} ${hook.name ?? '?'}`)];
        if (change) lines.push(label(markOf(change)));
        out.push(`    ${id}["${lines.join('<br/>')}"]${change ? `:::${classOf(change)}` : ''}`);
        chain.push(id);
      });
      const removed =
        comparison?.events
          .find((entry) => entry.operation === operation && entry.event === step.event)
          ?.changes.filter((change) => change.change === 'removed') ?? [];
      for (const change of removed) {
        const id = node();
        out.push(`    ${id}["${label(`removed: ${describeChange(change)}`)}"]:::removed`, `    ${eventId} -.- ${id}`);
      }
    }
    if (chain.length > 1) out.push(`    ${chain.join(' --> ')}`);
    out.push('  end');
  });
  if (order.unknown.length > 0) {
    const listed = order.unknown.slice(0, RESOURCES_SHOWN).map((entry) => label(`${entry.file}:${entry.line}`));
    if (order.unknown.length > RESOURCES_SHOWN)
      listed.push(label(`… and ${order.unknown.length - RESOURCES_SHOWN} more`));
    out.push(
      `  ${node()}["${[label(`not known to be hooks or not, not placed: ${order.unknown.length}`), ...listed].join('<br/>')}"]`,
    );
  }
  return `${out.join('\n')}\n`;
}

function classOf(change: HookChange): string {
  return change.change === 'weight' || change.change === 'position' ? 'changed' : change.change;
}

function markOf(change: HookChange): string {
  switch (change.change) {
    case 'added':
      return 'added';
    case 'renamed':
      return `renamed from ${hookName(change.was)}`;
    case 'moved':
      return `moved: ${changeDetail(change)}`;
    case 'weight':
      return `weight was ${change.was.weight ?? 'unknown'}`;
    default:
      return changeDetail(change);
  }
}

/**
 * Text inside a quoted Mermaid label: letters, digits and plain punctuation as they are; every other character as
 * Mermaid's numeric entity (`#123;`), so that quotes, brackets, `<`, `#`, `;` and template braces stay text.
 */
export function label(text: string): string {
  let result = '';
  for (const character of text) {
    result += /^[A-Za-z0-9 .,:_/()+-]$/.test(character) ? character : `#${character.codePointAt(0)};`;
  }
  return result;
}

/** A Mermaid comment ends at the line's end. */
function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}
