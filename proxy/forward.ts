import type { Agent as HttpAgent, ClientRequest, IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http'
import type { Agent as HttpsAgent } from 'node:https'
import { Readable } from 'node:stream'
import type HttpProxy from 'http-proxy'
import type { Clock } from '../cassettes/clock.js'
import type { Dialect } from '../cassettes/operation-catalog.js'
import type { TransportFault } from '../cassettes/schema.js'
import { BodyCapture } from './capture.js'
import type { ProxyWarning } from './events.js'
import { classifyUpstreamError, faultFormat, genericFaultName, sendFault, UPSTREAM_TIMEOUT_CODE, type UpstreamFailure } from './faults.js'
import type { MountTable, UpstreamMount } from './mounts.js'
import { deliverResponse } from './respond.js'
import type { LinkRewriter } from './rewrite.js'

/** One finished exchange with the upstream, as seen on the wire, ready for the recorder. */
export interface FinishedExchange {
  readonly request: { method: string; url: string; headers: IncomingHttpHeaders; body: Buffer }
  readonly response: { status: number; headers: IncomingHttpHeaders; body: Buffer } | null
  readonly transportFault?: TransportFault
  readonly durationMs: number
  /** False when the cassette already holds this exchange (once mode): forwarded, not recorded. */
  readonly recordable: boolean
  /** Bytes seen on the wire, kept or not, when a body went over the cap. */
  readonly truncated: { readonly requestBytes?: number; readonly responseBytes?: number }
}

/** What forwarding needs from the proxy around it. */
export interface ForwardDeps {
  readonly proxy: HttpProxy
  readonly agents: { readonly http: HttpAgent; readonly https: HttpsAgent }
  readonly table: MountTable
  readonly rewriter: LinkRewriter
  readonly clock: Clock
  readonly maxBodyBytes: number
  readonly upstreamTimeoutMs: number
  dialect(): Dialect
  finished(exchange: FinishedExchange): void
  warn(warning: ProxyWarning): void
}

/** The state of one request on its way through the proxy. */
export interface ExchangeState {
  readonly deps: ForwardDeps
  readonly req: IncomingMessage
  readonly res: ServerResponse
  readonly mount: UpstreamMount
  readonly upstreamUrl: string
  /** The origin links are rewritten to: the one the client used to reach the proxy. */
  readonly proxyOrigin: string
  readonly startedAt: number
  readonly recordable: boolean
  readonly requestCapture: BodyCapture
  readonly responseCapture: BodyCapture
  /** The request to the upstream now under way (a new one after a retry). */
  upstreamReq: ClientRequest | null
  proxyRes: IncomingMessage | null
  retried: boolean
  settled: boolean
}

/** Where a request goes upstream. */
export interface ForwardRoute {
  readonly mount: UpstreamMount
  /** Path and query on the upstream. */
  readonly path: string
  readonly recordable?: boolean
}

/**
 * Each request carries its exchange state under this symbol. A WeakMap keyed by requests kept
 * them alive through young-generation collections (V8 promotes ephemeron entries), which under
 * load tripled the proxy's GC time and forced a full collection every second or two.
 */
const STATE = Symbol('cloudtape.exchangeState')

type RequestWithState = IncomingMessage & { [STATE]?: ExchangeState }

function attachState(req: IncomingMessage, state: ExchangeState): void {
  ;(req as RequestWithState)[STATE] = state
}

function stateOf(req: IncomingMessage): ExchangeState | undefined {
  return (req as RequestWithState)[STATE]
}

/**
 * Forwards a request to its upstream through http-proxy, teeing the request body into a bounded
 * capture. `body` is given when the proxy already read the request (once mode).
 */
export function forwardRequest(deps: ForwardDeps, req: IncomingMessage, res: ServerResponse, route: ForwardRoute, proxyOrigin: string, body?: Buffer): void {
  const state: ExchangeState = {
    deps,
    req,
    res,
    mount: route.mount,
    upstreamUrl: route.mount.origin + route.path,
    proxyOrigin,
    startedAt: deps.clock.now(),
    recordable: route.recordable ?? true,
    requestCapture: new BodyCapture(deps.maxBodyBytes),
    responseCapture: new BodyCapture(deps.maxBodyBytes),
    upstreamReq: null,
    proxyRes: null,
    retried: false,
    settled: false,
  }
  attachState(req, state)
  if (body) state.requestCapture.push(body)
  // Without either header an HTTP/1.1 request has no body (RFC 9112 §6.3): nothing to capture, and
  // no second 'data' listener for node:http to take off again when the response is done.
  else if (req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined) req.on('data', (chunk: Buffer) => state.requestCapture.push(chunk))
  res.on('close', () => onClientClosed(state))
  // The proxy's own server already answered `100 Continue`; the upstream need not do it again.
  delete req.headers['expect']
  req.url = route.path
  sendUpstream(state, body)
}

function sendUpstream(state: ExchangeState, body: Buffer | undefined): void {
  const { deps, req, res, mount } = state
  const agent = mount.target.protocol === 'https:' ? deps.agents.https : deps.agents.http
  const options = { target: mount.target, agent, ...(body ? { buffer: Readable.from([body]) } : {}) }
  deps.proxy.web(req, res, options as HttpProxy.ServerOptions, (error) => onUpstreamError(state, error))
}

/** Methods a client may send twice (RFC 9110 §9.2.2), so a request lost on a stale socket can go again. */
const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE'])

/**
 * A pooled keep-alive socket the upstream closed just as the proxy reused it fails the request
 * before any answer; Node's agent does not retry it, so the proxy does, once, on a fresh socket,
 * for idempotent methods whose whole body it still holds.
 */
function retryOnStaleSocket(state: ExchangeState, error: Error & { code?: string }): boolean {
  const { req, upstreamReq, requestCapture } = state
  const stale = upstreamReq?.reusedSocket === true && (error.code === 'ECONNRESET' || error.code === 'EPIPE')
  if (state.retried || !stale || state.proxyRes || state.settled || state.res.headersSent) return false
  if (!IDEMPOTENT_METHODS.has(req.method ?? '') || !req.complete || requestCapture.truncated) return false
  state.retried = true
  state.upstreamReq = null
  sendUpstream(state, requestCapture.body())
  return true
}

/** Wires http-proxy's per-request events to the exchange states; call once per proxy. */
export function attachProxyEvents(proxy: HttpProxy, upstreamTimeoutMs: number): void {
  proxy.on('proxyReq', (proxyReq, req) => {
    const state = stateOf(req)
    if (state) state.upstreamReq = proxyReq
    proxyReq.setTimeout(upstreamTimeoutMs, () => {
      const error = Object.assign(new Error(`no answer for ${upstreamTimeoutMs} ms`), { code: UPSTREAM_TIMEOUT_CODE })
      proxyReq.destroy(error)
    })
  })
  proxy.on('proxyRes', (proxyRes, req) => {
    const state = stateOf(req)
    if (state) onUpstreamResponse(state, proxyRes)
    else proxyRes.resume()
  })
  // Failures arrive through the per-request callbacks; this listener keeps http-proxy from
  // throwing the ones it reports without one (a client that went away).
  proxy.on('error', () => undefined)
}

function onUpstreamResponse(state: ExchangeState, proxyRes: IncomingMessage): void {
  state.proxyRes = proxyRes
  proxyRes.on('error', () => undefined)
  proxyRes.on('close', () => {
    if (!proxyRes.complete) failResponse(state, classifyUpstreamError(truncation(state), state.mount.origin))
  })
  deliverResponse(state, proxyRes, {
    finished: () => settle(state, null),
    failed: (error) => failResponse(state, classifyUpstreamError(error, state.mount.origin)),
  })
}

function truncation(state: ExchangeState): Error & { code: string } {
  const got = state.responseCapture.totalBytes
  const expected = state.proxyRes?.headers['content-length']
  const of = expected === undefined ? '' : ` of ${expected}`
  return Object.assign(new Error(`closed the connection after ${got}${of} bytes of the response body`), { code: 'CLOUDTAPE_TRUNCATED' })
}

function onUpstreamError(state: ExchangeState, error: Error): void {
  if (retryOnStaleSocket(state, error)) return
  const failure = classifyUpstreamError(error, state.mount.origin)
  if (state.proxyRes) failResponse(state, failure)
  else if (!state.settled) {
    answerWithFault(state, failure)
    settle(state, failure)
  }
}

/** The upstream failed after its status line: a fault if nothing was sent yet, else a cut. */
function failResponse(state: ExchangeState, failure: UpstreamFailure): void {
  if (state.settled) return
  if (state.res.headersSent) state.res.destroy()
  else answerWithFault(state, failure)
  settle(state, failure)
}

function answerWithFault(state: ExchangeState, failure: UpstreamFailure): void {
  const { req, deps } = state
  sendFault(state.res, {
    name: genericFaultName(deps.dialect()),
    status: failure.status,
    message: `cloudtape: ${failure.message}`,
    details: `${req.method} ${state.upstreamUrl} failed; recorded as a "${failure.kind}" transport fault.`,
    dialect: deps.dialect(),
    format: faultFormat(state.upstreamUrl, req.headers['accept']),
  })
}

function onClientClosed(state: ExchangeState): void {
  if (state.settled || state.res.writableFinished) return
  state.settled = true
  // Nobody waits for the answer: cut the upstream request (http-proxy only does so for a client
  // gone mid-body), so a hanging upstream or a large download does not hold a socket for nothing.
  state.upstreamReq?.destroy()
  state.proxyRes?.resume()
  state.deps.warn({ code: 'client-aborted', message: `The client closed ${state.req.method} ${state.upstreamUrl} before the answer was complete; it is not recorded.` })
}

function settle(state: ExchangeState, failure: UpstreamFailure | null): void {
  if (state.settled) return
  state.settled = true
  const { req, proxyRes, requestCapture, responseCapture } = state
  const response = proxyRes ? { status: proxyRes.statusCode ?? 0, headers: proxyRes.headers, body: responseCapture.body() } : null
  state.deps.finished({
    request: { method: req.method ?? 'GET', url: state.upstreamUrl, headers: { ...req.headers, host: state.mount.target.host }, body: requestCapture.body() },
    response,
    ...(failure ? { transportFault: { kind: failure.kind, message: failure.message } } : {}),
    durationMs: Math.max(0, state.deps.clock.now() - state.startedAt),
    recordable: state.recordable,
    truncated: {
      ...(requestCapture.truncated ? { requestBytes: requestCapture.totalBytes } : {}),
      ...(responseCapture.truncated ? { responseBytes: responseCapture.totalBytes } : {}),
    },
  })
}
