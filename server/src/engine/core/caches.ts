/**
 * The engine's caches, owned by whoever runs the engine. Every cache the engine keeps between calls is a `TextCache`
 * inside an `EngineCaches`: the CLI creates one per run, the language server one per workspace (cleared when a
 * document closes or the settings change, disposed on shutdown), and each evaluation thread one of its own. Disposing
 * it frees everything the engine kept; nothing else survives a call at module level (test/unit/architecture.test.ts
 * holds that).
 */

/** How much a TextCache keeps: at most `maxEntries` texts holding `maxChars` characters in all. */
export interface TextCacheLimits {
  maxEntries: number;
  maxChars: number;
  /** Longer texts are not kept at all: they would push many others out. */
  maxTextLength?: number;
}

/** Values computed from a text, kept by that text; least recently used forgotten first. */
export class TextCache<V> {
  private readonly entries = new Map<string, V>();
  private chars = 0;

  constructor(readonly limits: TextCacheLimits) {}

  get size(): number {
    return this.entries.size;
  }

  /** Whether a value is kept for the text (a kept value may itself be undefined). */
  has(text: string): boolean {
    return this.entries.has(text);
  }

  /** The kept value, made the most recently used. */
  get(text: string): V | undefined {
    const value = this.entries.get(text);
    if (value === undefined && !this.entries.has(text)) return undefined;
    this.entries.delete(text);
    this.entries.set(text, value as V);
    return value;
  }

  /** Keeps `value` for `text` as the most recently used, forgetting the oldest texts past the limits. */
  set(text: string, value: V): void {
    if (this.limits.maxTextLength !== undefined && text.length > this.limits.maxTextLength) return;
    if (this.entries.delete(text)) this.chars -= text.length;
    this.entries.set(text, value);
    this.chars += text.length;
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.limits.maxEntries && this.chars <= this.limits.maxChars) break;
      this.entries.delete(oldest);
      this.chars -= oldest.length;
    }
  }

  clear(): void {
    this.entries.clear();
    this.chars = 0;
  }
}

/**
 * A TextCache for the pieces a text is cut into (template/scanner.ts, model/yaml-documents.ts cut at each `---` line),
 * which also remembers the pieces of the text read last, in order: the piece at the same place in the next text is
 * found again by comparing texts, without hashing them.
 */
export class PieceCache<V> extends TextCache<V> {
  private previous: readonly { text: string; value: V }[] = [];

  /** What is kept for the piece at `index` of the text: the previous text's piece there if the same, else by text. */
  kept(index: number, text: string): V | undefined {
    const last = this.previous[index];
    return last?.text === text ? last.value : this.get(text);
  }

  /** Remembers the pieces of the text just read, in order. */
  setPrevious(pieces: readonly { text: string; value: V }[]): void {
    this.previous = pieces;
  }

  override clear(): void {
    super.clear();
    this.previous = [];
  }
}

/** Names one cache an engine module keeps, and its limits; `EngineCaches.of` gives the instance. */
export class CacheSlot<V> {
  constructor(
    readonly name: string,
    readonly limits: TextCacheLimits,
    readonly pieces = false,
  ) {}

  /** For the type checker only: ties the slot to its value type. */
  declare readonly valueType?: V;
}

/** Every engine cache of one owner. */
export class EngineCaches {
  private readonly caches = new Map<CacheSlot<unknown>, TextCache<unknown>>();
  private disposed = false;

  /** The cache a slot names, created on first use. */
  of<V>(slot: CacheSlot<V>): TextCache<V> {
    let cache = this.caches.get(slot as CacheSlot<unknown>);
    if (!cache) {
      cache = slot.pieces ? new PieceCache<unknown>(slot.limits) : new TextCache<unknown>(slot.limits);
      // A disposed owner keeps nothing: its caches are created for the call and never filled for the next.
      if (!this.disposed) this.caches.set(slot as CacheSlot<unknown>, cache);
    }
    return cache as TextCache<V>;
  }

  /** The piece cache a slot made with `pieces` names. */
  pieces<V>(slot: CacheSlot<V>): PieceCache<V> {
    if (!slot.pieces) throw new Error(`cache ${slot.name} does not hold pieces`);
    return this.of(slot) as PieceCache<V>;
  }

  /** How many texts each cache holds, by name. */
  sizes(): Record<string, number> {
    const sizes: Record<string, number> = {};
    for (const [slot, cache] of this.caches) sizes[slot.name] = cache.size;
    return sizes;
  }

  /** Forgets everything kept (the configuration changed, or a document closed); the owner may go on using it. */
  clear(): void {
    for (const cache of this.caches.values()) cache.clear();
  }

  /** Forgets everything and keeps nothing from now on: the owner is done with it. */
  dispose(): void {
    this.clear();
    this.caches.clear();
    this.disposed = true;
    if (active === this) active = undefined;
  }

  /**
   * Runs `work` (synchronous) with these caches as the ones the evaluator reaches through `activeCaches()`: the
   * template parser, `fromYaml` and the manifest decoder sit too deep in pure functions to take them as an argument.
   */
  run<T>(work: () => T): T {
    return runWith(this, work);
  }
}

/** The caches of the `EngineCaches.run` call under way; undefined outside of one, when nothing is kept. */
let active: EngineCaches | undefined;

function runWith<T>(caches: EngineCaches, work: () => T): T {
  const previous = active;
  active = caches;
  try {
    return work();
  } finally {
    active = previous;
  }
}

/** The cache a slot names in the caches of the run under way; undefined outside of a run (compute, keep nothing). */
export function activeCache<V>(slot: CacheSlot<V>): TextCache<V> | undefined {
  return active?.of(slot);
}
