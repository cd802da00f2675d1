import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALL_RULES } from '../../server/src/engine/rules';
import { formatMessage } from '../../server/src/engine/rules/messages';

/**
 * The rules that still report free-text messages (issue 19 moves every rule to messages by id). Migrating a rule
 * removes it here; a migrated rule cannot fall back, since the runner throws on free text from a rule with messages.
 */
const FREE_TEXT_RULES: readonly string[] = [
  'argocd-install-render',
  'argocd-mixed-hook-annotations',
  'unclosed-template-action',
  'unknown-delete-policy',
  'unknown-helm-annotation',
  'unknown-hook-event',
  'unknown-output-log-policy',
];

const RULE = { id: 'fake-rule', messages: { tooLow: 'The weight {{weight}} is below {{ min }}.' } };

describe('rule messages by id', () => {
  it('lists exactly the rules without messages, so a migrated rule leaves the list and none joins it', () => {
    const withoutMessages = ALL_RULES.filter((rule) => !rule.messages).map((rule) => rule.id);
    assert.deepEqual([...withoutMessages].sort(), [...FREE_TEXT_RULES].sort());
  });

  it('gives each migrated rule at least one message, each one line with no empty placeholder', () => {
    for (const rule of ALL_RULES.filter((candidate) => candidate.messages)) {
      const entries = Object.entries(rule.messages!);
      assert.ok(entries.length > 0, `${rule.id} declares messages`);
      for (const [id, template] of entries) {
        assert.match(template, /^[^\n]+[.?]$/, `${rule.id}.${id} is one line that ends its sentence`);
        assert.doesNotMatch(template, /\{\{\s*\}\}/, `${rule.id}.${id} names each placeholder`);
      }
    }
  });

  it('fills placeholders, with or without spaces, and leaves Helm actions in the values alone', () => {
    assert.deepEqual(formatMessage(RULE, { messageId: 'tooLow', data: { weight: '{{ .Values.w }}', min: -5 } }), {
      message: 'The weight {{ .Values.w }} is below -5.',
      messageId: 'tooLow',
      data: { weight: '{{ .Values.w }}', min: -5 },
    });
  });

  it('throws a clear error on an undeclared id, a missing value and free text from a rule with messages', () => {
    assert.throws(
      () => formatMessage(RULE, { messageId: 'tooHigh' }),
      /rule fake-rule reported an undeclared message id "tooHigh"/,
    );
    assert.throws(
      () => formatMessage(RULE, { messageId: 'tooLow', data: { weight: 5 } }),
      /rule fake-rule, message "tooLow": no value for the placeholder \{\{min\}\}/,
    );
    assert.throws(
      () => formatMessage(RULE, { message: 'Free text.' }),
      /rule fake-rule declares messages but reported free text/,
    );
  });

  it('passes free text through for a rule without messages', () => {
    assert.deepEqual(formatMessage({ id: 'old-rule' }, { message: 'Free text.' }), { message: 'Free text.' });
  });
});
