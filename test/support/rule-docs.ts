import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Where a rule link leads: the file its `file:` URI names (which must exist) and the text of the line its `#L<n>`
 * fragment names, as VS Code opens it.
 */
export function ruleLinkTarget(href: string): { path: string; line: string } {
  const url = new URL(href);
  assert.equal(url.protocol, 'file:', `${href} is a file URI`);
  const lineNumber = /^#L(\d+)$/.exec(url.hash)?.[1];
  assert.ok(lineNumber !== undefined, `${href} names a line`);
  url.hash = '';
  const path = fileURLToPath(url);
  assert.ok(existsSync(path), `${path} exists`);
  const line = readFileSync(path, 'utf8').split(/\r?\n/)[Number(lineNumber) - 1];
  assert.ok(line !== undefined, `${path} has line ${lineNumber}`);
  return { path, line };
}
