import type { Arg, BranchNode, Command, ListNode, Node, ParsedTemplate, Pipe, RangeNode, TemplateNode } from './parse';
import { parseTemplateShared } from './parse';
import type { Chunk, SourceRef, Value } from './value';
import {
  bornBefore,
  currentGeneration,
  EvalError,
  GoMethod,
  GoObject,
  SourcedText,
  Unknown,
  compareGoStrings,
  containsUnknown,
  isMap,
  isUnknown,
  printAction,
  truth,
  unknown,
} from './value';

/**
 * Executes parsed templates with Go text/template semantics (exec.go): pipelines with the previous command's value
 * as last argument, fields on maps (a missing key is nil, Helm's missingkey=zero) and on Helm's objects, variables
 * with their scopes, if/with/range/else, break/continue, template/block, short-circuit `and`/`or`.
 *
 * Unknown is a value like any other: a function given Unknown returns Unknown (unless it can do better, like `and`
 * with a false argument first), an action printing it leaves an Unknown chunk in the output, and a branch or range
 * that depends on it becomes one Unknown `control` chunk, with every variable the skipped code could have assigned
 * made Unknown too.
 */

export interface FunctionContext {
  exec: Executor;
  /** The action or argument calling the function, for errors and source maps. */
  site: SourceRef;
}

export interface TemplateFunction {
  (args: Value[], context: FunctionContext): Value;
}

export interface FunctionSpec {
  fn: TemplateFunction;
  /** Receives Unknown arguments itself instead of the call being Unknown at once. */
  acceptsUnknown?: boolean;
  /** Receives SourcedText arguments as they are (for functions that keep source maps: indent, nindent). */
  keepsSources?: boolean;
}

export type FunctionTable = ReadonlyMap<string, FunctionSpec>;

/** A define, found in some template of the chart tree; the last one parsed wins, as in Helm's template set. */
export interface DefineEntry {
  template: string;
  list: ListNode;
  start: number;
  end: number;
}

/** Thrown when a render takes too many steps or nests too deep: the render is abandoned as Unknown. */
export class BudgetExceeded extends Error {}

/** Helm's include/tpl recursion guard is per name (1000); a depth limit keeps us far from the JS stack's end. */
export const MAX_DEPTH = 100;
/** Evaluation steps one template file may take before its output is declared Unknown. */
export const DEFAULT_STEP_BUDGET = 2_000_000;

class BreakSignal {}
class ContinueSignal {}
/** An unknown branch held a break or continue: the rest of the range is unknown. */
class UnknownLoopSignal {}

interface Variable {
  name: string;
  value: Value;
}

export interface ExecOptions {
  functions: FunctionTable;
  defines: Map<string, DefineEntry>;
  stepBudget?: number;
}

/** Runs one template file (or a define, or tpl text) and collects its output with sources. */
export class Executor {
  private vars: Variable[] = [];
  private out: Chunk[] = [];
  private via: SourceRef[] = [];
  private template = '';
  private depth = 0;
  private steps = 0;
  /**
   * Set once code we could not decide on may have changed a map in place: from then on, every output of this render
   * is Unknown (Helm renders all files with the same maps, so the doubt reaches later files too).
   */
  tainted = false;
  /** While undecidable code is run only to see what it changes: the generation of maps older than that code. */
  private dryRunMark: number | undefined;
  /** The generation of maps older than the template file now executing: the maps every file shares. */
  private templateMark = 0;
  /**
   * Set once a template file may have changed in place a map that existed before it started (values, `$`, or a map
   * another file stored there): the output of later files then depends on earlier files having run.
   */
  changedSharedMaps = false;

  private readonly budget: number;

  /** The template set; tpl text adds its own defines for the time it runs. */
  private defineMap: Map<string, DefineEntry>;

  constructor(private readonly options: ExecOptions) {
    this.budget = options.stepBudget ?? DEFAULT_STEP_BUDGET;
    this.defineMap = options.defines;
  }

  /** Starts a template file: a new step budget, and maps older than this are shared with the other files. */
  beginTemplate(): void {
    this.steps = 0;
    this.templateMark = currentGeneration();
  }

  get defines(): Map<string, DefineEntry> {
    return this.defineMap;
  }

  /** The template now executing (`.Template.Name` for the data of an include stays the caller's, as in Helm). */
  get currentTemplate(): string {
    return this.template;
  }

  /** Executes a template's top-level list with `data` as dot and `$`. */
  run(template: string, list: ListNode, data: Value): Chunk[] {
    return this.execute(template, list, data, []);
  }

  /** Executes a define by name, returning its output (what `include` returns and `template` prints). */
  callDefine(name: string, data: Value, site: SourceRef): Chunk[] {
    const define = this.defineMap.get(name);
    if (!define) throw new EvalError(`template: no template "${name}" associated with template "${this.template}"`);
    return this.execute(define.template, define.list, data, [...this.via, site]);
  }

  /** Parses and executes text as a template (Helm's tpl), sharing the defines; `site` is the tpl call. */
  callText(text: string, data: Value, site: SourceRef): Chunk[] {
    let parsed: ParsedTemplate;
    try {
      parsed = parseTemplateShared(text);
    } catch (error) {
      throw new EvalError(`tpl: ${(error as Error).message}`);
    }
    // Text parsed by tpl has no place in the user's files: its output maps to the tpl call.
    const saved = this.defineMap;
    if (parsed.defines.length > 0) {
      this.defineMap = new Map(saved);
      for (const define of parsed.defines)
        this.defineMap.set(define.name, {
          template: site.template,
          list: define.list,
          start: site.start,
          end: site.end,
        });
    }
    try {
      const chunks = this.execute(site.template, parsed.root, data, [...this.via, site]);
      return chunks.map((chunk) => ({ ...chunk, source: site }));
    } finally {
      this.defineMap = saved;
    }
  }

  private execute(template: string, list: ListNode, data: Value, via: SourceRef[]): Chunk[] {
    if (this.depth >= MAX_DEPTH) throw new BudgetExceeded(`templates nest deeper than ${MAX_DEPTH}`);
    const saved = { vars: this.vars, out: this.out, via: this.via, template: this.template };
    this.vars = [{ name: '$', value: data }];
    this.out = [];
    this.via = via;
    this.template = template;
    this.depth++;
    try {
      this.walkList(list, data);
      return this.out;
    } finally {
      this.depth--;
      this.vars = saved.vars;
      this.out = saved.out;
      this.via = saved.via;
      this.template = saved.template;
    }
  }

  ref(start: number, end: number): SourceRef {
    return { template: this.template, start, end };
  }

  private tick(): void {
    if (++this.steps > this.budget) throw new BudgetExceeded(`more than ${this.budget} evaluation steps`);
  }

  private emit(chunk: Chunk): void {
    if (this.via.length > 0) chunk.via = this.via;
    this.push(chunk);
  }

  private push(chunk: Chunk): void {
    if (this.tainted) {
      const last = this.out[this.out.length - 1];
      if (last?.unknown === 'control' && last.reason === TAINT_REASON) return;
      chunk = { unknown: 'control', reason: TAINT_REASON, ...(chunk.source ? { source: chunk.source } : {}) };
    }
    this.out.push(chunk);
  }

  private emitUnknown(kind: 'value' | 'control', reason: string, start: number, end: number): void {
    this.emit({ unknown: kind, reason, source: this.ref(start, end) });
  }

  private walkList(list: ListNode, dot: Value): void {
    for (const node of list.nodes) this.walk(node, dot);
  }

  private walk(node: Node, dot: Value): void {
    this.tick();
    switch (node.type) {
      case 'text':
        this.emit({
          text: node.text.includes('<no value>') ? node.text.replaceAll('<no value>', '') : node.text,
          source: this.ref(node.start, node.end),
        });
        return;
      case 'action': {
        const value = this.evalPipe(dot, node.pipe);
        if (node.pipe.decl.length > 0) return;
        this.print(value, node.start, node.end);
        return;
      }
      case 'if':
      case 'with':
        this.walkBranch(node, dot);
        return;
      case 'range':
        this.walkRange(node, dot);
        return;
      case 'template':
        this.walkTemplate(node, dot);
        return;
      case 'break':
        throw new BreakSignal();
      case 'continue':
        throw new ContinueSignal();
    }
  }

  private print(value: Value, start: number, end: number): void {
    if (value instanceof Unknown) {
      this.emitUnknown('value', value.reason, start, end);
      return;
    }
    if (value instanceof SourcedText) {
      // Text made by a function here (toYaml, nindent's padding) has no call path yet: it is this frame's.
      for (const chunk of value.chunks)
        this.push(chunk.via || this.via.length === 0 ? chunk : { ...chunk, via: this.via });
      return;
    }
    if ((Array.isArray(value) || isMap(value)) && containsUnknown(value)) {
      this.emitUnknown('value', 'a collection holding unknown values', start, end);
      return;
    }
    this.emit({ text: printAction(value).replaceAll('<no value>', ''), source: this.ref(start, end) });
  }

  private walkBranch(node: BranchNode, dot: Value): void {
    const mark = this.vars.length;
    try {
      const value = this.evalPipe(dot, node.pipe);
      const truthy = truth(value);
      if (truthy instanceof Unknown) {
        this.skipUnknown(node, truthy.reason, dot);
        return;
      }
      if (truthy) this.walkList(node.list, node.type === 'with' ? value : dot);
      else if (node.elseList) this.walkList(node.elseList, dot);
    } finally {
      this.vars.length = mark;
    }
  }

  /** Code we cannot decide to run or not: one Unknown control chunk, and whatever it may assign becomes Unknown. */
  private skipUnknown(node: BranchNode | RangeNode, reason: string, dot: Value): void {
    this.emitUnknown('control', reason, node.start, node.end);
    const assigned = new Set<string>();
    let loopControl = false;
    const visit = (list: ListNode | undefined, inLoop: boolean) => {
      for (const child of list?.nodes ?? []) {
        if (child.type === 'action' && child.pipe.isAssign) child.pipe.decl.forEach((name) => assigned.add(name));
        if ((child.type === 'break' || child.type === 'continue') && !inLoop) loopControl = true;
        if (child.type === 'if' || child.type === 'with' || child.type === 'range') {
          if (child.pipe.isAssign) child.pipe.decl.forEach((name) => assigned.add(name));
          visit(child.list, inLoop || child.type === 'range');
          visit(child.elseList, inLoop);
        }
      }
    };
    visit(node.list, node.type === 'range');
    visit(node.elseList, false);
    this.dryRun(node, dot);
    for (const name of assigned) {
      const index = this.vars.map((variable) => variable.name).lastIndexOf(name);
      if (index >= 0) this.vars[index]!.value = unknown(`${name} is assigned in code that depends on an unknown value`);
    }
    if (loopControl) throw new UnknownLoopSignal();
  }

  /**
   * Runs every branch of undecidable code with its output thrown away, only to see whether it changes, with set,
   * unset or merge, a map that existed before: if it may, nothing read from maps afterwards is certain (`tainted`).
   * A branch stops at its first error, as Helm's render would.
   */
  private dryRun(node: BranchNode | RangeNode, dot: Value): void {
    const outerRun = this.dryRunMark === undefined;
    if (outerRun) this.dryRunMark = currentGeneration();
    const saved = { out: this.out, vars: this.vars.length };
    try {
      const unknownDot = unknown('dot of code that depends on an unknown value');
      const branches: Array<[ListNode | undefined, Value]> = [
        [node.list, node.type === 'if' ? dot : unknownDot],
        [node.elseList, dot],
      ];
      for (const [list, branchDot] of branches) {
        if (!list) continue;
        this.out = [];
        try {
          this.walkList(list, branchDot);
        } catch (error) {
          if (error instanceof BudgetExceeded) throw error;
        } finally {
          this.vars.length = saved.vars;
        }
      }
    } finally {
      this.out = saved.out;
      if (outerRun) this.dryRunMark = undefined;
    }
  }

  /**
   * Called by functions that change a map in place. Such a change is uncertain, and taints the render, when the
   * target map is unknown, when the key or merged value is unknown, or when undecidable code makes it to a map that
   * existed before that code.
   */
  noteMutation(target: Value, uncertainInput: boolean): void {
    const uncertain = target instanceof Unknown || uncertainInput;
    if (uncertain || (isMap(target) && bornBefore(target, this.templateMark))) this.changedSharedMaps = true;
    if (uncertain) this.tainted = true;
    else if (this.dryRunMark !== undefined && isMap(target) && bornBefore(target, this.dryRunMark)) this.tainted = true;
  }

  private walkRange(node: RangeNode, dot: Value): void {
    const mark = this.vars.length;
    try {
      const value = this.evalPipe(dot, node.pipe);
      if (value instanceof Unknown) {
        this.skipUnknown(node, value.reason, dot);
        return;
      }
      const entries = rangeEntries(value instanceof SourcedText ? value.flatten() : value);
      if (entries instanceof Unknown) {
        this.skipUnknown(node, entries.reason, dot);
        return;
      }
      if (entries === undefined) throw new EvalError(`range can't iterate over ${printAction(value)}`);
      if (entries.length === 0) {
        if (node.elseList) this.walkList(node.elseList, dot);
        return;
      }
      const bodyMark = this.vars.length;
      for (const [key, element] of entries) {
        this.tick();
        const decl = node.pipe.decl;
        if (decl.length === 1) this.setVar(decl[0]!, element, !node.pipe.isAssign, bodyMark);
        if (decl.length === 2) {
          this.setVar(decl[0]!, key, !node.pipe.isAssign, bodyMark);
          this.setVar(decl[1]!, element, !node.pipe.isAssign, bodyMark);
        }
        try {
          this.walkList(node.list, element);
        } catch (signal) {
          if (signal instanceof BreakSignal) break;
          if (signal instanceof ContinueSignal) continue;
          if (signal instanceof UnknownLoopSignal) {
            this.emitUnknown('control', 'break or continue under an unknown condition', node.start, node.end);
            return;
          }
          throw signal;
        } finally {
          this.vars.length = bodyMark + (node.pipe.isAssign ? 0 : decl.length);
        }
      }
    } finally {
      this.vars.length = mark;
    }
  }

  private walkTemplate(node: TemplateNode, dot: Value): void {
    const data = node.pipe ? this.evalPipe(dot, node.pipe) : null;
    for (const chunk of this.callDefine(node.name, data, this.ref(node.start, node.end))) this.push(chunk);
  }

  private setVar(name: string, value: Value, declare: boolean, mark?: number): void {
    if (declare) {
      if (mark !== undefined) {
        const existing = this.vars.findIndex((variable, index) => index >= mark && variable.name === name);
        if (existing >= 0) {
          this.vars[existing]!.value = value;
          return;
        }
      }
      this.vars.push({ name, value });
      return;
    }
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i]!.name === name) {
        this.vars[i]!.value = value;
        return;
      }
    }
    throw new EvalError(`undefined variable: ${name}`);
  }

  private lookupVar(name: string): Value {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i]!.name === name) return this.vars[i]!.value;
    throw new EvalError(`undefined variable: ${name}`);
  }

  evalPipe(dot: Value, pipe: Pipe): Value {
    let value: Value | typeof MISSING = MISSING;
    for (const cmd of pipe.cmds) value = this.evalCommand(dot, cmd, value);
    const result = value === MISSING ? null : value;
    for (const name of pipe.decl) this.setVar(name, result, !pipe.isAssign);
    return result;
  }

  private evalCommand(dot: Value, cmd: Command, final: Value | typeof MISSING): Value {
    this.tick();
    const first = cmd.args[0]!;
    const rest = cmd.args.slice(1);
    switch (first.type) {
      case 'field':
        return this.evalFieldChain(dot, dot, first.idents, rest, final);
      case 'chain': {
        const receiver = this.evalArg(dot, first.node);
        return this.evalFieldChain(dot, receiver, first.idents, rest, final);
      }
      case 'variable': {
        const value = this.lookupVar(first.name);
        if (first.idents.length === 0) {
          this.noArgs(rest, final, first.name);
          return value;
        }
        return this.evalFieldChain(dot, value, first.idents, rest, final);
      }
      case 'identifier':
        return this.evalFunction(dot, first.name, rest, final, cmd.start, cmd.end);
      case 'pipe':
        this.noArgs(rest, final, 'parenthesized pipeline');
        return this.evalPipe(dot, first.pipe);
      default:
        this.noArgs(rest, final, 'constant');
        return this.evalArg(dot, first);
    }
  }

  private noArgs(rest: Arg[], final: Value | typeof MISSING, what: string): void {
    if (rest.length > 0 || final !== MISSING) throw new EvalError(`can't give argument to non-function ${what}`);
  }

  evalArg(dot: Value, arg: Arg): Value {
    this.tick();
    switch (arg.type) {
      case 'dot':
        return dot;
      case 'nil':
        throw new EvalError('nil is not a command');
      case 'bool':
        return arg.value;
      case 'number':
        return arg.value;
      case 'string':
        return arg.value;
      case 'field':
        return this.evalFieldChain(dot, dot, arg.idents, [], MISSING);
      case 'variable': {
        const value = this.lookupVar(arg.name);
        return arg.idents.length === 0 ? value : this.evalFieldChain(dot, value, arg.idents, [], MISSING);
      }
      case 'chain':
        return this.evalFieldChain(dot, this.evalArg(dot, arg.node), arg.idents, [], MISSING);
      case 'pipe':
        return this.evalPipe(dot, arg.pipe);
      case 'identifier':
        return this.evalFunction(dot, arg.name, [], MISSING, arg.start, arg.end);
    }
  }

  /** Arguments of a function, where a `nil` literal is a value (it is not a command there). */
  private evalCallArg(dot: Value, arg: Arg): Value {
    return arg.type === 'nil' ? null : this.evalArg(dot, arg);
  }

  private evalFieldChain(
    dot: Value,
    receiver: Value,
    idents: string[],
    args: Arg[],
    final: Value | typeof MISSING,
  ): Value {
    // A nil that a pipeline, variable or dot holds is Go's invalid value: fields of it are nil, not an error
    // (the `(.Values.a).b` idiom). A nil met inside the chain is a nil interface: its field is an error.
    if (receiver === null) {
      args.forEach((arg) => this.evalCallArg(dot, arg));
      return null;
    }
    let value: Value = receiver;
    for (let i = 0; i < idents.length; i++) {
      const last = i === idents.length - 1;
      value = this.evalField(dot, value, idents[i]!, last ? args : [], last ? final : MISSING);
    }
    return value;
  }

  private evalField(dot: Value, receiver: Value, name: string, args: Arg[], final: Value | typeof MISSING): Value {
    const hasArgs = args.length > 0 || final !== MISSING;
    if (receiver instanceof Unknown) {
      args.forEach((arg) => this.evalCallArg(dot, arg));
      return receiver;
    }
    if (receiver === null) throw new EvalError(`nil pointer evaluating interface {}.${name}`);
    if (isMap(receiver)) {
      if (hasArgs) throw new EvalError(`${name} is not a method but has arguments`);
      return Object.prototype.hasOwnProperty.call(receiver, name) ? receiver[name]! : null;
    }
    if (receiver instanceof GoObject) {
      const member = receiver.member(name);
      if (member === undefined) throw new EvalError(`can't evaluate field ${name} in type ${receiver.typeName}`);
      if (member instanceof GoMethod) {
        const values = args.map((arg) => this.evalCallArg(dot, arg));
        if (final !== MISSING) values.push(final);
        if (values.some(isUnknown)) return values.find(isUnknown)!;
        return member.call(values);
      }
      if (hasArgs) throw new EvalError(`${name} has arguments but cannot be invoked as function`);
      return member;
    }
    throw new EvalError(
      `can't evaluate field ${name} in type ${typeof receiver === 'string' ? 'string' : Array.isArray(receiver) ? '[]interface {}' : typeof receiver}`,
    );
  }

  private evalFunction(
    dot: Value,
    name: string,
    argNodes: Arg[],
    final: Value | typeof MISSING,
    start: number,
    end: number,
  ): Value {
    const site = this.ref(start, end);
    if (name === 'and' || name === 'or') return this.evalAndOr(dot, name, argNodes, final);
    const spec = this.options.functions.get(name);
    if (!spec) {
      argNodes.forEach((arg) => this.evalCallArg(dot, arg));
      return unknown(`function "${name}" is not supported`);
    }
    const args = argNodes.map((arg) => this.evalCallArg(dot, arg));
    if (final !== MISSING) args.push(final);
    const prepared = spec.keepsSources ? args : args.map((arg) => (arg instanceof SourcedText ? arg.flatten() : arg));
    if (!spec.acceptsUnknown) {
      const unknownArg = prepared.find(isUnknown);
      // A function's result is another value: what was known of the argument's truth does not carry over.
      if (unknownArg) return unknownArg.truthy === undefined ? unknownArg : unknown(unknownArg.reason);
    }
    return spec.fn(prepared, { exec: this, site });
  }

  /** Go 1.18+: `and` and `or` stop at the first argument that decides, returning that argument itself. */
  private evalAndOr(dot: Value, name: 'and' | 'or', argNodes: Arg[], final: Value | typeof MISSING): Value {
    const count = argNodes.length + (final === MISSING ? 0 : 1);
    if (count === 0) throw new EvalError(`wrong number of args for ${name}: want at least 1 got 0`);
    let value: Value = null;
    let sawUnknown: Unknown | undefined;
    for (let i = 0; i < count; i++) {
      value = i < argNodes.length ? this.evalCallArg(dot, argNodes[i]!) : (final as Value);
      if (value instanceof SourcedText) value = value.flatten();
      const truthy = truth(value);
      if (truthy instanceof Unknown) {
        // An unknown argument decides only if no later argument does; keep looking for one that decides.
        sawUnknown ??= truthy;
        continue;
      }
      // After an unknown argument, the result is that argument or this one: unknown, but of this one's truth.
      if (name === 'and' ? !truthy : truthy) return sawUnknown ? new Unknown(sawUnknown.reason, truthy) : value;
    }
    return sawUnknown ?? value;
  }

  /** Helm's include: the define's output as a value that keeps its sources. */
  include(name: string, data: Value, site: SourceRef): SourcedText {
    return new SourcedText(this.callDefine(name, data, site));
  }
}

const MISSING = Symbol('missing');
const TAINT_REASON = 'earlier code that depends on an unknown value may have changed the values in place';

/** What range iterates: [key, element] pairs; maps in sorted key order as Go does; ints count up (Go 1.22). */
function rangeEntries(value: Value): Array<[Value, Value]> | Unknown | undefined {
  if (value instanceof Unknown) return value;
  if (value === null) return [];
  if (value instanceof GoObject) return value.entries?.();
  if (Array.isArray(value)) return value.map((element, index) => [BigInt(index), element]);
  if (isMap(value))
    return Object.keys(value)
      .sort(compareGoStrings)
      .map((key) => [key, value[key]!]);
  if (typeof value === 'bigint') {
    if (value > 1_000_000n) return unknown('range over a very large integer');
    const entries: Array<[Value, Value]> = [];
    for (let i = 0n; i < value; i++) entries.push([i, i]);
    return entries;
  }
  return undefined;
}
