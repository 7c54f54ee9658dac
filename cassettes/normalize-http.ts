import { PARAM_KINDS } from './normalization-rules.js'
import type { IdKind } from './placeholders.js'
import type { ResolvedOperation } from './resolve-operation.js'
import type { StoredHeaders } from './schema.js'
import { mapAuthority, mapUrlPath, scrubText, tenantInPath, type NormalizeContext, type SegmentKinds } from './scrub-text.js'

/** Headers as Node gives them. */
export type RawHeaders = Readonly<Record<string, string | string[] | undefined>>

/** Lowercase names, repeated headers joined with ", " (set-cookie is never kept, so nothing is lost). */
export function flattenHeaders(headers: RawHeaders): Map<string, string> {
  const flat = new Map<string, string>()
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue
    const lower = name.toLowerCase()
    const joined = Array.isArray(value) ? value.join(', ') : value
    flat.set(lower, flat.has(lower) ? `${flat.get(lower)}, ${joined}` : joined)
  }
  return flat
}

/** Noauth2 tokens are `user:project`; the project is the tenant in paths (../shared/nova-local/README.md). */
const NOAUTH_TOKEN = /^([^:\s]+):([0-9a-f-]{8,})$/i
const AUTH_SCHEME = /^(Bearer|Basic|Token|Negotiate|Digest)\s+(.+)$/i

/** Registers secret and identifier headers. */
export function learnHeaders(headers: ReadonlyMap<string, string>, context: NormalizeContext): void {
  for (const [name, value] of headers) {
    const secret = context.rules.secretHeaders.get(name)
    if (secret !== undefined) {
      const scheme = AUTH_SCHEME.exec(value)
      context.map.learnSecret(secret, scheme ? (scheme[2] as string) : value)
      const noauth = NOAUTH_TOKEN.exec(value)
      if (noauth) {
        context.map.id('username', noauth[1] as string)
        context.map.id('tenant', noauth[2] as string)
      }
    }
    const id = context.rules.idHeaders.get(name)
    if (id !== undefined) context.map.id(id, value)
  }
}

/** The headers worth keeping, normalized and sorted by name. */
export function rewriteHeaders(headers: ReadonlyMap<string, string>, direction: 'request' | 'response', context: NormalizeContext): StoredHeaders {
  const { rules, map } = context
  const kept = direction === 'request' ? rules.keptRequestHeaders : rules.keptResponseHeaders
  const result: Array<[string, string]> = []
  for (const [name, value] of headers) {
    const volatile = rules.volatileHeaders.get(name)
    if (volatile !== undefined && kept.has(name)) {
      map.countVolatile()
      const replaced = volatile(value)
      if (replaced !== null) result.push([name, replaced])
      continue
    }
    if (!kept.has(name)) continue
    const secret = rules.secretHeaders.get(name)
    const id = rules.idHeaders.get(name)
    if (secret !== undefined) {
      const scheme = AUTH_SCHEME.exec(value)
      result.push([name, scheme ? `${scheme[1]} ${map.secret(secret, scheme[2] as string)}` : map.secret(secret, value)])
    } else if (id !== undefined) result.push([name, map.id(id, map.replaceSecrets(value))])
    else result.push([name, scrubText(value, context)])
  }
  result.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return Object.fromEntries(result)
}

interface SplitUrl {
  readonly scheme: string
  readonly authority: string
  readonly path: string
  readonly query: string | null
}

function splitUrl(url: string): SplitUrl {
  const match = /^([a-z][a-z0-9+.-]*:)\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?/i.exec(url)
  if (match) return { scheme: (match[1] as string).toLowerCase(), authority: match[2] as string, path: match[3] || '/', query: match[4] ?? null }
  const bare = /^([^?#]*)(?:\?([^#]*))?/.exec(url) as RegExpExecArray
  return { scheme: '', authority: '', path: bare[1] || '/', query: bare[2] ?? null }
}

/**
 * Which path segments hold which kind of id, from the resolved parameters (`id1`... of fallback
 * keys are `other`). A resource parameter without a digit is a name, not an id: real clients
 * (openstack, nova) look a name up as `GET /servers/<name>` first, and Nova's 404 repeats the
 * name ("Instance web could not be found."), so mapping it would leave path and message apart.
 */
function segmentKinds(resolved: ResolvedOperation): Map<string, IdKind | 'keep'> {
  const kinds = new Map<string, IdKind | 'keep'>()
  for (const [name, value] of Object.entries(resolved.params)) {
    const kind = PARAM_KINDS[name] ?? (/^id\d+$/.test(name) ? 'other' : undefined)
    if (kind === undefined || value === '') continue
    if (kind !== 'keep' && kind !== 'tenant' && isName(value)) continue
    kinds.set(value, kind)
  }
  return kinds
}

/** No digit and not hex-shaped: every id form (UUID, number, hex) has digits, except a rare all-letter hex. */
function isName(value: string): boolean {
  return !/\d/.test(value) && !/^[0-9a-f-]{8,}$/i.test(value)
}

/** Registers the ids a request URL holds (path parameters, the tenant) and secrets in its query. */
export function learnUrl(url: string, resolved: ResolvedOperation, context: NormalizeContext): void {
  for (const [value, kind] of segmentKinds(resolved)) {
    if (kind === 'keep') {
      if (isConstantParam(resolved, value)) context.map.keep(value)
    } else context.map.id(kind, value)
  }
  const { path, query } = splitUrl(url)
  const tenant = tenantInPath(path)
  if (tenant !== undefined) context.map.id('tenant', tenant)
  for (const [name, value] of new URLSearchParams(query ?? '')) {
    const secret = context.rules.secretQuery.get(name)
    if (secret !== undefined) context.map.learnSecret(secret, value)
  }
}

/** Flavor and volume type ids are documented constants; metadata keys and names are not ids at all. */
function isConstantParam(resolved: ResolvedOperation, value: string): boolean {
  return resolved.params['flavor_id'] === value || resolved.params['volume_type_id'] === value
}

export interface NormalizedUrl {
  readonly origin: string
  readonly path: string
  readonly query: ReadonlyArray<readonly [string, string]>
  readonly params: Readonly<Record<string, string>>
}

/** The request URL as stored: placeholder origin, mapped path and query, mapped path parameters. */
export function rewriteUrl(url: string, resolved: ResolvedOperation, context: NormalizeContext): NormalizedUrl {
  const split = splitUrl(url)
  const kinds = segmentKinds(resolved)
  const origin = split.scheme === '' ? '' : `${split.scheme}//${mapAuthority(split.authority, context)}`
  const query: Array<readonly [string, string]> = []
  for (const [name, value] of new URLSearchParams(split.query ?? '')) {
    const rewritten = rewriteQueryValue(name, value, context)
    if (rewritten !== null) query.push([scrubText(name, context), rewritten])
  }
  const params: Record<string, string> = {}
  for (const [name, value] of Object.entries(resolved.params)) {
    const kind = kinds.get(value)
    const secret = context.map.isSecret(value)
    params[name] = kind === undefined || kind === 'keep' || secret ? scrubText(value, context) : context.map.id(kind, value)
  }
  // Secrets first: mapping an id inside a secret first would leave the rest of the secret behind.
  return { origin, path: mapUrlPath(context.map.replaceSecrets(split.path), context, kinds), query, params }
}

function rewriteQueryValue(name: string, value: string, context: NormalizeContext): string | null {
  const secret = context.rules.secretQuery.get(name)
  if (secret !== undefined) return context.map.secret(secret, value)
  const volatile = context.rules.volatileQuery.get(name)
  if (volatile !== undefined) {
    context.map.countVolatile()
    return volatile(value)
  }
  return scrubText(value, context)
}
