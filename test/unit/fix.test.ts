import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyzeTemplate } from '../../server/src/engine/analysis/file';
import { applyEdits, fixUntilStable, MAX_FIX_PASSES, safeEditsFor } from '../../server/src/engine/lint/fix';
import { lintFile } from '../../server/src/engine/lint/lint';
import { ALL_RULES, LIFECYCLE_RULES } from '../../server/src/engine/rules';
import { lifecycleHooks } from '../../server/src/engine/rules/support/lifecycle-helpers';
import type { Finding, TextEdit } from '../../server/src/engine/rules/rule';
import { REPO_ROOT } from '../support/paths';

const PATH = 'templates/sample.yaml';

const LIFECYCLE_IDS = new Set(LIFECYCLE_RULES.map((rule) => rule.id));

function hookCount(text: string): number {
  return lifecycleHooks(analyzeTemplate(PATH, text)).filter((hook) => hook.events !== undefined).length;
}

function lint(text: string): Finding[] {
  return lintFile(analyzeTemplate(PATH, text));
}

/** Every safe fix of every rule, applied pass after pass until nothing changes. */
function fixEverything(text: string): string {
  const lintText = (current: string) => ({ text: current, findings: lint(current) });
  const { linted, stable } = fixUntilStable(PATH, lintText(text), lintText);
  assert.ok(stable, `safe fixes did not converge in ${MAX_FIX_PASSES} passes`);
  return linted.text;
}

/** The text outside the edits, in order, which applying them must leave untouched. */
function untouchedParts(text: string, edits: TextEdit[]): string[] {
  const sorted = [...edits].sort((a, b) => a.range.start - b.range.start);
  const parts: string[] = [];
  let cursor = 0;
  for (const edit of sorted) {
    parts.push(text.slice(cursor, edit.range.start));
    cursor = edit.range.end;
  }
  parts.push(text.slice(cursor));
  return parts;
}

function templatesUnder(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? templatesUnder(path) : /\.(ya?ml|tpl)$/.test(name) ? [path] : [];
  });
}

const MANY_MISTAKES = [
  'apiVersion: batch/v1',
  'kind: Job',
  'metadata:',
  '  name: {{ .Release.Name }}-migrate',
  '  annotations:',
  '    helm.sh/hook: pre-instal, post-upgrade,pre-install,',
  '    helm.sh/hook-weight: -5',
  '    helm.sh/hook-delete-policy: before-hook-creation,hook-succeded,hook-succeded',
  '    helm.sh/hook-output-log-policy: hook-faild',
  '    example.com/enabled: true',
  '    example.com/port: 8080',
  'spec: {}',
  '',
].join('\n');

const samples: [string, string][] = [
  ['a template with many mistakes', MANY_MISTAKES],
  ['the same with CRLF line endings', MANY_MISTAKES.replace(/\n/g, '\r\n')],
  ...ALL_RULES.map((rule): [string, string] => [`the bad example of ${rule.id}`, rule.docs.bad]),
  ...templatesUnder(join(REPO_ROOT, 'examples', 'shop', 'templates')).map((path): [string, string] => [
    path.slice(REPO_ROOT.length + 1),
    readFileSync(path, 'utf8'),
  ]),
];

describe('applying safe fixes', () => {
  for (const [name, text] of samples) {
    it(`leaves no finding that has a safe fix, and is idempotent, on ${name}`, () => {
      const fixed = fixEverything(text);
      const left = lint(fixed);
      assert.deepEqual(
        left.filter((finding) => finding.fixes.some((fix) => fix.safe)).map((finding) => finding.rule),
        [],
      );
      assert.equal(fixEverything(fixed), fixed, 'a second run changes nothing');
      const rulesBefore = new Set(lint(text).map((finding) => finding.rule));
      // A fix that makes Helm read a hook (a known event, the right key) turns a dropped or normal document into a
      // hook, which the lifecycle rules then check for the first time.
      const newHooks = hookCount(fixed) > hookCount(text);
      for (const finding of left) {
        assert.ok(
          rulesBefore.has(finding.rule) || (newHooks && LIFECYCLE_IDS.has(finding.rule)),
          `fixing did not create a new ${finding.rule} finding`,
        );
      }
    });

    it(`changes only the text its edits name on ${name}`, () => {
      const edits = safeEditsFor(PATH, lint(text));
      const fixed = applyEdits(text, edits);
      const sorted = [...edits].sort((a, b) => a.range.start - b.range.start);
      let cursorOriginal = 0;
      let cursorFixed = 0;
      const kept = untouchedParts(text, edits);
      sorted.forEach((edit, index) => {
        const part = kept[index]!;
        assert.equal(fixed.slice(cursorFixed, cursorFixed + part.length), part);
        cursorFixed += part.length;
        assert.equal(fixed.slice(cursorFixed, cursorFixed + edit.newText.length), edit.newText);
        cursorFixed += edit.newText.length;
        cursorOriginal = edit.range.end;
      });
      assert.equal(fixed.slice(cursorFixed), text.slice(cursorOriginal));
    });
  }

  it('fixes the template with many mistakes into the text a person would write', () => {
    const text = fixEverything(MANY_MISTAKES);
    assert.match(text, /helm\.sh\/hook: pre-install, post-upgrade\n/);
    assert.match(text, /helm\.sh\/hook-weight: "-5"\n/);
    assert.match(text, /helm\.sh\/hook-delete-policy: before-hook-creation,hook-succeeded\n/);
    assert.match(text, /helm\.sh\/hook-output-log-policy: hook-failed\n/);
    assert.match(text, /example\.com\/enabled: "true"\n/);
    assert.match(text, /example\.com\/port: "8080"\n/);
  });
});

/** A finding at `range` whose one safe fix writes `newText` there. */
function fixable(range: { start: number; end: number }, newText: string): Finding {
  const edit: TextEdit = { file: PATH, range, newText };
  return {
    rule: 'sample',
    severity: 'warning',
    file: PATH,
    range,
    message: 'sample',
    messageId: 'sample',
    help: 'sample help',
    related: [],
    fixes: [{ title: 'fix', safe: true, edits: [edit] }],
  };
}

describe('fixUntilStable', () => {
  it('stops at the first pass that changes nothing, and says it is stable', () => {
    // The lint reports only the first bare word, so each pass quotes one and the next lint finds the other.
    const lintText = (text: string) => {
      const bare = /(?<!")\b(one|two)\b(?!")/.exec(text);
      const findings = bare ? [fixable({ start: bare.index, end: bare.index + bare[0].length }, `"${bare[0]}"`)] : [];
      return { text, findings };
    };
    let lints = 0;
    const counted = (text: string) => {
      lints++;
      return lintText(text);
    };
    const fixed = fixUntilStable(PATH, lintText('a: one\nb: two\n'), counted);
    assert.deepEqual(fixed, { linted: lintText('a: "one"\nb: "two"\n'), passes: 2, stable: true });
    assert.equal(lints, 2, 'the text is linted once after each pass that changed it');
  });

  it('leaves a text whose safe fixes change nothing as it was, without linting it again', () => {
    const original = { text: 'a: b\n', findings: [fixable({ start: 3, end: 4 }, 'b')] };
    const fixed = fixUntilStable(PATH, original, () => assert.fail('nothing changed, so nothing is linted again'));
    assert.deepEqual(fixed, { linted: original, passes: 0, stable: true });
  });

  it(`stops after ${MAX_FIX_PASSES} passes on a text that keeps changing, keeping every pass's edits`, () => {
    // A fix that always has more to do: each pass appends one more line.
    const lintText = (text: string) => ({
      text,
      findings: [fixable({ start: text.length, end: text.length }, 'more\n')],
    });
    const fixed = fixUntilStable(PATH, lintText('kept\n'), lintText);
    assert.equal(fixed.linted.text, `kept\n${'more\n'.repeat(MAX_FIX_PASSES)}`);
    assert.equal(fixed.passes, MAX_FIX_PASSES);
    assert.equal(fixed.stable, false);
  });

  it('settles when the last pass the limit allows made the text stable', () => {
    const lintText = (text: string) => {
      const count = text.split('more').length - 1;
      return {
        text,
        findings: count < MAX_FIX_PASSES ? [fixable({ start: text.length, end: text.length }, 'more\n')] : [],
      };
    };
    const fixed = fixUntilStable(PATH, lintText(''), lintText);
    assert.deepEqual({ passes: fixed.passes, stable: fixed.stable }, { passes: MAX_FIX_PASSES, stable: true });
  });

  it('applies only the safe fixes of the file it fixes', () => {
    const elsewhere: Finding = {
      ...fixable({ start: 0, end: 1 }, 'X'),
      fixes: [
        {
          title: 'other file',
          safe: true,
          edits: [{ file: 'templates/other.yaml', range: { start: 0, end: 1 }, newText: 'X' }],
        },
      ],
    };
    const unsafe: Finding = {
      ...fixable({ start: 1, end: 2 }, 'Y'),
      fixes: [{ title: 'unsafe', safe: false, edits: [{ file: PATH, range: { start: 1, end: 2 }, newText: 'Y' }] }],
    };
    const fixed = fixUntilStable(PATH, { text: 'ab', findings: [elsewhere, unsafe] }, () =>
      assert.fail('nothing to apply'),
    );
    assert.equal(fixed.linted.text, 'ab');
  });
});
