import fc from 'fast-check';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EvaluatedDocument } from '../../../server/src/engine/eval/hooks';
import { evaluateChart, readHead, separators } from '../../../server/src/engine/eval/hooks';
import { chartOf } from './helpers';

function documents(templates: Record<string, string>, values: Record<string, unknown> = {}): EvaluatedDocument[] {
  return evaluateChart(chartOf(templates, values)).files.flatMap((file) => file.documents);
}

const hook = (annotations: string, name = '{{ .Release.Name }}-job') =>
  `apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: ${name}\n  annotations:\n${annotations}\nspec: {}\n`;

describe('hook extraction from the evaluated view', () => {
  it('reads kind, name, events, weight and delete policies as Helm parses them', () => {
    const [doc] = documents({
      'job.yaml': hook(
        '    helm.sh/hook: Pre-Install, post-upgrade\n    helm.sh/hook-weight: "-5"\n    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded',
      ),
    });
    assert.deepEqual(
      [doc!.kind, doc!.isHook, doc!.events, doc!.weight, doc!.deletePolicies],
      [
        { certain: true, value: 'Job' },
        { certain: true, value: true },
        { certain: true, value: ['pre-install', 'post-upgrade'] },
        { certain: true, value: -5n },
        { certain: true, value: ['before-hook-creation', 'hook-succeeded'] },
      ],
    );
  });

  it('sees hook annotations built from values with toYaml, and from a define', () => {
    const values = { hookAnnotations: { 'helm.sh/hook': 'post-install', 'helm.sh/hook-weight': '3' } };
    const [fromValues] = documents({ 'a.yaml': hook('    {{- toYaml .Values.hookAnnotations | nindent 4 }}') }, values);
    assert.deepEqual(
      [fromValues!.events, fromValues!.weight],
      [
        { certain: true, value: ['post-install'] },
        { certain: true, value: 3n },
      ],
    );
    const [fromDefine] = documents({
      '_h.tpl': '{{- define "demo.hook" -}}\nhelm.sh/hook: pre-delete\n{{- end }}',
      'b.yaml': hook('    {{- include "demo.hook" . | nindent 4 }}'),
    });
    assert.deepEqual(fromDefine!.events, { certain: true, value: ['pre-delete'] });
  });

  it('splits files on --- lines as SplitManifests does and numbers the documents', () => {
    const docs = documents({ 'two.yaml': 'kind: A\nmetadata:\n  name: a\n---\nkind: B\nmetadata:\n  name: b\n' });
    assert.deepEqual(
      docs.map((doc) => [doc.index, doc.kind.certain && doc.kind.value, doc.isHook]),
      [
        [0, 'A', { certain: true, value: false }],
        [1, 'B', { certain: true, value: false }],
      ],
    );
  });

  it('keeps a name derived from the release name certain for each name, and says it follows the release', () => {
    const [doc] = documents({ 'job.yaml': hook('    helm.sh/hook: pre-install') });
    assert.deepEqual(doc!.name, { certain: true, value: 'release-name-job' });
    assert.equal(doc!.nameFollowsRelease, true);
    const [fixed] = documents({ 'job.yaml': hook('    helm.sh/hook: pre-install', 'fixed') });
    assert.equal(fixed!.nameFollowsRelease, false);
  });

  it('makes a field that differs between the two release names Unknown', () => {
    const [doc] = documents({
      'job.yaml': hook(
        '    helm.sh/hook: pre-install\n    helm.sh/hook-weight: {{ if eq .Release.Name "release-name" }}"1"{{ else }}"2"{{ end }}',
      ),
    });
    assert.equal(doc!.weight.certain, false);
    assert.deepEqual(doc!.events, { certain: true, value: ['pre-install'] });
  });

  it("reads a weight past 2^53 exactly, as Helm's 64-bit strconv.Atoi, and tells it from its neighbour", () => {
    const [exact] = documents({
      'job.yaml': hook('    helm.sh/hook: pre-install\n    helm.sh/hook-weight: "9007199254740993"'),
    });
    assert.deepEqual(exact!.weight, { certain: true, value: 9007199254740993n });
    // The two renders differ only past 2^53, where doubles are equal: the weight still follows the release name.
    const [differing] = documents({
      'job.yaml': hook(
        '    helm.sh/hook: pre-install\n    helm.sh/hook-weight: {{ if eq .Release.Name "release-name" }}"9007199254740993"{{ else }}"9007199254740992"{{ end }}',
      ),
    });
    assert.equal(differing!.weight.certain, false);
  });

  it('makes hook fields Unknown where they come from lookup, and the whole document where control flow does', () => {
    const [valueDoc] = documents({
      'a.yaml': hook(
        '    helm.sh/hook: pre-install\n    helm.sh/hook-weight: {{ (lookup "v1" "ConfigMap" "" "w").data.weight | quote }}',
      ),
    });
    assert.deepEqual([valueDoc!.events.certain, valueDoc!.weight.certain, valueDoc!.exact], [true, false, false]);
    const [controlDoc] = documents({
      'b.yaml': hook('    {{- if lookup "v1" "ConfigMap" "" "w" }}\n    helm.sh/hook: pre-install\n    {{- end }}'),
    });
    assert.equal(controlDoc!.isHook.certain, false);
  });

  it('marks a hook with an unknown event as dropped, as Helm drops it', () => {
    const [doc] = documents({ 'a.yaml': hook('    helm.sh/hook: pre-instal') });
    assert.deepEqual(
      [doc!.isHook, doc!.dropped],
      [
        { certain: true, value: true },
        { certain: true, value: true },
      ],
    );
  });

  it('decodes annotation scalars as Helm does: an unquoted 010 weight is 8, a null hook value drops', () => {
    const head = readHead(
      'kind: Job\nmetadata:\n  name: j\n  annotations:\n    helm.sh/hook: pre-install\n    helm.sh/hook-weight: 010\n',
    );
    assert.deepEqual(head.weight, { certain: true, value: 8n });
    const nullHook = readHead('kind: Job\nmetadata:\n  annotations:\n    helm.sh/hook:\n');
    assert.deepEqual(nullHook.dropped, { certain: true, value: true });
  });

  it('maps a rendered annotation back to the values-built define text and the include call', () => {
    const [doc] = documents({
      '_h.tpl': '{{- define "demo.hook" -}}\nhelm.sh/hook: pre-delete\n{{- end }}',
      'b.yaml': hook('    {{- include "demo.hook" . | nindent 4 }}'),
    });
    const offset = doc!.text.indexOf('pre-delete');
    const piece = doc!.pieces.find((candidate) => candidate.start <= offset && offset < candidate.end)!;
    assert.equal(piece.chunk.source!.template, 'demo/templates/_h.tpl');
    assert.equal(piece.chunk.via![0]!.template, 'demo/templates/b.yaml');
  });
});

describe('splitting rendered output into documents', () => {
  it("finds exactly the matches of releaseutil's separator (?:^|\\s*\\n)---\\s*, in one pass", () => {
    // The regular expression as Helm writes it, run by a backtracking engine on short texts, is the reference.
    const reference = (text: string) =>
      [...text.matchAll(/(?:^|[\t\n\f\r ]*\n)---[\t\n\f\r ]*/g)].map((match) => ({
        start: match.index,
        end: match.index + match[0].length,
      }));
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(' ', '\n', '\t', '\r', '-', '---', 'a', '#'), { maxLength: 60 }),
        (parts) => {
          const text = parts.join('');
          assert.deepEqual(separators(text), reference(text));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('splits a text of many blank lines in linear time (no backtracking blow-up)', () => {
    const text = `a: 1\n${' \n'.repeat(200_000)}---\nb: 2\n`;
    assert.deepEqual(separators(text).length, 1);
  });
});
