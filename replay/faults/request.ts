import { resolveOperation } from '../../cassettes/resolve-operation.js'
import type { FaultRequest } from './types.js'

/** A request as an engine sees it, before it is resolved. */
export interface IncomingFaultRequest {
  readonly method: string
  /** Absolute URL or path, with its query. */
  readonly url: string
  readonly headers?: Readonly<Record<string, string | readonly string[] | undefined>>
  /** Needed for `POST .../action` (the action key is in the body). */
  readonly body?: string | Uint8Array | null
}

/**
 * Resolves a request into what the injector matches on (operation key, params, format). An engine
 * that already resolved the request can build the FaultRequest itself.
 *
 * @example
 * toFaultRequest({ method: 'GET', url: '/v2/010101/servers/abc.xml' }) // → { operation: 'servers.get', format: 'xml', ... }
 */
export function toFaultRequest(incoming: IncomingFaultRequest): FaultRequest {
  const headers = lowercaseHeaders(incoming.headers ?? {})
  const resolved = resolveOperation({
    method: incoming.method,
    url: incoming.url,
    body: incoming.body ?? null,
    contentType: headers['content-type'] ?? null,
    accept: headers['accept'] ?? null,
  })
  return {
    method: incoming.method.toUpperCase(),
    operation: resolved.key,
    params: resolved.params,
    format: resolved.format,
    path: resolved.path,
    query: resolved.query,
    headers,
  }
}

function lowercaseHeaders(headers: Readonly<Record<string, string | readonly string[] | undefined>>): Record<string, string | undefined> {
  const result: Record<string, string | undefined> = {}
  for (const [name, value] of Object.entries(headers)) {
    result[name.toLowerCase()] = typeof value === 'string' || value === undefined ? value : value.join(', ')
  }
  return result
}
