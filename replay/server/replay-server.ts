import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse } from 'node:http'
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import type { Cassette } from '../../cassettes/index.js'
import { faultResponse, type ReplayAnswer, type ReplayResponse } from '../answers.js'
import { loadCassetteSource, type CassetteInput } from '../load-cassette.js'
import type { ReplaySessionOptions } from '../options.js'
import { createReplaySession, type ReplaySession } from '../session.js'
import { handleControl, isControlPath } from './control-api.js'
import { sendFaultDecision } from '../faults/index.js'
import { originFor, parseListen, type ListenAddress } from './listen-address.js'

/** Options of the standalone replay server (`faults`, `strict`, `dialect`, `clock` are the session's). */
export interface ReplayServerOptions extends ReplaySessionOptions {
  /** A cassette, or its path (names resolve under `dir`). */
  readonly cassette: CassetteInput
  readonly dir?: string
  /** Largest cassette file read. Default: core's MAX_CASSETTE_FILE_BYTES (64 MiB). */
  readonly maxBytes?: number
  /** `host:port`; default 127.0.0.1 and a free port. */
  readonly listen?: string | Partial<ListenAddress>
  /** Request bodies above this get a badRequest fault. Default 16 MiB. */
  readonly maxBodyBytes?: number
}

/** A running replay server. */
export interface ReplayServer {
  /** `http://127.0.0.1:PORT`: identity at the root, other recorded origins under `/<host>`. */
  readonly url: string
  /** The identity endpoint to give clients (`<url>/v2.0`). */
  readonly authUrl: string
  readonly cassette: Cassette
  readonly session: ReplaySession
  /** Stops listening and drops open connections. */
  close(): Promise<void>
}

const DEFAULT_MAX_BODY = 16 * 1024 * 1024

/** How long an idle keep-alive connection stays open: what load balancers in front of clouds allow. */
const IDLE_KEEP_ALIVE_MS = 60_000

/**
 * Serves a cassette over HTTP to clients in any language, plus the control API under `/_cloudtape/`.
 *
 * @example
 * const server = await createReplayServer({ cassette: 'cassettes/boot.json' })
 * // point the client at server.authUrl; later:
 * await server.close()
 */
export async function createReplayServer(options: ReplayServerOptions): Promise<ReplayServer> {
  const address = parseListen(options.listen)
  const { cassette, path } = await loadCassetteSource(options.cassette, options.dir, options.maxBytes)
  let session: ReplaySession | null = null
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY
  const warn = options.warn ?? ((message: string) => void process.stderr.write(`${message}\n`))
  // Test suites pause between requests (fake timers, slow steps); with Node's 5 s idle timeout a
  // client reusing its pooled socket races the server's close and sees ECONNRESET.
  const server = createServer({ keepAliveTimeout: IDLE_KEEP_ALIVE_MS }, (req, res) => {
    if (session) serve(session, req, res, maxBody, warn)
  })
  server.listen(address.port, address.host)
  await once(server, 'listening')
  const port = (server.address() as AddressInfo).port
  const url = originFor(address.host, port)
  try {
    session = createReplaySession(cassette, { cassettePath: path, ...options, warn, origin: url })
  } catch (error) {
    await closeServer(server, () => {})
    throw error
  }
  const detach = session.attach('server')
  return {
    url,
    authUrl: session.authUrl,
    cassette,
    session,
    close: () => closeServer(server, detach),
  }
}

async function closeServer(server: Server, detach: () => void): Promise<void> {
  detach()
  if (!server.listening) return
  const closed = once(server, 'close')
  server.close()
  server.closeAllConnections()
  await closed
}

function serve(session: ReplaySession, req: IncomingMessage, res: ServerResponse, maxBody: number, warn: (message: string) => void): void {
  readBody(req, maxBody, (body) => {
    try {
      if (body === 'too-large') return send(req, res, tooLarge(session, maxBody))
      const url = req.url ?? '/'
      if (isControlPath(url)) return handleControl(req, res, session, body)
      const headers = req.headers
      // node:http lowercases names and joins repeated values, all but set-cookie's.
      const answer = headers['set-cookie'] === undefined ? session.handleNormalized(req.method ?? 'GET', url, headers as Record<string, string>, body) : session.handle({ method: req.method ?? 'GET', url, headers, body })
      if (answer.kind === 'miss') warn(answer.error.message)
      // The common answer goes out now; only faults, delays and passthrough need the async path.
      if (answer.kind === 'response' && !answer.delayMs) return send(req, res, answer)
      void deliver(session, req, res, answer, body).catch((error: unknown) => send(req, res, internalError(session, error)))
    } catch (error) {
      send(req, res, internalError(session, error))
    }
  })
}

async function deliver(session: ReplaySession, req: IncomingMessage, res: ServerResponse, answer: ReplayAnswer, body: Buffer | null): Promise<void> {
  if (answer.kind === 'fault') {
    await sendFaultDecision(res, answer.decision, { clock: session.clock, ...(answer.recorded ? { recorded: answer.recorded } : {}) })
    return
  }
  if (answer.delayMs) await session.clock.sleep(answer.delayMs)
  if (answer.kind === 'passthrough') return passthrough(req, res, answer.url, body, session)
  send(req, res, answer)
}

function readBody(req: IncomingMessage, maxBody: number, done: (body: Buffer | null | 'too-large') => void): void {
  if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined) {
    req.resume()
    return done(null)
  }
  const chunks: Buffer[] = []
  let size = 0
  req.on('data', (chunk: Buffer) => {
    size += chunk.length
    if (size <= maxBody) chunks.push(chunk)
  })
  // Node hands each body chunk over as a buffer of its own, so a one-chunk body (nearly every
  // API request) is used as it is rather than copied.
  req.on('end', () => done(size > maxBody ? 'too-large' : size === 0 ? null : chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)))
  // No 'error' listener: a request whose client went away emits none without one (node:http),
  // its 'end' never comes, and the socket is already closing.
}

/**
 * A response's headers as sent (with content-length), kept on the response itself: a WeakMap
 * lookup was one more cold table per request, and fault answers, made fresh each time, churned it.
 */
const WIRE_HEADERS = Symbol('cloudtape.wireHeaders')

type SentResponse = ReplayResponse & { [WIRE_HEADERS]?: OutgoingHttpHeaders }

/** Sends an answer; header objects are built once per recorded response. */
export function send(req: IncomingMessage, res: ServerResponse, answer: ReplayAnswer): void {
  if (answer.kind === 'passthrough' || answer.kind === 'fault' || res.destroyed) return
  if (answer.kind === 'transport') return sendTransportFault(res, answer.fault.kind)
  const response = answer.response
  const sent = response as SentResponse
  let headers = sent[WIRE_HEADERS]
  if (!headers) {
    headers = { ...response.headers, 'content-length': response.body.length }
    // Not enumerable: the response stays equal to what the session answered.
    Object.defineProperty(sent, WIRE_HEADERS, { value: headers })
  }
  res.writeHead(response.status, headers)
  res.end(req.method === 'HEAD' ? undefined : response.body)
}

function sendTransportFault(res: ServerResponse, kind: string): void {
  if (kind === 'timeout') return // never answer; close() drops the connection
  if (kind === 'invalid-response') {
    res.socket?.end('HTTP/1.1 ??? garbled\r\n\r\n')
    return
  }
  res.socket?.destroy()
}

async function passthrough(req: IncomingMessage, res: ServerResponse, url: string, body: Buffer | null, session: ReplaySession): Promise<void> {
  try {
    const headers = new Headers()
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined && name !== 'host' && name !== 'connection' && name !== 'content-length') headers.set(name, Array.isArray(value) ? value.join(', ') : value)
    }
    const upstream = await fetch(url, { method: req.method ?? 'GET', headers, ...(body ? { body } : {}) })
    const bytes = Buffer.from(await upstream.arrayBuffer())
    const out: Record<string, string> = {}
    upstream.headers.forEach((value, name) => {
      if (name !== 'content-encoding' && name !== 'transfer-encoding' && name !== 'content-length') out[name] = value
    })
    send(req, res, { kind: 'response', source: 'interaction', response: { status: upstream.status, headers: out, body: bytes }, interaction: null })
  } catch (error) {
    const message = `Passthrough to ${url} failed: ${(error as Error).message}`
    send(req, res, { kind: 'response', source: 'fault', response: faultResponse('computeFault', session.dialect, 'json', message), interaction: null })
  }
}

function tooLarge(session: ReplaySession, maxBody: number): ReplayAnswer {
  const response = faultResponse('badRequest', session.dialect, 'json', `The request body is larger than ${maxBody} bytes.`)
  return { kind: 'response', source: 'fault', response: { ...response, headers: { ...response.headers, connection: 'close' } }, interaction: null }
}

function internalError(session: ReplaySession, error: unknown): ReplayAnswer {
  const message = `cloudtape failed on this request: ${(error as Error).message}`
  return { kind: 'response', source: 'fault', response: faultResponse('computeFault', session.dialect, 'json', message), interaction: null }
}
