import { CASSETTE_VERSION, resolveOperation } from '../../cassettes/index.js'
import type { Cassette, Dialect, Interaction, JsonValue, StoredBody } from '../../cassettes/index.js'

/** Placeholders in the form the recorder mints them (cassettes/placeholders.ts). */
export const PLACEHOLDER = {
  tenant: '999001',
  token: 'REDACTED-token-1',
  secret: 'REDACTED-password-1',
  server: (n: number) => `ca55e77e-0000-4000-8000-${String(n).padStart(12, '0')}`,
  identity: 'https://host-1.example.com',
  dfw: 'https://host-2.example.com',
  ord: 'https://host-3.example.com',
} as const

export interface InteractionSpec {
  readonly method: string
  /** Defaults to the DFW compute origin. */
  readonly origin?: string
  /** Path with optional query; `{t}` stands for the tenant placeholder. */
  readonly path: string
  readonly body?: JsonValue | { readonly xml: string }
  readonly headers?: Record<string, string>
  readonly status: number
  readonly response?: JsonValue | { readonly xml: string } | null
  readonly responseHeaders?: Record<string, string>
  readonly transportFault?: Interaction['transportFault']
}

/** Builds a cassette the way the recorder would store it, operation keys from the real resolver. */
export function buildCassette(name: string, specs: readonly InteractionSpec[], dialect: Dialect = 'rackspace'): Cassette {
  const occurrences = new Map<string, number>()
  const interactions = specs.map((spec, index): Interaction => {
    const origin = spec.origin ?? PLACEHOLDER.dfw
    const url = spec.path.replaceAll('{t}', PLACEHOLDER.tenant)
    const [path = '', search = ''] = url.split('?')
    const requestBody = storedBody(spec.body)
    const bodyText = requestBody === null ? undefined : requestBody.kind === 'json' ? JSON.stringify(requestBody.json) : (requestBody as { text: string }).text
    const contentType = requestBody?.kind === 'xml' ? 'application/xml' : 'application/json'
    const resolved = resolveOperation({ method: spec.method, url, body: bodyText, contentType, accept: spec.headers?.['accept'] })
    const key = `${resolved.key} ${JSON.stringify(resolved.params)}`
    const occurrence = occurrences.get(key) ?? 0
    occurrences.set(key, occurrence + 1)
    const responseBody = spec.response === undefined ? null : storedBody(spec.response)
    const responseType = responseBody?.kind === 'xml' ? 'application/xml' : 'application/json'
    return {
      id: index + 1,
      operation: resolved.key,
      documented: resolved.documented,
      params: resolved.params,
      occurrence,
      dialect,
      format: resolved.format,
      request: {
        method: spec.method,
        origin,
        path,
        query: [...new URLSearchParams(search)],
        headers: { ...(requestBody ? { 'content-type': contentType } : {}), ...(path.endsWith('/tokens') ? {} : { 'x-auth-token': PLACEHOLDER.token }), ...spec.headers },
        body: requestBody,
      },
      response: spec.transportFault
        ? null
        : { status: spec.status, headers: { ...(responseBody ? { 'content-type': responseType } : {}), ...spec.responseHeaders }, body: responseBody },
      ...(spec.transportFault ? { transportFault: spec.transportFault } : {}),
    }
  })
  return { version: CASSETTE_VERSION, name, dialect, recordedAt: '2011-06-09T10:51:53Z', interactions }
}

function storedBody(body: InteractionSpec['body'] | null): StoredBody | null {
  if (body === undefined || body === null) return null
  if (typeof body === 'object' && !Array.isArray(body) && typeof body['xml'] === 'string' && Object.keys(body).length === 1) {
    return { kind: 'xml', text: body['xml'] }
  }
  return { kind: 'json', json: body as JsonValue }
}

/** The identity interaction: a placeholder token and a catalog with DFW and ORD compute endpoints. */
export function tokenSpec(status = 200): InteractionSpec {
  const endpoint = (origin: string, region: string): JsonValue => ({
    publicURL: `${origin}/v2/${PLACEHOLDER.tenant}`,
    region,
    tenantId: PLACEHOLDER.tenant,
    versionId: '2',
    versionInfo: `${origin}/v2`,
    versionList: `${origin}/`,
  })
  return {
    method: 'POST',
    origin: PLACEHOLDER.identity,
    path: '/v2.0/tokens',
    body: { auth: { passwordCredentials: { username: 'demo', password: PLACEHOLDER.secret } } },
    status,
    response: {
      access: {
        serviceCatalog: [{ endpoints: [endpoint(PLACEHOLDER.dfw, 'DFW'), endpoint(PLACEHOLDER.ord, 'ORD')], name: 'cloudServersOpenStack', type: 'compute' }],
        token: { expires: '2011-06-10T10:51:53Z', id: PLACEHOLDER.token, tenant: { id: PLACEHOLDER.tenant, name: PLACEHOLDER.tenant } },
        user: { id: '99990002', name: 'demo', roles: [{ id: '3', name: 'identity:user-admin' }] },
      },
    },
  }
}

/** GET of a server with a status (and the poll's progress). */
export function serverGet(n: number, status: string, httpStatus = 200): InteractionSpec {
  const id = PLACEHOLDER.server(n)
  const response: JsonValue = httpStatus === 404 ? { itemNotFound: { code: 404, message: 'The resource could not be found.' } } : { server: { id, name: `web${n}`, status } }
  return { method: 'GET', path: `/v2/{t}/servers/${id}`, status: httpStatus, response }
}
