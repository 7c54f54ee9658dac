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
    const version = map.version
    const replacements = map.replacementCount
    const volatile = map.volatileValueCount
    const value = compute()
    // A scrub that taught the map something (a new UUID) is only cached from the next one on.
    if (map.version === version) {
      this.#entries.set(key, { value, replacements: map.replacementCount - replacements, volatile: map.volatileValueCount - volatile, version })
    }
    return value
  }

  #valid(key: string, map: IdentifierMap, haystack: () => string): CachedScrub<T> | undefined {
    const entry = this.#entries.get(key)
    if (entry === undefined || entry.version === map.version) return entry
    const learned = map.learnedSince(entry.version)
    if (learned === null || learned.length > ScrubMemo.MAX_CHECKS || containsAny(haystack().toLowerCase(), learned)) {
      this.#entries.delete(key)
      return undefined
    }
    entry.version = map.version
    return entry
  }
}

function containsAny(text: string, values: readonly string[]): boolean {
  for (const value of values) if (text.includes(value)) return true
  return false
}
