import { newestFirst, type RegionState, type ServerRecord } from '../compute-state.js'
import { ApiFault } from '../http/api-fault.js'
import { documentReply, emptyReply, type Reply } from '../http/reply.js'
import { atomLinks, resourceLinks, selfHref } from '../links.js'
import type { CloudRuntime } from '../runtime.js'
import { createServerRecord, type NewServer } from '../server-factory.js'
import { observePoll } from '../server-lifecycle.js'
import { computeNamespaces, type XmlPrefix } from '../xml-namespaces.js'
import { xml } from '../xml-writer.js'
import { changesSince, collectionReply, paginate } from './collection.js'
import { addressesJson, addressesXml, networkJson, networkXml } from './render-addresses.js'
import { metadataXml, serverBriefJson, serverBriefXml, serverDetailJson, serverDetailXml } from './render-server.js'
import { bodyObject, findServer, optionalString, queryValue, requiredString, type ComputeHandler, type ComputeRequest } from './request.js'
import { readNewServer } from './server-input.js'

/** The XML prefixes a server document declares, per dialect. */
export function serverPrefixes(request: ComputeRequest): XmlPrefix[] {
  return request.runtime.profile.dialect === 'hp'
    ? ['OS-EXT-STS', 'OS-EXT-AZ', 'OS-EXT-IPS', 'OS-EXT-IPS-MAC', 'atom']
    : ['rax-bandwidth', 'OS-DCF', 'OS-EXT-STS', 'atom']
}

/** A single-server document (get, update, rebuild). */
export function serverReply(request: ComputeRequest, server: ServerRecord, status = 200, extra: { adminPass?: string; headers?: Record<string, string> } = {}): Reply {
  const pass: Record<string, string> = extra.adminPass === undefined ? {} : { adminPass: extra.adminPass }
  return documentReply(
    status,
    {
      json: () => ({ server: { ...serverDetailJson(request, server), ...pass } }),
      xml: () => {
        const element = serverDetailXml(request, server, pass)
        return { ...element, attributes: { ...computeNamespaces(request.runtime.profile.dialect, serverPrefixes(request)), ...element.attributes } }
      },
    },
    extra.headers ? { headers: extra.headers } : {},
  )
}

const createServer: ComputeHandler = (request) => {
  const input = readNewServer(request)
  assertInstanceQuota(request)
  const { server, adminPass } = addServer(request.runtime, request.region, input, request.runtime.buildPolls)
  const location = selfHref(request.region, request.runtime.account.tenantId, 'servers', server.id)
  const links = resourceLinks(request.region, request.runtime.account.tenantId, 'servers', server.id)
  const hp = request.runtime.profile.dialect === 'hp'
  return documentReply(
    202,
    {
      // 001 §2.1.2: only the id, the links and the password are guaranteed in the answer.
      json: () => ({
        server: hp
          ? { security_groups: server.securityGroups.map((name) => ({ name })), id: server.id, links, adminPass }
          : { 'OS-DCF:diskConfig': server.diskConfig, id: server.id, links, adminPass },
      }),
      xml: () =>
        xml(
          'server',
          { ...computeNamespaces(request.runtime.profile.dialect, hp ? ['atom'] : ['OS-DCF', 'atom']), id: server.id, adminPass, ...(hp ? {} : { 'OS-DCF:diskConfig': server.diskConfig }) },
          [metadataXml(server.metadata), ...atomLinks(links), ...(hp ? [xml('security_groups', undefined, server.securityGroups.map((name) => xml('security_group', { name })))] : [])],
        ),
    },
    { headers: { Location: location } },
  )
}

/** Creates a server in a region (also used for the servers a region starts with). */
export function addServer(runtime: CloudRuntime, region: RegionState, input: NewServer, buildPolls: number): { server: ServerRecord; adminPass: string } {
  const created = createServerRecord(input, { dialect: runtime.profile.dialect, random: runtime.random, seq: runtime.nextSeq('server'), now: runtime.clock.now(), buildPolls })
  region.servers.set(created.server.id, created.server)
  return created
}

function assertInstanceQuota(request: ComputeRequest): void {
  const max = request.runtime.profile.limits.maxTotalInstances
  let used = 0
  for (const server of request.region.servers.values()) if (server.status !== 'DELETED') used += 1
  if (used >= max) throw new ApiFault('overLimit', `Quota exceeded for instances: Requested 1, but already used ${used} of ${max} instances`)
}

/** Servers matching the list filters of 001 §2.1.1, newest first; DELETED only with changes-since. */
function selectServers(request: ComputeRequest): ServerRecord[] {
  const since = changesSince(request)
  const image = queryValue(request, 'image')
  const flavor = queryValue(request, 'flavor')
  const name = queryValue(request, 'name')
  const status = queryValue(request, 'status')?.toUpperCase()
  return newestFirst(request.region.servers.values()).filter(
    (server) =>
      (since === null ? server.status !== 'DELETED' : server.updated >= since) &&
      (image === undefined || server.imageId === image) &&
      (flavor === undefined || server.flavorId === flavor) &&
      (name === undefined || server.name.includes(name)) &&
      (status === undefined || server.status === status),
  )
}

const listServers: ComputeHandler = (request) =>
  collectionReply(request, 'servers', paginate(request, selectServers(request), 'servers'), {
    json: (server) => serverBriefJson(request, server),
    xml: (server) => serverBriefXml(request, server),
    prefixes: ['atom'],
  })

const listServersDetail: ComputeHandler = (request) =>
  collectionReply(request, 'servers', paginate(request, selectServers(request), 'servers/detail'), {
    json: (server) => serverDetailJson(request, server),
    xml: (server) => serverDetailXml(request, server),
    prefixes: serverPrefixes(request),
  })

/** Each GET is a poll: it moves a server through its transition (BUILD → ACTIVE, ...). */
const getServer: ComputeHandler = (request) => {
  const server = findServer(request)
  observePoll(server, request.runtime.clock.now())
  return serverReply(request, server)
}

const updateServer: ComputeHandler = (request) => {
  const server = findServer(request)
  const changes = bodyObject(request, 'server')
  const name = changes['name'] === undefined ? undefined : requiredString(changes, 'name', 'a non-empty server name')
  const accessIPv4 = optionalString(changes, 'accessIPv4')
  const accessIPv6 = optionalString(changes, 'accessIPv6')
  if (name === undefined && accessIPv4 === undefined && accessIPv6 === undefined) {
    throw new ApiFault('badRequest', 'Nothing to update: send name, accessIPv4 or accessIPv6 (001 Table 2.4).')
  }
  if (name !== undefined) server.name = name
  if (accessIPv4 !== undefined) server.accessIPv4 = accessIPv4
  if (accessIPv6 !== undefined) server.accessIPv6 = accessIPv6
  server.updated = request.runtime.clock.now()
  return serverReply(request, server)
}

/** 001 §2.1.5: any state may be deleted; the server stays visible to changes-since as DELETED. */
const deleteServer: ComputeHandler = (request) => {
  const server = findServer(request)
  server.status = 'DELETED'
  server.transition = null
  server.updated = request.runtime.clock.now()
  return emptyReply(204)
}

const listAddresses: ComputeHandler = (request) => {
  const server = findServer(request)
  const dialect = request.runtime.profile.dialect
  return documentReply(200, {
    json: () => ({ addresses: addressesJson(server.addresses, dialect, false) }),
    xml: () => ({ ...addressesXml(server.addresses, dialect, false), attributes: computeNamespaces(dialect, []) }),
  })
}

const listAddressesByNetwork: ComputeHandler = (request) => {
  const server = findServer(request)
  const label = request.params['network_id'] ?? ''
  const entries = server.addresses.get(label)
  if (!entries) throw new ApiFault('itemNotFound', `Instance ${server.id} is not attached to network ${label}.`)
  const dialect = request.runtime.profile.dialect
  return documentReply(200, {
    json: () => networkJson(label, entries, dialect),
    xml: () => {
      const element = networkXml(label, entries, dialect, false)
      return { ...element, attributes: { ...computeNamespaces(dialect, []), ...element.attributes } }
    },
  })
}

/** Handlers of the servers.* operations (actions and metadata live in their own files). */
export const SERVER_HANDLERS: Readonly<Record<string, ComputeHandler>> = {
  'servers.create': createServer,
  'servers.list': listServers,
  'servers.listDetail': listServersDetail,
  'servers.get': getServer,
  'servers.update': updateServer,
  'servers.delete': deleteServer,
  'servers.ips.list': listAddresses,
  'servers.ips.getByNetwork': listAddressesByNetwork,
}
