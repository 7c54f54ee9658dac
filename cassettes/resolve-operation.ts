import { readActionKey } from './action-key.js'
import { decodeOrKeep } from './decode-or-keep.js'
import type { Operation } from './operation-catalog.js'
import { routeCompute, routeOther, type RouteMatch } from './operation-router.js'

export type BodyFormat = 'json' | 'xml'

/** What the resolver needs to know about a request. */
export interface ResolveOperationInput {
  readonly method: string
  /** An absolute URL or a bare path, with or without a query string. */
  readonly url: string
  /** The request body, when the operation may depend on it (`POST .../action`). */
  readonly body?: string | Uint8Array | null | undefined
  readonly contentType?: string | null | undefined
  /** The Accept header: it picks the response format when the URL has no `.json`/`.xml` suffix. */
  readonly accept?: string | null | undefined
}

/** Which documented operation a request is. Never thrown: bad input gives a fallback key and a reason. */
export interface ResolvedOperation {
  /** `servers.action.reboot`, or a fallback key `unknown:<METHOD>:<path shape>` when nothing matched. */
  readonly key: string
  /** True when the key is a row of the operations table. */
  readonly documented: boolean
  /** Path parameters by template name (`tenant_id`, `server_id`, ...), decoded. */
  readonly params: Readonly<Record<string, string>>
  /** Response format the client asked for: URL suffix, else Accept, else JSON (001 §1.4). */
  readonly format: BodyFormat
  /** The compute API version segment the path used (`v2`, `v2.1`), the identity one (`v2.0`), or null. */
  readonly apiVersion: string | null
  /** The catalog entry, for documented keys. */
  readonly operation: Operation | null
  /** The request path without its mount prefix, query and format suffix, segments decoded. */
  readonly path: string
  readonly query: ReadonlyArray<readonly [string, string]>
  /** Why the key is a fallback or undocumented; absent when the request resolved cleanly. */
  readonly reason?: string
}

/** Paths longer than this, or with more segments, are not routed (a fallback key with a reason). */
const MAX_PATH_LENGTH = 8 * 1024
const MAX_SEGMENTS = 64
const VERSION_SEGMENT = /^v\d+(?:\.\d+)?$/

interface SplitUrl {
  readonly segments: string[]
  readonly query: Array<[string, string]>
  readonly suffixFormat: BodyFormat | null
}

/**
 * Resolves (method, URL, body) to the operation key, path parameters and format.
 *
 * @example
 * resolveOperation({ method: 'POST', url: 'https://dfw.servers.api.rackspacecloud.com/v2/010101/servers/abc/action', body: '{"reboot":{"type":"SOFT"}}' })
 * // → { key: 'servers.action.reboot', params: { tenant_id: '010101', server_id: 'abc' }, format: 'json', ... }
 */
export function resolveOperation(input: ResolveOperationInput): ResolvedOperation {
  const method = input.method.toUpperCase()
  const split = splitUrl(input.url)
  const format = split.suffixFormat ?? formatFromAccept(input.accept)
  const base = { format, query: split.query }
  if (split.segments.length > MAX_SEGMENTS || input.url.length > MAX_PATH_LENGTH) {
    const segments = split.segments.slice(0, MAX_SEGMENTS)
    return fallback(method, segments, { ...base, reason: 'the path is too long to be an API operation' })
  }
  const versionAt = split.segments.findIndex((segment) => VERSION_SEGMENT.test(segment))
  const segments = versionAt > 0 ? split.segments.slice(versionAt) : split.segments
  const path = '/' + segments.join('/')
  const version = versionAt >= 0 ? (segments[0] ?? null) : null
  const match = route(method, segments, version)
  if (!match) return fallback(method, segments, { ...base, reason: `no documented operation has the path ${path}` })
  const context = { ...base, path, apiVersion: version, params: match.params }
  if (match.actions) return resolveAction(method, match, input, context)
  if (!match.operation) {
    return fallback(method, segments, { ...base, reason: `${method} is not documented for ${match.template}` })
  }
  return { ...context, key: match.operation.key, documented: true, operation: match.operation }
}

function route(method: string, segments: readonly string[], version: string | null): RouteMatch | null {
  const other = routeOther(method, segments)
  if (other || (version !== 'v2' && version !== 'v2.1')) return other
  // Nova serves the v2.1 version document at `/v2.1`, as the documents serve v2's at `/v2`.
  if (segments.length === 1) return routeOther(method, ['v2'])
  // `/v2/{tenant}/...` is the documented form; Nova's `/v2.1/...` may also leave the tenant out.
  // A version segment is never a tenant: novaclient asks Glance's `/v2/images/{id}` at Nova's `/v2.1`.
  const tenant = segments[1]
  const withTenant = tenant !== undefined && !VERSION_SEGMENT.test(tenant) ? routeCompute(method, segments.slice(2), tenant) : null
  if (withTenant || version !== 'v2.1') return withTenant
  return routeCompute(method, segments.slice(1), null)
}

interface ResolveContext {
  readonly format: BodyFormat
  readonly query: ReadonlyArray<readonly [string, string]>
  readonly path: string
  readonly apiVersion: string | null
  readonly params: Readonly<Record<string, string>>
}

function resolveAction(method: string, match: RouteMatch, input: ResolveOperationInput, context: ResolveContext): ResolvedOperation {
  const bodyText = toText(input.body)
  const bodyFormat = /xml/i.test(input.contentType ?? '') ? 'xml' : 'json'
  const found = readActionKey(bodyText, bodyFormat)
  if ('error' in found) {
    return fallback(method, context.path.split('/').slice(1), { ...context, reason: `${found.error}; cannot tell which action this is` })
  }
  if (!/^[\w.:-]{1,64}$/.test(found.key)) {
    const shown = JSON.stringify(found.key.slice(0, 40))
    return fallback(method, context.path.split('/').slice(1), { ...context, reason: `the action key ${shown} is not a plausible action name` })
  }
  const documented = match.actions?.get(found.key)
  if (documented) return { ...context, key: documented.key, documented: true, operation: documented }
  const prefix = match.template.includes('/servers/') ? 'servers.action.' : 'action.'
  return {
    ...context,
    key: prefix + found.key,
    documented: false,
    operation: null,
    reason: `the action "${found.key}" is not documented`,
  }
}

function toText(body: ResolveOperationInput['body']): string {
  if (body === null || body === undefined) return ''
  if (typeof body === 'string') return body
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8')
}

// 001 §1.4: the Accept header picks the response format and "Default is json"; the request's
// Content-Type only describes the request body.
function formatFromAccept(accept: string | null | undefined): BodyFormat {
  if (!accept) return 'json'
  const xml = accept.search(/xml/i)
  const json = accept.search(/json/i)
  return xml >= 0 && (json < 0 || xml < json) ? 'xml' : 'json'
}

function splitUrl(url: string): SplitUrl {
  let rest = url
  const scheme = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(rest)
  if (scheme) rest = rest.slice(scheme[0].length)
  const hash = rest.indexOf('#')
  if (hash >= 0) rest = rest.slice(0, hash)
  const question = rest.indexOf('?')
  const query = question >= 0 ? parseQuery(rest.slice(question + 1)) : []
  const pathname = question >= 0 ? rest.slice(0, question) : rest
  const segments = pathname.split('/').filter((segment) => segment !== '').map(decodeOrKeep)
  const last = segments.at(-1)
  const suffix = last === undefined ? null : /\.(json|xml)$/i.exec(last)
  let suffixFormat: BodyFormat | null = null
  if (suffix && last !== undefined) {
    suffixFormat = (suffix[1] as string).toLowerCase() as BodyFormat
    // `/.xml` and `/v2/.xml` (001 §1.9) put the suffix in a segment of its own.
    if (last.length > suffix[0].length) segments[segments.length - 1] = last.slice(0, -suffix[0].length)
    else segments.pop()
  }
  return { segments, query, suffixFormat }
}

function parseQuery(text: string): Array<[string, string]> {
  return [...new URLSearchParams(text)]
}

const ID_SHAPED = /^(?:\d+|[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}|[0-9a-f]{16,}|(?=.*\d)[\w-]{20,})$/i

/**
 * A key for a path no row matches, built from its shape: the method, then each segment, with
 * the tenant and id-like segments replaced by placeholders, so every id gives the same key.
 */
function fallback(
  method: string,
  segments: readonly string[],
  context: Partial<ResolveContext> & { format: BodyFormat; query: ResolveContext['query']; reason: string },
): ResolvedOperation {
  const params: Record<string, string> = {}
  let idCount = 0
  const shape = segments.map((segment, index) => {
    if (index === 1 && (segments[0] === 'v2' || segments[0] === 'v2.1') && /^[\w-]+$/.test(segment) && /\d/.test(segment) && !VERSION_SEGMENT.test(segment)) {
      params['tenant_id'] = segment
      return '{tenant_id}'
    }
    if (ID_SHAPED.test(segment) || segment.length > 64) {
      idCount += 1
      params[`id${idCount}`] = segment
      return `{id${idCount}}`
    }
    return segment
  })
  const path = '/' + segments.join('/')
  const version = segments[0] !== undefined && VERSION_SEGMENT.test(segments[0]) ? segments[0] : null
  return {
    key: `unknown:${method}:/${shape.join('/')}`,
    documented: false,
    operation: null,
    params,
    path,
    apiVersion: version,
    format: context.format,
    query: context.query,
    reason: context.reason,
  }
}

/** True for keys that resolveOperation made up because no documented operation matched. */
export function isFallbackKey(key: string): boolean {
  return key.startsWith('unknown:')
}
