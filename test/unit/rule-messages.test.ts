import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALL_RULES } from '../../server/src/engine/rules';
import { formatMessage } from '../../server/src/engine/rules/messages';

const RULE = { id: 'fake-rule', messages: { tooLow: 'The weight {{weight}} is below {{ min }}.' } };

describe('rule messages by id', () => {
  it('gives every rule at least one message, each one line with no empty placeholder', () => {
    for (const rule of ALL_RULES) {
      const entries = Object.entries(rule.messages);
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

  it('throws a clear error on an undeclared id and on a placeholder without a value', () => {
    assert.throws(
      () => formatMessage(RULE, { messageId: 'tooHigh' }),
      /rule fake-rule reported an undeclared message id "tooHigh"/,
    );
    assert.throws(
      () => formatMessage(RULE, { messageId: 'tooLow', data: { weight: 5 } }),
      /rule fake-rule, message "tooLow": no value for the placeholder \{\{min\}\}/,
    );
  });
});
