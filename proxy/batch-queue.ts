/**
 * Runs work in batches, off the clients' path: an item waits at most `delayMs` (or until
 * `maxItems` are queued), then the whole batch runs in one go. A client sending request after
 * request then waits for a batch at most once per batch instead of after every request.
 */
export class BatchQueue<T> {
  readonly #run: (item: T) => void
  readonly #delayMs: number
  readonly #maxItems: number
  #items: T[] = []
  #timer: NodeJS.Timeout | null = null

  constructor(run: (item: T) => void, options: { readonly delayMs: number; readonly maxItems: number }) {
    this.#run = run
    this.#delayMs = options.delayMs
    this.#maxItems = options.maxItems
  }

  push(item: T): void {
    this.#items.push(item)
    if (this.#items.length >= this.#maxItems) this.drain()
    else this.#timer ??= setTimeout(() => this.drain(), this.#delayMs)
  }

  /** Runs everything queued now, in order. */
  drain(): void {
    if (this.#timer) clearTimeout(this.#timer)
    this.#timer = null
    const batch = this.#items
    this.#items = []
    for (const item of batch) this.#run(item)
  }
}
