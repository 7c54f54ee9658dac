import { basename } from 'node:path'
import type { Clock } from '../cassettes/clock.js'
import { CloudtapeError } from '../cassettes/errors.js'
import type { NormalizationOptions } from '../cassettes/normalization-rules.js'
import type { Dialect } from '../cassettes/operation-catalog.js'
import { resolveOperation } from '../cassettes/resolve-operation.js'
import { CASSETTE_VERSION, type Cassette, type Interaction } from '../cassettes/schema.js'
import { BatchQueue } from './batch-queue.js'
import { CassetteWriter } from './cassette-writer.js'
import { createCassetteRecorder, type CassetteRecorder } from '../cassettes/recorder.js'
import type { NormalizationSummary } from '../cassettes/identifier-map.js'
import type { ProxyWarning, RecordingProxyEventMap } from './events.js'
import type { FinishedExchange } from './forward.js'
import type { RecordingMode } from './options.js'

/**
 * Exchanges are normalized in batches: the core's normalization costs about as much CPU as
 * proxying, and a sequential client then waits for it once per batch instead of per request.
 */
export const RECORD_BATCH = { delayMs: 50, maxItems: 256 } as const

/** How a CassetteRecording records, writes and reports. */
export interface RecordingOptions {
  readonly mode: RecordingMode
  readonly path: string
  readonly dialect: Dialect | undefined
  readonly clock: Clock
  readonly maxBodyBytes: number
  readonly rules: NormalizationOptions | undefined
  /** `once` mode: what the cassette held before; new interactions are appended to it. */
  readonly existing: Cassette | null
  readonly emit: <K extends keyof RecordingProxyEventMap>(event: K, ...args: RecordingProxyEventMap[K]) => void
  /** True when someone listens to the event (work done only for listeners is skipped otherwise). */
  readonly listening: (event: keyof RecordingProxyEventMap) => boolean
}

/**
 * Where finished exchanges go: into the core's recorder (normalized and redacted in batches of
 * RECORD_BATCH; the raw exchange is dropped once recorded) and then to disk through a coalescing
 * writer, or, in passthrough mode, nowhere.
 */
export class CassetteRecording {
  readonly #options: RecordingOptions
  readonly #recorder: CassetteRecorder | null
  readonly #writer: CassetteWriter | null
  readonly #queue = new BatchQueue<FinishedExchange>((exchange) => this.#recordNow(exchange), RECORD_BATCH)
  #recorded = 0

  constructor(options: RecordingOptions) {
    this.#options = options
    if (options.mode === 'passthrough') {
      this.#recorder = null
      this.#writer = null
      return
    }
    const name = cassetteName(options.path)
    this.#recorder = createCassetteRecorder({
      name,
      clock: options.clock,
      maxBodyBytes: options.maxBodyBytes,
      ...(options.dialect ? { dialect: options.dialect } : {}),
      ...(options.rules ? { rules: options.rules } : {}),
      ...(options.existing ? { extending: options.existing } : {}),
      keepInteractions: false,
    })
    const recorder = this.#recorder
    this.#writer = new CassetteWriter({
      path: options.path,
      clock: options.clock,
      head: () => recorder.head(),
      base: options.existing?.interactions ?? [],
      onError: (error) => options.emit('error', error),
    })
  }

  /** Records one finished exchange (or reports it, in passthrough mode). Never throws. */
  record(exchange: FinishedExchange): void {
    this.#warnTruncated(exchange)
    if (exchange.transportFault) {
      const message = `${exchange.request.method} ${exchange.request.url}: ${exchange.transportFault.message}`
      this.#options.emit('error', new CloudtapeError('ERR_CLOUDTAPE_UPSTREAM', message))
    }
    if (!this.#recorder || !this.#writer) {
      this.#reportPassthrough(exchange)
      return
    }
    if (exchange.recordable) this.#queue.push(exchange)
  }

  #recordNow(exchange: FinishedExchange): void {
    if (!this.#recorder || !this.#writer) return
    try {
      const interaction = this.#recorder.record(exchange)
      this.#recorded += 1
      this.#writer.add(interaction)
      this.#options.emit('interaction', { interaction })
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      const message = `Could not record ${exchange.request.method} ${exchange.request.url}: ${reason}. The client got its answer; this interaction is missing from the cassette.`
      this.#options.emit('error', new CloudtapeError('ERR_CLOUDTAPE_CASSETTE_WRITE', message, { cause: error }))
    }
  }

  /** The cassette as recorded so far (empty in passthrough mode; in once mode, after what it held). */
  cassette(): Cassette {
    this.#queue.drain()
    if (this.#writer) return this.#writer.cassette()
    return { version: CASSETTE_VERSION, name: cassetteName(this.#options.path), dialect: this.#options.dialect ?? 'rackspace', recordedAt: new Date(this.#options.clock.now()).toISOString(), interactions: [] }
  }

  /**
   * Once mode: a live request was answered from the cassette, so its live origin and ids are
   * named in new recordings the way the cassette names them.
   */
  answeredFromCassette(recorded: Interaction, live: { readonly origin: string; readonly params: Readonly<Record<string, string>> }): void {
    this.#recorder?.alias(recorded, live)
  }

  /** How many interactions the cassette holds (0 in passthrough mode), without reading it back. */
  size(): number {
    this.#queue.drain()
    return this.#writer?.size ?? 0
  }

  /** What redaction and normalization did to what this session recorded (all zero in passthrough mode). */
  summary(): NormalizationSummary {
    this.#queue.drain()
    return this.#recorder?.summary() ?? { secrets: {}, secretReplacements: 0, ids: {}, volatileValues: 0, interactions: 0 }
  }

  /** Writes the cassette now; a cassette with nothing recorded leaves the file as it was. */
  async flush(): Promise<void> {
    this.#queue.drain()
    if (!this.#writer) return
    if (this.#recorded === 0) {
      this.#warn({ code: 'cassette-unchanged', message: `Nothing was recorded; ${this.#options.path} is left as it was.` })
      return
    }
    await this.#writer.flush()
  }

  /** The dialect given, else the recorder's guess from the traffic so far, else rackspace. */
  dialect(): Dialect {
    if (this.#options.dialect) return this.#options.dialect
    this.#queue.drain()
    return this.#recorder?.dialect ?? this.#options.existing?.dialect ?? 'rackspace'
  }

  stop(): void {
    this.#queue.drain()
    this.#writer?.stop()
  }

  /** The recording ends: background writes stop, the last write runs, nothing is left beside the cassette. */
  async close(): Promise<void> {
    this.stop()
    try {
      await this.flush()
    } finally {
      await this.#writer?.release()
    }
  }

  #reportPassthrough(exchange: FinishedExchange): void {
    if (!this.#options.listening('passthrough')) return
    const { request } = exchange
    const contentType = first(request.headers['content-type'])
    const resolved = resolveOperation({ method: request.method, url: request.url, body: request.body, contentType, accept: first(request.headers['accept']) })
    this.#options.emit('passthrough', {
      method: request.method,
      url: request.url,
      operation: resolved.key,
      status: exchange.response?.status ?? null,
      ...(exchange.transportFault ? { transportFault: exchange.transportFault.kind } : {}),
    })
  }

  #warnTruncated(exchange: FinishedExchange): void {
    const { requestBytes, responseBytes } = exchange.truncated
    const where = `${exchange.request.method} ${exchange.request.url}`
    const cap = this.#options.maxBodyBytes
    if (requestBytes !== undefined) this.#warn({ code: 'body-truncated', message: `The request body of ${where} (${requestBytes} bytes) is stored truncated to ${cap} bytes (maxBodyBytes).` })
    if (responseBytes !== undefined) this.#warn({ code: 'body-truncated', message: `The response body of ${where} (${responseBytes} bytes) is stored truncated to ${cap} bytes (maxBodyBytes).` })
  }

  #warn(warning: ProxyWarning): void {
    this.#options.emit('warning', warning)
  }
}

/** `cassettes/servers/boot.json` → `boot`. */
function cassetteName(path: string): string {
  return basename(path).replace(/\.json$/i, '')
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value
}
