import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SourceMapper } from '../../server/src/engine/analysis/source-map';
import { splitRendered } from '../../server/src/engine/eval/hooks';
import { ChartRenderer } from '../../server/src/engine/eval/render';
import { chartOf } from './eval/helpers';

const JOB = [
  'apiVersion: batch/v1',
  'kind: Job',
  'metadata:',
  '  name: {{ .Release.Name }}-job',
  '  annotations:',
  '    {{- include "demo.annotations" . | nindent 4 }}',
  '  labels:',
  '    {{- toYaml .Values.labels | nindent 4 }}',
  '',
].join('\n');
const HELPERS = '{{- define "demo.annotations" -}}\nhelm.sh/hook: pre-install\n{{- end }}\n';
const VALUES_PATH = '/virtual/demo/values.yaml';
const VALUES = '# labels for every object\nlabels:\n  team: infra\n';

/** The job's one rendered document, and a mapper over the chart it was rendered from. */
function renderJob() {
  const chart = {
    ...chartOf({ 'job.yaml': JOB, '_helpers.tpl': HELPERS }, { labels: { team: 'infra' } }),
    valuesSources: [{ path: VALUES_PATH, text: VALUES, at: [] }],
  };
  const renderer = new ChartRenderer(chart);
  const rendered = renderer.render().templates.find((template) => template.file.name === 'demo/templates/job.yaml')!;
  const [document] = splitRendered(rendered).documents;
  const mapper = new SourceMapper({ file: (name) => renderer.byName.get(name) });
  return { document: document!, file: rendered.file, mapper };
}

describe('source mapper', () => {
  it("places a document's text on one line of the template rendered, as the order shows a hook", () => {
    const { document, file, mapper } = renderJob();
    const lineOf = (...offsets: (number | undefined)[]) => {
      const place = mapper.placeInTemplate(document.pieces, file, offsets);
      assert.equal(place.file, '/virtual/demo/templates/job.yaml');
      return mapper.lineAt(place.file, place.range.start) + 1;
    };
    const at = (text: string) => document.text.indexOf(text);
    assert.equal(lineOf(at('kind: Job')), 2, 'literal text at its own line');
    assert.equal(lineOf(at('release-name-job')), 4, "an action's output at the action");
    assert.equal(lineOf(at('helm.sh/hook')), 6, 'text an include brought in at the include call');
    assert.equal(lineOf(at('team')), 8, 'toYaml output at the action');
    assert.equal(lineOf(undefined, at('labels')), 7, 'the first offset given');
    assert.equal(lineOf(), 1, "else the document's start");
  });

  it('maps the key toYaml printed to that key in the values file', () => {
    const { document, mapper } = renderJob();
    const start = document.text.indexOf('team');
    const mapped = mapper.map(
      { start, end: start + 'team'.length },
      document.pieces,
      document.text,
      'demo/templates/job.yaml',
    );
    assert.deepEqual(mapped, {
      file: VALUES_PATH,
      range: { start: VALUES.indexOf('team'), end: VALUES.indexOf('team') + 4 },
      exact: true,
    });
  });
});
