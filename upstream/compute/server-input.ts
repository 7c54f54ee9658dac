import { ApiFault } from '../http/api-fault.js'
import { isRecord } from '../is-record.js'
import type { NewServer } from '../server-factory.js'
import { readMetadata } from './metadata-input.js'
import { bodyObject, optionalString, refId, requiredString, type ComputeRequest } from './request.js'

const DISK_CONFIGS = ['AUTO', 'MANUAL'] as const

/**
 * Reads and checks a create-server body (001 Table 2.2, 003 §4.4.1.6): the image and flavor must
 * exist, metadata and personality stay within the account's absolute limits.
 */
export function readNewServer(request: ComputeRequest): NewServer {
  const server = bodyObject(request, 'server')
  const name = requiredString(server, 'name', 'the server name')
  const imageId = checkImage(request, refId(requiredString(server, 'imageRef', 'an image reference')))
  const flavorId = checkFlavor(request, refId(requiredString(server, 'flavorRef', 'a flavor reference')))
  const limits = request.runtime.profile.limits
  checkPersonality(server['personality'], limits.maxPersonality, limits.maxPersonalitySize)
  const accessIPv4 = optionalString(server, 'accessIPv4')
  const accessIPv6 = optionalString(server, 'accessIPv6')
  const adminPass = optionalString(server, 'adminPass')
  return {
    name,
    imageId,
    flavorId,
    metadata: readMetadata(server['metadata'], limits.maxServerMeta, 'metadata'),
    networks: readNetworks(server['networks']),
    diskConfig: readDiskConfig(server, request.region.images.get(imageId)?.diskConfig ?? 'AUTO'),
    keyName: optionalString(server, 'key_name') ?? null,
    securityGroups: readSecurityGroups(server['security_groups']),
    ...(accessIPv4 !== undefined ? { accessIPv4 } : {}),
    ...(accessIPv6 !== undefined ? { accessIPv6 } : {}),
    ...(adminPass !== undefined ? { adminPass } : {}),
  }
}

/** An image id that names an ACTIVE image of the region, or badRequest. */
export function checkImage(request: ComputeRequest, imageId: string): string {
  const image = request.region.images.get(imageId)
  if (!image || image.status !== 'ACTIVE') throw new ApiFault('badRequest', `Invalid imageRef provided: image ${imageId} could not be found or is not ACTIVE.`)
  return imageId
}

/** A flavor id the dialect offers, or badRequest. */
export function checkFlavor(request: ComputeRequest, flavorId: string): string {
  if (!request.runtime.profile.flavors.some((flavor) => flavor.id === flavorId)) {
    throw new ApiFault('badRequest', `Invalid flavorRef provided: flavor ${flavorId} could not be found.`)
  }
  return flavorId
}

/** OS-DCF:diskConfig (001 §3.2), defaulting to the image's. */
export function readDiskConfig(object: Record<string, unknown>, fallback: 'AUTO' | 'MANUAL'): 'AUTO' | 'MANUAL' {
  const value = object['OS-DCF:diskConfig'] ?? object['diskConfig']
  if (value === undefined) return fallback
  if (value === 'AUTO' || value === 'MANUAL') return value
  throw new ApiFault('badRequest', `Invalid OS-DCF:diskConfig ${JSON.stringify(value)}. Expected one of: ${DISK_CONFIGS.join(', ')}.`)
}

function readNetworks(value: unknown): string[] | null {
  if (value === undefined || value === null) return null
  if (!Array.isArray(value)) throw new ApiFault('badRequest', 'Malformed request body: networks must be a list of {"uuid": "..."}.')
  return value.map((network) => {
    const uuid = isRecord(network) ? network['uuid'] : undefined
    if (typeof uuid !== 'string' || uuid === '') throw new ApiFault('badRequest', 'Malformed request body: every network needs a uuid.')
    return uuid
  })
}

function readSecurityGroups(value: unknown): string[] {
  if (value === undefined || value === null) return ['default']
  if (!Array.isArray(value)) throw new ApiFault('badRequest', 'Malformed request body: security_groups must be a list of {"name": "..."}.')
  return value.map((group) => (isRecord(group) && typeof group['name'] === 'string' ? group['name'] : 'default'))
}

/** Personality files: at most maxPersonality, each at most maxPersonalitySize decoded bytes (001 §2.1.2.3). */
export function checkPersonality(value: unknown, maxFiles: number, maxBytes: number): void {
  if (value === undefined || value === null) return
  if (!Array.isArray(value)) throw new ApiFault('badRequest', 'Malformed request body: personality must be a list of {"path", "contents"}.')
  if (value.length > maxFiles) throw new ApiFault('overLimit', `Personality file limit exceeded: at most ${maxFiles} files.`)
  for (const file of value) {
    const path = isRecord(file) ? file['path'] : undefined
    const contents = isRecord(file) ? file['contents'] : undefined
    if (typeof path !== 'string' || path === '' || Buffer.byteLength(path) > 255 || typeof contents !== 'string') {
      throw new ApiFault('badRequest', 'Malformed request body: every personality file needs a path (at most 255 bytes) and base64 contents.')
    }
    if (Buffer.from(contents, 'base64').length > maxBytes) throw new ApiFault('overLimit', `Personality content too long: at most ${maxBytes} bytes per file.`)
  }
}
