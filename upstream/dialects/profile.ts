import type { RandomStream } from '../random.js'
import { HP_PROFILE } from './hp.js'
import { RACKSPACE_PROFILE } from './rackspace.js'

/** The dialects the fake cloud speaks: the Rackspace guide (001) and HP Helion (003). */
export const UPSTREAM_DIALECTS = ['rackspace', 'hp'] as const
/** A dialect the fake cloud speaks. */
export type UpstreamDialect = (typeof UPSTREAM_DIALECTS)[number]

/** A flavor as the documents list it. */
export interface FlavorData {
  readonly id: string
  readonly name: string
  readonly ram: number
  readonly disk: number
  readonly vcpus: number
  /** HP prints an empty string for no swap (003 §4.4.1.34). */
  readonly swap: number | ''
  readonly rxtxFactor: number
  readonly ephemeral?: number
}

/** A provider image as the documents list it. */
export interface BaseImageData {
  readonly name: string
  readonly created: string
  readonly updated: string
  readonly minDisk: number
  readonly minRam: number
  readonly diskConfig?: 'AUTO' | 'MANUAL'
  /** OS-EXT-IMG-SIZE:size (hp). */
  readonly size?: number
  readonly metadata: Readonly<Record<string, string>>
}

/** An extension of the list-extensions answer. */
export interface ExtensionData {
  readonly alias: string
  readonly name: string
  readonly namespace: string
  readonly updated: string
  readonly description: string
}

/** Absolute limits of an account (001 Table 1.4, 003 §4.4.1.4). */
export interface AccountLimits {
  readonly maxServerMeta: number
  readonly maxImageMeta: number
  readonly maxPersonality: number
  readonly maxPersonalitySize: number
  readonly maxTotalInstances: number
  readonly maxTotalRAMSize: number
  readonly maxTotalCores: number
  readonly extra: Readonly<Record<string, number>>
}

/** Everything that differs between the dialects, in one place. */
export interface DialectProfile {
  readonly dialect: UpstreamDialect
  readonly regions: readonly string[]
  readonly username: string
  /** The generic 500 fault root: computeFault (001 §1.11.1) or cloudServersFault (003 §3.11). */
  readonly genericFault: string
  /** A bad pagination marker: itemNotFound (001 §1.6) or badRequest (003 §3.6). */
  readonly badMarkerFault: string
  readonly jsonContentType: string
  readonly xmlContentType: string
  readonly limits: AccountLimits
  readonly flavors: readonly FlavorData[]
  readonly images: readonly BaseImageData[]
  readonly extensions: readonly ExtensionData[]
  tenantId(random: RandomStream): string
  userId(random: RandomStream): string
  tokenId(random: RandomStream): string
}

/** The profile of a dialect. */
export function getProfile(dialect: UpstreamDialect): DialectProfile {
  return dialect === 'hp' ? HP_PROFILE : RACKSPACE_PROFILE
}
