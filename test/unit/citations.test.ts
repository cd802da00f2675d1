import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { ALL_RULES } from '../../server/src/engine/rules';
import { REPO_ROOT } from '../support/paths';

/**
 * The docs stand alone: what a rule's docs or a comment cites is either a link (Helm's source at a tag, an issue) or a
 * file of this repository. Notes kept outside it (a design document, a reference of Helm facts) are not shipped, so a
 * reader following such a citation reaches nothing.
 */

const SOURCE_FOLDERS = ['server', 'client', 'test', 'scripts', 'bench'];
const SOURCE_EXTENSIONS = ['.ts', '.mjs', '.js'];

function sourceFiles(): string[] {
  return SOURCE_FOLDERS.flatMap((folder) =>
    readdirSync(join(REPO_ROOT, folder), { withFileTypes: true, recursive: true })
      .filter((entry) => entry.isFile() && SOURCE_EXTENSIONS.some((extension) => entry.name.endsWith(extension)))
      .map((entry) => join(entry.parentPath, entry.name))
      .filter((path) => !relative(REPO_ROOT, path).startsWith(join('test', 'fixtures'))),
  );
}

/** The text of every comment in a TypeScript or JavaScript file, as the compiler's scanner reads them. */
function commentsOf(text: string): string[] {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, false, ts.LanguageVariant.Standard, text);
  const comments: string[] = [];
  for (let token = scanner.scan(); token !== ts.SyntaxKind.EndOfFileToken; token = scanner.scan()) {
    if (token === ts.SyntaxKind.SingleLineCommentTrivia || token === ts.SyntaxKind.MultiLineCommentTrivia) {
      comments.push(scanner.getTokenText());
    }
  }
  return comments;
}

/** The names of the sources, the docs and the root's files, for citations that give a name without its folder. */
const NAMES = new Set([
  ...sourceFiles().map((path) => basename(path)),
  ...readdirSync(join(REPO_ROOT, 'docs')),
  ...readdirSync(REPO_ROOT),
]);

/**
 * The files a text cites by path: Markdown documents anywhere (a design note, `docs/rules.md`) and anything under a
 * `reference/` folder. Web addresses are links, not files, and are left out first.
 */
function citedFiles(text: string): string[] {
  const withoutLinks = text.replace(/https?:\/\/\S+/g, '');
  const cited = [
    ...withoutLinks.matchAll(/(?:\.{1,2}\/)*[\w-]+(?:\/[\w.-]+)*\.md\b/g),
    ...withoutLinks.matchAll(/(?:\.{1,2}\/)*(?:[\w-]+\/)*reference\/[\w./§-]+/g),
  ];
  return [...new Set(cited.map((match) => match[0]))];
}

/** A cited path names a file here: from the root, from the citing file's folder, or by a name tracked here. */
function inRepository(cited: string, citingFolder: string): boolean {
  // The shared chart corpus is the test data the corpus tests read in place beside the clone.
  if (/^(\.\.\/shared\/)?corpus\//.test(cited)) return true;
  return existsSync(join(REPO_ROOT, cited)) || existsSync(resolve(citingFolder, cited)) || NAMES.has(cited);
}

describe('citations in docs and comments', () => {
  it('finds the citations it is meant to find, and not web links', () => {
    assert.deepEqual(citedFiles('see DESIGN.md and (reference/helm-hooks.md §4.1)'), [
      'DESIGN.md',
      'reference/helm-hooks.md',
    ]);
    assert.deepEqual(citedFiles('[HIP-0019](https://github.com/helm/community/blob/main/hips/hip-0019.md)'), []);
    assert.deepEqual(citedFiles('in ../shared/reference/notes.txt'), ['../shared/reference/notes.txt']);
    assert.equal(inRepository('DESIGN.md', REPO_ROOT), false);
    assert.equal(inRepository('docs/rules.md', REPO_ROOT), true);
  });

  it("every rule's docs cite Helm by link, and any file they name is in the repository", () => {
    for (const rule of ALL_RULES) {
      const text = [rule.summary, rule.docs.description, rule.docs.helmFact].join('\n');
      const missing = citedFiles(text).filter((cited) => !inRepository(cited, REPO_ROOT));
      assert.deepEqual(missing, [], `${rule.id} cites files that are not in the repository`);
      // Helm's source at a tag (https://github.com/helm/helm/blob/v4.1.4/…), or Kubernetes' or Go's where the fact is theirs.
      assert.match(rule.docs.helmFact, /\]\(https:\/\/github\.com\//, `${rule.id}: "What Helm does" links its source`);
    }
  });

  it('no comment in the sources cites a file that is not in the repository', () => {
    const missing = sourceFiles().flatMap((path) =>
      commentsOf(readFileSync(path, 'utf8'))
        .flatMap(citedFiles)
        .filter((cited) => !inRepository(cited, dirname(path)))
        .map((cited) => `${relative(REPO_ROOT, path)}: ${cited}`),
    );
    assert.deepEqual(missing, []);
  });

  it('every relative link of the README and docs/ names a file that is there', () => {
    const documents = [
      'README.md',
      ...readdirSync(join(REPO_ROOT, 'docs'))
        .filter((name) => name.endsWith('.md'))
        .map((name) => join('docs', name)),
    ];
    const broken = documents.flatMap((document) =>
      [...readFileSync(join(REPO_ROOT, document), 'utf8').matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)]
        .map((match) => match[1]!)
        .filter((target) => !/^[a-z]+:/.test(target))
        .filter((target) => !existsSync(resolve(REPO_ROOT, dirname(document), target)))
        .map((target) => `${document}: ${target}`),
    );
    assert.deepEqual(broken, []);
  });
});
