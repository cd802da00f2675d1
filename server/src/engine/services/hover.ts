import type { TemplateFile } from '../analysis/file';
import {
  DELETE_POLICY_FACTS,
  EVENT_FACTS,
  KEY_FACTS,
  OUTPUT_LOG_POLICY_FACTS,
  RESOURCE_POLICY_VALUES,
} from '../core/helm-facts';
import type { AnnotationSet, EntryModel } from '../model/document';
import {
  DELETE_POLICY_KEY,
  eventOf,
  HOOK_KEY,
  OUTPUT_LOG_POLICY_KEY,
  parseHookEvents,
  parseHookWeight,
  RESOURCE_POLICY_KEY,
  splitList,
  WEIGHT_KEY,
} from '../model/hook';
import type { TextRange } from '../core/text';

export interface EngineHover {
  range: TextRange;
  /** Markdown. */
  contents: string;
}

/**
 * Hover on a `helm.sh/` annotation key or value: what Helm does with it, and for a hook, where it runs in the chart's
 * order ("pre-install, 2nd of 4, weight -5, deleted before the next run"), which `placesOf` gives for the range of
 * the hook's document (the chart's order is the caller's: it needs the whole chart as Helm renders it).
 */
export async function hover(
  file: TemplateFile,
  offset: number,
  placesOf?: (documentRange: TextRange) => Promise<string[]>,
): Promise<EngineHover | undefined> {
  const found = entryAt(file, offset);
  if (!found) return undefined;
  const { set, entry, onValue } = found;
  const facts = KEY_FACTS[entry.key];
  if (!facts) return undefined;
  const parts: string[] = [`**${entry.key}**`, facts];
  if (set.origin === 'nested') {
    parts.push(
      `Helm does not read it here: hook annotations count only in the object's own \`metadata.annotations\`, not under \`${set.path.join('.')}\`.`,
    );
  } else if (set.origin === 'define') {
    parts.push('In a `define`: it applies to every object whose annotations include this template.');
  }
  const valueFacts = onValue ? describeValue(file, entry, offset) : undefined;
  if (valueFacts) parts.push(valueFacts);
  if (
    set.origin === 'object' &&
    set.resource &&
    placesOf &&
    set.mapping.entries.some((candidate) => candidate.key === HOOK_KEY)
  ) {
    const places = await placesOf(set.resource.range);
    if (places.length > 0) parts.push(places.map((place) => `- ${place}`).join('\n'));
  }
  const range = onValue && entry.value.range.end > entry.value.range.start ? entry.value.range : entry.keyRange;
  return { range, contents: parts.join('\n\n') };
}

function entryAt(
  file: TemplateFile,
  offset: number,
): { set: AnnotationSet; entry: EntryModel; onValue: boolean } | undefined {
  for (const set of file.model.annotationSets) {
    for (const entry of set.mapping.entries) {
      if (entry.keyRange.start <= offset && offset <= entry.keyRange.end) return { set, entry, onValue: false };
      const value = entry.value.range;
      if (value.end > value.start && value.start <= offset && offset <= value.end) return { set, entry, onValue: true };
    }
  }
  return undefined;
}

function describeValue(file: TemplateFile, entry: EntryModel, offset: number): string | undefined {
  const value = entry.value;
  if (value.templated || value.kind !== 'scalar') return undefined;
  const helmText = value.helmString ?? value.decoded ?? '';
  switch (entry.key) {
    case HOOK_KEY: {
      const parsed = parseHookEvents(helmText);
      if (parsed.dropped)
        return `Helm reads "${helmText}": an item is not an event it knows, so it drops this object from the release.`;
      const item = itemAt(file, entry, offset);
      const event = item !== undefined ? eventOf(item) : undefined;
      return event ? `\`${event}\`: ${EVENT_FACTS[event]}` : undefined;
    }
    case WEIGHT_KEY: {
      const { weight, valid } = parseHookWeight(helmText);
      return valid
        ? `Helm reads weight ${weight}.`
        : `Helm's strconv.Atoi rejects "${helmText}", so Helm silently uses weight 0.`;
    }
    case DELETE_POLICY_KEY:
    case OUTPUT_LOG_POLICY_KEY:
    case RESOURCE_POLICY_KEY: {
      const facts =
        entry.key === DELETE_POLICY_KEY
          ? DELETE_POLICY_FACTS
          : entry.key === OUTPUT_LOG_POLICY_KEY
            ? OUTPUT_LOG_POLICY_FACTS
            : RESOURCE_POLICY_VALUES;
      const item = itemAt(file, entry, offset)?.trim().toLowerCase();
      if (item === undefined) return undefined;
      if (entry.key === RESOURCE_POLICY_KEY)
        return (
          facts[item] ??
          `Only \`keep\` is meant here; on uninstall Helm also keeps the resource for "${item}", but an upgrade that drops it deletes it.`
        );
      return facts[item]
        ? `\`${item}\`: ${facts[item]}`
        : `"${item}" is not a policy Helm knows: Helm stores it and ignores it.`;
    }
    default:
      return undefined;
  }
}

/** The comma-separated item under the cursor, as written. */
function itemAt(file: TemplateFile, entry: EntryModel, offset: number): string | undefined {
  const list = splitList(entry.value, file.text);
  const item = list.items.find(
    (candidate) => candidate.span && candidate.span.start <= offset && offset <= candidate.span.end,
  );
  return item?.raw ?? (list.items.length === 1 ? list.items[0]!.raw : undefined);
}
