import type { Account, IssuedToken } from '../account.js'
import type { CatalogService } from '../catalog.js'
import type { UpstreamDialect } from '../dialects/profile.js'
import type { ReplyDocument } from '../http/reply.js'
import { XML_NAMESPACES } from '../xml-namespaces.js'
import { xml, type XmlElement } from '../xml-writer.js'

/** What a token response says: the token, the user, and (when scoped) the service catalog. */
export interface AccessGrant {
  readonly dialect: UpstreamDialect
  readonly account: Account
  readonly token: IssuedToken
  readonly catalog: readonly CatalogService[]
  readonly scoped: boolean
  readonly defaultRegion: string
}

interface Role {
  readonly id: string
  readonly name: string
  readonly description?: string
  readonly serviceId?: string
  readonly tenantId?: string
}

/**
 * Expiry as each Identity prints it: Rackspace with milliseconds in US Central time
 * ("2012-09-14T15:11:57.585-05:00", 001 Example 1.5), HP in UTC.
 */
function formatExpiry(dialect: UpstreamDialect, expiresAt: number): string {
  if (dialect === 'hp') return new Date(expiresAt).toISOString()
  return new Date(expiresAt - 5 * 3600 * 1000).toISOString().replace('Z', '-05:00')
}

function roles(grant: AccessGrant): Role[] {
  if (grant.dialect === 'hp') {
    return [
      { id: '00000000004003', serviceId: '100', name: 'domainadmin' },
      { id: '00000000004022', serviceId: '110', name: 'Admin', tenantId: grant.account.tenantId },
    ]
  }
  return [{ description: 'User Admin Role.', id: '3', name: 'identity:user-admin' }]
}

function tokenJson(grant: AccessGrant): Record<string, unknown> {
  const tenant = grant.scoped ? { tenant: { id: grant.account.tenantId, name: grant.account.tenantName } } : {}
  return { expires: formatExpiry(grant.dialect, grant.token.expiresAt), id: grant.token.id, ...tenant }
}

function userJson(grant: AccessGrant): Record<string, unknown> {
  const user = { id: grant.account.userId, name: grant.account.credentials.username, roles: roles(grant) }
  return grant.dialect === 'hp' ? user : { 'RAX-AUTH:defaultRegion': grant.defaultRegion, ...user }
}

/** The token response in JSON (001 Example 1.5) and XML. */
export function accessDocument(grant: AccessGrant): ReplyDocument {
  const catalog = grant.scoped ? grant.catalog : []
  return {
    json: () =>
      grant.dialect === 'hp'
        ? { access: { token: tokenJson(grant), user: userJson(grant), serviceCatalog: catalog } }
        : { access: { serviceCatalog: catalog, token: tokenJson(grant), user: userJson(grant) } },
    xml: () => accessXml(grant, catalog),
  }
}

function accessXml(grant: AccessGrant, catalog: readonly CatalogService[]): XmlElement {
  const token = tokenJson(grant)
  const tenant = grant.scoped ? [xml('tenant', { id: grant.account.tenantId, name: grant.account.tenantName })] : []
  const user = xml(
    'user',
    { id: grant.account.userId, name: grant.account.credentials.username, ...(grant.dialect === 'hp' ? {} : { 'RAX-AUTH:defaultRegion': grant.defaultRegion }) },
    [xml('roles', undefined, roles(grant).map((role) => xml('role', { ...role })))],
  )
  const services = catalog.map((service) =>
    xml('service', { type: service.type, name: service.name }, service.endpoints.map((endpoint) => xml('endpoint', { ...endpoint }))),
  )
  const namespaces = { xmlns: XML_NAMESPACES.identity, ...(grant.dialect === 'hp' ? {} : { 'xmlns:RAX-AUTH': XML_NAMESPACES['RAX-AUTH'] }) }
  return xml('access', namespaces, [
    xml('token', { id: grant.token.id, expires: String(token['expires']) }, tenant),
    user,
    xml('serviceCatalog', undefined, services),
  ])
}
