import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FileRuleContext, Rule } from '../../server/src/engine/rules/rule';
import type { ExpectedError, InvalidFileCase, RuleTests } from '../support/rule-tester';
import {
  checkDocsExamples,
  checkFixable,
  checkInvalidCase,
  checkMessageIds,
  checkReadsDocument,
  checkRendersLikeWritten,
  checkSyntaxOnly,
  checkValidCase,
  configMapWith,
  ruleTester,
} from '../support/rule-tester';

// Fake rules whose flags or cases lie, to show that each check of the tester fails, and says why.

const WEIGHT = /helm\.sh\/hook-weight: (-1)$/gm;

/** Reports each unquoted weight -1 (line 7, column 26 of hookWithWeight) and quotes it. */
function reportWeights(context: FileRuleContext): void {
  for (const match of context.file.text.matchAll(WEIGHT)) {
    const start = match.index + match[0].length - match[1]!.length;
    const range = { start, end: start + match[1]!.length };
    context.report({
      range,
      messageId: 'unquoted',
      data: { weight: match[1]! },
      help: 'Quote it, since annotation values must be strings.',
      fixes: [{ title: 'Quote the weight', safe: true, edits: [{ range, newText: `"${match[1]!}"` }] }],
    });
  }
}

function hookWithWeight(value: string): string {
  return configMapWith(['helm.sh/hook: pre-install', `helm.sh/hook-weight: ${value}`]);
}

/** An honest rule: its flags say what it does, and its cases below are right. */
function fakeRule(overrides: Partial<Rule> = {}): Rule {
  return {
    id: 'fake-weight',
    defaultSeverity: 'error',
    summary: 'A fake rule for the tester.',
    fixable: true,
    reads: 'document',
    messages: { unquoted: 'The weight {{weight}} is not quoted.' },
    docs: {
      description: 'A rule that exists only in the tests of the rule tester, to prove each check.',
      helmFact: 'Annotation values must be strings.',
      bad: hookWithWeight('-1'),
      good: hookWithWeight('"-1"'),
    },
    check: reportWeights,
    ...overrides,
  };
}

const ERROR: ExpectedError = {
  messageId: 'unquoted',
  data: { weight: '-1' },
  line: 7,
  column: 26,
  endColumn: 28,
  severity: 'error',
};

const INVALID: InvalidFileCase = {
  code: hookWithWeight('-1'),
  errors: [ERROR],
  output: hookWithWeight('"-1"'),
};

const TESTS: RuleTests = { valid: [hookWithWeight('"-1"')], invalid: [INVALID] };

/** Runs a check that must fail, and returns its message. */
function failure(check: () => void): string {
  try {
    check();
  } catch (error) {
    assert.ok(error instanceof Error);
    return error.message;
  }
  assert.fail('the check passed');
}

describe('rule tester', () => {
  it('passes an honest rule with right cases on every check (the control for the failures below)', () => {
    const rule = fakeRule();
    checkValidCase(rule, TESTS.valid[0]!);
    checkInvalidCase(rule, INVALID);
    checkMessageIds(rule, TESTS);
    checkFixable(rule, TESTS);
    checkReadsDocument(rule, TESTS);
    checkRendersLikeWritten(rule, TESTS);
    checkDocsExamples(rule);
  });

  it('fails a valid case that gives a finding, naming it', () => {
    assert.match(
      failure(() => checkValidCase(fakeRule(), hookWithWeight('-1'))),
      /should give no finding here, but gives: unquoted \{"weight":"-1"\} at templates\/test\.yaml:7:26-7:28/,
    );
  });

  it('fails a wrong messageId, data, position, severity, count or help fact', () => {
    const rule = fakeRule();
    const wrong = (error: Partial<ExpectedError>): InvalidFileCase => ({
      ...INVALID,
      errors: [{ ...ERROR, ...error }],
    });
    assert.match(
      failure(() => checkInvalidCase(rule, wrong({ messageId: 'quoted' }))),
      /finding #1 .*: messageId/,
    );
    assert.match(
      failure(() => checkInvalidCase(rule, wrong({ data: { weight: '1' } }))),
      /finding #1 .*: data\.weight/,
    );
    assert.match(
      failure(() => checkInvalidCase(rule, wrong({ line: 6 }))),
      /start line and column/,
    );
    assert.match(
      failure(() => checkInvalidCase(rule, wrong({ column: 25 }))),
      /start line and column/,
    );
    assert.match(
      failure(() => checkInvalidCase(rule, wrong({ endColumn: 29 }))),
      /end column/,
    );
    assert.match(
      failure(() => checkInvalidCase(rule, wrong({ severity: 'warning' }))),
      /severity/,
    );
    assert.match(
      failure(() => checkInvalidCase(rule, wrong({ help: [/Helm sorts it/] }))),
      /the help states/,
    );
    assert.match(
      failure(() => checkInvalidCase(rule, { ...INVALID, errors: 2 })),
      /should give 2 finding\(s\), but gives 1: unquoted/,
    );
  });

  it('checks related locations when given: their positions and the facts their notes state', () => {
    const rule = fakeRule({
      check(context) {
        reportWeights({
          ...context,
          report: (report) =>
            context.report({
              ...report,
              // The hook annotation of the same ConfigMap (line 6, column 5), as a clash's other side would be.
              related: [{ file: context.file.path, range: { start: 70, end: 82 }, message: 'the hook is here' }],
            }),
        });
      },
    });
    const withRelated = (related: ExpectedError['related']): InvalidFileCase => ({
      ...INVALID,
      errors: [{ ...ERROR, related }],
    });
    checkInvalidCase(rule, withRelated([{ line: 6, column: 5, message: [/the hook/] }]));
    assert.match(
      failure(() => checkInvalidCase(rule, withRelated([{ line: 6, column: 6 }]))),
      /related locations/,
    );
    assert.match(
      failure(() => checkInvalidCase(rule, withRelated([]))),
      /related locations/,
    );
    assert.match(
      failure(() => checkInvalidCase(rule, withRelated([{ line: 6, column: 5, message: [/the weight/] }]))),
      /related #1 states/,
    );
  });

  it('fails a wrong output, a missing output, and unsafe fixes not listed as suggestions', () => {
    const rule = fakeRule();
    assert.match(
      failure(() => checkInvalidCase(rule, { ...INVALID, output: hookWithWeight("'-1'") })),
      /the code after its safe fixes \(output\)/,
    );
    assert.match(
      failure(() => checkInvalidCase(rule, { ...INVALID, output: undefined })),
      /give their result as output/,
    );
    const unsafe = fakeRule({
      check(context) {
        reportWeights({
          ...context,
          report: (report) =>
            context.report({ ...report, fixes: report.fixes?.map((fix) => ({ ...fix, safe: false })) }),
        });
      },
    });
    assert.match(
      failure(() => checkInvalidCase(unsafe, { ...INVALID, output: null })),
      /list them as suggestions/,
    );
    checkInvalidCase(unsafe, { ...INVALID, output: null, suggestions: [{ output: hookWithWeight('"-1"') }] });
  });

  it('fails a message that breaks the short-message contract', () => {
    const rule = fakeRule({ messages: { unquoted: 'The weight {{weight}} is not quoted. Kubernetes rejects it.' } });
    assert.match(
      failure(() => checkInvalidCase(rule, INVALID)),
      /the message is one sentence/,
    );
  });

  it('fails an undeclared message id and an unused one', () => {
    assert.match(
      failure(() => checkInvalidCase(fakeRule({ messages: { quoted: 'Quoted.' } }), INVALID)),
      /rule fake-weight reported an undeclared message id "unquoted"/,
    );
    const unused = fakeRule({ messages: { unquoted: 'The weight {{weight}} is not quoted.', quoted: 'Quoted.' } });
    assert.match(
      failure(() => checkMessageIds(unused, TESTS)),
      /message ids of fake-weight that no invalid case reports: quoted/,
    );
  });

  it('fails fixable: false on a rule that fixes, and fixable: true on one that never does', () => {
    assert.match(
      failure(() => checkFixable(fakeRule({ fixable: false }), TESTS)),
      /says fixable: false, but .* yields a fix/,
    );
    const noFix = fakeRule({
      check: (context) => reportWeights({ ...context, report: (report) => context.report({ ...report, fixes: [] }) }),
    });
    assert.match(
      failure(() => checkFixable(noFix, TESTS)),
      /says fixable: true, but no invalid case yields a fix/,
    );
  });

  it("fails reads: 'document' on a rule that looks at another document of the file", () => {
    const alone = fakeRule({
      check: (context) => {
        // A lie: whether it reports depends on the documents around the hook.
        if (!context.file.text.includes('name: unrelated')) reportWeights(context);
      },
    });
    assert.match(
      failure(() => checkReadsDocument(alone, TESTS)),
      /says reads: 'document', but .* gives other findings after an unrelated document/,
    );
  });

  it('fails a rule that is not syntaxOnly but finds other things on the rendered view', () => {
    // Reports a file that holds two hooks: as written it does; each rendered document holds one.
    const twoHooks = fakeRule({
      reads: 'file',
      fixable: false,
      messages: { twoHooks: 'This file holds two hooks.' },
      check(context) {
        const hooks = [...context.file.text.matchAll(/helm\.sh\/hook: /g)];
        if (hooks.length !== 2) return;
        const start = hooks[1]!.index;
        context.report({ range: { start, end: start + 12 }, messageId: 'twoHooks', help: 'Split the file in two.' });
      },
    });
    const code = `${hookWithWeight('"1"')}---\n${hookWithWeight('"2"')}`;
    const tests: RuleTests = { valid: [], invalid: [{ code, errors: 1 }] };
    checkInvalidCase(twoHooks, tests.invalid[0]!);
    assert.match(
      failure(() => checkRendersLikeWritten(twoHooks, tests)),
      /is not syntaxOnly, but .* gives other message ids through the rendered view than as written/,
    );
    checkRendersLikeWritten(twoHooks, { valid: [], invalid: [{ code, errors: 1, renderedDiffers: 'the reason' }] });
  });

  it('fails syntaxOnly on a rule whose findings all come back on the rendered view, and passes one about actions', () => {
    assert.match(
      failure(() => checkSyntaxOnly(fakeRule({ syntaxOnly: true }), TESTS)),
      /says syntaxOnly: true, but every invalid case gives its message ids through the rendered view too/,
    );
    // Reports a template comment, which Helm's render drops.
    const comments = fakeRule({
      syntaxOnly: true,
      fixable: false,
      messages: { comment: 'A template comment.' },
      check(context) {
        for (const match of context.file.text.matchAll(/\{\{\/\*.*?\*\/\}\}/g)) {
          const range = { start: match.index, end: match.index + match[0].length };
          context.report({ range, messageId: 'comment', help: 'Nothing to do: this rule is a fake.' });
        }
      },
    });
    checkSyntaxOnly(comments, {
      valid: [],
      invalid: [{ code: `{{/* hook */}}\n${hookWithWeight('"1"')}`, errors: 1 }],
    });
  });

  it('fails docs whose bad example is not reported or whose good example is', () => {
    const rule = fakeRule();
    assert.match(
      failure(() => checkDocsExamples({ ...rule, docs: { ...rule.docs, bad: hookWithWeight('1') } })),
      /the bad example of fake-weight is reported/,
    );
    assert.match(
      failure(() => checkDocsExamples({ ...rule, docs: { ...rule.docs, good: hookWithWeight('-1') } })),
      /the good example of fake-weight is clean, but gives unquoted/,
    );
  });
});

// The whole run, as a rule's test file writes it: its cases and flag checks must all pass for the honest rule.
ruleTester.run(fakeRule(), TESTS);
