import { ApiFault } from '../http/api-fault.js'
import { documentReply, emptyReply, type Reply } from '../http/reply.js'
import { isRecord } from '../is-record.js'
import { computeNamespaces } from '../xml-namespaces.js'
import { xml } from '../xml-writer.js'
import { assertMetadataCount, readMetadata } from './metadata-input.js'
import { metadataXml } from './render-server.js'
import { findImage, findServer, type ComputeHandler, type ComputeRequest } from './request.js'

/** A resource with metadata: a server or an image. */
interface WithMetadata {
  metadata: Map<string, string>
  updated: number
}

interface MetadataTarget {
  readonly resource: WithMetadata
  /** maxServerMeta or maxImageMeta (001 Table 1.4). */
  readonly maxItems: number
}

type TargetFinder = (request: ComputeRequest) => MetadataTarget

const serverTarget: TargetFinder = (request) => ({ resource: findServer(request), maxItems: request.runtime.profile.limits.maxServerMeta })
const imageTarget: TargetFinder = (request) => ({ resource: findImage(request), maxItems: request.runtime.profile.limits.maxImageMeta })

/** `{"metadata": {...}}` (001 Example 2.68). */
function metadataReply(request: ComputeRequest, metadata: ReadonlyMap<string, string>): Reply {
  return documentReply(200, {
    json: () => ({ metadata: Object.fromEntries(metadata) }),
    xml: () => ({ ...metadataXml(metadata), attributes: computeNamespaces(request.runtime.profile.dialect, []) }),
  })
}

/** `{"meta": {"key": "value"}}` (001 Example 2.78). */
function metaReply(request: ComputeRequest, key: string, value: string): Reply {
  return documentReply(200, {
    json: () => ({ meta: { [key]: value } }),
    xml: () => xml('meta', { ...computeNamespaces(request.runtime.profile.dialect, []), key }, value),
  })
}

function bodyMetadata(request: ComputeRequest, field: 'metadata' | 'meta', maxItems: number): Map<string, string> {
  const body = request.body
  if (!isRecord(body) || !isRecord(body[field])) throw new ApiFault('badRequest', `Malformed request body: expected {"${field}": {"key": "value"}}.`)
  return readMetadata(body[field], maxItems, field)
}

function handlers(find: TargetFinder): Record<string, ComputeHandler> {
  return {
    list: (request) => metadataReply(request, find(request).resource.metadata),
    replace: (request) => {
      const { resource, maxItems } = find(request)
      resource.metadata = bodyMetadata(request, 'metadata', maxItems)
      resource.updated = request.runtime.clock.now()
      return metadataReply(request, resource.metadata)
    },
    update: (request) => {
      const { resource, maxItems } = find(request)
      const merged = new Map([...resource.metadata, ...bodyMetadata(request, 'metadata', Number.MAX_SAFE_INTEGER)])
      assertMetadataCount(merged.size, maxItems)
      resource.metadata = merged
      resource.updated = request.runtime.clock.now()
      return metadataReply(request, merged)
    },
    get: (request) => {
      const { resource } = find(request)
      const key = request.params['key'] ?? ''
      const value = resource.metadata.get(key)
      if (value === undefined) throw new ApiFault('itemNotFound', `Metadata item ${JSON.stringify(key)} was not found.`)
      return metaReply(request, key, value)
    },
    set: (request) => setItem(request, find(request)),
    delete: (request) => {
      const { resource } = find(request)
      const key = request.params['key'] ?? ''
      if (!resource.metadata.delete(key)) throw new ApiFault('itemNotFound', `Metadata item ${JSON.stringify(key)} was not found.`)
      resource.updated = request.runtime.clock.now()
      return emptyReply(204)
    },
  }
}

/** 001 §2.7.5: the body holds exactly the key the URI names. */
function setItem(request: ComputeRequest, target: MetadataTarget): Reply {
  const key = request.params['key'] ?? ''
  const items = bodyMetadata(request, 'meta', Number.MAX_SAFE_INTEGER)
  if (items.size !== 1) throw new ApiFault('badRequest', `Request body contains ${items.size} items: send exactly one, {"meta": {"${key}": "value"}}.`)
  const value = items.get(key)
  if (value === undefined) throw new ApiFault('badRequest', `Request body and URI mismatch: the body must set the key ${JSON.stringify(key)}.`)
  const next = new Map(target.resource.metadata).set(key, value)
  assertMetadataCount(next.size, target.maxItems)
  target.resource.metadata = next
  target.resource.updated = request.runtime.clock.now()
  return metaReply(request, key, value)
}

function prefixed(prefix: string, table: Record<string, ComputeHandler>): Record<string, ComputeHandler> {
  return Object.fromEntries(Object.entries(table).map(([verb, handler]) => [`${prefix}.metadata.${verb}`, handler]))
}

/** Handlers of servers.metadata.* and images.metadata.* (001 §2.7). */
export const METADATA_HANDLERS: Readonly<Record<string, ComputeHandler>> = {
  ...prefixed('servers', handlers(serverTarget)),
  ...prefixed('images', handlers(imageTarget)),
}
