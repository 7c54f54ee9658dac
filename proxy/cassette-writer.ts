import { readFileSync } from 'node:fs'
import type { Clock } from '../cassettes/clock.js'
import { parseCassette, serializeInteractionEntry } from '../cassettes/cassette-format.js'
import { CloudtapeError, isCloudtapeError } from '../cassettes/errors.js'
import type { Dialect } from '../cassettes/operation-catalog.js'
import type { Cassette, CassetteHead, Interaction } from '../cassettes/schema.js'
import { appendEntriesToCassetteFile, loadCassetteFile, removeAppendShadow, saveCassetteFile, type WrittenCassetteFile } from '../cassettes/store.js'

/** The pause after a background write, as a multiple of how long the write took. */
export const WRITE_PAUSE_FACTOR = 4

/** Where and what a CassetteWriter writes. */
export interface CassetteWriterOptions {
  readonly path: string
  readonly clock: Clock
  /** The cassette's head as it stands now (the dialect guess may still change). */
  readonly head: () => CassetteHead
  /** What the cassette holds before this session's interactions (once mode's existing ones). */
  readonly base: readonly Interaction[]
  /** A background write failed (flush() reports its own failures by rejecting). */
  readonly onError: (error: CloudtapeError) => void
}

/**
 * A recorded interaction waiting for its write, already serialized: only its text stays in
 * memory, so the interaction's object graph dies young instead of being promoted and traced by
 * full collections while writes are under way.
 */
interface PendingEntry {
  readonly id: number
  /** The dialect the entry was serialized with (the head's guess may change before the write). */
  readonly dialect: Dialect
  readonly entry: string
}

/** What this writer last put on disk. */
interface OnDisk extends WrittenCassetteFile {
  readonly head: string
}

/**
 * Writes the cassette after interactions finish, off the clients' path: bursts coalesce into one
 * write, one write runs at a time, and the next background write waits WRITE_PAUSE_FACTOR times
 * as long as the last one took. The first write is whole; later ones append only the new
 * interactions (appendEntriesToCassetteFile), each serialized when it was added and then gone
 * from memory, so a long session neither holds nor re-serializes what it recorded. Every write
 * is atomic (temp file + rename), so a crash leaves the last complete cassette. Appends keep a
 * hidden shadow copy of the cassette next to it (see appendToCassetteFile); release() removes it
 * when the recording ends.
 */
export class CassetteWriter {
  readonly #options: CassetteWriterOptions
  /** Recorded, not on disk yet, in id order. */
  #pending: PendingEntry[] = []
  #onDisk: OnDisk | null = null
  #dirty = false
  #scheduled: NodeJS.Timeout | NodeJS.Immediate | null = null
  #running: Promise<void> | null = null
  #lastWriteMs = 0

  constructor(options: CassetteWriterOptions) {
    this.#options = options
  }

  /** A new interaction (ids follow the base's): written soon. */
  add(interaction: Interaction): void {
    this.#pending.push({ id: interaction.id, dialect: interaction.dialect, entry: serializeInteractionEntry(interaction) })
    this.#dirty = true
    if (this.#running || this.#scheduled) return
    this.#schedule(0)
  }

  /** How many interactions the cassette holds, on disk or about to be. */
  get size(): number {
    return (this.#onDisk?.interactions ?? this.#options.base.length) + this.#pending.length
  }

  /**
   * The whole cassette: what is on disk (read back once written: interactions leave memory)
   * followed by what is not yet, every interaction in the head's dialect.
   */
  cassette(): Cassette {
    const head = this.#options.head()
    const written = this.#onDisk ? parseCassette(readFileSync(this.#options.path, 'utf8'), this.#options.path).interactions : this.#options.base
    const unwritten = this.#pending.filter((pending) => pending.id > written.length).map(interactionOf)
    return { ...head, interactions: inDialect([...written, ...unwritten], head) }
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

  /**
   * Removes the shadow copy the appends kept next to the cassette: call it once the last
   * flush() settled. A write after it is still right, it only copies the file once more.
   */
  async release(): Promise<void> {
    await removeAppendShadow(this.#options.path)
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
    const batch = this.#pending.slice()
    const head = this.#options.head()
    const headText = JSON.stringify(head)
    const onDisk = this.#onDisk
    const written =
      onDisk && onDisk.head === headText
        ? await appendEntriesToCassetteFile(this.#options.path, onDisk, batch.map((pending) => entryInDialect(pending, head)))
        : await saveCassetteFile(this.#options.path, { ...head, interactions: inDialect([...(await this.#before()), ...batch.map(interactionOf)], head) })
    this.#onDisk = { ...written, head: headText }
    // Interactions added while writing stay pending for the next write.
    this.#pending = this.#pending.slice(batch.length)
    this.#lastWriteMs = Math.max(0, this.#options.clock.now() - started)
  }

  /**
   * What precedes the batch in a whole write: the base before anything was written; after that
   * (the head changed: a later dialect guess), the file read back.
   */
  async #before(): Promise<readonly Interaction[]> {
    if (!this.#onDisk) return this.#options.base
    return (await loadCassetteFile(this.#options.path, { maxBytes: Number.MAX_SAFE_INTEGER })).interactions
  }

  #afterWrite(): void {
    if (this.#dirty && !this.#scheduled) this.#schedule(this.#lastWriteMs * WRITE_PAUSE_FACTOR)
  }
}

/** A cassette's interactions all carry its dialect (the recorder's guess may have changed since). */
function inDialect(interactions: readonly Interaction[], head: CassetteHead): Interaction[] {
  return interactions.map((interaction) => (interaction.dialect === head.dialect ? interaction : { ...interaction, dialect: head.dialect }))
}

function interactionOf(pending: PendingEntry): Interaction {
  return JSON.parse(pending.entry) as Interaction
}

function entryInDialect(pending: PendingEntry, head: CassetteHead): string {
  return pending.dialect === head.dialect ? pending.entry : serializeInteractionEntry({ ...interactionOf(pending), dialect: head.dialect })
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
