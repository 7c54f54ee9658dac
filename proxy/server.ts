import { EventEmitter, once } from 'node:events'
import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import https from 'node:https'
import type { Socket } from 'node:net'
import HttpProxy from 'http-proxy'
import { CloudtapeError, isCloudtapeError } from '../cassettes/errors.js'
import type { Dialect } from '../cassettes/operation-catalog.js'
import { CASSETTE_VERSION, type Cassette } from '../cassettes/schema.js'
import type { NormalizationSummary } from '../cassettes/identifier-map.js'
import { answerControl, type ProxyStatus } from './control.js'
import type { RecordingProxyEventMap } from './events.js'
import { faultFormat, sendFault } from './faults.js'
import { attachProxyEvents, forwardRequest, type ForwardDeps } from './forward.js'
import { MountTable, type UpstreamMount } from './mounts.js'
import { validateProxyOptions, type RecordingMode, type RecordingProxyOptions, type ValidatedProxyOptions } from './options.js'
import { loadCassetteFile } from '../cassettes/store.js'
import { OnceCassette } from './once.js'
import { serveOnce, type OnceContext } from './once-request.js'
import { CassetteRecording } from './recording.js'
import { LinkRewriter } from './rewrite.js'

/** A running recording proxy. */
export interface RecordingProxy extends EventEmitter<RecordingProxyEventMap> {
  /** `http://127.0.0.1:PORT`: use `${url}/v2.0` (the first target's path) as the auth URL. */
  readonly url: string
  readonly mode: RecordingMode
  /** The cassette file path (with `.json`). */
  readonly cassettePath: string
  /** The cassette as recorded so far (what is already written is read back from the file: memory holds only what is not). */
  cassette(): Cassette
  /**
   * What redaction and normalization did to this session's interactions: distinct secrets replaced
   * and ids mapped, by kind (the recorder's `summary()`; in once mode, the newly recorded part only).
   */
  summary(): NormalizationSummary
  /** Every upstream origin the proxy forwards to, with its mount prefix. */
  upstreams(): UpstreamMount[]
  /** The proxy URL that stands for an upstream URL, or null for a host the proxy does not know. */
  urlFor(upstreamUrl: string): string | null
  /** Writes the cassette now; resolves once it is on disk. */
  flush(): Promise<void>
  /**
   * Stops accepting, lets in-flight requests finish, writes the cassette, closes every socket.
   * `force` cuts in-flight requests instead of waiting (a second Ctrl-C).
   */
  close(options?: { readonly force?: boolean }): Promise<void>
}

/**
 * Starts a recording proxy in front of the given targets.
 *
 * @example
 * const proxy = await createRecordingProxy({ targets: ['https://identity.api.rackspacecloud.com/v2.0'], cassette: 'cassettes/boot.json' })
 * // point the client at `${proxy.url}/v2.0`, run it, then:
 * await proxy.close()
 */
export async function createRecordingProxy(options: RecordingProxyOptions): Promise<RecordingProxy> {
  const validated = validateProxyOptions(options)
  const existing = validated.mode === 'once' ? await loadExisting(validated.cassettePath) : null
  const proxy = new RecordingProxyServer(validated, existing)
  await proxy.listen()
  return proxy
}

class RecordingProxyServer extends EventEmitter<RecordingProxyEventMap> implements RecordingProxy {
  readonly mode: RecordingMode
  readonly cassettePath: string
  readonly #options: ValidatedProxyOptions
  readonly #table: MountTable
  readonly #rewriter: LinkRewriter
  readonly #recording: CassetteRecording
  readonly #server: http.Server
  readonly #httpProxy: HttpProxy
  readonly #agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) }
  readonly #deps: ForwardDeps
  #url = ''
  #inFlight = 0
  #closing: Promise<void> | null = null
  #onIdle: (() => void) | null = null

  readonly #once: OnceContext | null

  constructor(options: ValidatedProxyOptions, existing: Cassette | null) {
    super()
    this.#options = options
    this.mode = options.mode
    this.cassettePath = options.cassettePath
    this.#table = new MountTable(options.targets)
    this.#rewriter = new LinkRewriter(this.#table)
    this.#recording = new CassetteRecording({ ...options, existing, path: options.cassettePath, emit: (event, ...args) => this.#emitSafely(event, ...args), listening: (event) => this.listenerCount(event) > 0 })
    this.#httpProxy = HttpProxy.createProxyServer({ selfHandleResponse: true, changeOrigin: true, xfwd: false, ws: false })
    attachProxyEvents(this.#httpProxy, options.upstreamTimeoutMs)
    this.#deps = this.#forwardDeps()
    this.#once = options.mode === 'once' ? { deps: this.#deps, once: new OnceCassette(existing ?? emptyCassette(options)), replayed: (interaction) => this.#emitSafely('replayed', { interaction }), matched: (recorded, live) => this.#recording.answeredFromCassette(recorded, live) } : null
    // Clients poll at intervals longer than Node's 5 s idle timeout; a pooled socket closed by the
    // proxy just as the client reuses it shows up as ECONNRESET. Clouds' load balancers allow a minute.
    this.#server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => this.#handle(req, res))
    this.#server.on('connect', (_req: IncomingMessage, socket: Socket) => this.#refuseTunnel(socket))
  }

  get url(): string {
    return this.#url
  }

  async listen(): Promise<void> {
    this.#server.listen(this.#options.port, this.#options.host)
    try {
      await once(this.#server, 'listening')
    } catch (error) {
      const where = `${this.#options.host}:${this.#options.port}`
      throw new CloudtapeError('ERR_CLOUDTAPE_INVALID_OPTION', `Cannot listen on ${where}: ${(error as Error).message}. Pick a free port or use port 0.`, { cause: error })
    }
    const address = this.#server.address()
    if (address === null || typeof address === 'string') throw new TypeError('the proxy server has no TCP address')
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
    this.#url = `http://${host}:${address.port}`
  }

  cassette(): Cassette {
    return this.#recording.cassette()
  }

  summary(): NormalizationSummary {
    return this.#recording.summary()
  }

  upstreams(): UpstreamMount[] {
    return this.#table.mounts()
  }

  urlFor(upstreamUrl: string): string | null {
    return this.#rewriter.proxyUrlFor(upstreamUrl, this.#url)
  }

  flush(): Promise<void> {
    return this.#recording.flush()
  }

  close(options: { readonly force?: boolean } = {}): Promise<void> {
    if (options.force) this.#server.closeAllConnections()
    this.#closing ??= this.#shutdown()
    return this.#closing
  }

  async #shutdown(): Promise<void> {
    const closed = once(this.#server, 'close')
    this.#server.close()
    this.#server.closeIdleConnections()
    if (this.#inFlight > 0) await new Promise<void>((resolve) => (this.#onIdle = resolve))
    this.#server.closeAllConnections()
    await closed
    this.#agents.http.destroy()
    this.#agents.https.destroy()
    await this.#recording.close()
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    this.#inFlight += 1
    res.on('error', () => undefined)
    res.on('close', () => this.#requestDone())
    const route = this.#table.route(req.url ?? '/')
    if (route.kind === 'control') {
      answerControl(req, res, () => this.#status(), this.#dialect())
    } else if (route.kind === 'refused') {
      this.#refuse(req, res, route.reason)
    } else if (this.#once) {
      void serveOnce(this.#once, req, res, route, this.#proxyOrigin(req))
    } else {
      forwardRequest(this.#deps, req, res, route, this.#proxyOrigin(req))
    }
  }

  #requestDone(): void {
    this.#inFlight -= 1
    if (!this.#closing) return
    setImmediate(() => this.#server.closeIdleConnections())
    if (this.#inFlight === 0) this.#onIdle?.()
  }

  #refuse(req: IncomingMessage, res: ServerResponse, reason: string): void {
    req.resume()
    const known = this.#table.mounts().map((mount) => mount.origin).join(', ')
    const message = `cloudtape does not forward ${req.method} ${req.url}: ${reason}. It forwards only to ${known}. Add --target <url> to allow another upstream.`
    this.#emitSafely('warning', { code: 'refused', message })
    sendFault(res, { name: 'forbidden', status: 403, message, dialect: this.#dialect(), format: faultFormat(req.url ?? '', req.headers['accept']) })
  }

  #refuseTunnel(socket: Socket): void {
    this.#emitSafely('warning', { code: 'refused', message: 'cloudtape refused a CONNECT tunnel: it is not an open proxy.' })
    socket.on('error', () => undefined)
    socket.end('HTTP/1.1 405 Method Not Allowed\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\ncloudtape is not an open proxy; point your client at it as its endpoint.\n')
  }

  #status(): ProxyStatus {
    return {
      mode: this.mode,
      cassette: this.cassettePath,
      interactions: this.#recording.size(),
      upstreams: this.#table.mounts().map((mount) => ({ origin: mount.origin, url: this.#url + mount.prefix, source: mount.source })),
    }
  }

  /** The origin the client reached the proxy by (its Host header when plausible). */
  #proxyOrigin(req: IncomingMessage): string {
    const host = req.headers.host
    return host !== undefined && /^(?:[\w.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i.test(host) ? `http://${host}` : this.#url
  }

  #dialect(): Dialect {
    return this.#recording.dialect()
  }

  #forwardDeps(): ForwardDeps {
    return {
      proxy: this.#httpProxy,
      agents: this.#agents,
      table: this.#table,
      rewriter: this.#rewriter,
      clock: this.#options.clock,
      maxBodyBytes: this.#options.maxBodyBytes,
      upstreamTimeoutMs: this.#options.upstreamTimeoutMs,
      dialect: () => this.#dialect(),
      finished: (exchange) => this.#recording.record(exchange),
      warn: (warning) => this.#emitSafely('warning', warning),
    }
  }

  /** Emits only to listeners that exist: an unobserved `error` must not crash the process. */
  #emitSafely<K extends keyof RecordingProxyEventMap>(event: K, ...args: RecordingProxyEventMap[K]): void {
    if (this.listenerCount(event) > 0) (this.emit as (event: K, ...args: RecordingProxyEventMap[K]) => boolean)(event, ...args)
  }
}

/** Once mode starts from the cassette on disk; none yet is fine, a broken one is not. */
async function loadExisting(path: string): Promise<Cassette | null> {
  try {
    return await loadCassetteFile(path)
  } catch (error) {
    if (isCloudtapeError(error, 'ERR_CLOUDTAPE_CASSETTE_NOT_FOUND')) return null
    throw error
  }
}

function emptyCassette(options: ValidatedProxyOptions): Cassette {
  return { version: CASSETTE_VERSION, name: 'empty', dialect: options.dialect ?? 'rackspace', recordedAt: '', interactions: [] }
}
