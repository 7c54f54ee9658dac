import type { ExtensionData } from '../dialects/profile.js'
import { ApiFault } from '../http/api-fault.js'
import { documentReply, type Reply } from '../http/reply.js'
import { atomLinks, type Link } from '../links.js'
import { XML_NAMESPACES } from '../xml-namespaces.js'
import { xml, type XmlElement } from '../xml-writer.js'
import { limitsReply } from './limits.js'
import type { ComputeHandler, ComputeRequest } from './request.js'

/** Version, extension and limit documents use the common namespace (001 Examples 1.29, 1.38, 1.24). */
const COMMON = { xmlns: XML_NAMESPACES.common, 'xmlns:atom': XML_NAMESPACES.atom }

const MEDIA_TYPES = [
  { base: 'application/xml', type: 'application/vnd.openstack.compute+xml;version=2' },
  { base: 'application/json', type: 'application/vnd.openstack.compute+json;version=2' },
]

/** 001 Example 1.27: the one version, v2, CURRENT. */
const listVersions: ComputeHandler = (request) => {
  const links: Link[] = [{ href: `${request.region.origin}/v2`, rel: 'self' }]
  return documentReply(200, {
    json: () => ({ versions: [{ id: 'v2', links, status: 'CURRENT' }] }),
    xml: () => xml('versions', COMMON, [xml('version', { status: 'CURRENT', id: 'v2' }, [xml('media-types'), ...atomLinks(links)])]),
  })
}

/** 001 Example 1.32 prints only id and status; HP prints links and media types (003 §4.4.1.1). */
const getVersion: ComputeHandler = (request) => {
  if (request.runtime.profile.dialect !== 'hp') {
    return documentReply(200, {
      json: () => ({ version: { id: 'v2', status: 'CURRENT' } }),
      xml: () => xml('version', { ...COMMON, status: 'CURRENT', id: 'v2' }, [xml('media-types')]),
    })
  }
  const links: Link[] = [
    { href: `${request.region.origin}/v2/`, rel: 'self' },
    { href: 'http://docs.openstack.org/api/openstack-compute/2/os-compute-devguide-2.pdf', rel: 'describedby', type: 'application/pdf' },
    { href: 'http://docs.openstack.org/api/openstack-compute/2/wadl/os-compute-2.wadl', rel: 'describedby', type: 'application/vnd.sun.wadl+xml' },
  ]
  const updated = '2011-01-21T11:33:21Z'
  return documentReply(200, {
    json: () => ({ version: { id: 'v2.0', links, 'media-types': MEDIA_TYPES, status: 'CURRENT', updated } }),
    xml: () =>
      xml('version', { ...COMMON, status: 'CURRENT', updated, id: 'v2.0' }, [
        xml('media-types', undefined, MEDIA_TYPES.map((media) => xml('media-type', media))),
        ...atomLinks(links),
      ]),
  })
}

function extensionJson(extension: ExtensionData): Record<string, unknown> {
  return { alias: extension.alias, description: extension.description, links: [], name: extension.name, namespace: extension.namespace, updated: extension.updated }
}

function extensionXml(extension: ExtensionData, root = false): XmlElement {
  const attributes = { ...(root ? COMMON : {}), alias: extension.alias, updated: extension.updated, namespace: extension.namespace, name: extension.name }
  return xml('extension', attributes, [xml('description', undefined, extension.description)])
}

/** 001 Examples 1.36 and 1.38. */
const listExtensions: ComputeHandler = (request) => {
  const extensions = request.runtime.profile.extensions
  return documentReply(200, {
    json: () => ({ extensions: extensions.map(extensionJson) }),
    xml: () => xml('extensions', COMMON, extensions.map((extension) => extensionXml(extension))),
  })
}

/** 001 §1.10.2: an unknown alias is itemNotFound. */
const getExtension: ComputeHandler = (request): Reply => {
  const alias = request.params['alias'] ?? ''
  const extension = request.runtime.profile.extensions.find((candidate) => candidate.alias === alias)
  if (!extension) throw new ApiFault('itemNotFound', `Extension ${alias} could not be found.`)
  return documentReply(200, { json: () => ({ extension: extensionJson(extension) }), xml: () => extensionXml(extension, true) })
}

/** Handlers of the versions, extensions and limits operations. */
export const SERVICE_INFO_HANDLERS: Readonly<Record<string, ComputeHandler>> = {
  'versions.list': listVersions,
  'versions.get': getVersion,
  'extensions.list': listExtensions,
  'extensions.get': getExtension,
  'limits.get': (request: ComputeRequest) => limitsReply(request),
}
