import assert from 'node:assert/strict';
import type { Finding } from '../../server/src/engine/rules/rule';
import { MAX_MESSAGE_LENGTH } from '../../server/src/engine/rules/rule';

/** A sentence ends inside the text: a full stop, question or exclamation mark (and closing quotes) before a capital. */
const SENTENCE_BREAK = /[.?!]["')]*\s+[A-Z]/;

/**
 * The short-message contract of every finding: its message is one sentence of at most MAX_MESSAGE_LENGTH characters
 * on one line, and its help is plain text (no Markdown) that says more.
 */
export function assertShortMessage(finding: Finding): void {
  const { rule, message, help } = finding;
  assert.ok(message.length <= MAX_MESSAGE_LENGTH, `${rule}: the message has ${message.length} characters: ${message}`);
  assert.match(message, /^[^\n]+[.?]$/, `${rule}: the message is one line that ends its sentence: ${message}`);
  assert.doesNotMatch(message, SENTENCE_BREAK, `${rule}: the message is one sentence: ${message}`);
  assert.doesNotMatch(message, /`|\*\*/, `${rule}: the message is plain text: ${message}`);
  assert.ok(help.trim() !== '' && help !== message, `${rule}: the finding has help of its own: ${help}`);
  assert.doesNotMatch(help, /`|\*\*|\n/, `${rule}: the help is plain text on one line: ${help}`);
  assert.match(help, /[.?]$/, `${rule}: the help ends its last sentence: ${help}`);
}
