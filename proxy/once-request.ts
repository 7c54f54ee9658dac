import type { IncomingMessage, ServerResponse } from 'node:http'
import { resolveOperation } from '../cassettes/resolve-operation.js'
import type { Interaction } from '../cassettes/schema.js'
import { forwardRequest, type ForwardDeps, type ForwardRoute } from './forward.js'
import type { OnceCassette } from './once.js'

/** Identity is always asked live in once mode: the client needs a real token for what is missing. */
const LIVE_ONLY = new Set(['identity.tokens.create'])

/** What once-mode request handling needs from the proxy. */
export interface OnceContext {
  readonly deps: ForwardDeps
  readonly once: OnceCassette
  replayed(interaction: Interaction): void
  /** The cassette held this live request: new recordings name its origin and ids as the cassette does. */
  matched(recorded: Interaction, live: { readonly origin: string; readonly params: Readonly<Record<string, string>> }): void
}

/**
 * Once mode: answers from the cassette when it holds the request, else forwards it and records
 * it. The body is read first, since the operation of `POST .../action` depends on it.
 */
export async function serveOnce(context: OnceContext, req: IncomingMessage, res: ServerResponse, route: ForwardRoute, proxyOrigin: string): Promise<void> {
  const body = await readBody(req)
  if (body === null) return
  const first = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value)
  const resolved = resolveOperation({
    method: req.method ?? 'GET',
    url: route.mount.origin + route.path,
    body,
    contentType: first(req.headers['content-type']),
    accept: first(req.headers['accept']),
  })
  const hit = context.once.match(resolved.key, resolved.params)
  if (hit) {
    context.once.learnOrigin(hit.request.origin, route.mount)
    context.matched(hit, { origin: route.mount.origin, params: resolved.params })
  }
  const answer = hit && !LIVE_ONLY.has(resolved.key) ? context.once.answer(hit, proxyOrigin) : null
  if (hit && answer) {
    res.writeHead(answer.status, answer.headers)
    res.end(req.method === 'HEAD' ? undefined : answer.body)
    context.replayed(hit)
    return
  }
  const recordable = !hit || hit.transportFault !== undefined || hit.response === null
  forwardRequest(context.deps, req, res, { ...route, recordable }, proxyOrigin, body)
}

function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', () => resolve(null))
  })
}
