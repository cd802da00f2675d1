import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadChart } from '../../../server/src/engine/chart/load';
import { RenderCache } from '../../../server/src/engine/eval/cache';
import type { RenderedTemplate } from '../../../server/src/engine/eval/render';
import { ChartRenderer } from '../../../server/src/engine/eval/render';
import { evaluatedFindings } from '../../../server/src/engine/lint/evaluated-lint';
import { FIXTURES } from '../../support/paths';

/**
 * What re-evaluating a chart costs after one edit, counted in template executions (not time). The fixture has five
 * templates Helm renders: migrate-schema and migrate-data include hookAnnotations, cleanup includes
 * cleanupAnnotations, named includes maybe, literal includes nothing; all three defines are in _helpers.tpl.
 */

const CHART = join(FIXTURES, 'evaluated', 'shared-define');
const INSTALL = { releaseName: 'release-name', isUpgrade: false };

class Editor {
  readonly overlay = new Map<string, string>();
  readonly cache = new RenderCache(loadChart(CHART));

  edit(relative: string, change: (text: string) => string): void {
    const path = join(CHART, relative);
    this.write(relative, change(this.overlay.get(path) ?? readFileSync(path, 'utf8')));
  }

  /** An unsaved buffer, as an editor has: the file need not exist on disk. */
  write(relative: string, text: string): void {
    this.overlay.set(join(CHART, relative), text);
    this.cache.update(loadChart(CHART, { overlay: this.overlay }));
  }

  /** Template executions one render costs now. */
  cost(options = INSTALL): number {
    const before = this.cache.executions;
    this.cache.render(options);
    return this.cache.executions - before;
  }
}

function texts(templates: RenderedTemplate[]): Array<[string, string]> {
  return templates.map((rendered) => [
    rendered.file.name,
    rendered.chunks.map((chunk) => chunk.text ?? '<unknown>').join(''),
  ]);
}

describe('re-evaluating a chart after an edit', () => {
  it('executes every template once at first, and none on a render with nothing changed', () => {
    const editor = new Editor();
    assert.equal(editor.cost(), 5);
    assert.equal(editor.cost(), 0);
    // Another release name is another render.
    assert.equal(editor.cost({ releaseName: 'zz-second', isUpgrade: false }), 5);
    // No template here reads .Release.IsUpgrade, IsInstall or Revision: the install outputs serve the upgrade.
    assert.equal(editor.cost({ releaseName: 'release-name', isUpgrade: true }), 0);
  });

  it('executes again for an upgrade only the templates that can tell it from an install, with the output a whole upgrade render gives', () => {
    const editor = new Editor();
    editor.write(
      'templates/operation.yaml',
      'kind: ConfigMap\nmetadata:\n  name: {{ if .Release.IsUpgrade }}upgraded{{ else }}installed{{ end }}\n',
    );
    editor.write('templates/revision.yaml', 'kind: ConfigMap\nmetadata:\n  name: rev-{{ .Release.Revision }}\n');
    assert.equal(editor.cost(), 7);
    const upgrade = { releaseName: 'release-name', isUpgrade: true };
    assert.equal(editor.cost(upgrade), 2, 'operation and revision');
    const fresh = new ChartRenderer(loadChart(CHART, { overlay: editor.overlay })).render(upgrade).templates;
    assert.deepEqual(texts(editor.cache.render(upgrade)), texts(fresh));
    assert.ok(texts(fresh).some(([, text]) => text.includes('name: upgraded')));
  });

  it('executes for another release name only the templates asked for, once a whole render showed no template changes what others read', () => {
    const editor = new Editor();
    editor.cost();
    const second = { releaseName: 'zz-second', isUpgrade: false };
    const only = new Set(['shared-define/templates/literal.yaml']);
    const before = editor.cache.executions;
    const rendered = editor.cache.render(second, only);
    assert.equal(editor.cache.executions - before, 1);
    const fresh = new ChartRenderer(loadChart(CHART)).render(second).templates;
    assert.deepEqual(
      texts(rendered),
      texts(fresh).filter(([name]) => only.has(name)),
    );
  });

  it('renders every template, for an upgrade or a subset, when a template changed a map the others read during the render', () => {
    const editor = new Editor();
    // `set` on a map the template made itself changes nothing shared: it does not count.
    editor.write('templates/local.yaml', '{{- $own := dict }}{{- $_ := set $own "a" 1 }}\n');
    assert.equal(editor.cost(), 6);
    assert.equal(editor.cost({ releaseName: 'release-name', isUpgrade: true }), 0);
    const shared = new Editor();
    // Helm renders every file with the same maps: this changes .Values for the files rendered after it.
    shared.write('templates/0-mutate.yaml', '{{- $_ := set .Values "cleanupEvent" "post-delete" }}\n');
    assert.equal(shared.cost(), 6);
    assert.equal(shared.cost({ releaseName: 'release-name', isUpgrade: true }), 6);
    const before = shared.cache.executions;
    shared.cache.render(
      { releaseName: 'zz-second', isUpgrade: false },
      new Set(['shared-define/templates/cleanup.yaml']),
    );
    assert.equal(shared.cache.executions - before, 6);
  });

  it('executes only the edited template after an edit to a template no other includes', () => {
    const editor = new Editor();
    editor.cost();
    editor.edit('templates/literal.yaml', (text) => text.replace('post-upgrde', 'post-upgrade'));
    assert.equal(editor.cost(), 1);
  });

  it('executes only the templates that include a define after an edit to that define', () => {
    const editor = new Editor();
    editor.cost();
    editor.edit('templates/_helpers.tpl', (text) => text.replace('post-instal', 'post-install'));
    assert.equal(editor.cost(), 2, 'migrate-schema and migrate-data');
    editor.edit('templates/_helpers.tpl', (text) =>
      text.replace('{{ .Values.cleanupEvent }}', '{{ .Values.cleanupEvent | lower }}'),
    );
    assert.equal(editor.cost(), 1, 'cleanup');
  });

  it('executes nothing after an edit to a define file outside every define', () => {
    const editor = new Editor();
    editor.cost();
    editor.edit('templates/_helpers.tpl', (text) => `{{/* a comment between defines */}}\n${text}`);
    assert.equal(editor.cost(), 0);
  });

  it('executes the templates whose define now comes from another file when a later-parsed file redefines it', () => {
    const editor = new Editor();
    editor.cost();
    // Helm parses _a.tpl after _helpers.tpl (reverse lexical order at one depth), so its definition wins.
    editor.write(
      'templates/_a.tpl',
      '{{- define "shared-define.hookAnnotations" -}}\nhelm.sh/hook: pre-install\n{{- end }}\n',
    );
    assert.equal(editor.cost(), 2);
  });

  it('executes every template after a values change', () => {
    const editor = new Editor();
    editor.cost();
    editor.edit('values.yaml', (text) => `${text}extra: 1\n`);
    assert.equal(editor.cost(), 5);
  });

  it('executes a template with a computed include name or tpl after any edit to another template', () => {
    const editor = new Editor();
    editor.write(
      'templates/dynamic.yaml',
      'kind: ConfigMap\nmetadata:\n  annotations:\n    {{- include (print "shared-define." "cleanupAnnotations") . | nindent 4 }}\n',
    );
    editor.cost();
    editor.edit('templates/literal.yaml', (text) => `${text}# edited\n`);
    assert.equal(editor.cost(), 2, 'literal and dynamic');
  });

  it('treats tpl as reaching every define only when some values text holds an action calling include or template', () => {
    const editor = new Editor();
    editor.write('templates/rendered.yaml', 'kind: ConfigMap\nmetadata:\n  name: {{ tpl .Values.nameTemplate . }}\n');
    editor.edit('values.yaml', (text) => `${text}nameTemplate: "{{ .Release.Name }}-x"\n`);
    editor.cost();
    editor.edit('templates/literal.yaml', (text) => `${text}# edited\n`);
    assert.equal(editor.cost(), 1, 'literal only: the values cannot make tpl call a define');
    editor.edit('values.yaml', (text) => `${text}other: '{{ include "shared-define.maybe" . }}'\n`);
    editor.cost();
    editor.edit('templates/literal.yaml', (text) => `${text}# again\n`);
    assert.equal(editor.cost(), 2, 'literal and rendered');
  });

  it('executes every template after any edit when some template may change .Values in place', () => {
    const editor = new Editor();
    editor.write('templates/mutate.yaml', '{{- $_ := set .Values "cleanupEvent" "post-delete" }}\n');
    assert.equal(editor.cost(), 6);
    editor.edit('templates/literal.yaml', (text) => `${text}# edited\n`);
    assert.equal(editor.cost(), 6);
  });

  it('gives, after edits, the same output as rendering the edited chart from scratch', () => {
    const editor = new Editor();
    editor.cost();
    editor.edit('templates/_helpers.tpl', (text) => text.replace('post-instal', 'post-install'));
    editor.edit('templates/literal.yaml', (text) => text.replace('post-upgrde', 'post-upgrade'));
    const fresh = new ChartRenderer(loadChart(CHART, { overlay: editor.overlay })).render(INSTALL).templates;
    assert.deepEqual(texts(editor.cache.render(INSTALL)), texts(fresh));
  });

  it('feeds the evaluated annotation rules with the same findings as a fresh evaluation', () => {
    const editor = new Editor();
    const fromCache = evaluatedFindings(editor.cache);
    assert.deepEqual(fromCache, evaluatedFindings(loadChart(CHART)));
    assert.ok(fromCache.length > 0);
    // A second lint of the unchanged chart executes nothing.
    const before = editor.cache.executions;
    evaluatedFindings(editor.cache);
    assert.equal(editor.cache.executions, before);
  });
});
