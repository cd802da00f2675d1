/**
 * `.helmignore` as Helm's pkg/ignore reads it: one pattern a line, Go `filepath.Match` syntax (no `**`), `#` comments,
 * `!` negation, a trailing `/` for directories only, a leading `/` anchoring at the chart root, patterns without `/`
 * matching the base name. Rules are tried in order and the first that decides wins; Helm then appends
 * `templates/.?*`, so dotfiles in templates/ are always ignored.
 */
export interface IgnoreRules {
  /** `path` is relative to the chart root with `/` separators. */
  ignores(path: string, isDirectory: boolean): boolean;
}

interface Pattern {
  negate: boolean;
  mustDir: boolean;
  match: (path: string) => boolean;
}

export interface ParsedIgnore {
  rules: IgnoreRules;
  /** Helm refuses the whole chart when a line is not a valid pattern; this is its reason. */
  error?: string;
}

export function parseHelmignore(text: string): ParsedIgnore {
  const patterns: Pattern[] = [];
  let error: string | undefined;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (const line of lines) {
    const problem = addRule(patterns, line);
    if (problem) {
      error = problem;
      break;
    }
  }
  addRule(patterns, 'templates/.?*');
  return { rules: { ignores: (path, isDirectory) => ignores(patterns, path, isDirectory) }, error };
}

/**
 * Whether Helm's loader leaves out the file at `path` (relative to the chart root, `/` separators): the file, or one
 * of the directories on the way to it, is ignored (loader.LoadDir skips an ignored directory's whole tree).
 */
export function ignoresFile(rules: IgnoreRules, path: string): boolean {
  const parts = path.split('/');
  return parts.some((_, index) => rules.ignores(parts.slice(0, index + 1).join('/'), index < parts.length - 1));
}

/** The rules Helm uses when a chart has no .helmignore. */
export function defaultIgnoreRules(): IgnoreRules {
  return parseHelmignore('').rules;
}

function addRule(patterns: Pattern[], line: string): string | undefined {
  let rule = line.trim();
  if (rule === '' || rule.startsWith('#')) return undefined;
  if (rule.includes('**')) return 'double-star (**) syntax is not supported';
  if (compileGoPattern(rule) === undefined) return `syntax error in pattern ${JSON.stringify(rule)}`;
  const negate = rule.startsWith('!');
  if (negate) rule = rule.slice(1);
  const mustDir = rule.endsWith('/');
  if (mustDir) rule = rule.slice(0, -1);
  // Compiled once here, so that matching the chart's every path compiles nothing.
  let match: (path: string) => boolean;
  if (rule.startsWith('/')) {
    const anchored = compileGoPattern(rule.slice(1));
    match = (path) => anchored?.test(path) === true;
  } else if (rule.includes('/')) {
    const whole = compileGoPattern(rule);
    match = (path) => whole?.test(path) === true;
  } else {
    const base = compileGoPattern(rule);
    match = (path) => base?.test(path.slice(path.lastIndexOf('/') + 1)) === true;
  }
  patterns.push({ negate, mustDir, match });
  return undefined;
}

function ignores(patterns: readonly Pattern[], path: string, isDirectory: boolean): boolean {
  if (path === '' || path === '.' || path === './') return false;
  for (const pattern of patterns) {
    // Helm's negation does not re-include a path: a path that a negated pattern does NOT match is ignored.
    if (pattern.negate) {
      if (pattern.mustDir && !isDirectory) return true;
      if (!pattern.match(path)) return true;
      continue;
    }
    if (pattern.mustDir && !isDirectory) continue;
    if (pattern.match(path)) return true;
  }
  return false;
}

/**
 * Go's path/filepath.Match on a `/`-separated name: `*` any run of non-`/` characters, `?` one non-`/` character,
 * `[...]` a class (`^` negates, `a-z` ranges, `\` escapes), `\x` a literal x. Undefined for a malformed pattern,
 * which Go reports as ErrBadPattern.
 */
export function goMatch(pattern: string, name: string): boolean | undefined {
  const regex = compileGoPattern(pattern);
  return regex === undefined ? undefined : regex.test(name);
}

/** The regular expression of a filepath.Match pattern; undefined for a malformed one. */
function compileGoPattern(pattern: string): RegExp | undefined {
  return translate([...pattern]);
}

function escapeChar(char: string): string {
  return /[\\^$.*+?()[\]{}|]/.test(char) ? `\\${char}` : char;
}

/** Inside a class, `-` is syntax too (and with the `u` flag only syntax characters may be escaped). */
function escapeClassChar(char: string): string {
  return /[\\^\][-]/.test(char) ? `\\${char}` : char;
}

function translate(chars: string[]): RegExp | undefined {
  let source = '';
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i]!;
    if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else if (char === '\\') {
      if (i + 1 >= chars.length) return undefined;
      source += escapeChar(chars[++i]!);
    } else if (char === '[') {
      const parsed = translateClass(chars, i + 1);
      if (!parsed) return undefined;
      source += parsed.source;
      i = parsed.end;
    } else source += escapeChar(char);
  }
  try {
    return new RegExp(`^${source}$`, 'su');
  } catch {
    return undefined;
  }
}

/** A `[...]` class starting after the `[`; returns the regex source and the index of the closing `]`. */
function translateClass(chars: string[], start: number): { source: string; end: number } | undefined {
  let i = start;
  let negated = false;
  if (chars[i] === '^') {
    negated = true;
    i++;
  }
  const ranges: string[] = [];
  let first = true;
  for (;;) {
    if (i >= chars.length) return undefined;
    if (chars[i] === ']' && !first) break;
    first = false;
    const low = classChar(chars, i);
    if (!low) return undefined;
    i = low.next;
    let high = low;
    if (chars[i] === '-') {
      const upper = classChar(chars, i + 1);
      if (!upper) return undefined;
      high = upper;
      i = upper.next;
    }
    if (low.char.codePointAt(0)! > high.char.codePointAt(0)!) return undefined;
    ranges.push(
      low === high ? escapeClassChar(low.char) : `${escapeClassChar(low.char)}-${escapeClassChar(high.char)}`,
    );
  }
  // Go's classes never match the separator, even when negated.
  const body = ranges.join('');
  return { source: negated ? `(?!/)[^${body}]` : `(?!/)[${body}]`, end: i };
}

function classChar(chars: string[], i: number): { char: string; next: number } | undefined {
  const char = chars[i];
  if (char === undefined || char === '-' || char === ']') return undefined;
  if (char === '\\') {
    const escaped = chars[i + 1];
    return escaped === undefined ? undefined : { char: escaped, next: i + 2 };
  }
  return { char, next: i + 1 };
}
