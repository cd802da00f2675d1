import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding, Severity } from '../../server/src/engine/rules/rule';
import { findingsHelp } from '../../server/src/engine/services/finding-help';

function finding(rule: string, severity: Severity, start: number, end: number, help: string): Finding {
  return {
    rule,
    severity,
    file: 'templates/job.yaml',
    range: { start, end },
    message: `${rule} message.`,
    messageId: 'sample',
    help,
    related: [],
    fixes: [],
  };
}

describe('the help of the findings under the cursor, for the hover', () => {
  const findings = [
    finding('hook-left-behind', 'info', 10, 30, 'Add hook-succeeded.'),
    finding('unknown-delete-policy', 'error', 20, 33, 'Write "hook-succeeded".'),
    finding(
      'hook-fixed-name',
      'info',
      40,
      47,
      'Build the name from the release, e.g. {{ include "<chart>.fullname" . }}-x_y.',
    ),
  ];

  it('gives the help of every finding whose range holds the offset, ends included, the most severe first', () => {
    const hover = findingsHelp(findings, 25);
    assert.deepEqual(hover, {
      range: { start: 20, end: 33 },
      contents: '**unknown-delete-policy**: Write "hook-succeeded".\n\n**hook-left-behind**: Add hook-succeeded.',
    });
    assert.equal(findingsHelp(findings, 33)?.contents, '**unknown-delete-policy**: Write "hook-succeeded".');
    assert.equal(findingsHelp(findings, 10)?.contents, '**hook-left-behind**: Add hook-succeeded.');
  });

  it('shows the help as written: Markdown characters in it are escaped', () => {
    assert.equal(
      findingsHelp(findings, 44)?.contents,
      '**hook-fixed-name**: Build the name from the release, e.g. {{ include "\\<chart\\>.fullname" . }}-x\\_y.',
    );
  });

  it('gives nothing away from every finding', () => {
    assert.equal(findingsHelp(findings, 35), undefined);
    assert.equal(findingsHelp([], 0), undefined);
  });
});
