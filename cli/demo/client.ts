import { resolveOperation, type Clock } from '../../cassettes/index.js'

/** One HTTP call as the demo client saw it. */
export interface ClientCall {
  readonly method: string
  /** The documented operation the request is (resolved the way cassettes key interactions). */
  readonly operation: string
  readonly status: number
  /** What the client made of the answer: a server status, a count, a fault. Never a secret. */
  readonly note: string
  /** True when the answer was a fault the client handled as documented (overLimit, ERROR). */
  readonly fault: boolean
}

/** Who the client logs in as; `tenantName` scopes the token (HP hands out catalogs only then). */
export interface ClientCredentials {
  readonly username: string
  readonly password: string
  readonly tenantName?: string
}

export interface DemoClientOptions {
  readonly authUrl: string
  readonly credentials: ClientCredentials
  /** Poll intervals and Retry-After waits go through it. */
  readonly clock: Clock
  readonly onCall: (call: ClientCall) => void
}

/** What a token request gave the client. */
export interface ClientSession {
  readonly token: string
  readonly tenantId: string
  readonly region: string
  readonly computeUrl: string
}

/** A server as the client last saw it. */
export interface ServerView {
  readonly id: string
  readonly url: string
  readonly status: string
  readonly adminPass?: string
  readonly fault?: { readonly code: number; readonly message: string }
}

export interface NamedRef {
  readonly id: string
  readonly name: string
}

/** Between two polls of a server, as SDKs do (spent on the client's clock). */
export const POLL_INTERVAL_MS = 5000
const MAX_POLLS = 20
const MAX_CREATE_ATTEMPTS = 3
/** Retry-After values above this are treated as "give up" rather than waited for. */
const MAX_RETRY_AFTER_MS = 120_000

/** Thrown when the API answers something the client cannot go on from. */
export class ClientFailure extends Error {
  override name = 'ClientFailure'
}

/**
 * A small Cloud Servers client on plain fetch, written the way SDKs are: authenticate, follow the
 * service catalog, poll servers until they settle, honour overLimit's Retry-After. Every call is
 * reported through `onCall` as the client saw it.
 */
export class DemoClient {
  readonly #options: DemoClientOptions
  #session: ClientSession | null = null

  constructor(options: DemoClientOptions) {
    this.#options = options
  }

  /** POST /v2.0/tokens with password credentials; picks the first compute v2 region of the catalog. */
  async authenticate(): Promise<ClientSession> {
    const { username, password, tenantName } = this.#options.credentials
    const body = { auth: { passwordCredentials: { username, password }, ...(tenantName ? { tenantName } : {}) } }
    const url = `${this.#options.authUrl}/tokens`
    const { status, json } = await this.#call('POST', url, body, false)
    if (status !== 200) this.#fail('POST', url, status, json)
    const access = field(json, 'access')
    const token = field(field(access, 'token'), 'id')
    const endpoints = computeEndpoints(field(access, 'serviceCatalog'))
    const first = endpoints[0]
    if (typeof token !== 'string' || !first) throw new ClientFailure('The token response has no token id or no compute v2 endpoint in its service catalog.')
    this.#session = { token, tenantId: String(field(field(access, 'token'), 'tenant', 'id') ?? first.tenantId), region: first.region, computeUrl: first.publicURL }
    this.#report('POST', url, body, status, `token ${abbreviate(token)}, compute in ${endpoints.map((endpoint) => endpoint.region).join(', ')}`)
    return this.#session
  }

  /** GET /flavors. */
  async listFlavors(): Promise<NamedRef[]> {
    return this.#list('flavors', 'flavors')
  }

  /** GET /images. */
  async listImages(): Promise<NamedRef[]> {
    return this.#list('images', 'images')
  }

  /** POST /servers; on overLimit waits Retry-After on the clock and tries again. */
  async createServer(name: string, imageRef: string, flavorRef: string): Promise<ServerView> {
    const url = `${this.#compute()}/servers`
    const body = { server: { name, imageRef, flavorRef } }
    for (let attempt = 1; ; attempt += 1) {
      const { status, json, headers } = await this.#call('POST', url, body)
      if (status === 413 && attempt < MAX_CREATE_ATTEMPTS) {
        await this.#waitRetryAfter(url, body, status, json, headers.get('retry-after'))
        continue
      }
      if (status !== 202) this.#fail('POST', url, status, json)
      const server = readServer(json, headers.get('location'), url)
      this.#report('POST', url, body, status, `${name} accepted, id ${abbreviate(server.id, 8)}`)
      return server
    }
  }

  /** GETs the server every POLL_INTERVAL_MS until it is `wanted` or ERROR. */
  async waitForStatus(server: ServerView, wanted: string): Promise<ServerView> {
    for (let poll = 1; poll <= MAX_POLLS; poll += 1) {
      if (poll > 1) await this.#options.clock.sleep(POLL_INTERVAL_MS)
      const { status, json } = await this.#call('GET', server.url)
      if (status !== 200) this.#fail('GET', server.url, status, json)
      const seen = readServer(json, null, server.url)
      if (seen.status === 'ERROR') {
        this.#report('GET', server.url, null, status, `ERROR: fault ${seen.fault?.code ?? '?'} "${seen.fault?.message ?? 'no fault given'}"`, true)
        return seen
      }
      this.#report('GET', server.url, null, status, seen.status)
      if (seen.status === wanted) return seen
    }
    throw new ClientFailure(`Server ${server.id} did not become ${wanted} after ${MAX_POLLS} polls.`)
  }

  /** POST /servers/{id}/action {"reboot": {"type": "SOFT"}}. */
  async reboot(server: ServerView): Promise<void> {
    const url = `${server.url}/action`
    const body = { reboot: { type: 'SOFT' } }
    const { status, json } = await this.#call('POST', url, body)
    if (status !== 202) this.#fail('POST', url, status, json)
    this.#report('POST', url, body, status, 'soft reboot accepted')
  }

  /** DELETE /servers/{id}. */
  async deleteServer(server: ServerView): Promise<void> {
    const { status, json } = await this.#call('DELETE', server.url)
    if (status !== 204) this.#fail('DELETE', server.url, status, json)
    this.#report('DELETE', server.url, null, status, 'deleted')
  }

  async #list(path: string, root: string): Promise<NamedRef[]> {
    const url = `${this.#compute()}/${path}`
    const { status, json } = await this.#call('GET', url)
    if (status !== 200) this.#fail('GET', url, status, json)
    const items = field(json, root)
    const refs = Array.isArray(items) ? items.map((item) => ({ id: String(field(item, 'id')), name: String(field(item, 'name')) })) : []
    this.#report('GET', url, null, status, `${refs.length} ${root}`)
    return refs
  }

  async #waitRetryAfter(url: string, body: unknown, status: number, json: unknown, retryAfter: string | null): Promise<void> {
    const waitMs = retryAfterMs(retryAfter, this.#options.clock.now())
    const fault = readFault(json)
    if (waitMs === null) this.#fail('POST', url, status, json)
    this.#report('POST', url, body, status, `${fault?.name ?? 'overLimit'}, Retry-After ${retryAfter} → waits ${Math.round(waitMs / 1000)} s, retries`, true)
    await this.#options.clock.sleep(waitMs)
  }

  #compute(): string {
    if (!this.#session) throw new ClientFailure('Authenticate before calling compute.')
    return this.#session.computeUrl
  }

  async #call(method: string, url: string, body: unknown = null, authenticated = true): Promise<{ status: number; json: unknown; headers: Headers }> {
    const headers: Record<string, string> = { accept: 'application/json' }
    if (body !== null) headers['content-type'] = 'application/json'
    if (authenticated && this.#session) headers['x-auth-token'] = this.#session.token
    const response = await fetch(url, { method, headers, ...(body === null ? {} : { body: JSON.stringify(body) }) })
    const text = await response.text()
    return { status: response.status, json: parseJson(text), headers: response.headers }
  }

  #report(method: string, url: string, body: unknown, status: number, note: string, fault = false): void {
    const operation = resolveOperation({ method, url, body: body === null ? null : JSON.stringify(body), accept: 'application/json' }).key
    this.#options.onCall({ method, operation, status, note, fault })
  }

  #fail(method: string, url: string, status: number, json: unknown): never {
    const fault = readFault(json)
    this.#report(method, url, null, status, fault ? `${fault.name}: ${fault.message}` : 'unexpected answer', true)
    throw new ClientFailure(`${method} ${new URL(url).pathname} answered ${status}${fault ? ` ${fault.name}: ${fault.message}` : ''}.`)
  }
}

/** The first few characters of a value and its length: enough to recognise it, never the secret. */
export function abbreviate(value: string, keep = 4): string {
  return value.length <= keep ? value : `${value.slice(0, keep)}…`
}

/** Retry-After in whole seconds or as an HTTP date; null when absent, unreadable or too long to wait. */
export function retryAfterMs(value: string | null, now: number): number | null {
  if (value === null) return null
  const ms = /^\d+$/.test(value.trim()) ? Number(value.trim()) * 1000 : Date.parse(value) - now
  if (!Number.isFinite(ms) || ms > MAX_RETRY_AFTER_MS) return null
  return Math.max(0, ms)
}

interface ComputeEndpoint {
  readonly region: string
  readonly publicURL: string
  readonly tenantId: string
}

/** Compute v2 endpoints of a catalog (Rackspace also lists first-generation v1.0 as type compute). */
function computeEndpoints(catalog: unknown): ComputeEndpoint[] {
  if (!Array.isArray(catalog)) return []
  const services = catalog.filter((service) => field(service, 'type') === 'compute')
  const endpoints = services.flatMap((service) => {
    const list = field(service, 'endpoints')
    return Array.isArray(list) ? list : []
  })
  return endpoints
    .filter((endpoint) => typeof field(endpoint, 'publicURL') === 'string' && /\/v2(?:\.\d+)?\//.test(String(field(endpoint, 'publicURL'))))
    .map((endpoint) => ({ region: String(field(endpoint, 'region') ?? '-'), publicURL: String(field(endpoint, 'publicURL')), tenantId: String(field(endpoint, 'tenantId') ?? '') }))
}

function readServer(json: unknown, location: string | null, fallbackUrl: string): ServerView {
  const server = field(json, 'server')
  const id = field(server, 'id')
  if (typeof id !== 'string' && typeof id !== 'number') throw new ClientFailure('The server answer has no server.id.')
  const adminPass = field(server, 'adminPass')
  const fault = field(server, 'fault')
  const self = location ?? (fallbackUrl.endsWith(`/${String(id)}`) ? fallbackUrl : `${fallbackUrl}/${String(id)}`)
  return {
    id: String(id),
    url: self,
    status: String(field(server, 'status') ?? 'BUILD'),
    ...(typeof adminPass === 'string' ? { adminPass } : {}),
    ...(fault === undefined ? {} : { fault: { code: Number(field(fault, 'code')), message: String(field(fault, 'message')) } }),
  }
}

/** A documented fault body: `{"<faultName>": {"code", "message"}}`. */
function readFault(json: unknown): { name: string; message: string } | null {
  if (json === null || typeof json !== 'object') return null
  const [name, body] = Object.entries(json)[0] ?? []
  if (name === undefined) return null
  return { name, message: String(field(body, 'message') ?? '') }
}

function field(value: unknown, ...path: string[]): unknown {
  let current = value
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined
    current = (current as Record<string, unknown>)[key]
  }
  return current
}

function parseJson(text: string): unknown {
  if (text === '') return null
  try {
    return JSON.parse(text) as unknown
  } catch {
    return null
  }
}
