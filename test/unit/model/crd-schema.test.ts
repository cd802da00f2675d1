import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { discover } from '../../../server/src/engine/chart/discover';
import { analyzeTemplate } from '../../../server/src/engine/analysis/file';
import { lintText } from '../../../server/src/engine/lint/lint';
import { setAsideCrdSchemas, topLevelBodies } from '../../../server/src/engine/model/document';
import { CORPUS_CHARTS, requireShared } from '../../support/shared';

const CRD = [
  'apiVersion: apiextensions.k8s.io/v1',
  'kind: CustomResourceDefinition',
  'metadata:',
  '  name: widgets.example.com',
  '  annotations:',
  '    helm.sh/hook: crd-install',
  'spec:',
  '  group: example.com',
  '# a comment at the margin inside the schema',
  '  versions:',
  '\t- name: v1',
  '    schema: {openAPIV3Schema: {type: object',
  '',
  'status: {}',
].join('\n');

const JOB = [
  'apiVersion: batch/v1',
  'kind: Job',
  'metadata:',
  '  name: migrate',
  'spec:',
  '  template:',
  '    metadata:',
  '      annotations:',
  '        helm.sh/hook: pre-install',
  '    spec: {}',
].join('\n');

describe('CRD schemas set aside before the YAML parse', () => {
  it('keeps the length and line breaks, and turns only the spec block of a CRD into an opaque scalar', () => {
    const text = `${CRD}\n---\n${JOB}\n`;
    const result = setAsideCrdSchemas(text);
    assert.equal(result.length, text.length);
    assert.deepEqual(
      result.split('\n').map((line) => line.length),
      text.split('\n').map((line) => line.length),
    );
    const lines = result.split('\n');
    assert.equal(lines[6], 's: |1');
    assert.equal(
      lines[8],
      ' '.repeat('# a comment at the margin inside the schema'.length),
      'a margin comment inside the block is blanked',
    );
    assert.equal(lines[10], ' '.repeat('\t- name: v1'.length), 'a tab-indented line inside the block is blanked');
    assert.equal(lines[13], 'status: {}', 'the next top-level key is kept');
    assert.equal(result.slice(result.indexOf('---')), text.slice(text.indexOf('---')), 'the Job after it is untouched');
  });

  it('reads the CRD head and the next document as before, and reports nothing for the schema it does not read', () => {
    const file = analyzeTemplate('templates/crd.yaml', `${CRD}\n---\n${JOB}\n`);
    assert.deepEqual(file.model.yamlProblems, [], 'the unclosed flow mapping inside the schema is not parsed');
    const [crd, job] = file.model.documents;
    assert.equal(crd?.kind?.decoded, 'CustomResourceDefinition');
    assert.equal(crd?.name?.decoded, 'widgets.example.com');
    assert.deepEqual(
      crd?.annotations?.entries.map((entry) => [entry.key, entry.value.decoded]),
      [['helm.sh/hook', 'crd-install']],
    );
    assert.equal(job?.name?.decoded, 'migrate');
    const nested = file.model.annotationSets.filter((set) => set.origin === 'nested');
    assert.deepEqual(
      nested.map((set) => set.path.join('.')),
      ['spec.template.metadata.annotations'],
      'a Job spec is still read',
    );
    assert.deepEqual(file.model.documentRanges.length, 2);
  });

  it('still reports a YAML mistake in the head of a CRD', () => {
    const broken = CRD.replace('  name: widgets.example.com', '   name: widgets.example.com');
    const findings = lintText('templates/crd.yaml', broken).filter((finding) => finding.rule === 'invalid-yaml');
    assert.equal(findings.length, 1);
    assert.ok(findings[0]!.range.start < broken.indexOf('spec:'), 'the finding points into the head');
  });

  it('leaves a document alone whose kind is not literally CustomResourceDefinition, or whose spec is on its line', () => {
    const templated = CRD.replace('kind: CustomResourceDefinition', 'kind: {{ .Values.kind }}');
    assert.equal(setAsideCrdSchemas(templated), templated);
    const inline = CRD.replace(/spec:[\s\S]*$/, 'spec: {group: example.com}\n');
    assert.equal(setAsideCrdSchemas(inline), inline);
  });

  it('keeps CRLF line endings and the line after the block', () => {
    const text = `${CRD}\n`.replace(/\n/g, '\r\n');
    const result = setAsideCrdSchemas(text);
    assert.equal(result.length, text.length);
    assert.equal(result.split('\r\n').length, text.split('\r\n').length);
    assert.match(result, /\r\nstatus: \{\}\r\n$/);
  });

  it('reads every corpus CRD template as the full parse does: same documents, names and YAML errors', (t) => {
    if (!requireShared(t)) return;
    const paths = discover(CORPUS_CHARTS)
      .flatMap((target) => (target.kind === 'chart' ? target.chart.templates : []))
      .filter((path) => readFileSync(path, 'utf8').includes('CustomResourceDefinition'));
    assert.ok(paths.length >= 18, `the corpus has its 18 CRD templates (found ${paths.length})`);
    let setAside = 0;
    for (const path of paths) {
      const file = analyzeTemplate(path, readFileSync(path, 'utf8'));
      if (file.model.yamlText !== file.scan.masked) setAside++;
      const full = parseAllDocuments(file.scan.masked, {
        schema: 'failsafe',
        uniqueKeys: false,
        prettyErrors: false,
        strict: false,
      });
      const docs = Array.isArray(full) ? full : [];
      assert.deepEqual(
        file.model.documentRanges,
        docs.map((doc) => ({ start: doc.range[0], end: doc.range[2] })),
        path,
      );
      assert.deepEqual(
        file.model.yamlProblems.map((problem) => problem.range.start),
        docs.flatMap((doc) => doc.errors.map((error) => error.pos[0])),
        path,
      );
      const names = docs
        .map((doc) => doc.getIn(['metadata', 'name']))
        .filter((name) => name !== undefined)
        .map(String);
      assert.deepEqual(
        file.model.documents.map((doc) => doc.name?.decoded).filter((name) => name !== undefined),
        names,
        path,
      );
    }
    assert.ok(setAside >= 18, `the schemas of the corpus CRDs are set aside (${setAside} files)`);
  });
});

describe('topLevelBodies: the blocks the evaluated view may leave out of a rendered document', () => {
  it('gives each top-level block whose value starts on the next line, margin comments and odd indentation included', () => {
    const blocks = topLevelBodies(CRD).map((block) => ({
      key: block.key,
      text: CRD.slice(block.body.start, block.body.end),
    }));
    assert.deepEqual(
      blocks.map((block) => block.key),
      ['metadata', 'spec'],
    );
    assert.ok(blocks[1]!.text.startsWith('  group: example.com\n# a comment'));
    assert.ok(blocks[1]!.text.endsWith('{type: object\n\n'));
    assert.equal(blocks[0]!.text, '  name: widgets.example.com\n  annotations:\n    helm.sh/hook: crd-install\n');
  });

  it('gives nothing for a key whose value is on its own line, and takes a block scalar header as starting a block', () => {
    assert.deepEqual(topLevelBodies('kind: ConfigMap\nspec: {group: x}\ndata: {}\n'), []);
    const text = 'kind: Secret\nstringData: |\n  a\n  b\nmetadata:\n  name: s\n';
    assert.deepEqual(
      topLevelBodies(text).map((block) => [block.key, text.slice(block.body.start, block.body.end)]),
      [
        ['stringData', '  a\n  b\n'],
        ['metadata', '  name: s\n'],
      ],
    );
  });
});
