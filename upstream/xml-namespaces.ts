import { FAULT_NAMESPACES } from '../cassettes/index.js'
import type { UpstreamDialect } from './dialects/profile.js'

/** Namespaces of the documents' XML (001 §2, 003 §4.4), by the prefix the examples use. */
export const XML_NAMESPACES = {
  atom: 'http://www.w3.org/2005/Atom',
  common: 'http://docs.openstack.org/common/api/v1.0',
  identity: 'http://docs.openstack.org/identity/api/v2.0',
  'RAX-AUTH': 'http://docs.rackspace.com/identity/api/ext/RAX-AUTH/v1.0',
  'OS-DCF': 'http://docs.openstack.org/compute/ext/disk_config/api/v1.1',
  'OS-EXT-STS': 'http://docs.openstack.org/compute/ext/extended_status/api/v1.1',
  'rax-bandwidth': 'http://docs.rackspace.com/servers/api/ext/server_bandwidth/',
  'OS-EXT-AZ': 'http://docs.openstack.org/compute/ext/extended_availability_zone/api/v2',
  'OS-EXT-IPS': 'http://docs.openstack.org/compute/ext/extended_ips/api/v1.1',
  'OS-EXT-IPS-MAC': 'http://docs.openstack.org/compute/ext/extended_ips_mac/api/v1.1',
  'OS-EXT-IMG-SIZE': 'http://docs.openstack.org/compute/ext/image_size/api/v1.1',
  'OS-FLV-EXT-DATA': 'http://docs.openstack.org/compute/ext/flavor_extra_data/api/v1.1',
} as const

/** A namespace prefix a compute document may declare. */
export type XmlPrefix = Exclude<keyof typeof XML_NAMESPACES, 'common' | 'identity'>

/**
 * The namespace declarations of a compute document's root: the dialect's compute namespace
 * (v1.1 for rackspace, v2 for hp) as the default, then the prefixes it uses.
 */
export function computeNamespaces(dialect: UpstreamDialect, prefixes: readonly XmlPrefix[]): Record<string, string> {
  const declarations: Record<string, string> = {}
  for (const prefix of prefixes) declarations[`xmlns:${prefix}`] = XML_NAMESPACES[prefix]
  declarations['xmlns'] = FAULT_NAMESPACES[dialect]
  return declarations
}
