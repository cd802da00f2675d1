import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyzeTemplate } from '../../server/src/engine/analysis/file';
import { chartHookOrder, describePlaces, placesOfDocument } from '../../server/src/engine/order/chart-order';
import { hover } from '../../server/src/engine/services/hover';
import { loadTestChart, MemoryCharts } from '../support/chart-tester';

const PATH = 'templates/job.yaml';
const charts = new MemoryCharts();

/**
 * `|` marks the cursor in templates/job.yaml. Other templates of the chart are given as [path, text]; the hook's
 * places come from the chart's order as Helm renders it, as the language server gives them.
 */
function hoverAt(marked: string, others: [string, string][] = [], values = '') {
  const offset = marked.indexOf('|');
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  const directory = charts.write({ [PATH]: text, 'values.yaml': values, ...Object.fromEntries(others) });
  const file = analyzeTemplate(join(directory, PATH), text);
  const { order } = chartHookOrder(loadTestChart(directory));
  return hover(file, offset, async (range) => describePlaces(placesOfDocument(order, directory, file, range), order));
}

function job(annotations: string[], name = '{{ .Release.Name }}-migrate'): string {
  return [
    'apiVersion: batch/v1',
    'kind: Job',
    'metadata:',
    `  name: ${name}`,
    '  annotations:',
    ...annotations.map((line) => `    ${line}`),
    'spec: {}',
    '',
  ].join('\n');
}

const OTHER = (name: string, events: string, weight: string): string =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  annotations:\n    helm.sh/hook: ${events}\n    helm.sh/hook-weight: "${weight}"\n`;

describe('hover', () => {
  it('says where the hook runs in each event: place, weight and when it is deleted', async () => {
    const result = await hoverAt(job(['helm.sh/ho|ok: pre-install,post-upgrade', 'helm.sh/hook-weight: "-5"']), [
      ['templates/a.yaml', OTHER('{{ .Release.Name }}-a', 'pre-install', '-10')],
      ['templates/b.yaml', OTHER('{{ .Release.Name }}-b', 'pre-install', '0')],
      ['templates/c.yaml', OTHER('{{ .Release.Name }}-c', 'pre-install', '3')],
    ]);
    assert.ok(result);
    assert.ok(
      result.contents.includes('- pre-install, 2nd of 4, weight -5, deleted before the next run'),
      result.contents,
    );
    assert.ok(
      result.contents.includes('- post-upgrade, 1st of 1, weight -5, deleted before the next run'),
      result.contents,
    );
    assert.ok(result.contents.startsWith('**helm.sh/hook**'));
  });

  it('explains the event under the cursor', async () => {
    const result = await hoverAt(job(['helm.sh/hook: pre-install,post-del|ete']));
    assert.ok(
      result!.contents.includes('`post-delete`: Runs on `helm uninstall`, after the delete requests'),
      result!.contents,
    );
  });

  it('places a hook by the weight its values render, as Helm does', async () => {
    const result = await hoverAt(
      job(['helm.sh/hook: pre-install|', 'helm.sh/hook-weight: {{ .Values.weight | quote }}']),
      [['templates/a.yaml', OTHER('a', 'pre-install', '1')]],
      'weight: 5\n',
    );
    assert.ok(
      result!.contents.includes('- pre-install, 2nd of 2, weight 5, deleted before the next run'),
      result!.contents,
    );
  });

  it('says a weight that is not known leaves the place unknown rather than guessing', async () => {
    const result = await hoverAt(
      job(['helm.sh/hook: pre-install|', 'helm.sh/hook-weight: {{ randInt 0 9 | quote }}']),
      [['templates/a.yaml', OTHER('a', 'pre-install', '1')]],
    );
    assert.ok(
      result!.contents.includes(
        '- pre-install, place among 2 not known (its weight is not known), weight not known, deleted before the next run',
      ),
      result!.contents,
    );
  });

  it('reads weights as Helm does: an unquoted 010 is 8, "5.0" is silently 0', async () => {
    assert.ok(
      (await hoverAt(job(['helm.sh/hook: test', 'helm.sh/hook-weight: 01|0'])))!.contents.includes(
        'Helm reads weight 8.',
      ),
    );
    assert.ok(
      (await hoverAt(job(['helm.sh/hook: test', 'helm.sh/hook-weight: "5|.0"'])))!.contents.includes(
        'Helm\'s strconv.Atoi rejects "5.0", so Helm silently uses weight 0.',
      ),
    );
  });

  it('explains delete policies, including one Helm does not know', async () => {
    const known = await hoverAt(
      job(['helm.sh/hook: test', 'helm.sh/hook-delete-policy: before-hook-creation,hook-succ|eeded']),
    );
    assert.ok(
      known!.contents.includes('`hook-succeeded`: Helm deletes the hook after every hook of the event has succeeded'),
      known!.contents,
    );
    assert.ok(
      known!.contents.includes('- test, 1st of 1, weight 0, deleted after the event succeeds'),
      known!.contents,
    );
    const unknown = await hoverAt(job(['helm.sh/hook: test', 'helm.sh/hook-delete-policy: hook-succ|eded']));
    assert.ok(unknown!.contents.includes('"hook-succeded" is not a policy Helm knows'), unknown!.contents);
    assert.ok(unknown!.contents.includes('never deleted'), unknown!.contents);
  });

  it('says Helm drops the object when an event is unknown', async () => {
    const result = await hoverAt(job(['helm.sh/hook: pre-ins|tal']));
    assert.ok(
      result!.contents.includes(
        'Helm reads "pre-instal": an item is not an event it knows, so it drops this object from the release.',
      ),
    );
  });

  it('says hook annotations under a pod template are not read', async () => {
    const text = [
      'apiVersion: batch/v1',
      'kind: Job',
      'metadata:',
      '  name: j',
      'spec:',
      '  template:',
      '    metadata:',
      '      annotations:',
      '        helm.sh/ho|ok: pre-install',
      '',
    ].join('\n');
    const result = await hoverAt(text);
    assert.ok(
      result!.contents.includes(
        "Helm does not read it here: hook annotations count only in the object's own `metadata.annotations`, not under `spec.template.metadata.annotations`.",
      ),
      result!.contents,
    );
  });

  it('covers the hovered key or value, and says nothing on other keys', async () => {
    const marked = job(['helm.sh/hook: pre-install', 'example.com/ow|ner: me']);
    assert.equal(await hoverAt(marked), undefined);
    const onValue = (await hoverAt(job(['helm.sh/hook: pre-in|stall'])))!;
    const text = job(['helm.sh/hook: pre-install']);
    assert.equal(text.slice(onValue.range.start, onValue.range.end), 'pre-install');
  });
});

describe('hover on quoted annotation keys and values', () => {
  const others: [string, string][] = [['templates/a.yaml', OTHER('{{ .Release.Name }}-a', 'pre-install', '-10')]];
  /** A pre-install hook Job weighing -5 whose annotation keys and values are all in `q` quotes (the weight always quoted). */
  const annotated = (q: string) =>
    job([
      `${q}helm.sh/hook${q}: ${q}pre-install,post-delete${q}`,
      `${q}helm.sh/hook-weight${q}: ${q === "'" ? "'-5'" : '"-5"'}`,
      `${q}helm.sh/hook-delete-policy${q}: ${q}before-hook-creation,hook-succeeded${q}`,
      `${q}helm.sh/hook-output-log-policy${q}: ${q}hook-failed${q}`,
    ]);
  /** Each position: where the cursor goes (`|`, in the first place the text occurs), and what the hover covers. */
  const positions: [string, string, (q: string) => string][] = [
    ['the hook key', 'helm.sh/ho|ok', (q) => `${q}helm.sh/hook${q}`],
    ['an event after a comma', 'post-del|ete', (q) => `${q}pre-install,post-delete${q}`],
    ['the weight below the hook key', '-|5', (q) => (q === "'" ? "'-5'" : '"-5"')],
    ['a delete policy', 'hook-succ|eeded', (q) => `${q}before-hook-creation,hook-succeeded${q}`],
    ['the output-log policy', 'hook-fa|iled', (q) => `${q}hook-failed${q}`],
  ];
  for (const [position, cursor, covered] of positions) {
    it(`reads ${position} alike plain, double- and single-quoted, covering it with its quotes`, async () => {
      const at = (q: string) => annotated(q).replace(cursor.replace('|', ''), cursor);
      const plain = (await hoverAt(at(''), others))!;
      // The hook's place shows that the chart's order, not only this file, read the annotations.
      assert.ok(plain.contents.includes('- pre-install, 2nd of 2, weight -5,'), plain.contents);
      for (const q of ['', '"', "'"]) {
        const result = (await hoverAt(at(q), others))!;
        assert.equal(annotated(q).slice(result.range.start, result.range.end), covered(q), `${q} ${position}`);
        assert.equal(result.contents, plain.contents, `${q} ${position}`);
      }
    });
  }
});
