import { isoSeconds } from '../../cassettes/index.js'
import type { ImageRecord } from '../compute-state.js'
import { atomLinks, bookmarkHref, resourceLinks, type Link } from '../links.js'
import { transitionProgress } from '../server-lifecycle.js'
import { xml, type XmlElement } from '../xml-writer.js'
import { faultXml, metadataXml } from './render-server.js'
import type { ComputeRequest } from './request.js'

/** self, bookmark, and the image service's alternate representation (001 Example 2.66). */
export function imageLinks(request: ComputeRequest, image: ImageRecord): Link[] {
  const { region } = request
  const tenantId = request.runtime.account.tenantId
  const alternate =
    request.runtime.profile.dialect === 'hp'
      ? `https://${region.name}.images.hpcloudsvc.com:443/${tenantId}/images/${image.id}`
      : bookmarkHref(region, tenantId, 'images', image.id)
  return [...resourceLinks(region, tenantId, 'images', image.id), { href: alternate, rel: 'alternate', type: 'application/vnd.openstack.image' }]
}

function progressOf(image: ImageRecord): number {
  return transitionProgress(image) ?? (image.status === 'ACTIVE' ? 100 : 0)
}

/** `{id, links, name}`: an image in a plain list. */
export function imageBriefJson(request: ComputeRequest, image: ImageRecord): Record<string, unknown> {
  return { id: image.id, links: imageLinks(request, image), name: image.name }
}

/** `<image id name>` with its links. */
export function imageBriefXml(request: ComputeRequest, image: ImageRecord): XmlElement {
  return xml('image', { id: image.id, name: image.name }, atomLinks(imageLinks(request, image)))
}

/** Image details: 001 Example 2.66 (rackspace) or 003 §4.4.1.24 (hp). */
export function imageDetailJson(request: ComputeRequest, image: ImageRecord): Record<string, unknown> {
  const hp = request.runtime.profile.dialect === 'hp'
  return {
    ...(hp ? {} : { 'OS-DCF:diskConfig': image.diskConfig }),
    created: isoSeconds(image.created),
    id: image.id,
    links: imageLinks(request, image),
    metadata: Object.fromEntries(image.metadata),
    minDisk: image.minDisk,
    minRam: image.minRam,
    name: image.name,
    progress: progressOf(image),
    ...(image.serverId ? { server: serverReference(request, image.serverId) } : {}),
    status: image.status,
    updated: isoSeconds(image.updated),
    ...(hp && image.size !== null ? { 'OS-EXT-IMG-SIZE:size': image.size } : {}),
    ...(image.fault ? { fault: image.fault } : {}),
  }
}

function serverReference(request: ComputeRequest, serverId: string): { id: string; links: Link[] } {
  return { id: serverId, links: resourceLinks(request.region, request.runtime.account.tenantId, 'servers', serverId) }
}

/** The XML form of an image's details (001 Example 2.67). */
export function imageDetailXml(request: ComputeRequest, image: ImageRecord): XmlElement {
  const hp = request.runtime.profile.dialect === 'hp'
  const attributes = {
    status: image.status,
    updated: isoSeconds(image.updated),
    name: image.name,
    created: isoSeconds(image.created),
    minDisk: image.minDisk,
    progress: progressOf(image),
    minRam: image.minRam,
    id: image.id,
    ...(hp ? { 'OS-EXT-IMG-SIZE:size': image.size } : { 'OS-DCF:diskConfig': image.diskConfig }),
  }
  const children = [
    ...(image.serverId ? [xml('server', { id: image.serverId }, atomLinks(serverReference(request, image.serverId).links))] : []),
    metadataXml(image.metadata),
    ...(image.fault ? [faultXml(image.fault)] : []),
    ...atomLinks(imageLinks(request, image)),
  ]
  return xml('image', attributes, children)
}
