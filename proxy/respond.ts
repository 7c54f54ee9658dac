import type { IncomingMessage, OutgoingHttpHeader } from 'node:http'
import { catalogUrls, mayHoldCatalog } from './catalog.js'
import { canRecode, contentCodings, decodeBody, encodeBody } from './encoding.js'
import type { ExchangeState } from './forward.js'
import { LINK_HEADERS, type LinkRewriter } from './rewrite.js'

/** JSON and XML bodies up to this size are held back to rewrite their links; larger ones stream. */
export const MAX_REWRITE_BYTES = 16 * 1024 * 1024

const LINK_HEADER_NAMES: ReadonlySet<string> = new Set(LINK_HEADERS)

// Per-connection headers: the proxy's own connection to the client manages them.
const HOP_BY_HOP: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'proxy-connection', 'upgrade', 'te', 'trailer'])

/** How the delivery of an upstream answer ended. */
export interface DeliveryCallbacks {
  /** The whole upstream response reached the client. */
  finished(): void
  failed(error: Error): void
}

/**
 * Sends the upstream response to the client. Bodies that can carry links (JSON, XML) are held,
 * their links rewritten and, when something changed, re-encoded with the same content coding and
 * a new content-length; every other body streams through untouched while a bounded copy is kept.
 */
export function deliverResponse(state: ExchangeState, proxyRes: IncomingMessage, callbacks: DeliveryCallbacks): void {
  proxyRes.on('data', (chunk: Buffer) => state.responseCapture.push(chunk))
  const format = linkFormat(state.req.method, proxyRes)
  const codings = contentCodings(proxyRes.headers['content-encoding'])
  if (format === null || !canRecode(codings)) {
    streamThrough(state, proxyRes, callbacks)
    return
  }
  const chunks: Buffer[] = []
  let size = 0
  const collect = (chunk: Buffer): void => {
    chunks.push(chunk)
    size += chunk.length
    if (size <= MAX_REWRITE_BYTES) return
    proxyRes.off('data', collect)
    proxyRes.off('end', onEnd)
    state.deps.warn({ code: 'links-not-rewritten', message: `The ${format} body of ${state.upstreamUrl} is over ${MAX_REWRITE_BYTES} bytes; it streams through with its links unchanged.` })
    writeHead(state, proxyRes, null)
    for (const held of chunks) state.res.write(held)
    streamThrough(state, proxyRes, callbacks, true)
  }
  const onEnd = (): void => {
    rewriteAndSend(state, proxyRes, Buffer.concat(chunks, size), { format, codings }).then(callbacks.finished, callbacks.failed)
  }
  proxyRes.on('data', collect)
  proxyRes.on('end', onEnd)
}

function streamThrough(state: ExchangeState, proxyRes: IncomingMessage, callbacks: DeliveryCallbacks, headersWritten = false): void {
  if (!headersWritten) writeHead(state, proxyRes, null)
  proxyRes.on('end', callbacks.finished)
  proxyRes.pipe(state.res)
}

function writeHead(state: ExchangeState, proxyRes: IncomingMessage, bodyLength: number | null): void {
  if (state.res.headersSent) return
  const headers = outgoingHeaders(proxyRes.rawHeaders, state.deps.rewriter, state.proxyOrigin, bodyLength)
  state.res.writeHead(proxyRes.statusCode ?? 502, proxyRes.statusMessage, headers)
}

interface BodyPlan {
  readonly format: 'json' | 'xml'
  readonly codings: readonly string[]
}

async function rewriteAndSend(state: ExchangeState, proxyRes: IncomingMessage, wire: Buffer, plan: BodyPlan): Promise<void> {
  const { deps } = state
  let out: Buffer | null = null
  try {
    const decoded = plan.codings.length > 0 ? await decodeBody(wire, plan.codings) : wire
    const text = decoded.toString('utf8')
    if (mayHoldCatalog(text)) for (const url of catalogUrls(text)) deps.table.add(url, 'catalog')
    const rewritten = deps.rewriter.rewriteBody(text, plan.format, state.proxyOrigin)
    if (rewritten !== null) out = plan.codings.length > 0 ? await encodeBody(Buffer.from(rewritten), plan.codings) : Buffer.from(rewritten)
  } catch (error) {
    deps.warn({ code: 'links-not-rewritten', message: `The body of ${state.upstreamUrl} could not be decoded (${(error as Error).message}); it is passed on unchanged.` })
  }
  writeHead(state, proxyRes, out === null ? null : out.length)
  state.res.end(out ?? wire)
}

/** The format whose links the proxy rewrites, or null for bodies it streams untouched. */
function linkFormat(method: string | undefined, proxyRes: IncomingMessage): 'json' | 'xml' | null {
  const status = proxyRes.statusCode ?? 0
  if (method === 'HEAD' || status === 204 || status === 304 || status < 200) return null
  const type = proxyRes.headers['content-type'] ?? ''
  if (/json/i.test(type)) return 'json'
  if (/xml/i.test(type)) return 'xml'
  return null
}

/**
 * The upstream's headers as the client gets them: same names, case and order, link headers
 * pointing at the proxy, hop-by-hop headers left to the proxy's connection, and a new
 * content-length when the body was rewritten.
 */
export function outgoingHeaders(rawHeaders: readonly string[], rewriter: LinkRewriter, proxyOrigin: string, bodyLength: number | null): OutgoingHttpHeader[] {
  const out: string[] = []
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string
    const lower = name.toLowerCase()
    if (HOP_BY_HOP.has(lower)) continue
    if (bodyLength !== null && (lower === 'content-length' || lower === 'transfer-encoding')) continue
    const value = rawHeaders[i + 1] as string
    out.push(name, LINK_HEADER_NAMES.has(lower) ? (rewriter.rewriteHeader(value, proxyOrigin) ?? value) : value)
  }
  if (bodyLength !== null) out.push('Content-Length', String(bodyLength))
  return out
}
