import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createAccount, createTokenIssuer } from './account.js'
import { buildServiceCatalog, type CatalogService } from './catalog.js'
import { createBaseImages, createRegionState, type RegionState } from './compute-state.js'
import { createComputeEndpoint } from './compute/compute-endpoint.js'
import { addServer } from './compute/servers.js'
import type { UpstreamDialect } from './dialects/profile.js'
import { serveRequest, type Endpoint, type ServeContext } from './http/serve-request.js'
import { createIdentityEndpoint } from './identity/identity-endpoint.js'
import { resolveOptions, type FakeCloudCredentials, type FakeCloudOptions, type ResolvedOptions } from './options.js'
import { createSeededRandom } from './random.js'
import { createRequestLog, type LoggedRequest, type RequestLog } from './request-log.js'
import { createRuntime, type CloudRuntime } from './runtime.js'
import { createSwitchBoard, type SwitchBoard } from './switches.js'

/** A running fake Cloud Servers: Identity v2.0 and compute in each region, each on its own loopback port. */
export interface FakeCloud {
  readonly dialect: UpstreamDialect
  /** `http://127.0.0.1:<port>/v2.0`: what a client authenticates against. */
  readonly identityUrl: string
  readonly regions: readonly string[]
  /** region → the catalog's publicURL, `http://127.0.0.1:<port>/v2/<tenant>`. */
  readonly computeUrls: Readonly<Record<string, string>>
  /** region → `http://127.0.0.1:<port>`. */
  readonly computeOrigins: Readonly<Record<string, string>>
  readonly credentials: FakeCloudCredentials
  readonly tenantId: string
  readonly tenantName: string
  readonly userId: string
  /** The valid token (one is issued if none is), as POST /v2.0/tokens would answer. */
  readonly token: string
  /** The service catalog of a scoped token response. */
  readonly catalog: readonly CatalogService[]
  /** The provider's images every region offers (their ids come from the seed). */
  readonly baseImages: ReadonlyArray<{ readonly id: string; readonly name: string }>
  readonly flavorIds: readonly string[]
  /** The latest requests received, oldest first (see requestLogLimit). */
  readonly requests: readonly LoggedRequest[]
  /** TCP connections accepted so far, across all origins. */
  readonly connections: number
  /** Switches for robustness tests: add, list, clear. */
  readonly switches: SwitchBoard
  /** Invalidates the token: compute answers 401 until the client authenticates again. */
  revokeToken(): void
  /** Closes every connection (hanging ones too), then the servers. */
  close(): Promise<void>
}

/**
 * Starts a fake cloud that behaves as the documents describe (../shared/seeds/001, 003 for hp),
 * with realistic secrets and ids drawn from `seed`.
 *
 * @example
 * const cloud = await startFakeCloud({ seed: 7, clock: createFakeClock('2012-09-10T20:00:00Z') })
 * const res = await fetch(`${cloud.identityUrl}/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' },
 *   body: JSON.stringify({ auth: { passwordCredentials: { username: cloud.credentials.username, password: cloud.credentials.password } } }) })
 * await cloud.close()
 */
export async function startFakeCloud(options: FakeCloudOptions = {}): Promise<FakeCloud> {
  const resolved = resolveOptions(options)
  const switches = createSwitchBoard(resolved.profile.dialect, ['identity', ...resolved.regions])
  for (const switchOptions of resolved.switches) switches.add(switchOptions)
  const servers = await Promise.all([resolved.host, ...resolved.regions.map(() => resolved.host)].map(listen))
  const [identityServer, ...computeServers] = servers as [Server, ...Server[]]
  const runtime = createCloudRuntime(resolved)
  const identityUrl = `${origin(identityServer, resolved.host)}/v2.0`
  const regions = startRegions(runtime, resolved, computeServers)
  const compute = new Map(regions.map((region) => [region.name, region.origin]))
  const catalog = buildServiceCatalog(resolved.profile.dialect, runtime.account, { identityUrl, compute })
  const log = createRequestLog(resolved.requestLogLimit)
  const context: ServeContext = { profile: resolved.profile, clock: resolved.clock, switches, log, maxBodyBytes: resolved.maxBodyBytes }
  attach(identityServer, createIdentityEndpoint(runtime, identityUrl, () => catalog, resolved.regions[0] as string), context)
  regions.forEach((region, index) => attach(computeServers[index] as Server, createComputeEndpoint(runtime, region), context))
  return describeCloud({ runtime, regions, identityUrl, catalog, log, switches, servers })
}

function createCloudRuntime(resolved: ResolvedOptions): CloudRuntime {
  const random = createSeededRandom(resolved.seed)
  const account = createAccount(resolved.profile, random, resolved.credentials)
  const tokens = createTokenIssuer(resolved.profile, random, resolved.clock)
  return createRuntime({ profile: resolved.profile, clock: resolved.clock, random, account, tokens, buildPolls: resolved.buildPolls, actionPolls: resolved.actionPolls })
}

interface CloudParts {
  readonly runtime: CloudRuntime
  readonly regions: readonly RegionState[]
  readonly identityUrl: string
  readonly catalog: readonly CatalogService[]
  readonly log: RequestLog
  readonly switches: SwitchBoard
  readonly servers: readonly Server[]
}

function describeCloud(parts: CloudParts): FakeCloud {
  const { runtime, regions, log, servers } = parts
  const { account, tokens, profile } = runtime
  const connections = countConnections(servers)
  return {
    dialect: profile.dialect,
    identityUrl: parts.identityUrl,
    regions: regions.map((region) => region.name),
    computeUrls: Object.fromEntries(regions.map((region) => [region.name, `${region.origin}/v2/${account.tenantId}`])),
    computeOrigins: Object.fromEntries(regions.map((region) => [region.name, region.origin])),
    credentials: account.credentials,
    tenantId: account.tenantId,
    tenantName: account.tenantName,
    userId: account.userId,
    get token() {
      return tokens.issue().id
    },
    catalog: parts.catalog,
    baseImages: [...(regions[0]?.images.values() ?? [])].map((image) => ({ id: image.id, name: image.name })),
    flavorIds: profile.flavors.map((flavor) => flavor.id),
    requests: log.entries,
    get connections() {
      return connections.count
    },
    switches: parts.switches,
    revokeToken: () => tokens.revoke(),
    close: () => closeAll(servers),
  }
}

function startRegions(runtime: CloudRuntime, resolved: ResolvedOptions, computeServers: readonly Server[]): RegionState[] {
  const baseImages = createBaseImages(resolved.profile, runtime.random)
  return resolved.regions.map((name, index) => {
    const region = createRegionState(name, origin(computeServers[index] as Server, resolved.host), baseImages)
    for (let count = 1; count <= resolved.initialServers; count += 1) addInitialServer(runtime, region, count)
    return region
  })
}

/** A server that is ACTIVE from the start, on the first image and flavor. */
function addInitialServer(runtime: CloudRuntime, region: RegionState, count: number): void {
  const image = region.images.values().next().value
  const flavor = runtime.profile.flavors[0]
  if (!image || !flavor) return
  const input = { name: `${region.name.toLowerCase()}-server-${count}`, imageId: image.id, flavorId: flavor.id, metadata: new Map(), networks: null, diskConfig: image.diskConfig, keyName: null, securityGroups: ['default'] }
  addServer(runtime, region, input, 0)
}

function listen(host: string): Promise<Server> {
  // Node's default 5 s idle timeout races clients that pause between requests on a loaded machine:
  // the server closes the pooled socket just as fetch reuses it, and the client sees ECONNRESET.
  // A minute is what load balancers in front of real clouds commonly allow.
  const server = createServer({ noDelay: true, keepAliveTimeout: 60_000 })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, host, () => {
      server.off('error', reject)
      resolve(server)
    })
  })
}

function origin(server: Server, host: string): string {
  const { port } = server.address() as AddressInfo
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`
}

function attach(server: Server, endpoint: Endpoint, context: ServeContext): void {
  server.on('request', (request, response) => {
    serveRequest(endpoint, context, request, response).catch(() => request.socket.destroy())
  })
}

function countConnections(servers: readonly Server[]): { count: number } {
  const counter = { count: 0 }
  for (const server of servers) server.on('connection', () => void (counter.count += 1))
  return counter
}

async function closeAll(servers: readonly Server[]): Promise<void> {
  await Promise.all(
    servers.map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections()
          server.close(() => resolve())
        }),
    ),
  )
}
