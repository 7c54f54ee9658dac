import { escapeXml, numericPlaceholder, resolveOperation, secretPlaceholder } from '../cassettes/index.js'
import type { BodyFormat, Clock, Dialect, Interaction } from '../cassettes/index.js'
import type { ReplayResponse } from './answers.js'
import { TOKEN_OPERATION, type CassetteIndex } from './cassette-index.js'
import { TOKEN_LIFETIME_MS } from './identity.js'
import type { ReplayRoutes } from './routes.js'

/**
 * Region of the synthesized catalog when none is given. Cassettes do not record a region (a
 * compute-only recording never saw a catalog), so it follows the dialect's usual first region.
 */
export const DEFAULT_SYNTHETIC_REGIONS: Readonly<Record<Dialect, string>> = { rackspace: 'DFW', hp: 'region-a.geo-1', nova: 'RegionOne' }

/**
 * The catalog's one service, by dialect: clients pick it by type or by the name their cloud uses,
 * Rackspace's `cloudServersOpenStack` (001) or HP's `Compute` (003 §3.3). Nova deployments name it
 * freely; Rackspace's name serves the Rackspace SDKs that look it up by name.
 */
export const SYNTHETIC_SERVICES: Readonly<Record<Dialect, { readonly type: 'compute'; readonly name: string }>> = {
  rackspace: { type: 'compute', name: 'cloudServersOpenStack' },
  hp: { type: 'compute', name: 'Compute' },
  nova: { type: 'compute', name: 'cloudServersOpenStack' },
}

/** What a synthesized token answer says, fixed once per session. */
export interface SyntheticIdentity {
  /** The token issued: the one the recorded compute requests carry, else `REDACTED-token-1`. */
  readonly token: string
  readonly tenantId: string
  readonly region: string
  /** The compute endpoint's publicURL: the replay URL of the recorded account root (`.../v2/999001`, `.../v2.1`). */
  readonly computeUrl: string
  /** The version root below it (`.../v2`, `.../v2.1`): the endpoint's versionInfo. */
  readonly versionUrl: string
  /** The replay URL of the compute origin's root: the endpoint's versionList. */
  readonly originUrl: string
}

/**
 * Plans the access document for a cassette that holds no token exchange: the catalog points at
 * the account root the first recorded compute request used, on its replay URL.
 */
export function planSyntheticIdentity(index: CassetteIndex, routes: ReplayRoutes, region: string): SyntheticIdentity {
  const compute = index.cassette.interactions.find(isComputeRequest)
  const root = compute ? accountRoot(compute) : null
  const origin = compute?.request.origin ?? routes.primary
  const base = routes.bases.get(origin) ?? origin
  const tenantId = root?.tenantId ?? recordedTenant(index) ?? numericPlaceholder(1, 6)
  const versionPath = root?.versionPath ?? '/v2'
  return {
    token: compute?.request.headers['x-auth-token'] ?? secretPlaceholder('token', 1),
    tenantId,
    region,
    computeUrl: base + (root ? root.path : `${versionPath}/${tenantId}`),
    versionUrl: base + versionPath,
    originUrl: `${base}/`,
  }
}

/** The Identity v2.0 access document, JSON or XML, its token expiring 24 h after the clock's now. */
export function syntheticTokenResponse(identity: SyntheticIdentity, dialect: Dialect, format: BodyFormat, clock: Clock): ReplayResponse {
  const expires = new Date(clock.now() + TOKEN_LIFETIME_MS).toISOString()
  const body = format === 'xml' ? accessXml(identity, dialect, expires) : JSON.stringify(accessJson(identity, dialect, expires))
  return { status: 200, headers: { 'content-type': format === 'xml' ? 'application/xml' : 'application/json' }, body: Buffer.from(body) }
}

const USER = { id: numericPlaceholder(2, 6), name: 'username-1' } as const
const ROLE = { id: '2', name: 'identity:default', description: 'Default Role.' } as const
const IDENTITY_NAMESPACE = 'http://docs.openstack.org/identity/api/v2.0'
const RAX_AUTH_NAMESPACE = 'http://docs.rackspace.com/identity/api/ext/RAX-AUTH/v1.0'

// Fields in the order 001 Example 1.5 prints them.
function endpoint(identity: SyntheticIdentity): Record<string, string> {
  return {
    publicURL: identity.computeUrl,
    region: identity.region,
    tenantId: identity.tenantId,
    versionId: identity.versionUrl.slice(identity.versionUrl.lastIndexOf('/v') + 2),
    versionInfo: identity.versionUrl,
    versionList: identity.originUrl,
  }
}

function accessJson(identity: SyntheticIdentity, dialect: Dialect, expires: string): object {
  const user = dialect === 'rackspace' ? { 'RAX-AUTH:defaultRegion': identity.region, ...USER, roles: [ROLE] } : { ...USER, roles: [ROLE] }
  return {
    access: {
      token: { id: identity.token, expires, tenant: { id: identity.tenantId, name: identity.tenantId } },
      user,
      serviceCatalog: [{ ...SYNTHETIC_SERVICES[dialect], endpoints: [endpoint(identity)] }],
    },
  }
}

function accessXml(identity: SyntheticIdentity, dialect: Dialect, expires: string): string {
  const rackspace = dialect === 'rackspace'
  const namespaces = `xmlns="${IDENTITY_NAMESPACE}"${rackspace ? ` xmlns:RAX-AUTH="${RAX_AUTH_NAMESPACE}"` : ''}`
  const defaultRegion = rackspace ? ` RAX-AUTH:defaultRegion="${escapeXml(identity.region)}"` : ''
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<access ${namespaces}>` +
    `<token id="${escapeXml(identity.token)}" expires="${expires}"><tenant id="${escapeXml(identity.tenantId)}" name="${escapeXml(identity.tenantId)}"/></token>` +
    `<user id="${USER.id}" name="${USER.name}"${defaultRegion}><roles><role${attributes(ROLE)}/></roles></user>` +
    `<serviceCatalog><service${attributes(SYNTHETIC_SERVICES[dialect])}><endpoint${attributes(endpoint(identity))}/></service></serviceCatalog>` +
    `</access>`
  )
}

function attributes(values: Readonly<Record<string, string>>): string {
  return Object.entries(values)
    .map(([name, value]) => ` ${name}="${escapeXml(value)}"`)
    .join('')
}

function isComputeRequest(interaction: Interaction): boolean {
  return interaction.operation !== TOKEN_OPERATION && !interaction.operation.startsWith('versions.') && /\/v\d/.test(interaction.request.path)
}

/**
 * The account root of a recorded compute path: any mount prefix, the version segment and the
 * tenant when the path has one (`/v2/999001`, `/compute/v2.1/<project>`, project-less `/v2.1`).
 */
function accountRoot(interaction: Interaction): { path: string; versionPath: string; tenantId: string | null } | null {
  const recorded = interaction.request.path
  const resolved = resolveOperation({ method: interaction.request.method, url: recorded })
  if (resolved.apiVersion === null || !recorded.endsWith(resolved.path)) return null
  const mount = recorded.slice(0, recorded.length - resolved.path.length)
  const tenantId = resolved.params['tenant_id'] ?? null
  const versionPath = `${mount}/${resolved.apiVersion}`
  return { path: tenantId === null ? versionPath : `${versionPath}/${tenantId}`, versionPath, tenantId }
}

/** A project-less cassette (Nova's `/v2.1/servers`) still names its project in server bodies. */
function recordedTenant(index: CassetteIndex): string | null {
  for (const interaction of index.cassette.interactions) {
    const body = interaction.response?.body
    if (body?.kind !== 'json') continue
    const match = /"(?:tenant_id|project_id)":"([^"]+)"/.exec(JSON.stringify(body.json))
    if (match) return match[1] as string
  }
  return null
}
