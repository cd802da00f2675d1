import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { TextDocuments } from 'vscode-languageserver/node';
import { DEFAULT_LINT_OPTIONS } from '../../../server/src/engine/lint/lint';
import { Workspace } from '../../../server/src/features/workspace';

const PATH = '/charts/app/templates/job.yaml';
const TEXT = [
  'apiVersion: batch/v1',
  'kind: Job',
  'metadata:',
  '  name: migrate',
  '  annotations:',
  '    "helm.sh/hook": pre-instal',
  '---',
  'kind: ConfigMap',
  '',
].join('\n');

/** How many texts the workspace's engine caches hold in all. */
function kept(workspace: Workspace): number {
  return Object.values(workspace.caches.sizes()).reduce((sum, size) => sum + size, 0);
}

describe("the language server's workspace owns what it keeps", () => {
  it('keeps the scans and parses of an analysed file until the file closes, and its findings with them', () => {
    const workspace = new Workspace(new TextDocuments(TextDocument));
    const file = workspace.analysis(PATH, TEXT)!.file;
    assert.ok(kept(workspace) > 0, 'the analysis kept its pieces');
    const findings = workspace.lints.findingsFor(file, DEFAULT_LINT_OPTIONS);
    assert.ok(findings.length > 0, 'the misspelled event is found');
    assert.equal(workspace.lints.findingsFor(file, DEFAULT_LINT_OPTIONS), findings, 'kept while the text is the same');
    workspace.documentClosed(PATH);
    assert.equal(kept(workspace), 0);
    assert.notEqual(workspace.lints.findingsFor(file, DEFAULT_LINT_OPTIONS), findings, 'linted again once closed');
    assert.notEqual(workspace.analysis(PATH, TEXT)!.file, file, 'analysed again once closed');
  });

  it('drops its caches when the configuration changes, and keeps the analyses, which hold no setting', () => {
    const workspace = new Workspace(new TextDocuments(TextDocument));
    const analysed = workspace.analysis(PATH, TEXT);
    assert.ok(kept(workspace) > 0);
    workspace.configurationChanged();
    assert.equal(kept(workspace), 0);
    assert.equal(workspace.analysis(PATH, TEXT), analysed);
  });

  it('holds nothing after dispose, and keeps nothing from later analyses', () => {
    const workspace = new Workspace(new TextDocuments(TextDocument));
    workspace.analysis(PATH, TEXT);
    workspace.dispose();
    assert.deepEqual(workspace.caches.sizes(), {});
    workspace.analysis(PATH, TEXT.replace('migrate', 'other'));
    assert.deepEqual(workspace.caches.sizes(), {});
  });
});
