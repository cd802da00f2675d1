/**
 * A parser of Go text/template source into a tree, following text/template/parse: the same lexical rules (trim
 * markers, comments, strings, raw strings, characters, numbers, fields, variables), the same control structures
 * (if/else if/else, range with `$i, $v :=`, with/else with, define, template, block, break, continue) and the same
 * trimming of the text around `{{-` and `-}}`. Every node keeps its offsets in the source text.
 */

import { CacheSlot, activeCache } from '../core/caches';

export interface Span {
  start: number;
  end: number;
}

export interface ListNode {
  nodes: Node[];
}

export type Node = TextNode | ActionNode | BranchNode | RangeNode | TemplateNode | LoopControlNode;

export interface TextNode extends Span {
  type: 'text';
  text: string;
}

export interface ActionNode extends Span {
  type: 'action';
  pipe: Pipe;
}

/** `if` and `with`: an `else if`/`else with` is an else list holding one such node, as Go's parser builds it. */
export interface BranchNode extends Span {
  type: 'if' | 'with';
  pipe: Pipe;
  list: ListNode;
  elseList?: ListNode;
}

export interface RangeNode extends Span {
  type: 'range';
  pipe: Pipe;
  list: ListNode;
  elseList?: ListNode;
}

export interface TemplateNode extends Span {
  type: 'template';
  name: string;
  pipe?: Pipe;
}

export interface LoopControlNode extends Span {
  type: 'break' | 'continue';
}

export interface Pipe extends Span {
  /** Variables declared (`:=`) or assigned (`=`), with their `$`. */
  decl: string[];
  isAssign: boolean;
  cmds: Command[];
}

export interface Command extends Span {
  args: Arg[];
}

export type Arg =
  | (Span & { type: 'field'; idents: string[] })
  | (Span & { type: 'variable'; name: string; idents: string[] })
  | (Span & { type: 'chain'; node: Arg; idents: string[] })
  | (Span & { type: 'identifier'; name: string })
  | (Span & { type: 'dot' })
  | (Span & { type: 'nil' })
  | (Span & { type: 'bool'; value: boolean })
  | (Span & { type: 'number'; text: string; value: number | bigint })
  | (Span & { type: 'string'; value: string })
  | (Span & { type: 'pipe'; pipe: Pipe });

export interface DefineNode extends Span {
  name: string;
  list: ListNode;
}

export interface ParsedTemplate {
  root: ListNode;
  defines: DefineNode[];
}

export class TemplateParseError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

type TokenType =
  | 'space'
  | 'field'
  | 'variable'
  | 'identifier'
  | 'string'
  | 'rawString'
  | 'char'
  | 'number'
  | 'bool'
  | 'nil'
  | 'dot'
  | 'pipe'
  | 'leftParen'
  | 'rightParen'
  | 'assign'
  | 'declare'
  | 'comma'
  | 'end';

interface Token extends Span {
  type: TokenType;
  text: string;
}

const KEYWORDS = new Set([
  'block',
  'break',
  'continue',
  'define',
  'else',
  'end',
  'if',
  'range',
  'nil',
  'template',
  'with',
]);

/** Space as Go's lexer sees it inside actions: space, tab, carriage return, line feed. */
function isSpaceCode(code: number): boolean {
  return code === 32 || code === 9 || code === 13 || code === 10;
}

function isSpace(char: string | undefined): boolean {
  return char !== undefined && isSpaceCode(char.charCodeAt(0));
}

const LETTER_OR_DIGIT = /[\p{L}\p{Nd}]/u;

/** A character of an identifier (unicode.IsLetter, unicode.IsDigit or `_`) at `at`; ASCII decided without a regex. */
function isAlphaNumericAt(text: string, at: number): boolean {
  const code = text.charCodeAt(at);
  if (code < 128)
    return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95;
  return !Number.isNaN(code) && LETTER_OR_DIGIT.test(text.charAt(at));
}

/** One `{{ … }}` found in the text: where it is and its tokens. */
interface RawAction extends Span {
  trimLeft: boolean;
  trimRight: boolean;
  comment: boolean;
  tokens: Token[];
}

/** Splits the text into text runs and actions, with each action's tokens. */
function lex(text: string): Array<{ text: Span } | { action: RawAction }> {
  const items: Array<{ text: Span } | { action: RawAction }> = [];
  let position = 0;
  while (position <= text.length) {
    const open = text.indexOf('{{', position);
    if (open < 0) {
      if (position < text.length) items.push({ text: { start: position, end: text.length } });
      break;
    }
    if (open > position) items.push({ text: { start: position, end: open } });
    const action = lexAction(text, open);
    items.push({ action });
    position = action.end;
  }
  return items;
}

function lexAction(text: string, open: number): RawAction {
  let cursor = open + 2;
  let trimLeft = false;
  if (text[cursor] === '-' && isSpace(text[cursor + 1])) {
    trimLeft = true;
    cursor += 2;
  }
  if (text.startsWith('/*', cursor)) {
    const close = text.indexOf('*/', cursor + 2);
    if (close < 0) throw new TemplateParseError('unclosed comment', open);
    let after = close + 2;
    let trimRight = false;
    if (isSpace(text[after]) && text.startsWith('-}}', after + 1)) {
      trimRight = true;
      after += 4;
    } else if (text.startsWith('}}', after)) {
      after += 2;
    } else {
      throw new TemplateParseError('comment ends before closing delimiter', close);
    }
    return { start: open, end: after, trimLeft, trimRight, comment: true, tokens: [] };
  }
  const tokens: Token[] = [];
  let parenDepth = 0;
  const push = (type: TokenType, start: number, end: number) => {
    tokens.push({ type, start, end, text: text.slice(start, end) });
    return end;
  };
  for (;;) {
    if (cursor >= text.length) throw new TemplateParseError('unclosed action', open);
    const code = text.charCodeAt(cursor);
    if (isSpaceCode(code) && text.startsWith('-}}', cursor + 1)) {
      if (parenDepth > 0) throw new TemplateParseError('unclosed left paren', cursor);
      return { start: open, end: cursor + 4, trimLeft, trimRight: true, comment: false, tokens };
    }
    if (code === 125 /* } */ && text.charCodeAt(cursor + 1) === 125) {
      if (parenDepth > 0) throw new TemplateParseError('unclosed left paren', cursor);
      return { start: open, end: cursor + 2, trimLeft, trimRight: false, comment: false, tokens };
    }
    const start = cursor;
    if (isSpaceCode(code)) {
      let end = cursor + 1;
      while (isSpaceCode(text.charCodeAt(end)) && !text.startsWith('-}}', end + 1)) end++;
      cursor = push('space', start, end);
    } else if (code === 61 /* = */) {
      cursor = push('assign', start, cursor + 1);
    } else if (code === 58 /* : */) {
      if (text.charCodeAt(cursor + 1) !== 61) throw new TemplateParseError('expected :=', cursor);
      cursor = push('declare', start, cursor + 2);
    } else if (code === 124 /* | */) {
      cursor = push('pipe', start, cursor + 1);
    } else if (code === 34 /* " */ || code === 39 /* ' */) {
      let end = cursor + 1;
      for (;;) {
        const c = text.charCodeAt(end);
        if (Number.isNaN(c) || c === 10)
          throw new TemplateParseError(
            code === 34 ? 'unterminated quoted string' : 'unterminated character constant',
            start,
          );
        if (c === 92 /* \ */) end += 2;
        else if (c === code) break;
        else end++;
      }
      cursor = push(code === 34 ? 'string' : 'char', start, end + 1);
    } else if (code === 96 /* ` */) {
      const end = text.indexOf('`', cursor + 1);
      if (end < 0) throw new TemplateParseError('unterminated raw quoted string', start);
      cursor = push('rawString', start, end + 1);
    } else if (code === 36 /* $ */) {
      let end = cursor + 1;
      while (isAlphaNumericAt(text, end)) end++;
      cursor = push('variable', start, end);
    } else if (code === 46 /* . */) {
      const next = text.charCodeAt(cursor + 1);
      if (next >= 48 && next <= 57) {
        cursor = push('number', start, scanNumber(text, cursor));
      } else {
        let end = cursor + 1;
        while (isAlphaNumericAt(text, end)) end++;
        cursor = push(end === cursor + 1 ? 'dot' : 'field', start, end);
      }
    } else if (code === 43 /* + */ || code === 45 /* - */ || (code >= 48 && code <= 57)) {
      cursor = push('number', start, scanNumber(text, cursor));
    } else if (isAlphaNumericAt(text, cursor)) {
      let end = cursor + 1;
      while (isAlphaNumericAt(text, end)) end++;
      const word = text.slice(start, end);
      cursor = push(word === 'true' || word === 'false' ? 'bool' : word === 'nil' ? 'nil' : 'identifier', start, end);
    } else if (code === 40 /* ( */) {
      parenDepth++;
      cursor = push('leftParen', start, cursor + 1);
    } else if (code === 41 /* ) */) {
      parenDepth--;
      if (parenDepth < 0) throw new TemplateParseError('unexpected right paren', cursor);
      cursor = push('rightParen', start, cursor + 1);
    } else if (code === 44 /* , */) {
      cursor = push('comma', start, cursor + 1);
    } else {
      throw new TemplateParseError(`unrecognized character in action: ${JSON.stringify(text[cursor])}`, cursor);
    }
  }
}

function scanNumber(text: string, start: number): number {
  let end = start;
  if (text[end] === '+' || text[end] === '-') end++;
  let digits = '0123456789_';
  if (text[end] === '0' && /[xXoObB]/.test(text[end + 1] ?? '')) {
    const base = text[end + 1]!.toLowerCase();
    digits = base === 'x' ? '0123456789abcdefABCDEF_' : base === 'o' ? '01234567_' : '01_';
    end += 2;
  }
  while (end < text.length && digits.includes(text[end]!)) end++;
  if (text[end] === '.') {
    end++;
    while (end < text.length && digits.includes(text[end]!)) end++;
  }
  if (digits.length === 11 && /[eE]/.test(text[end] ?? '')) {
    end++;
    if (text[end] === '+' || text[end] === '-') end++;
    while (end < text.length && /[0-9_]/.test(text[end]!)) end++;
  } else if (digits.length > 11 && /[pP]/.test(text[end] ?? '')) {
    end++;
    if (text[end] === '+' || text[end] === '-') end++;
    while (end < text.length && /[0-9_]/.test(text[end]!)) end++;
  }
  if (text[end] === 'i') end++;
  if (isAlphaNumericAt(text, end))
    throw new TemplateParseError(`bad number syntax: ${JSON.stringify(text.slice(start, end + 1))}`, start);
  return end;
}

/** strconv.ParseInt(text, 0, 64) and ParseFloat, as text/template's newNumber tries them, to a Go constant. */
export function parseNumber(text: string): number | bigint {
  if (text.endsWith('i')) throw new Error('complex constants are not supported');
  const negative = text.startsWith('-');
  const body = text.replace(/^[+-]/, '');
  if (body.includes('_') && !/^(0[xXoObB]_?)?[0-9a-fA-F]+(_[0-9a-fA-F]+)*$/.test(body))
    throw new Error(`bad number syntax: ${text}`);
  const clean = body.replace(/_/g, '');
  let int: bigint | undefined;
  if (/^0[xX][0-9a-fA-F]+$/.test(clean) || /^0[bB][01]+$/.test(clean) || /^0[oO][0-7]+$/.test(clean))
    int = BigInt(clean.toLowerCase());
  else if (/^0[0-7]+$/.test(clean)) int = BigInt(`0o${clean.slice(1)}`);
  else if (/^[0-9]+$/.test(clean)) int = BigInt(clean);
  const isHex = /^0[xX]/.test(clean);
  if (int !== undefined) {
    const signed = negative ? -int : int;
    if (signed >= -(2n ** 63n) && signed < 2n ** 63n) return signed;
  }
  if (isHex && !/[pP]/.test(clean)) throw new Error(`bad number syntax: ${text}`);
  const float = Number(clean);
  if (Number.isNaN(float) || !/[0-9]/.test(clean)) throw new Error(`bad number syntax: ${text}`);
  const value = negative ? -float : float;
  // text/template's idealConstant: an integral float written without '.', 'e' or 'p' is still an int.
  if (!/[.eEpP]/.test(clean) && Number.isInteger(value)) return BigInt(value);
  return value;
}

/** strconv.Unquote for a double-quoted Go string or a character constant's body. */
export function unquoteGo(body: string): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const char = body[i]!;
    if (char !== '\\') {
      out += char;
      continue;
    }
    const next = body[++i];
    switch (next) {
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case 'a':
        out += '\x07';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'v':
        out += '\v';
        break;
      case '\\':
        out += '\\';
        break;
      case '"':
        out += '"';
        break;
      case "'":
        out += "'";
        break;
      case 'x': {
        const hex = body.slice(i + 1, i + 3);
        if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new Error('invalid escape');
        out += String.fromCharCode(parseInt(hex, 16));
        i += 2;
        break;
      }
      case 'u':
      case 'U': {
        const length = next === 'u' ? 4 : 8;
        const hex = body.slice(i + 1, i + 1 + length);
        if (!new RegExp(`^[0-9a-fA-F]{${length}}$`).test(hex)) throw new Error('invalid escape');
        out += String.fromCodePoint(parseInt(hex, 16));
        i += length;
        break;
      }
      default: {
        const octal = body.slice(i, i + 3);
        if (!/^[0-7]{3}$/.test(octal)) throw new Error('invalid escape');
        out += String.fromCharCode(parseInt(octal, 8));
        i += 2;
      }
    }
  }
  return out;
}

/** Parses a template file. Throws TemplateParseError on what Go's parser rejects. */
export function parseTemplate(text: string): ParsedTemplate {
  return new Parser(text).parse();
}

/**
 * Parses kept by text in the caches of the run (core/caches.ts): the same text comes again and again, from a library
 * chart vendored into many charts (bitnami's `common`), from each chart's second render, and above all from `tpl`,
 * which Helm parses on every call, often on the same few values. Parsed trees are never changed once built. Longer
 * texts (a CRD) are parsed quickly, being nearly all text, and would push many others out.
 */
const SHARED_PARSES = new CacheSlot<ParsedTemplate | TemplateParseError>('template parses', {
  maxEntries: Number.POSITIVE_INFINITY,
  maxChars: 1024 * 1024,
  maxTextLength: 64 * 1024,
});

/** parseTemplate, or the parse of the same text kept from before; the error it throws is kept too. */
export function parseTemplateShared(text: string): ParsedTemplate {
  const sharedParses = activeCache(SHARED_PARSES);
  let result = sharedParses?.get(text);
  if (!result) {
    try {
      result = parseTemplate(text);
    } catch (error) {
      if (!(error instanceof TemplateParseError)) throw error;
      result = error;
    }
    sharedParses?.set(text, result);
  }
  if (result instanceof TemplateParseError) throw result;
  return result;
}

type Item = { text: Span } | { action: RawAction };

class Parser {
  private items: Item[] = [];
  private index = 0;
  private readonly defines: DefineNode[] = [];
  /** Declared variables, per scope, to reject undefined ones as Go does. */
  private vars: string[][] = [['$']];

  constructor(private readonly text: string) {}

  parse(): ParsedTemplate {
    this.items = lex(this.text);
    this.applyTrimming();
    const root: ListNode = { nodes: [] };
    for (;;) {
      const stop = this.parseList(root, true);
      if (stop === undefined) break;
      throw new TemplateParseError(`unexpected {{${stop.keyword}}}`, stop.action.start);
    }
    return { root, defines: this.defines };
  }

  /** Trims the text next to `{{-` and `-}}` in place, shrinking the text spans. */
  private applyTrimming(): void {
    for (let i = 0; i < this.items.length; i++) {
      const item = this.items[i]!;
      if (!('action' in item)) continue;
      const before = this.items[i - 1];
      if (item.action.trimLeft && before && 'text' in before) {
        while (before.text.end > before.text.start && isSpace(this.text[before.text.end - 1])) before.text.end--;
      }
      const after = this.items[i + 1];
      if (item.action.trimRight && after && 'text' in after) {
        while (after.text.start < after.text.end && isSpace(this.text[after.text.start])) after.text.start++;
      }
    }
  }

  /**
   * Parses nodes into `list` until an `end`/`else` action (returned, for the caller to check) or the end of input
   * (undefined).
   */
  private parseList(
    list: ListNode,
    topLevel: boolean,
  ): { keyword: 'end' | 'else'; action: RawAction; rest: Token[] } | undefined {
    while (this.index < this.items.length) {
      const item = this.items[this.index++]!;
      if ('text' in item) {
        if (item.text.end > item.text.start) {
          list.nodes.push({
            type: 'text',
            start: item.text.start,
            end: item.text.end,
            text: this.text.slice(item.text.start, item.text.end),
          });
        }
        continue;
      }
      const action = item.action;
      if (action.comment) continue;
      const tokens = action.tokens.filter(
        (token, i) => !(token.type === 'space' && (i === 0 || i === action.tokens.length - 1)),
      );
      const first = tokens[0];
      if (!first) throw new TemplateParseError('missing value for command', action.start);
      if (first.type === 'identifier' && KEYWORDS.has(first.text)) {
        const rest = tokens.slice(1);
        switch (first.text) {
          case 'end':
            if (rest.length > 0) throw new TemplateParseError('unexpected tokens in end', rest[0]!.start);
            return { keyword: 'end', action, rest };
          case 'else':
            return { keyword: 'else', action, rest: skipSpace(rest) };
          case 'if':
          case 'with':
          case 'range':
            list.nodes.push(this.parseControl(first.text, action, skipSpace(rest)));
            continue;
          case 'break':
          case 'continue':
            list.nodes.push({ type: first.text, start: action.start, end: action.end });
            continue;
          case 'template':
            list.nodes.push(this.parseTemplateCall(action, skipSpace(rest)));
            continue;
          case 'define':
            if (!topLevel) throw new TemplateParseError('define not at top level', action.start);
            this.parseDefine(action, skipSpace(rest), false);
            continue;
          case 'block':
            list.nodes.push(this.parseDefine(action, skipSpace(rest), true)!);
            continue;
          default:
            break;
        }
      }
      list.nodes.push({
        type: 'action',
        start: action.start,
        end: action.end,
        pipe: this.parsePipe(tokens, action, false),
      });
    }
    return undefined;
  }

  private parseControl(keyword: 'if' | 'with' | 'range', action: RawAction, tokens: Token[]): Node {
    this.vars.push([]);
    const pipe = this.parsePipe(tokens, action, keyword === 'range');
    const list: ListNode = { nodes: [] };
    const stop = this.parseList(list, false);
    if (!stop) throw new TemplateParseError(`unexpected EOF in ${keyword}`, action.start);
    this.vars.pop();
    let elseList: ListNode | undefined;
    let end = stop.action.end;
    if (stop.keyword === 'else') {
      const chained = stop.rest[0];
      if (
        chained &&
        chained.type === 'identifier' &&
        (chained.text === 'if' || chained.text === 'with') &&
        keyword !== 'range'
      ) {
        if (chained.text !== keyword)
          throw new TemplateParseError(`expected end; found {{else ${chained.text}}}`, stop.action.start);
        // `{{else if x}}` is `{{else}}{{if x}}…{{end}}{{end}}` sharing one end, as Go's parser rewrites it.
        const nested = this.parseControl(keyword, stop.action, skipSpace(stop.rest.slice(1)));
        elseList = { nodes: [nested] };
        end = nested.end;
      } else {
        if (stop.rest.length > 0) throw new TemplateParseError('unexpected tokens after else', stop.rest[0]!.start);
        elseList = { nodes: [] };
        this.vars.push([]);
        const last = this.parseList(elseList, false);
        this.vars.pop();
        if (!last || last.keyword !== 'end')
          throw new TemplateParseError(`expected end after else in ${keyword}`, stop.action.start);
        end = last.action.end;
      }
    }
    const node = { start: action.start, end, pipe, list, ...(elseList ? { elseList } : {}) };
    return keyword === 'range' ? { type: 'range', ...node } : { type: keyword, ...node };
  }

  private parseTemplateCall(action: RawAction, tokens: Token[]): TemplateNode {
    const name = tokens[0];
    if (!name || (name.type !== 'string' && name.type !== 'rawString'))
      throw new TemplateParseError('template name must be a string', action.start);
    const rest = skipSpace(tokens.slice(1));
    const node: TemplateNode = { type: 'template', start: action.start, end: action.end, name: stringValue(name) };
    if (rest.length > 0) node.pipe = this.parsePipe(rest, action, false);
    return node;
  }

  private parseDefine(action: RawAction, tokens: Token[], isBlock: boolean): TemplateNode | undefined {
    const name = tokens[0];
    if (!name || (name.type !== 'string' && name.type !== 'rawString'))
      throw new TemplateParseError(`${isBlock ? 'block' : 'define'} name must be a string`, action.start);
    const rest = skipSpace(tokens.slice(1));
    if (!isBlock && rest.length > 0) throw new TemplateParseError('unexpected tokens in define', rest[0]!.start);
    const pipe = isBlock ? this.parsePipe(rest, action, false) : undefined;
    const saved = this.vars;
    this.vars = [['$']];
    const list: ListNode = { nodes: [] };
    const stop = this.parseList(list, false);
    this.vars = saved;
    if (!stop || stop.keyword !== 'end')
      throw new TemplateParseError(`unexpected EOF in ${isBlock ? 'block' : 'define'}`, action.start);
    const define: DefineNode = { name: stringValue(name), start: action.start, end: stop.action.end, list };
    this.defines.push(define);
    if (!isBlock) return undefined;
    return {
      type: 'template',
      start: action.start,
      end: stop.action.end,
      name: define.name,
      ...(pipe ? { pipe } : {}),
    };
  }

  private declared(name: string): boolean {
    return this.vars.some((scope) => scope.includes(name));
  }

  private parsePipe(tokens: Token[], action: RawAction, isRange: boolean): Pipe {
    const start = tokens[0]?.start ?? action.start;
    const end = tokens[tokens.length - 1]?.end ?? action.end;
    let position = 0;
    const decl: string[] = [];
    let isAssign = false;
    // Declarations: `$x :=`, `$x =`, and in range `$i, $v :=`.
    const declaration = this.matchDeclaration(tokens, isRange);
    if (declaration) {
      decl.push(...declaration.names);
      isAssign = declaration.assign;
      position = declaration.next;
    }
    const cmds: Command[] = [];
    let current: Arg[] = [];
    let commandStart = tokens[position]?.start ?? end;
    const finish = (at: number) => {
      if (current.length === 0) throw new TemplateParseError('missing value for command', at);
      cmds.push({ start: commandStart, end: current[current.length - 1]!.end, args: current });
      current = [];
    };
    while (position < tokens.length) {
      const token = tokens[position]!;
      if (token.type === 'space') {
        position++;
        continue;
      }
      if (token.type === 'pipe') {
        finish(token.start);
        position++;
        commandStart = tokens[position]?.start ?? token.end;
        continue;
      }
      const { arg, next } = this.parseOperand(tokens, position, action);
      if (current.length > 0 && tokens[position - 1]?.type !== 'space' && tokens[position - 1]?.type !== 'pipe') {
        throw new TemplateParseError(`missing space between arguments`, token.start);
      }
      current.push(arg);
      position = next;
    }
    if (current.length > 0 || cmds.length > 0 || decl.length === 0) finish(end);
    else throw new TemplateParseError('missing value for declaration', end);
    if (!isAssign) for (const name of decl) this.vars[this.vars.length - 1]!.push(name);
    return { start, end, decl, isAssign, cmds };
  }

  private matchDeclaration(
    tokens: Token[],
    isRange: boolean,
  ): { names: string[]; assign: boolean; next: number } | undefined {
    const significant: Array<{ token: Token; index: number }> = [];
    for (let i = 0; i < tokens.length && significant.length < 4; i++) {
      if (tokens[i]!.type !== 'space') significant.push({ token: tokens[i]!, index: i });
    }
    const [a, b, c, d] = significant;
    if (a?.token.type !== 'variable') return undefined;
    if (b && (b.token.type === 'declare' || b.token.type === 'assign')) {
      if (b.token.type === 'assign' && !this.declared(a.token.text))
        throw new TemplateParseError(`undefined variable "${a.token.text}"`, a.token.start);
      return { names: [a.token.text], assign: b.token.type === 'assign', next: b.index + 1 };
    }
    if (
      isRange &&
      b?.token.type === 'comma' &&
      c?.token.type === 'variable' &&
      d &&
      (d.token.type === 'declare' || d.token.type === 'assign')
    ) {
      return { names: [a.token.text, c.token.text], assign: d.token.type === 'assign', next: d.index + 1 };
    }
    return undefined;
  }

  private parseOperand(tokens: Token[], position: number, action: RawAction): { arg: Arg; next: number } {
    const token = tokens[position]!;
    let arg: Arg;
    let next = position + 1;
    switch (token.type) {
      case 'field':
        arg = { type: 'field', start: token.start, end: token.end, idents: [token.text.slice(1)] };
        break;
      case 'variable':
        if (!this.declared(token.text)) throw new TemplateParseError(`undefined variable "${token.text}"`, token.start);
        arg = { type: 'variable', start: token.start, end: token.end, name: token.text, idents: [] };
        break;
      case 'identifier':
        if (KEYWORDS.has(token.text)) throw new TemplateParseError(`unexpected ${token.text} in operand`, token.start);
        arg = { type: 'identifier', start: token.start, end: token.end, name: token.text };
        break;
      case 'dot':
        arg = { type: 'dot', start: token.start, end: token.end };
        break;
      case 'nil':
        arg = { type: 'nil', start: token.start, end: token.end };
        break;
      case 'bool':
        arg = { type: 'bool', start: token.start, end: token.end, value: token.text === 'true' };
        break;
      case 'number':
      case 'char': {
        let value: number | bigint;
        try {
          value = token.type === 'char' ? charValue(token.text) : parseNumber(token.text);
        } catch (error) {
          throw new TemplateParseError((error as Error).message, token.start);
        }
        arg = { type: 'number', start: token.start, end: token.end, text: token.text, value };
        break;
      }
      case 'string':
      case 'rawString':
        arg = { type: 'string', start: token.start, end: token.end, value: stringValue(token) };
        break;
      case 'leftParen': {
        let depth = 1;
        let close = position + 1;
        while (close < tokens.length) {
          const t = tokens[close]!;
          if (t.type === 'leftParen') depth++;
          if (t.type === 'rightParen' && --depth === 0) break;
          close++;
        }
        if (close >= tokens.length) throw new TemplateParseError('unclosed left paren', token.start);
        const inner = skipSpace(tokens.slice(position + 1, close));
        if (inner.length === 0) throw new TemplateParseError('missing value for parenthesized pipeline', token.start);
        const pipe = this.parsePipe(inner, action, false);
        arg = { type: 'pipe', start: token.start, end: tokens[close]!.end, pipe };
        next = close + 1;
        break;
      }
      default:
        throw new TemplateParseError(`unexpected "${token.text}" in operand`, token.start);
    }
    // A field chain directly after the operand: `.a.b`, `$x.a`, `(pipe).a`.
    const idents: string[] = [];
    let end = arg.end;
    while (tokens[next]?.type === 'field') {
      idents.push(tokens[next]!.text.slice(1));
      end = tokens[next]!.end;
      next++;
    }
    if (idents.length > 0) {
      if (arg.type === 'field' || arg.type === 'variable') arg = { ...arg, idents: [...arg.idents, ...idents], end };
      else if (arg.type === 'pipe' || arg.type === 'dot')
        arg =
          arg.type === 'dot'
            ? { type: 'field', start: arg.start, end, idents }
            : { type: 'chain', start: arg.start, end, node: arg, idents };
      else throw new TemplateParseError(`unexpected . after term "${this.text.slice(arg.start, arg.end)}"`, arg.end);
    }
    if (tokens[next] && !['space', 'pipe', 'rightParen'].includes(tokens[next]!.type)) {
      throw new TemplateParseError(`unexpected "${tokens[next]!.text}" in operand`, tokens[next]!.start);
    }
    return { arg, next };
  }
}

function skipSpace(tokens: Token[]): Token[] {
  let start = 0;
  let end = tokens.length;
  while (start < end && tokens[start]!.type === 'space') start++;
  while (end > start && tokens[end - 1]!.type === 'space') end--;
  return tokens.slice(start, end);
}

function stringValue(token: Token): string {
  if (token.type === 'rawString') return token.text.slice(1, -1).replace(/\r/g, '');
  try {
    return unquoteGo(token.text.slice(1, -1));
  } catch {
    throw new TemplateParseError(`invalid syntax in string ${token.text}`, token.start);
  }
}

function charValue(text: string): bigint {
  const body = unquoteGo(text.slice(1, -1));
  const code = body.codePointAt(0);
  if (code === undefined || String.fromCodePoint(code) !== body)
    throw new Error(`malformed character constant: ${text}`);
  return BigInt(code);
}
