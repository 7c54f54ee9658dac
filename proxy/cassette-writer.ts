import type { Clock } from '../cassettes/clock.js'
import { CloudtapeError, isCloudtapeError } from '../cassettes/errors.js'
import type { Cassette } from '../cassettes/schema.js'
import { saveCassetteFile } from '../cassettes/store.js'

/** The pause after a background write, as a multiple of how long the write took. */
export const WRITE_PAUSE_FACTOR = 4

/** Where and what a CassetteWriter writes. */
export interface CassetteWriterOptions {
  readonly path: string
  readonly clock: Clock
  /** The cassette as it stands now. */
  readonly snapshot: () => Cassette
  /** A background write failed (flush() reports its own failures by rejecting). */
  readonly onError: (error: CloudtapeError) => void
}

/**
 * Writes the cassette after interactions finish, off the clients' path: bursts coalesce into one
 * write, one write runs at a time, and the next background write waits WRITE_PAUSE_FACTOR times
 * as long as the last one took, so a long session spends at most a fifth of its time serializing
 * (a small cassette is still written within milliseconds). Every write is atomic (the core's temp
 * file + rename), so a crash leaves the last complete cassette.
 */
export class CassetteWriter {
  readonly #options: CassetteWriterOptions
  #dirty = false
  #scheduled: NodeJS.Timeout | NodeJS.Immediate | null = null
  #running: Promise<void> | null = null
  #lastWriteMs = 0

  constructor(options: CassetteWriterOptions) {
    this.#options = options
  }

  /** Something changed: write soon. */
  markDirty(): void {
    this.#dirty = true
    if (this.#running || this.#scheduled) return
    this.#schedule(0)
  }

  /** Writes what is recorded now; resolves once it is on disk, rejects if the write fails. */
  async flush(): Promise<void> {
    this.#dirty = true
    for (;;) {
      this.#cancelScheduled()
      if (!this.#running) break
      await this.#running.catch(() => undefined)
    }
    if (this.#dirty) await this.#run(true)
  }

  /** Stops background writes (call flush() after, for a last write). */
  stop(): void {
    this.#cancelScheduled()
  }

  #schedule(delayMs: number): void {
    const start = (): void => {
      this.#scheduled = null
      this.#run(false).catch(() => undefined)
    }
    this.#scheduled = delayMs > 0 ? setTimeout(start, delayMs) : setImmediate(start)
  }

  #cancelScheduled(): void {
    if (this.#scheduled === null) return
    clearTimeout(this.#scheduled as NodeJS.Timeout)
    clearImmediate(this.#scheduled as NodeJS.Immediate)
    this.#scheduled = null
  }

  #run(rethrow: boolean): Promise<void> {
    const running = this.#writeOnce().then(
      () => this.#afterWrite(),
      (error: unknown) => {
        const failure = asWriteError(error, this.#options.path)
        if (rethrow) throw failure
        this.#options.onError(failure)
      },
    )
    const tracked: Promise<void> = running
      .catch(() => undefined)
      .finally(() => {
        if (this.#running === tracked) this.#running = null
      })
    this.#running = tracked
    return running
  }

  async #writeOnce(): Promise<void> {
    this.#dirty = false
    const started = this.#options.clock.now()
    await saveCassetteFile(this.#options.path, this.#options.snapshot())
    this.#lastWriteMs = Math.max(0, this.#options.clock.now() - started)
  }

  #afterWrite(): void {
    if (this.#dirty && !this.#scheduled) this.#schedule(this.#lastWriteMs * WRITE_PAUSE_FACTOR)
  }
}

function asWriteError(error: unknown, path: string): CloudtapeError {
  if (isCloudtapeError(error)) return error
  const reason = error instanceof Error ? error.message : String(error)
  return new CloudtapeError(
    'ERR_CLOUDTAPE_CASSETTE_WRITE',
    `Cannot write the cassette ${path}: ${reason}. Check that its folder exists and is writable.`,
    { cause: error },
  )
}
