import type { TemplateFile } from '../analysis/file';
import type { ScanProblem, TemplateAction } from '../template/scanner';
import type { MessageById } from './rule';
import { defineRule } from './rule';

/** Starts each message: every problem stops the whole chart from rendering. */
const CANNOT_RENDER = 'Helm cannot render the chart';

/** What is wrong at the problem's place (the message), why Go's parser fails (the help's error) and the fix. */
interface Explanation {
  message: MessageById;
  /** The error text of Go's text/template, which Helm prints after "parse error at (file:line): ". */
  goError?: string;
  advice: string;
}

export const unclosedTemplateAction = defineRule({
  id: 'unclosed-template-action',
  defaultSeverity: 'error',
  summary: 'A template action `{{` without its closing `}}`: Helm cannot render the file.',
  fixable: false,
  // An action in a message goes through data: "{{ end }}" in a template would read as a placeholder.
  messages: {
    unclosedAction: `${CANNOT_RENDER}: this "{{" has no closing "}}".`,
    unterminatedString: `${CANNOT_RENDER}: a string in this action is not closed.`,
    unterminatedRawString: `${CANNOT_RENDER}: a raw string in this action is not closed.`,
    unterminatedCharacter: `${CANNOT_RENDER}: a character constant in this action is not closed.`,
    unclosedComment: `${CANNOT_RENDER}: this "{{/*" comment has no "*/}}".`,
    commentNotEnded: `${CANNOT_RENDER}: text stands between "*/" and "}}".`,
    endWithoutBlock: `${CANNOT_RENDER}: this {{action}} closes no block.`,
    blockWithoutEnd: `${CANNOT_RENDER}: this {{action}} has no {{end}}.`,
  },
  syntaxOnly: true,
  docs: {
    description:
      "Helm parses every template of the chart with Go's text/template before rendering anything. An action `{{` " +
      'without its `}}`, a string or raw string left open inside an action, a comment without `*/}}`, or an ' +
      '`{{ end }}` too many or too few is a parse error: `helm template`, `helm lint` and `helm install` all stop with ' +
      '`parse error at (<file>:<line>): …`, for the whole chart, even when the broken file is a `_helpers.tpl`. The ' +
      'rest of this file cannot be checked reliably until the template parses.',
    helmFact:
      'Helm parses templates with Go text/template and reports its errors as `parse error at (file:line): message`, ' +
      'e.g. `unclosed action`, `unterminated quoted string`, `unclosed comment`, `unexpected {{end}}`, `unexpected EOF` ' +
      "([engine.go `cleanupParseError`](https://github.com/helm/helm/blob/v4.1.4/pkg/engine/engine.go#L318); Go's text/template/parse lex.go and parse.go).",
    bad: [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: {{ .Release.Name -migrate',
      '  annotations:',
      '    helm.sh/hook: pre-upgrade',
      'spec: {}',
    ].join('\n'),
    good: [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: {{ .Release.Name }}-migrate',
      '  annotations:',
      '    helm.sh/hook: pre-upgrade',
      'spec: {}',
    ].join('\n'),
  },
  check(context) {
    const problems = context.file.scan.problems;
    if (problems.length === 0) return;
    const actionsByStart = new Map(context.file.scan.actions.map((action) => [action.range.start, action]));
    for (const problem of problems) {
      const { message, goError, advice } = explain(context.file, problem, actionsByStart);
      const failure = goError ? `fail with "parse error at (…): ${goError}"` : 'fail with a parse error';
      context.report({
        range: problem.range,
        ...message,
        help: `${advice} Helm parses every template before rendering anything, so helm template, helm lint and helm install ${failure}, for the whole chart.`,
      });
    }
  },
});

function explain(file: TemplateFile, problem: ScanProblem, actionsByStart: Map<number, TemplateAction>): Explanation {
  switch (problem.kind) {
    case 'unclosedAction': {
      // Inside an action Go's lexer reads line breaks as spaces, so the lines after an unclosed "{{" become part of the
      // action and usually fail first with another error (`function "data" not defined`). Only when nothing but
      // blanks follows the action's own line does the text end inside it, with "unclosed action".
      const action = actionsByStart.get(problem.range.start);
      const lineEnd = file.text.indexOf('\n', problem.range.start);
      const atEnd =
        action !== undefined &&
        action.range.end >= file.text.length &&
        (lineEnd < 0 || file.text.slice(lineEnd).trim() === '');
      return {
        message: { messageId: 'unclosedAction' },
        ...(atEnd ? { goError: 'unclosed action' } : {}),
        advice: 'Close the action with "}}".',
      };
    }
    case 'unterminatedString':
      return {
        message: { messageId: 'unterminatedString' },
        goError: 'unterminated quoted string',
        advice: 'Close the string on the same line; only a raw string in backticks may span lines.',
      };
    case 'unterminatedRawString':
      return {
        message: { messageId: 'unterminatedRawString' },
        goError: 'unterminated raw quoted string',
        advice: 'Close the raw string with a backtick.',
      };
    case 'unterminatedCharacter':
      return {
        message: { messageId: 'unterminatedCharacter' },
        goError: 'unterminated character constant',
        advice: 'Close the character constant, or write a "string" instead.',
      };
    case 'unclosedComment':
      return {
        message: { messageId: 'unclosedComment' },
        goError: 'unclosed comment',
        advice: 'End the comment with "*/}}".',
      };
    case 'commentNotEnded':
      return {
        message: { messageId: 'commentNotEnded' },
        goError: 'comment ends before closing delimiter',
        advice: 'Put "}}" (or " -}}") right after "*/".',
      };
    case 'endWithoutBlock':
      return {
        message: { messageId: 'endWithoutBlock', data: { action: '"{{ end }}"' } },
        goError: 'unexpected {{end}}',
        advice: 'Remove it, or add the "if", "range", "with" or "define" it should close.',
      };
    case 'blockWithoutEnd':
      return {
        message: { messageId: 'blockWithoutEnd', data: { action: `"{{ ${problem.keyword} }}"`, end: '"{{ end }}"' } },
        goError: 'unexpected EOF',
        advice: 'Add "{{ end }}" where the block should stop.',
      };
    default:
      // Every kind the scanner reports is explained above: a new kind fails to compile here until it is.
      return unexplained(problem);
  }
}

function unexplained(problem: never): never {
  throw new Error(`unexplained template scan problem: ${JSON.stringify(problem)}`);
}
