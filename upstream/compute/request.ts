import type { ImageRecord, RegionState, ServerRecord } from '../compute-state.js'
import { ApiFault } from '../http/api-fault.js'
import type { Reply } from '../http/reply.js'
import { isRecord } from '../is-record.js'
import type { CloudRuntime } from '../runtime.js'

/** One compute request, as handlers see it: resolved, authenticated, body parsed. */
export interface ComputeRequest {
  readonly runtime: CloudRuntime
  readonly region: RegionState
  readonly operation: string
  readonly params: Readonly<Record<string, string>>
  readonly query: ReadonlyArray<readonly [string, string]>
  /** The body in its JSON shape (XML is converted); undefined when there is none. */
  readonly body: unknown
}

/** Answers one compute operation; throws ApiFault for documented faults. */
export type ComputeHandler = (request: ComputeRequest) => Reply

/** The first value of a query parameter. */
export function queryValue(request: ComputeRequest, name: string): string | undefined {
  return request.query.find(([key]) => key === name)?.[1]
}

/** The server named by the path, unless it does not exist or was deleted (404). */
export function findServer(request: ComputeRequest): ServerRecord {
  const id = request.params['server_id'] ?? ''
  const server = request.region.servers.get(id)
  if (!server || server.status === 'DELETED') throw new ApiFault('itemNotFound', `Instance ${id} could not be found.`)
  return server
}

/** The image named by the path, unless it does not exist or was deleted (404). */
export function findImage(request: ComputeRequest): ImageRecord {
  const id = request.params['image_id'] ?? ''
  const image = request.region.images.get(id)
  if (!image || image.status === 'DELETED') throw new ApiFault('itemNotFound', `Image ${id} could not be found.`)
  return image
}

/** The object under `key` of the body (`{"server": {...}}`), or badRequest naming what is missing. */
export function bodyObject(request: ComputeRequest, key: string): Record<string, unknown> {
  const body = request.body
  if (body === undefined) throw new ApiFault('badRequest', `The request body is missing: send {"${key}": {...}}.`)
  const value = isRecord(body) ? body[key] : undefined
  if (!isRecord(value)) throw new ApiFault('badRequest', `Malformed request body: expected an object under "${key}".`)
  return value
}

/** A required non-empty string field, or badRequest naming it. */
export function requiredString(object: Record<string, unknown>, field: string, what: string): string {
  const value = object[field]
  if (typeof value === 'number') return String(value)
  if (typeof value !== 'string' || value.trim() === '') throw new ApiFault('badRequest', `Missing ${field} attribute: ${what} is required.`)
  return value
}

/** An optional string field (numbers are accepted as their text), or badRequest for other types. */
export function optionalString(object: Record<string, unknown>, field: string): string | undefined {
  const value = object[field]
  if (value === undefined || value === null) return undefined
  if (typeof value === 'string') return value
  if (typeof value === 'number') return String(value)
  throw new ApiFault('badRequest', `Invalid ${field}: expected a string.`)
}

/** The last path segment of a reference that may be a full URL (001 Example 1.10). */
export function refId(reference: string): string {
  const trimmed = reference.replace(/\/+$/, '')
  return trimmed.slice(trimmed.lastIndexOf('/') + 1)
}
