import type { BaseImageData, DialectProfile } from './dialects/profile.js'
import type { SeededRandom } from './random.js'
import type { ServerStatus, Transitioning } from './server-lifecycle.js'

/** One address of a server on a network. */
export interface AddressEntry {
  readonly version: 4 | 6
  readonly addr: string
  /** hp: OS-EXT-IPS-MAC:mac_addr */
  readonly mac?: string
}

/** Network label → addresses, in the order the API prints them. */
export type AddressBook = ReadonlyMap<string, readonly AddressEntry[]>

/** The asynchronous fault embedded in a server or image in ERROR (001 §1.11.2). */
export interface EmbeddedFault {
  readonly code: number
  readonly created: string
  readonly message: string
  readonly details: string
}

/** A server as the fake cloud keeps it. */
export interface ServerRecord extends Transitioning<ServerStatus> {
  readonly id: string
  /** Creation order across the whole cloud: the tie-break when created times are equal. */
  readonly seq: number
  name: string
  imageId: string
  flavorId: string
  /** The flavor before a resize, until it is confirmed or reverted. */
  resizedFrom: string | null
  readonly created: number
  readonly hostId: string
  metadata: Map<string, string>
  readonly addresses: AddressBook
  accessIPv4: string
  accessIPv6: string
  /** The access addresses the server gets once ACTIVE, unless the client set its own. */
  readonly plannedAccess: { readonly v4: string; readonly v6: string }
  readonly diskConfig: 'AUTO' | 'MANUAL'
  readonly keyName: string | null
  readonly securityGroups: readonly string[]
  readonly availabilityZone: string
  fault: EmbeddedFault | null
}

/** Image statuses (001 §2.6.1). */
export const IMAGE_STATUSES = ['SAVING', 'ACTIVE', 'ERROR', 'DELETED'] as const
/** An image status. */
export type ImageStatus = (typeof IMAGE_STATUSES)[number]

/** An image (base or snapshot) as the fake cloud keeps it. */
export interface ImageRecord extends Transitioning<ImageStatus> {
  readonly id: string
  readonly seq: number
  readonly name: string
  readonly created: number
  readonly minDisk: number
  readonly minRam: number
  readonly diskConfig: 'AUTO' | 'MANUAL'
  readonly size: number | null
  metadata: Map<string, string>
  /** Snapshots name the server they were made from; base images have none. */
  readonly serverId: string | null
  readonly type: 'base' | 'snapshot'
  fault: EmbeddedFault | null
}

/** One region's compute: its own servers and images, behind its own origin. */
export interface RegionState {
  readonly name: string
  readonly origin: string
  readonly servers: Map<string, ServerRecord>
  readonly images: Map<string, ImageRecord>
}

/** Base images, with seeded ids shared by every region (as the provider's public images are). */
export function createBaseImages(profile: DialectProfile, random: SeededRandom): ImageRecord[] {
  return profile.images.map((image, index) => baseImageRecord(image, index, random))
}

function baseImageRecord(image: BaseImageData, index: number, random: SeededRandom): ImageRecord {
  return {
    id: random.stream('base-image', index).uuid(),
    seq: -1 - index,
    name: image.name,
    created: Date.parse(image.created),
    updated: Date.parse(image.updated),
    minDisk: image.minDisk,
    minRam: image.minRam,
    diskConfig: image.diskConfig ?? 'AUTO',
    size: image.size ?? null,
    metadata: new Map(Object.entries(image.metadata)),
    serverId: null,
    type: 'base',
    status: 'ACTIVE',
    transition: null,
    fault: null,
  }
}

/** A region's state, starting with its own copy of the base images. */
export function createRegionState(name: string, origin: string, baseImages: readonly ImageRecord[]): RegionState {
  const images = new Map<string, ImageRecord>()
  for (const image of baseImages) images.set(image.id, { ...image, metadata: new Map(image.metadata) })
  return { name, origin, servers: new Map(), images }
}

/** Newest first, as the API sorts collections (001 §1.6); equal times fall back to creation order. */
export function newestFirst<T extends { readonly created: number; readonly seq: number }>(items: Iterable<T>): T[] {
  return [...items].sort((a, b) => b.created - a.created || b.seq - a.seq)
}
