import { encodeStoredBody } from '../cassettes/index.js'
import type { CassetteIndex } from './cassette-index.js'

/**
 * How replay URLs relate to recorded origins.
 *
 * @note Replay URL scheme, the recording proxy's mount scheme: a standalone server has one origin but
 * a cassette may hold several (identity, then one compute endpoint per region). The identity origin
 * (else the first recorded origin) is served at the root; every other origin under
 * `/_upstream/<scheme>/<host[:port]>`, so `https://host-2.example.com/v2/10/servers` becomes
 * `http://127.0.0.1:PORT/_upstream/https/host-2.example.com/v2/10/servers`.
 * The resolver skips segments before the version segment, so operation keys are unaffected. The
 * nock engine intercepts the recorded hosts themselves and rewrites nothing.
 */
export interface ReplayRoutes {
  /** What the client authenticates against: the recorded token URL without `/tokens`. */
  readonly authUrl: string
  /** The recorded origin served at the root (identity's, else the first). */
  readonly primary: string
  /** Replay base URL of every known origin (recorded requests and catalog endpoints). */
  readonly bases: ReadonlyMap<string, string>
  /** The recorded origin an incoming URL addresses, and the path with query within it; null when none. */
  route(url: string): Route | null
  /** Rewrites recorded absolute URLs in a body or header to replay URLs. */
  rewrite(text: string): string
  /** False when rewrite() is the identity (nock on the recorded hosts). */
  readonly rewrites: boolean
}

/** Routes for a server at `replayOrigin` (e.g. http://127.0.0.1:PORT): one path prefix per recorded origin. */
export function prefixRoutes(index: CassetteIndex, replayOrigin: string): ReplayRoutes {
  const origins = knownOrigins(index)
  const primary = origins[0] ?? replayOrigin
  const bases = new Map(origins.map((origin) => [origin, origin === primary ? replayOrigin : replayOrigin + upstreamPrefix(origin)]))
  const pattern = originPattern(origins)
  return {
    authUrl: replayOrigin + authPath(index),
    primary,
    bases,
    rewrites: true,
    route(url) {
      const path = pathOf(url)
      const mount = UPSTREAM_MOUNT.exec(path)
      if (!mount) return { origin: primary, path }
      const rest = path.slice(mount[0].length)
      return { origin: `${(mount[1] as string).toLowerCase()}://${(mount[2] as string).toLowerCase()}`, path: rest.startsWith('/') ? rest : `/${rest}` }
    },
    rewrite: (text) => (pattern ? text.replace(pattern, (origin) => bases.get(origin) ?? origin) : text),
  }
}

/** Where a URL goes: a recorded origin, and the path with query within it. */
export type Route = { readonly origin: string; readonly path: string }

/** `/_upstream/<scheme>/<host[:port]>`, as the recording proxy mounts an origin. */
export function upstreamPrefix(origin: string): string {
  const match = /^([a-z][a-z0-9+.-]*):\/\/([^/]+)/i.exec(origin)
  return match ? `/_upstream/${(match[1] as string).toLowerCase()}/${(match[2] as string).toLowerCase()}` : '/_upstream/unknown'
}

const UPSTREAM_MOUNT = /^\/_upstream\/([a-z][a-z0-9+.-]*)\/([^/?#]+)/i

/** Routes for interceptors on the recorded hosts themselves (nock): nothing is rewritten. */
export function recordedHostRoutes(index: CassetteIndex): ReplayRoutes {
  const origins = knownOrigins(index)
  const primary = origins[0] ?? 'http://localhost'
  const known = new Set(origins)
  return {
    authUrl: primary + authPath(index),
    primary,
    bases: new Map(origins.map((origin) => [origin, origin])),
    rewrites: false,
    route(url) {
      const origin = originOf(url)
      return origin !== null && known.has(origin) ? { origin, path: pathOf(url) } : null
    },
    rewrite: (text) => text,
  }
}

/** Request origins in index order, then origins that only the token answers' catalogs or Location headers name. */
export function knownOrigins(index: CassetteIndex): string[] {
  const origins = new Set(index.origins)
  for (const position of index.identity) {
    const body = index.cassette.interactions[position]?.response?.body ?? null
    for (const match of encodeStoredBody(body).toString('utf8').matchAll(/https?:\/\/[\w.-]+(?::\d+)?/g)) {
      origins.add(match[0])
    }
  }
  // A Location may name an origin nothing was requested from: Nova's createImage points at Glance.
  for (const interaction of index.cassette.interactions) {
    const location = interaction.response?.headers['location']
    const origin = typeof location === 'string' ? originOf(location) : null
    if (origin !== null) origins.add(origin)
  }
  return [...origins]
}

function authPath(index: CassetteIndex): string {
  const first = index.identity[0]
  const path = first === undefined ? '/v2.0/tokens' : (index.cassette.interactions[first]?.request.path ?? '/v2.0/tokens')
  return path.replace(/\/tokens(?:\.json|\.xml)?\/?$/, '')
}

function originPattern(origins: readonly string[]): RegExp | null {
  if (origins.length === 0) return null
  const alternatives = [...origins].sort((a, b) => b.length - a.length).map((origin) => origin.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))
  return new RegExp(`(?:${alternatives.join('|')})(?![\\w.:-])`, 'g')
}

/** `scheme://host[:port]` of an absolute URL, default ports dropped; null for a bare path. */
export function originOf(url: string): string | null {
  const match = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)/i.exec(url)
  if (!match) return null
  const scheme = (match[1] as string).toLowerCase()
  const host = (match[2] as string).toLowerCase().replace(scheme === 'https' ? /:443$/ : /:80$/, '')
  return `${scheme}://${host}`
}

/** The path and query of a URL (absolute or already a path). */
export function pathOf(url: string): string {
  const match = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(url)
  const rest = match ? url.slice(match[0].length) : url
  const hash = rest.indexOf('#')
  const path = hash >= 0 ? rest.slice(0, hash) : rest
  return path.startsWith('/') ? path : `/${path}`
}
