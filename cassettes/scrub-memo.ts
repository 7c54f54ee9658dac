import { BoundedMap } from './bounded.js'
import type { IdentifierMap } from './identifier-map.js'

interface CachedScrub<T> {
  readonly value: T
  /** The secret replacements and volatile values the scrub counted (a hit counts them again). */
  readonly replacements: number
  readonly volatile: number
  /** The map version the value is known right for. */
  version: number
}

/**
 * Remembers what scrubs gave. A recording repeats most of its strings (keys, statuses, the
 * polled server's URL, links and addresses). A scrub only looks up pieces of its input, so a
 * cached result stays right until the map learns a value that occurs in that input; an entry is
 * checked against what was learned since it was made and dropped when it holds any of it.
 */
export class ScrubMemo<T> {
  /** Longer inputs are scrubbed every time: hashing and checking them would cost what the scrub does. */
  static readonly MAX_LENGTH = 512
  static readonly MAX_ENTRIES = 8192
  /** More values learned than this since an entry was made: scrub again rather than check them all. */
  static readonly MAX_CHECKS = 16
  readonly #entries = new BoundedMap<string, CachedScrub<T>>(ScrubMemo.MAX_ENTRIES)

  /**
   * The scrub of `key`, computed now or earlier. `haystack` is the text the scrub's lookups come
   * from (the key unless it is decoded first, as URL path segments are).
   */
  scrub(key: string, map: IdentifierMap, compute: () => T, haystack: () => string = () => key): T {
    const cached = this.#valid(key, map, haystack)
    if (cached !== undefined) {
      map.addCounts(cached.replacements, cached.volatile)
      return cached.value
    }
    const run = countedRun(map, compute)
    if (run.reusable) this.#entries.set(key, { value: run.value, replacements: run.replacements, volatile: run.volatile, version: run.version })
    return run.value
  }

  #valid(key: string, map: IdentifierMap, haystack: () => string): CachedScrub<T> | undefined {
    const entry = this.#entries.get(key)
    if (entry === undefined || entry.version === map.version) return entry
    if (!unaffectedBy(map.learnedSince(entry.version), haystack, ScrubMemo.MAX_CHECKS)) {
      this.#entries.delete(key)
      return undefined
    }
    entry.version = map.version
    return entry
  }
}

/** What a scrub or rewrite gave and counted; `reusable` is false when it taught the map something. */
export interface CountedRun<T> {
  readonly value: T
  readonly replacements: number
  readonly volatile: number
  /** The map version the value is right for. */
  readonly version: number
  readonly reusable: boolean
}

/**
 * Runs `compute` and notes the secret replacements and volatile values it counted, which a reuse
 * counts again. A run that taught the map something (a new UUID) is only reused from the next
 * one on: the map it ran against is not the one after it.
 */
export function countedRun<T>(map: IdentifierMap, compute: () => T): CountedRun<T> {
  const version = map.version
  const replacements = map.replacementCount
  const volatile = map.volatileValueCount
  const value = compute()
  return { value, replacements: map.replacementCount - replacements, volatile: map.volatileValueCount - volatile, version, reusable: map.version === version }
}

/**
 * True when none of the values learned since a result was computed (IdentifierMap.learnedSince)
 * occurs in the text it was computed from (case-insensitively), so the result is still right;
 * false too when more than `maxChecks` were learned, or the map no longer knows what.
 */
export function unaffectedBy(learned: readonly string[] | null, text: () => string, maxChecks: number): boolean {
  if (learned === null || learned.length > maxChecks) return false
  if (learned.length === 0) return true
  const haystack = text().toLowerCase()
  for (const value of learned) if (haystack.includes(value)) return false
  return true
}
