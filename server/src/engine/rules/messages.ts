import type { MessageById, MessageData, Rule } from './rule';

/** `{{name}}` or `{{ name }}`: a placeholder of a message template (a Helm action such as `{{ .Values.x }}` is not). */
const PLACEHOLDER = /\{\{\s*([A-Za-z_]\w*)\s*\}\}/g;

/**
 * The text of the message a rule reported: its template in `rule.messages` with each placeholder replaced by the
 * value in `data`. A rule bug (an id the rule does not declare, a placeholder without a value) throws, so that the
 * rule's tests fail rather than a user reading `{{name}}`.
 */
export function formatMessage(
  rule: Pick<Rule, 'id' | 'messages'>,
  reported: MessageById,
): { message: string; messageId: string; data: MessageData } {
  const { messageId } = reported;
  const template = Object.hasOwn(rule.messages, messageId) ? rule.messages[messageId] : undefined;
  if (template === undefined) throw new Error(`rule ${rule.id} reported an undeclared message id "${messageId}"`);
  const data = reported.data ?? {};
  return { message: fillPlaceholders(rule.id, messageId, template, data), messageId, data };
}

function fillPlaceholders(ruleId: string, messageId: string, template: string, data: MessageData): string {
  return template.replace(PLACEHOLDER, (_, name: string) => {
    if (!Object.hasOwn(data, name)) {
      throw new Error(`rule ${ruleId}, message "${messageId}": no value for the placeholder {{${name}}}`);
    }
    return String(data[name]);
  });
}

/**
 * A message template cut at its placeholders: `literals` holds the text before, between and after them (one more than
 * `placeholders`), `placeholders` their names in order, for a host that writes the template in another syntax.
 */
export function splitTemplate(template: string): { literals: string[]; placeholders: string[] } {
  const literals: string[] = [];
  const placeholders: string[] = [];
  let cursor = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    literals.push(template.slice(cursor, match.index));
    placeholders.push(match[1]!);
    cursor = match.index + match[0].length;
  }
  literals.push(template.slice(cursor));
  return { literals, placeholders };
}
