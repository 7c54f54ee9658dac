import { isIPv4, isIPv6 } from 'node:net'
import type { CompiledRules } from './compile-rules.js'
import type { IdentifierMap } from './identifier-map.js'
import type { IdKind } from './placeholders.js'
import type { BoundedSet } from './bounded.js'
import { decodeOrKeep } from './decode-or-keep.js'
import { ScrubMemo } from './scrub-memo.js'

/** What the scrubbers share: the recorder's compiled rules and its map of real values. */
export interface NormalizeContext {
  readonly rules: CompiledRules
  readonly map: IdentifierMap
  /** Scrubs of short strings done before (absent: every scrub runs). */
  readonly memo?: ScrubMemo<string>
  /** URLs in text already learned from: learning only adds to the map, so once is enough (absent: every time). */
  readonly learnedUrls?: BoundedSet<string>
}

/**
 * One pass over free text finds URLs, UUID-shaped values, IPv4, MAC and IPv6 addresses, and tokens
 * with a digit (candidates for known ids). Compiled once; the order of the alternatives matters:
 * a URL before its parts, a UUID before the words it is made of.
 */
const TOKENS = new RegExp(
  [
    /(https?:\/\/)([^/\s"'<>?#\\]*)(\/[^\s"'<>?#\\]*)?/.source,
    /(?<![0-9A-Za-z])([0-9A-Za-z]{8}-[0-9A-Za-z]{4}-[0-9A-Za-z]{4}-[0-9A-Za-z]{4}-[0-9A-Za-z]{12})(?![0-9A-Za-z])/.source,
    /(?<![\w.])((?:\d{1,3}\.){3}\d{1,3})(?!\w|\.\d)/.source,
    // A named group: positional back-references would shift when the alternatives are joined.
    /(?<![\w:-])([0-9A-Fa-f]{2}(?<macSeparator>[:-])[0-9A-Fa-f]{2}(?:\k<macSeparator>[0-9A-Fa-f]{2}){4})(?![\w:-])/.source,
    /(?<![\w:.])((?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4})(?![\w:])/.source,
    /(?<![A-Za-z0-9])([A-Za-z0-9]*\d[A-Za-z0-9]*)/.source,
  ].join('|'),
  'g',
)

const MAY_HAVE_TOKENS = /[\d-]|:\/\//
const HEX_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const VERSION_SEGMENT = /^v\d+(?:\.\d+)?$/
/** Account numbers, hex project ids, UUIDs and `MossoCloudFS_...`-style prefixed ids; never words like `servers`. */
const TENANT_LIKE = /^(?:\d+|[0-9a-f]{8,}|[0-9a-z]{8}(?:-[0-9a-z]{4}){3}-[0-9a-z]{12}|[A-Za-z][A-Za-z0-9]*_[\w-]+)$/i

/**
 * Scrubs a string found anywhere (a JSON or XML value, a header, a query value, a text body):
 * known secrets first, then the volatile patterns, then URLs, UUIDs, IPs and known ids.
 */
export function scrubText(text: string, context: NormalizeContext): string {
  if (text === '') return text
  const { memo } = context
  if (memo === undefined || text.length > ScrubMemo.MAX_LENGTH) return scrubUncached(text, context)
  return memo.scrub(text, context.map, () => scrubUncached(text, context))
}

function scrubUncached(text: string, context: NormalizeContext): string {
  let result = context.map.replaceSecrets(text)
  for (const pattern of context.rules.patterns) {
    pattern.regex.lastIndex = 0
    result = result.replace(pattern.regex, (match: string, ...rest: unknown[]) => {
      context.map.countVolatile()
      return pattern.replace(match, rest.filter((part): part is string => typeof part === 'string'))
    })
  }
  return mapTokens(result, context)
}

/** The id pass of `scrubText` alone, for text whose secrets were already replaced. */
export function mapTokens(text: string, context: NormalizeContext): string {
  // Every token the pass maps has a digit, a dash (UUIDs) or "://" (URLs); most words have none.
  if (!MAY_HAVE_TOKENS.test(text)) return text
  TOKENS.lastIndex = 0
  return text.replace(TOKENS, (match: string, scheme?: string, authority?: string, path?: string, uuid?: string, ipv4?: string, mac?: string, _separator?: string, ipv6?: string, word?: string) => {
    if (scheme !== undefined) return scheme + mapAuthority(authority ?? '', context) + (path ? mapUrlPath(path, context) : '')
    if (uuid !== undefined) return mapUuid(uuid, context)
    if (ipv4 !== undefined) return isIPv4(ipv4) ? context.map.ip(ipv4) : match
    if (mac !== undefined) return context.map.mac(mac)
    if (ipv6 !== undefined) return isIPv6(ipv6) && /[0-9a-f]/i.test(ipv6) ? context.map.ip(ipv6) : match
    return context.map.lookupToken(word ?? match) ?? match
  })
}

function mapUuid(uuid: string, context: NormalizeContext): string {
  const { map } = context
  if (map.isKept(uuid) || map.isKept(uuid.toLowerCase())) return uuid
  const known = map.lookup(uuid)
  if (known !== undefined) return known
  // Hex UUIDs are ids wherever they appear; other 8-4-4-4-12 words only once seen at an id position.
  return HEX_UUID.test(uuid) ? map.id('other', uuid) : uuid
}

/** `user:pass@host:port` → secret userinfo, and the host and port as one host placeholder. */
export function mapAuthority(authority: string, context: NormalizeContext): string {
  const at = authority.lastIndexOf('@')
  const userinfo = at >= 0 ? context.map.secret('password', authority.slice(0, at)) + '@' : ''
  const hostPort = (at >= 0 ? authority.slice(at + 1) : authority).toLowerCase()
  return userinfo + context.map.host(hostPort)
}

/** Path segments known to hold an id of some kind (from the resolved path parameters), or `keep`. */
export type SegmentKinds = ReadonlyMap<string, IdKind | 'keep'>

/**
 * A URL path: segments that are path parameters map by their kind; the segment after a version
 * segment (`/v2/{tenant}`, `/v1.0/{tenant}`, `/v1/MossoCloudFS_...`) is the tenant when it looks
 * like an account id; other segments go through the id pass.
 */
export function mapUrlPath(path: string, context: NormalizeContext, kinds?: SegmentKinds): string {
  const segments = path.split('/')
  for (let index = 1; index < segments.length; index += 1) {
    const segment = segments[index] as string
    if (segment === '') continue
    const kind = kinds === undefined ? undefined : segmentKind(segment, kinds)
    if (kind !== undefined) segments[index] = mapKnownSegment(segment, kind, context)
    else if (isTenantAfterVersion(segments, index)) segments[index] = context.map.id('tenant', segment)
    else segments[index] = mapTokens(segment, context)
  }
  return segments.join('/')
}

function segmentKind(segment: string, kinds: SegmentKinds): { kind: IdKind | 'keep'; value: string; suffix: string } | undefined {
  const decoded = decodeOrKeep(segment)
  const direct = kinds.get(decoded)
  if (direct !== undefined) return { kind: direct, value: decoded, suffix: '' }
  const suffix = /\.(?:json|xml)$/i.exec(decoded)?.[0]
  const base = suffix === undefined ? undefined : kinds.get(decoded.slice(0, -suffix.length))
  return base === undefined || suffix === undefined ? undefined : { kind: base, value: decoded.slice(0, -suffix.length), suffix }
}

function mapKnownSegment(segment: string, known: { kind: IdKind | 'keep'; value: string; suffix: string }, context: NormalizeContext): string {
  if (known.kind === 'keep') return mapTokens(segment, context)
  return encodeURIComponent(context.map.id(known.kind, known.value)) + known.suffix
}

function isTenantAfterVersion(segments: readonly string[], index: number): boolean {
  const segment = segments[index] as string
  return VERSION_SEGMENT.test(segments[index - 1] as string) && TENANT_LIKE.test(segment) && !VERSION_SEGMENT.test(segment)
}

/** The tenant a URL path names after its version segment, for the learning pass. */
export function tenantInPath(path: string): string | undefined {
  const segments = path.split('/')
  for (let index = 1; index < segments.length; index += 1) {
    if (isTenantAfterVersion(segments, index)) return segments[index]
  }
  return undefined
}

/** The path part of an absolute URL found in text, or undefined. */
export function pathOfUrl(text: string): string | undefined {
  const match = /^https?:\/\/[^/\s"'<>?#\\]*(\/[^\s"'<>?#\\]*)?/.exec(text)
  return match ? (match[1] ?? '') : undefined
}
