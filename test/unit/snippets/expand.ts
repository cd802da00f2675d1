/**
 * Expands a VS Code snippet body the way the editor inserts it when the user accepts every default: placeholders
 * keep their text, choices their first option, mirrors (`$1` after `${1:x}`) the text of their placeholder, `$0` and
 * tab stops without a default nothing, and variables their value (an unknown variable inserts its own name, as VS Code
 * does). Escapes follow VS Code's snippet parser: `\` escapes `$`, `}` and `\` (and `,` and `|` inside a choice); any
 * other backslash is literal text. Transformations (`${1/re/fmt/}`) are not used by our snippets and are rejected.
 */

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'tabstop'; index: number; children: Node[] | undefined }
  | { kind: 'choice'; index: number; options: string[] }
  | { kind: 'variable'; name: string; children: Node[] | undefined };

export interface Expansion {
  text: string;
  /** Options of each choice, by tab stop index. */
  choices: Map<number, string[]>;
  /** Every tab stop index that appears, including mirrors and `$0`. */
  tabStops: Set<number>;
}

class Parser {
  private at = 0;
  constructor(private readonly source: string) {}

  parse(): Node[] {
    const nodes = this.sequence(false);
    if (this.at < this.source.length) throw new Error(`unexpected "${this.source[this.at]}" at ${this.at}`);
    return nodes;
  }

  /** Text and nested elements up to an unescaped `}` when inside a placeholder. */
  private sequence(nested: boolean): Node[] {
    const nodes: Node[] = [];
    let text = '';
    const flush = () => {
      if (text) nodes.push({ kind: 'text', text });
      text = '';
    };
    while (this.at < this.source.length) {
      const char = this.source[this.at]!;
      if (char === '\\' && '$}\\'.includes(this.source[this.at + 1] ?? '')) {
        text += this.source[this.at + 1];
        this.at += 2;
      } else if (char === '}' && nested) {
        break;
      } else if (char === '$') {
        const element = this.element();
        if (element) {
          flush();
          nodes.push(element);
        } else {
          text += char;
          this.at++;
        }
      } else {
        text += char;
        this.at++;
      }
    }
    flush();
    return nodes;
  }

  /** `$1`, `$NAME`, `${1}`, `${1:…}`, `${1|a,b|}`, `${NAME}`, `${NAME:…}`; undefined when `$` starts none of them. */
  private element(): Node | undefined {
    const rest = this.source.slice(this.at);
    const simple = /^\$(?:(\d+)|([A-Za-z_][A-Za-z_0-9]*))/.exec(rest);
    if (simple) {
      this.at += simple[0].length;
      return simple[1] !== undefined
        ? { kind: 'tabstop', index: Number(simple[1]), children: undefined }
        : { kind: 'variable', name: simple[2]!, children: undefined };
    }
    const open = /^\$\{(?:(\d+)|([A-Za-z_][A-Za-z_0-9]*))([:|}/])/.exec(rest);
    if (!open) return undefined;
    this.at += open[0].length;
    const separator = open[3]!;
    if (separator === '/') throw new Error('snippet transformations are not supported');
    if (separator === '}') {
      return open[1] !== undefined
        ? { kind: 'tabstop', index: Number(open[1]), children: [] }
        : { kind: 'variable', name: open[2]!, children: [] };
    }
    if (separator === '|') {
      if (open[1] === undefined) throw new Error('a variable cannot have choices');
      return { kind: 'choice', index: Number(open[1]), options: this.choiceOptions() };
    }
    const children = this.sequence(true);
    if (this.source[this.at] !== '}') throw new Error(`unclosed placeholder \${${open[1] ?? open[2]}`);
    this.at++;
    return open[1] !== undefined
      ? { kind: 'tabstop', index: Number(open[1]), children }
      : { kind: 'variable', name: open[2]!, children };
  }

  private choiceOptions(): string[] {
    const options: string[] = [];
    let option = '';
    for (;;) {
      const char = this.source[this.at];
      if (char === undefined) throw new Error('unclosed choice');
      if (char === '\\' && ',|\\$}'.includes(this.source[this.at + 1] ?? '')) {
        option += this.source[this.at + 1];
        this.at += 2;
      } else if (char === ',') {
        options.push(option);
        option = '';
        this.at++;
      } else if (char === '|' && this.source[this.at + 1] === '}') {
        options.push(option);
        this.at += 2;
        return options;
      } else {
        option += char;
        this.at++;
      }
    }
  }
}

export interface ExpandOptions {
  /** Values of snippet variables such as TM_FILENAME_BASE. */
  variables?: Readonly<Record<string, string>>;
  /** The option to pick for a choice, by tab stop index; the first option otherwise. */
  pick?: ReadonlyMap<number, string>;
  /** The indentation of the line the snippet is inserted on: VS Code adds it to every following line. */
  indent?: string;
}

export function expandSnippet(body: string | readonly string[], options: ExpandOptions = {}): Expansion {
  const source = typeof body === 'string' ? body : body.join('\n');
  const nodes = new Parser(source).parse();
  const choices = new Map<number, string[]>();
  const tabStops = new Set<number>();
  const defining = new Map<number, Node>();

  const collect = (list: readonly Node[]) => {
    for (const node of list) {
      if (node.kind === 'tabstop' || node.kind === 'choice') {
        tabStops.add(node.index);
        const known = defining.get(node.index);
        const definesMore = node.kind === 'choice' || (node.children !== undefined && node.children.length > 0);
        if (!known || (definesMore && known.kind === 'tabstop' && !known.children?.length))
          defining.set(node.index, node);
        if (node.kind === 'choice') choices.set(node.index, node.options);
      }
      if ((node.kind === 'tabstop' || node.kind === 'variable') && node.children) collect(node.children);
    }
  };
  collect(nodes);

  const valueOf = (index: number): string => {
    if (index === 0) return '';
    const node = defining.get(index);
    if (!node) return '';
    if (node.kind === 'choice') return options.pick?.get(index) ?? node.options[0] ?? '';
    return node.kind === 'tabstop' && node.children ? render(node.children) : '';
  };
  const render = (list: readonly Node[]): string =>
    list
      .map((node) => {
        switch (node.kind) {
          case 'text':
            return node.text;
          case 'tabstop':
          case 'choice':
            return valueOf(node.index);
          case 'variable': {
            const value = options.variables?.[node.name];
            if (value !== undefined && value !== '') return value;
            if (node.children && node.children.length > 0) return render(node.children);
            return value ?? node.name;
          }
        }
      })
      .join('');

  const text = render(nodes);
  const indent = options.indent ?? '';
  return { text: indent ? text.split('\n').join(`\n${indent}`) : text, choices, tabStops };
}
