import type { Account } from './account.js'
import type { UpstreamDialect } from './dialects/profile.js'

/** One endpoint of a catalog service; fields in the order Identity prints them. */
export type CatalogEndpoint = Readonly<Record<string, string>>

/** One service of the catalog: name, type and endpoints. */
export interface CatalogService {
  readonly name: string
  readonly type: string
  readonly endpoints: readonly CatalogEndpoint[]
}

/** Where the fake cloud listens: its identity URL and each region's compute origin. */
export interface CatalogOrigins {
  readonly identityUrl: string
  /** region → `http://127.0.0.1:<port>` */
  readonly compute: ReadonlyMap<string, string>
}

/**
 * The service catalog of a token response. Compute points at the fake cloud's regions; the other
 * services carry the real hosts the documents show, so catalogs look like the real thing (and a
 * recorder sees hosts it must not contact).
 */
export function buildServiceCatalog(dialect: UpstreamDialect, account: Account, origins: CatalogOrigins): readonly CatalogService[] {
  return dialect === 'hp' ? hpCatalog(account, origins) : rackspaceCatalog(account, origins)
}

/** The compute endpoint of a region, as 001 Example 1.5 prints it. */
export function computeEndpoint(origin: string, region: string, tenantId: string, dialect: UpstreamDialect): CatalogEndpoint {
  // HP's versionInfo ends with a slash and its versionList has none (003 §3.3).
  const versionInfo = dialect === 'hp' ? `${origin}/v2/` : `${origin}/v2`
  const versionList = dialect === 'hp' ? origin : `${origin}/`
  return { publicURL: `${origin}/v2/${tenantId}`, region, tenantId, versionId: '2', versionInfo, versionList }
}

const STORAGE_REGIONS = [
  ['DFW', 'dfw1'],
  ['ORD', 'ord1'],
] as const

function rackspaceCatalog(account: Account, origins: CatalogOrigins): CatalogService[] {
  const { tenantId, storageTenantId } = account
  const perRegion = (build: (region: string, code: string) => CatalogEndpoint): CatalogEndpoint[] =>
    STORAGE_REGIONS.map(([region, code]) => build(region, code))
  return [
    {
      name: 'cloudFiles',
      type: 'object-store',
      endpoints: perRegion((region, code) => ({
        internalURL: `https://snet-storage101.${code}.clouddrive.com/v1/${storageTenantId}`,
        publicURL: `https://storage101.${code}.clouddrive.com/v1/${storageTenantId}`,
        region,
        tenantId: storageTenantId,
      })),
    },
    {
      name: 'cloudFilesCDN',
      type: 'rax:object-cdn',
      endpoints: perRegion((region) => ({ publicURL: `https://cdn1.clouddrive.com/v1/${storageTenantId}`, region, tenantId: storageTenantId })),
    },
    {
      name: 'cloudServers',
      type: 'compute',
      endpoints: [{ publicURL: `https://servers.api.rackspacecloud.com/v1.0/${tenantId}`, tenantId, versionId: '1.0', versionInfo: 'https://servers.api.rackspacecloud.com/v1.0', versionList: 'https://servers.api.rackspacecloud.com/' }],
    },
    { name: 'cloudServersOpenStack', type: 'compute', endpoints: computeEndpoints(account, origins, 'rackspace') },
    {
      name: 'cloudBlockStorage',
      type: 'volume',
      endpoints: perRegion((region) => ({ publicURL: `https://${region.toLowerCase()}.blockstorage.api.rackspacecloud.com/v1/${tenantId}`, region, tenantId })),
    },
    {
      name: 'cloudLoadBalancers',
      type: 'rax:load-balancer',
      endpoints: perRegion((region) => ({ publicURL: `https://${region.toLowerCase()}.loadbalancers.api.rackspacecloud.com/v1.0/${tenantId}`, region, tenantId })),
    },
    { name: 'cloudDNS', type: 'rax:dns', endpoints: [{ publicURL: `https://dns.api.rackspacecloud.com/v1.0/${tenantId}`, tenantId }] },
  ]
}

function hpCatalog(account: Account, origins: CatalogOrigins): CatalogService[] {
  const { tenantId } = account
  const region = 'region-a.geo-1'
  const identity = origins.identityUrl.replace(/\/v2\.0$/, '')
  return [
    { name: 'Compute', type: 'compute', endpoints: computeEndpoints(account, origins, 'hp') },
    {
      name: 'Object Storage',
      type: 'object-store',
      endpoints: [{ tenantId, publicURL: `https://${region}.objects.hpcloudsvc.com/v1/${tenantId}`, region, versionId: '1.0', versionInfo: `https://${region}.objects.hpcloudsvc.com/v1.0/`, versionList: `https://${region}.objects.hpcloudsvc.com` }],
    },
    {
      name: 'Identity',
      type: 'identity',
      endpoints: [{ publicURL: `${identity}/v2.0/`, region, versionId: '2.0', versionInfo: `${identity}/v2.0/`, versionList: identity }],
    },
    {
      name: 'Image Management',
      type: 'image',
      endpoints: [{ tenantId, publicURL: `https://${region}.images.hpcloudsvc.com:443/v1.0`, region, versionId: '1.0', versionInfo: `https://${region}.images.hpcloudsvc.com:443/v1.0`, versionList: `https://${region}.images.hpcloudsvc.com:443` }],
    },
    {
      name: 'Block Storage',
      type: 'volume',
      endpoints: [{ tenantId, publicURL: `https://${region}.block.hpcloudsvc.com/v1/${tenantId}`, region, versionId: '1.0', versionInfo: `https://${region}.block.hpcloudsvc.com/v1.0/`, versionList: `https://${region}.block.hpcloudsvc.com` }],
    },
    { name: 'Networking', type: 'network', endpoints: [{ publicURL: `https://${region}.network.hpcloudsvc.com`, region, versionId: '2.0', versionInfo: `https://${region}.network.hpcloudsvc.com`, versionList: `https://${region}.network.hpcloudsvc.com` }] },
  ]
}

function computeEndpoints(account: Account, origins: CatalogOrigins, dialect: UpstreamDialect): CatalogEndpoint[] {
  return [...origins.compute].map(([region, origin]) => computeEndpoint(origin, region, account.tenantId, dialect))
}
