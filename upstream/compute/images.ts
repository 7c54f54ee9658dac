import { newestFirst, type ImageRecord, type ServerRecord } from '../compute-state.js'
import { ApiFault } from '../http/api-fault.js'
import { documentReply, emptyReply } from '../http/reply.js'
import { observePoll, startTransition } from '../server-lifecycle.js'
import { computeNamespaces, type XmlPrefix } from '../xml-namespaces.js'
import { changesSince, collectionReply, paginate } from './collection.js'
import { imageBriefJson, imageBriefXml, imageDetailJson, imageDetailXml } from './render-image.js'
import { findImage, queryValue, refId, type ComputeHandler, type ComputeRequest } from './request.js'

function imagePrefixes(request: ComputeRequest): XmlPrefix[] {
  return request.runtime.profile.dialect === 'hp' ? ['OS-EXT-IMG-SIZE', 'atom'] : ['OS-DCF', 'atom']
}

/** Images matching the filters of 001 §2.6.1, newest first; DELETED only with changes-since. */
function selectImages(request: ComputeRequest): ImageRecord[] {
  const since = changesSince(request)
  const server = queryValue(request, 'server')
  const serverId = server === undefined ? undefined : refId(server)
  const name = queryValue(request, 'name')
  const status = queryValue(request, 'status')?.toUpperCase()
  const type = queryValue(request, 'type')?.toLowerCase()
  if (type !== undefined && type !== 'base' && type !== 'snapshot') {
    throw new ApiFault('badRequest', `Invalid type ${JSON.stringify(type)}. Expected one of: BASE, SNAPSHOT.`)
  }
  return newestFirst(request.region.images.values()).filter(
    (image) =>
      (since === null ? image.status !== 'DELETED' : image.updated >= since) &&
      (serverId === undefined || image.serverId === serverId) &&
      (name === undefined || image.name === name) &&
      (status === undefined || image.status === status) &&
      (type === undefined || image.type === type),
  )
}

const listImages: ComputeHandler = (request) =>
  collectionReply(request, 'images', paginate(request, selectImages(request), 'images'), {
    json: (image) => imageBriefJson(request, image),
    xml: (image) => imageBriefXml(request, image),
    prefixes: ['atom'],
  })

const listImagesDetail: ComputeHandler = (request) =>
  collectionReply(request, 'images', paginate(request, selectImages(request), 'images/detail'), {
    json: (image) => imageDetailJson(request, image),
    xml: (image) => imageDetailXml(request, image),
    prefixes: imagePrefixes(request),
  })

/** Each GET polls a snapshot from SAVING to ACTIVE. */
const getImage: ComputeHandler = (request) => {
  const image = findImage(request)
  observePoll(image, request.runtime.clock.now())
  return documentReply(200, {
    json: () => ({ image: imageDetailJson(request, image) }),
    xml: () => {
      const element = imageDetailXml(request, image)
      return { ...element, attributes: { ...computeNamespaces(request.runtime.profile.dialect, imagePrefixes(request)), ...element.attributes } }
    },
  })
}

/** 001 §2.6.3: snapshots are removed at once; the provider's base images cannot be deleted. */
const deleteImage: ComputeHandler = (request) => {
  const image = findImage(request)
  if (image.type === 'base') throw new ApiFault('forbidden', `Image ${image.id} is a base image and cannot be deleted.`)
  image.status = 'DELETED'
  image.transition = null
  image.updated = request.runtime.clock.now()
  return emptyReply(204)
}

/** A snapshot of a server: SAVING for `actionPolls` GETs, then ACTIVE (001 §2.3.9). */
export function createSnapshot(request: ComputeRequest, server: ServerRecord, name: string, metadata: Map<string, string>): ImageRecord {
  const { runtime } = request
  const seq = runtime.nextSeq('image')
  const random = runtime.random.stream('image', seq)
  const base = request.region.images.get(server.imageId)
  const flavor = runtime.profile.flavors.find((candidate) => candidate.id === server.flavorId)
  const now = runtime.clock.now()
  const image: ImageRecord = {
    id: random.uuid(),
    seq,
    name,
    created: now,
    updated: now,
    minDisk: flavor?.disk ?? base?.minDisk ?? 0,
    minRam: base?.minRam ?? 0,
    diskConfig: server.diskConfig,
    size: runtime.profile.dialect === 'hp' ? random.int(1, 40) * 268435456 : null,
    metadata: new Map([['image_type', 'snapshot'], ['instance_uuid', server.id], ['base_image_ref', server.imageId], ...metadata]),
    serverId: server.id,
    type: 'snapshot',
    status: 'SAVING',
    transition: null,
    fault: null,
  }
  startTransition(image, { during: 'SAVING', then: 'ACTIVE', polls: runtime.actionPolls }, now)
  request.region.images.set(image.id, image)
  return image
}

/** Handlers of the images.* operations (metadata lives in metadata.ts). */
export const IMAGE_HANDLERS: Readonly<Record<string, ComputeHandler>> = {
  'images.list': listImages,
  'images.listDetail': listImagesDetail,
  'images.get': getImage,
  'images.delete': deleteImage,
}
