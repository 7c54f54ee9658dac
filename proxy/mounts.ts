/** Requests under this prefix are answered by the proxy itself and never forwarded. */
export const CONTROL_PREFIX = '/_cloudtape'

/** Every upstream origin but the first target is served under `/_upstream/<scheme>/<host[:port]>`. */
export const UPSTREAM_PREFIX = '/_upstream'

/** An upstream origin the proxy may forward to, and where it is mounted on the proxy. */
export interface UpstreamMount {
  /** `https://dfw.servers.api.rackspacecloud.com` (lowercase host, default port left out). */
  readonly origin: string
  /** '' for the first target (served at the proxy root), else `/_upstream/https/<host>`. */
  readonly prefix: string
  /** Why the proxy knows it: given as a target, or named by a token response's service catalog. */
  readonly source: 'target' | 'catalog'
  /** Pre-parsed for http-proxy, so no URL is parsed per request. */
  readonly target: { readonly protocol: string; readonly host: string; readonly hostname: string; readonly port: string }
}

/** Where a request goes: forwarded upstream, answered by the proxy, or refused. */
export type Route =
  | { readonly kind: 'forward'; readonly mount: UpstreamMount; readonly path: string }
  | { readonly kind: 'control'; readonly path: string }
  | { readonly kind: 'refused'; readonly origin: string | null; readonly reason: string }

/**
 * The proxy's allow-list and path scheme. The first target's origin is served at the root, so
 * `http://127.0.0.1:PORT/v2.0/tokens` is a working auth URL; every other origin gets a stable,
 * readable prefix derived from the origin alone (the same across runs and processes).
 */
export class MountTable {
  readonly #mounts = new Map<string, UpstreamMount>()
  readonly #root: UpstreamMount
  /** Bumped whenever an origin is added, so rewriters know to recompile. */
  version = 0

  constructor(targets: readonly URL[]) {
    const [first, ...rest] = targets
    if (!first) throw new TypeError('MountTable needs at least one target')
    this.#root = this.#add(first.origin, 'target', '')
    for (const target of rest) this.add(target.href, 'target')
  }

  /** Allows an origin (from a URL) and gives it a mount; true when it was new. */
  add(url: string, source: UpstreamMount['source']): boolean {
    const origin = originOf(url)
    if (origin === null || this.#mounts.has(origin)) return false
    this.#add(origin, source, prefixFor(origin))
    return true
  }

  #add(origin: string, source: UpstreamMount['source'], prefix: string): UpstreamMount {
    const url = new URL(origin)
    const target = { protocol: url.protocol, host: url.host, hostname: url.hostname, port: url.port }
    const mount = { origin, prefix, source, target }
    this.#mounts.set(origin, mount)
    this.version += 1
    return mount
  }

  get root(): UpstreamMount {
    return this.#root
  }

  /** Every allowed origin, the root first. */
  mounts(): UpstreamMount[] {
    return [...this.#mounts.values()]
  }

  get(origin: string): UpstreamMount | undefined {
    return this.#mounts.get(origin)
  }

  /** Decides where a request target (`req.url`: origin-form or absolute-form) goes. */
  route(requestTarget: string): Route {
    if (isUnder(requestTarget, CONTROL_PREFIX)) return { kind: 'control', path: requestTarget }
    if (/^https?:\/\//i.test(requestTarget)) return this.#routeAbsolute(requestTarget)
    if (isUnder(requestTarget, UPSTREAM_PREFIX)) return this.#routeMounted(requestTarget)
    if (!requestTarget.startsWith('/')) {
      return { kind: 'refused', origin: null, reason: `the request target ${JSON.stringify(requestTarget.slice(0, 80))} is not a path` }
    }
    return { kind: 'forward', mount: this.#root, path: requestTarget }
  }

  #routeAbsolute(requestTarget: string): Route {
    const origin = originOf(requestTarget)
    const mount = origin === null ? undefined : this.#mounts.get(origin)
    if (!mount) return refused(origin ?? requestTarget.slice(0, 80))
    const url = new URL(requestTarget)
    return { kind: 'forward', mount, path: url.pathname + url.search }
  }

  #routeMounted(requestTarget: string): Route {
    const match = /^\/_upstream\/([a-z]+)\/([^/?#]+)(.*)$/i.exec(requestTarget)
    const origin = match ? originOf(`${match[1]}://${match[2]}`) : null
    if (!match || origin === null) {
      return { kind: 'refused', origin: null, reason: `${UPSTREAM_PREFIX}/ paths have the form ${UPSTREAM_PREFIX}/<scheme>/<host[:port]>/<path>` }
    }
    const mount = this.#mounts.get(origin)
    if (!mount) return refused(origin)
    const rest = match[3] ?? ''
    return { kind: 'forward', mount, path: rest.startsWith('/') ? rest : `/${rest}` }
  }
}

function refused(origin: string): Route {
  return { kind: 'refused', origin, reason: `${origin} is neither a target nor an endpoint named by a service catalog` }
}

function isUnder(requestTarget: string, prefix: string): boolean {
  if (!requestTarget.startsWith(prefix)) return false
  const next = requestTarget.charAt(prefix.length)
  return next === '' || next === '/' || next === '?'
}

/** The normalized origin of an http(s) URL, or null. */
export function originOf(url: string): string | null {
  if (!URL.canParse(url)) return null
  const parsed = new URL(url)
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null
  return parsed.origin
}

/** `https://host:8443` → `/_upstream/https/host:8443`. */
export function prefixFor(origin: string): string {
  const url = new URL(origin)
  return `${UPSTREAM_PREFIX}/${url.protocol.slice(0, -1)}/${url.host}`
}
