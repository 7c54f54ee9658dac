import { isoSeconds } from '../../cassettes/index.js'
import type { EmbeddedFault, ServerRecord } from '../compute-state.js'
import { atomLinks, bookmarkHref, resourceLinks } from '../links.js'
import { extendedStatus, transitionProgress } from '../server-lifecycle.js'
import { xml, type XmlElement } from '../xml-writer.js'
import { addressesJson, addressesXml } from './render-addresses.js'
import type { ComputeRequest } from './request.js'

/** Progress outside transitions: 100 in the Rackspace examples (001 Ex 2.14), 0 in HP's (003 §4.4.1.8). */
function progressOf(request: ComputeRequest, server: ServerRecord): number {
  return transitionProgress(server) ?? (request.runtime.profile.dialect === 'hp' ? 0 : 100)
}

/** `{id, links, name}`: a server in a plain list (001 §2.1.1). */
export function serverBriefJson(request: ComputeRequest, server: ServerRecord): Record<string, unknown> {
  return { id: server.id, links: resourceLinks(request.region, request.runtime.account.tenantId, 'servers', server.id), name: server.name }
}

/** `<server name id>` with its links: a server in a plain XML list. */
export function serverBriefXml(request: ComputeRequest, server: ServerRecord): XmlElement {
  return xml('server', { name: server.name, id: server.id }, atomLinks(resourceLinks(request.region, request.runtime.account.tenantId, 'servers', server.id)))
}

function reference(request: ComputeRequest, collection: string, id: string): { id: string; links: Array<{ href: string; rel: string }> } {
  return { id, links: [{ href: bookmarkHref(request.region, request.runtime.account.tenantId, collection, id), rel: 'bookmark' }] }
}

/** A server's details: 001 Example 2.14 (rackspace) or 003 §4.4.1.8 (hp). */
export function serverDetailJson(request: ComputeRequest, server: ServerRecord): Record<string, unknown> {
  const { account, profile } = request.runtime
  const ext = extendedStatus(server.status)
  const common = {
    accessIPv4: server.accessIPv4,
    accessIPv6: server.accessIPv6,
    addresses: addressesJson(server.addresses, profile.dialect, true),
    created: isoSeconds(server.created),
    flavor: reference(request, 'flavors', server.flavorId),
    hostId: server.hostId,
    id: server.id,
    image: reference(request, 'images', server.imageId),
    links: resourceLinks(request.region, account.tenantId, 'servers', server.id),
    metadata: Object.fromEntries(server.metadata),
    name: server.name,
    progress: progressOf(request, server),
    status: server.status,
    tenant_id: account.tenantId,
    updated: isoSeconds(server.updated),
    user_id: account.userId,
    'OS-EXT-STS:power_state': ext.powerState,
    'OS-EXT-STS:task_state': ext.taskState,
    'OS-EXT-STS:vm_state': ext.vmState,
    ...(server.fault ? { fault: server.fault } : {}),
  }
  if (profile.dialect === 'hp') {
    return {
      ...common,
      key_name: server.keyName,
      security_groups: server.securityGroups.map((name) => ({ name })),
      'OS-EXT-AZ:availability_zone': server.availabilityZone,
      config_drive: '',
    }
  }
  return { 'OS-DCF:diskConfig': server.diskConfig, ...common, 'rax-bandwidth:bandwidth': [] }
}

/** The XML form of the details (001 Example 2.15; 003 §4.4.1.8): attributes, then children. */
export function serverDetailXml(request: ComputeRequest, server: ServerRecord, extra: Record<string, string> = {}): XmlElement {
  const { account, profile } = request.runtime
  const hp = profile.dialect === 'hp'
  const ext = extendedStatus(server.status)
  const attributes = {
    status: server.status,
    updated: isoSeconds(server.updated),
    hostId: server.hostId,
    name: server.name,
    created: isoSeconds(server.created),
    userId: account.userId,
    tenantId: account.tenantId,
    accessIPv4: server.accessIPv4,
    accessIPv6: server.accessIPv6,
    progress: progressOf(request, server),
    id: server.id,
    ...(hp ? { key_name: server.keyName ?? '', config_drive: '' } : {}),
    'OS-EXT-STS:vm_state': ext.vmState,
    'OS-EXT-STS:task_state': ext.taskState ?? 'None',
    'OS-EXT-STS:power_state': ext.powerState,
    ...(hp ? { 'OS-EXT-AZ:availability_zone': server.availabilityZone } : { 'OS-DCF:diskConfig': server.diskConfig }),
    ...extra,
  }
  const children: XmlElement[] = [
    xml('image', { id: server.imageId }, atomLinks(reference(request, 'images', server.imageId).links)),
    xml('flavor', { id: server.flavorId }, atomLinks(reference(request, 'flavors', server.flavorId).links)),
    metadataXml(server.metadata),
    addressesXml(server.addresses, profile.dialect, true),
    ...atomLinks(resourceLinks(request.region, account.tenantId, 'servers', server.id)),
    ...(server.fault ? [faultXml(server.fault)] : []),
    hp ? xml('security_groups', undefined, server.securityGroups.map((name) => xml('security_group', { name }))) : xml('rax-bandwidth:bandwidth'),
  ]
  return xml('server', attributes, children)
}

/** `<metadata><meta key="k">v</meta></metadata>` (001 Example 2.69). */
export function metadataXml(metadata: ReadonlyMap<string, string>): XmlElement {
  return xml(
    'metadata',
    undefined,
    [...metadata].map(([key, value]) => xml('meta', { key }, value)),
  )
}

/** The embedded fault of a resource in ERROR (001 Example 1.53). */
export function faultXml(fault: EmbeddedFault): XmlElement {
  return xml('fault', { code: fault.code, created: fault.created }, [xml('message', undefined, fault.message), xml('details', undefined, fault.details)])
}
