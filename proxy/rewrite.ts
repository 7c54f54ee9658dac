import { BoundedMap } from '../cassettes/bounded.js'
import { CATALOG_URL_FIELDS } from './catalog.js'
import type { MountTable, UpstreamMount } from './mounts.js'

/** Body fields that hold absolute links: atom-style `href`s and the service catalog's endpoints. */
export const LINK_FIELDS = ['href', ...CATALOG_URL_FIELDS] as const

/** Response headers whose value is an absolute URL on an upstream. */
export const LINK_HEADERS = ['location', 'content-location', 'x-server-management-url', 'x-storage-url', 'x-cdn-management-url'] as const

// What may follow an origin in a link: a path, a query, the end of the value. `\\` starts an
// escaped slash (`https:\/\/host\/v2`), which some JSON encoders write.
const BOUNDARY = `(?=[/?#"'<\\\\\\s]|$)`

const MAX_SPELLINGS = 1024
/** Bodies whose rewrite is remembered, and the longest: a poll's answer comes back byte for byte. */
const MAX_REMEMBERED_BODIES = 256
const MAX_REMEMBERED_BODY_LENGTH = 64 * 1024

interface RewrittenBody {
  readonly format: 'json' | 'xml'
  readonly proxyOrigin: string
  readonly result: string | null
}

interface CompiledPatterns {
  readonly version: number
  readonly json: RegExp
  readonly xml: RegExp
  readonly header: RegExp
}

/**
 * Rewrites absolute upstream links to the proxy, so that a client following them keeps talking
 * through it: `https://dfw.servers.api.rackspacecloud.com/v2/010101/servers/abc` becomes
 * `http://127.0.0.1:PORT/_upstream/https/dfw.servers.api.rackspacecloud.com/v2/010101/servers/abc`.
 *
 * @note Only the values of link fields (`href`, catalog endpoint fields) and link headers are
 * touched, in place in the original text: formatting, other fields, ids and tokens stay byte for
 * byte. The patterns are compiled once per set of known origins, not per request.
 */
export class LinkRewriter {
  readonly #table: MountTable
  #patterns: CompiledPatterns | null = null
  /** Link origins as spelled in bodies → their mount (cleared when the origins change). */
  readonly #spellings = new Map<string, UpstreamMount | null>()
  /** Bodies rewritten before (cleared with the spellings when the origins change). */
  readonly #bodies = new BoundedMap<string, RewrittenBody>(MAX_REMEMBERED_BODIES)

  constructor(table: MountTable) {
    this.#table = table
  }

  /** The body with its links rewritten, or null when it holds none. */
  rewriteBody(text: string, format: 'json' | 'xml', proxyOrigin: string): string | null {
    const patterns = this.#compiled()
    const remember = text.length <= MAX_REMEMBERED_BODY_LENGTH
    const known = remember ? this.#bodies.get(text) : undefined
    if (known !== undefined && known.format === format && known.proxyOrigin === proxyOrigin) return known.result
    const result = this.#replace(text, format === 'json' ? patterns.json : patterns.xml, proxyOrigin, true)
    if (remember) this.#bodies.set(text, { format, proxyOrigin, result })
    return result
  }

  /** A link header's value rewritten, or null when it points to no known upstream. */
  rewriteHeader(value: string, proxyOrigin: string): string | null {
    return this.#replace(value, this.#compiled().header, proxyOrigin, false)
  }

  /** The proxy URL standing for an upstream URL, or null for an origin the proxy does not know. */
  proxyUrlFor(upstreamUrl: string, proxyOrigin: string): string | null {
    return this.rewriteHeader(upstreamUrl, proxyOrigin)
  }

  #replace(text: string, pattern: RegExp, proxyOrigin: string, hasLead: boolean): string | null {
    let changed = false
    const result = text.replace(pattern, (whole: string, ...groups: unknown[]) => {
      const lead = hasLead ? (groups[0] as string) : ''
      const linkOrigin = (hasLead ? groups[1] : groups[0]) as string
      const mount = this.#mountOf(linkOrigin)
      if (!mount) return whole
      changed = true
      const replacement = proxyOrigin + mount.prefix
      return lead + (linkOrigin.includes('\\/') ? replacement.replaceAll('/', '\\/') : replacement)
    })
    return changed ? result : null
  }

  #mountOf(linkOrigin: string): UpstreamMount | null {
    let mount = this.#spellings.get(linkOrigin)
    if (mount === undefined) {
      mount = this.#table.get(canonicalOrigin(linkOrigin)) ?? null
      if (this.#spellings.size < MAX_SPELLINGS) this.#spellings.set(linkOrigin, mount)
    }
    return mount
  }

  #compiled(): CompiledPatterns {
    if (this.#patterns?.version === this.#table.version) return this.#patterns
    this.#spellings.clear()
    this.#bodies.clear()
    const origins = this.#table.mounts().map((mount) => originPattern(mount.origin))
    const anyOrigin = `(${origins.join('|')})${BOUNDARY}`
    const fields = LINK_FIELDS.join('|')
    this.#patterns = {
      version: this.#table.version,
      json: new RegExp(`("(?:${fields})"\\s*:\\s*")${anyOrigin}`, 'gi'),
      xml: new RegExp(`(\\s(?:[\\w.-]+:)?(?:${fields})\\s*=\\s*["'])${anyOrigin}`, 'gi'),
      header: new RegExp(`^${anyOrigin}`, 'i'),
    }
    return this.#patterns
  }
}

/** A pattern for an origin as links may spell it: any case, default port or not, `\/` escapes. */
function originPattern(origin: string): string {
  const url = new URL(origin)
  const defaultPort = url.protocol === 'https:' ? '443' : '80'
  const port = url.port === '' ? `(?::${defaultPort})?` : `:${url.port}`
  return `${url.protocol}(?://|\\\\/\\\\/)${escapeRegExp(url.hostname)}${port}`
}

function canonicalOrigin(linkOrigin: string): string {
  const plain = linkOrigin.replaceAll('\\/', '/')
  return URL.canParse(plain) ? new URL(plain).origin : plain
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
