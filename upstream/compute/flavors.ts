import type { FlavorData } from '../dialects/profile.js'
import { ApiFault } from '../http/api-fault.js'
import { documentReply } from '../http/reply.js'
import { atomLinks, resourceLinks } from '../links.js'
import { computeNamespaces, type XmlPrefix } from '../xml-namespaces.js'
import { xml, type XmlElement } from '../xml-writer.js'
import { collectionReply, paginate } from './collection.js'
import { queryValue, type ComputeHandler, type ComputeRequest } from './request.js'

function links(request: ComputeRequest, flavor: FlavorData): ReturnType<typeof resourceLinks> {
  return resourceLinks(request.region, request.runtime.account.tenantId, 'flavors', flavor.id)
}

function flavorPrefixes(request: ComputeRequest): XmlPrefix[] {
  return request.runtime.profile.dialect === 'hp' ? ['OS-FLV-EXT-DATA', 'atom'] : ['atom']
}

/** Flavor details: 001 Example 2.60 (rackspace) or 003 §4.4.1.34 (hp). */
function flavorJson(request: ComputeRequest, flavor: FlavorData): Record<string, unknown> {
  const common = { disk: flavor.disk, id: flavor.id, links: links(request, flavor), name: flavor.name, ram: flavor.ram, rxtx_factor: flavor.rxtxFactor, swap: flavor.swap, vcpus: flavor.vcpus }
  if (request.runtime.profile.dialect === 'hp') return { ...common, 'OS-FLV-EXT-DATA:ephemeral': flavor.ephemeral ?? 0 }
  return { 'OS-FLV-DISABLED:disabled': false, ...common }
}

function flavorXml(request: ComputeRequest, flavor: FlavorData): XmlElement {
  const attributes = {
    name: flavor.name,
    ram: flavor.ram,
    vcpus: flavor.vcpus,
    swap: flavor.swap,
    rxtx_factor: flavor.rxtxFactor.toFixed(1),
    disk: flavor.disk,
    id: flavor.id,
    ...(request.runtime.profile.dialect === 'hp' ? { 'OS-FLV-EXT-DATA:ephemeral': flavor.ephemeral ?? 0 } : {}),
  }
  return xml('flavor', attributes, atomLinks(links(request, flavor)))
}

/** The minDisk and minRam filters of 001 §2.5.1. */
function selectFlavors(request: ComputeRequest): FlavorData[] {
  const minDisk = numberParam(request, 'minDisk')
  const minRam = numberParam(request, 'minRam')
  return request.runtime.profile.flavors.filter((flavor) => flavor.disk >= minDisk && flavor.ram >= minRam)
}

function numberParam(request: ComputeRequest, name: string): number {
  const text = queryValue(request, name)
  if (text === undefined) return 0
  if (!/^\d{1,9}$/.test(text)) throw new ApiFault('badRequest', `Invalid ${name} filter ${JSON.stringify(text)}: expected a whole number.`)
  return Number(text)
}

const listFlavors: ComputeHandler = (request) =>
  collectionReply(request, 'flavors', paginate(request, selectFlavors(request), 'flavors'), {
    json: (flavor) => ({ id: flavor.id, links: links(request, flavor), name: flavor.name }),
    xml: (flavor) => xml('flavor', { name: flavor.name, id: flavor.id }, atomLinks(links(request, flavor))),
    prefixes: ['atom'],
  })

const listFlavorsDetail: ComputeHandler = (request) =>
  collectionReply(request, 'flavors', paginate(request, selectFlavors(request), 'flavors/detail'), {
    json: (flavor) => flavorJson(request, flavor),
    xml: (flavor) => flavorXml(request, flavor),
    prefixes: flavorPrefixes(request),
  })

const getFlavor: ComputeHandler = (request) => {
  const id = request.params['flavor_id'] ?? ''
  const flavor = request.runtime.profile.flavors.find((candidate) => candidate.id === id)
  if (!flavor) throw new ApiFault('itemNotFound', `Flavor ${id} could not be found.`)
  return documentReply(200, {
    json: () => ({ flavor: flavorJson(request, flavor) }),
    xml: () => {
      const element = flavorXml(request, flavor)
      return { ...element, attributes: { ...computeNamespaces(request.runtime.profile.dialect, flavorPrefixes(request)), ...element.attributes } }
    },
  })
}

/** Handlers of the flavors.* operations. */
export const FLAVOR_HANDLERS: Readonly<Record<string, ComputeHandler>> = {
  'flavors.list': listFlavors,
  'flavors.listDetail': listFlavorsDetail,
  'flavors.get': getFlavor,
}
