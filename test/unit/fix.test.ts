import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyzeTemplate } from '../../server/src/engine/analysis/file';
import { applyEdits, safeEditsFor } from '../../server/src/engine/lint/fix';
import { lintFile } from '../../server/src/engine/lint/lint';
import { ALL_RULES, LIFECYCLE_RULES } from '../../server/src/engine/rules';
import { lifecycleHooks } from '../../server/src/engine/rules/support/lifecycle-helpers';
import { Finding, TextEdit } from '../../server/src/engine/rules/rule';
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
function fixEverything(text: string): { text: string; passes: number } {
  let current = text;
  for (let pass = 1; pass <= 10; pass++) {
    const edits = safeEditsFor(PATH, lint(current));
    if (edits.length === 0) return { text: current, passes: pass - 1 };
    current = applyEdits(current, edits);
  }
  assert.fail('safe fixes did not converge in 10 passes');
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
  ...templatesUnder(join(REPO_ROOT, 'examples', 'shop', 'templates')).map((path): [string, string] => [path.slice(REPO_ROOT.length + 1), readFileSync(path, 'utf8')]),
];

describe('applying safe fixes', () => {
  for (const [name, text] of samples) {
    it(`leaves no finding that has a safe fix, and is idempotent, on ${name}`, () => {
      const { text: fixed } = fixEverything(text);
      const left = lint(fixed);
      assert.deepEqual(left.filter((finding) => finding.fixes.some((fix) => fix.safe)).map((finding) => finding.rule), []);
      assert.equal(fixEverything(fixed).text, fixed, 'a second run changes nothing');
      const rulesBefore = new Set(lint(text).map((finding) => finding.rule));
      // A fix that makes Helm read a hook (a known event, the right key) turns a dropped or normal document into a
      // hook, which the lifecycle rules then check for the first time.
      const newHooks = hookCount(fixed) > hookCount(text);
      for (const finding of left) {
        assert.ok(rulesBefore.has(finding.rule) || (newHooks && LIFECYCLE_IDS.has(finding.rule)), `fixing did not create a new ${finding.rule} finding`);
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
    const { text } = fixEverything(MANY_MISTAKES);
    assert.match(text, /helm\.sh\/hook: pre-install, post-upgrade\n/);
    assert.match(text, /helm\.sh\/hook-weight: "-5"\n/);
    assert.match(text, /helm\.sh\/hook-delete-policy: before-hook-creation,hook-succeeded\n/);
    assert.match(text, /helm\.sh\/hook-output-log-policy: hook-failed\n/);
    assert.match(text, /example\.com\/enabled: "true"\n/);
    assert.match(text, /example\.com\/port: "8080"\n/);
  });
});
