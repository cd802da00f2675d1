import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** docs/rules.md as the npm package and the extension ship it: beside dist/, which the bundles run from. */
export function shippedRulesDoc(bundleDirectory: string): string {
  return join(bundleDirectory, '..', 'docs', 'rules.md');
}

/**
 * Links to each rule's section of the rules document on disk: they work offline, and point nowhere the project does
 * not own. The fragment is the line of the rule's `## id` heading (`#L77`), because VS Code opens a `file:` URI with a
 * line fragment at that line and ignores any other fragment.
 */
export class RuleDocs {
  private constructor(
    /** The document read; undefined when there was none to read. */
    readonly path: string | undefined,
    private readonly headingLines: ReadonlyMap<string, number>,
  ) {}

  /** The document at `path`; when it is missing or unreadable, no rule has a link. */
  static read(path: string): RuleDocs {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      return new RuleDocs(undefined, new Map());
    }
    const headingLines = new Map<string, number>();
    text.split(/\r?\n/).forEach((line, index) => {
      const rule = /^## (\S+)\s*$/.exec(line)?.[1];
      if (rule !== undefined && !headingLines.has(rule)) headingLines.set(rule, index + 1);
    });
    return new RuleDocs(path, headingLines);
  }

  /** A `file:` URI of the rule's section; undefined when the document has no section for it. */
  link(rule: string): string | undefined {
    const line = this.headingLines.get(rule);
    if (this.path === undefined || line === undefined) return undefined;
    return `${pathToFileURL(this.path).href}#L${line}`;
  }
}
