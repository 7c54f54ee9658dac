/**
 * A Map that empties itself when a new key would take it past its limit: a cache that cannot
 * grow without bound and does no bookkeeping on a hit. The recorder's and the recording proxy's
 * memos use it; what they hold can always be worked out again.
 */
export class BoundedMap<K, V> extends Map<K, V> {
  readonly #limit: number

  constructor(limit: number) {
    super()
    this.#limit = limit
  }

  override set(key: K, value: V): this {
    if (this.size >= this.#limit && !this.has(key)) this.clear()
    return super.set(key, value)
  }
}

/** The Set form of BoundedMap. */
export class BoundedSet<T> extends Set<T> {
  readonly #limit: number

  constructor(limit: number) {
    super()
    this.#limit = limit
  }

  override add(value: T): this {
    if (this.size >= this.#limit && !this.has(value)) this.clear()
    return super.add(value)
  }
}
