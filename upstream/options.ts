import { CloudtapeError, assertOneOf, systemClock, type Clock } from '../cassettes/index.js'
import { UPSTREAM_DIALECTS, getProfile, type DialectProfile, type UpstreamDialect } from './dialects/profile.js'
import type { SwitchOptions } from './switches.js'

/** The account's credentials; any left out come from the seed (the username from the dialect). */
export interface FakeCloudCredentials {
  readonly username: string
  readonly password: string
  /** Rackspace `RAX-KSKEY:apiKeyCredentials`. */
  readonly apiKey: string
  /** HP `apiAccessKeyCredentials`. */
  readonly accessKey: string
  readonly secretKey: string
}

/** Options of `startFakeCloud`; every one has a default (see DEFAULTS). */
export interface FakeCloudOptions {
  readonly dialect?: UpstreamDialect
  /** Seeds every secret, id and address: the same seed gives the same values. */
  readonly seed?: number | string
  /** Drives timestamps, the Date header, token expiry and `slow` switches. */
  readonly clock?: Clock
  /** Address to listen on (loopback by default). */
  readonly host?: string
  /** Region names, one compute server each. Default: DFW and ORD (rackspace), region-a/b.geo-1 (hp). */
  readonly regions?: readonly string[]
  /** GET polls a new server answers BUILD to before it is ACTIVE. */
  readonly buildPolls?: number
  /** GET polls a server (or image) stays in a transitional state after an action. */
  readonly actionPolls?: number
  readonly credentials?: Partial<FakeCloudCredentials>
  /** ACTIVE servers each region holds at start (for list and pagination tests, benchmarks). */
  readonly initialServers?: number
  /** The request log keeps the latest this many requests (0 keeps none). */
  readonly requestLogLimit?: number
  /** Request bodies larger than this get a 413. */
  readonly maxBodyBytes?: number
  readonly switches?: readonly SwitchOptions[]
}

/** Defaults of every option, in one place. */
export const DEFAULTS = {
  dialect: 'rackspace',
  seed: 1,
  host: '127.0.0.1',
  buildPolls: 3,
  actionPolls: 1,
  initialServers: 0,
  requestLogLimit: 10_000,
  maxBodyBytes: 1024 * 1024,
} as const

/** Options with defaults applied and values checked. */
export interface ResolvedOptions {
  readonly profile: DialectProfile
  readonly seed: number | string
  readonly clock: Clock
  readonly host: string
  readonly regions: readonly string[]
  readonly buildPolls: number
  readonly actionPolls: number
  readonly credentials: Partial<FakeCloudCredentials>
  readonly initialServers: number
  readonly requestLogLimit: number
  readonly maxBodyBytes: number
  readonly switches: readonly SwitchOptions[]
}

/** Applies defaults and fails fast, naming the valid values, on a bad option. */
export function resolveOptions(options: FakeCloudOptions = {}): ResolvedOptions {
  const dialect = options.dialect ?? DEFAULTS.dialect
  assertOneOf('fake cloud dialect', dialect, UPSTREAM_DIALECTS)
  const profile = getProfile(dialect)
  const regions = options.regions ?? profile.regions
  assertRegions(regions)
  return {
    profile,
    seed: options.seed ?? DEFAULTS.seed,
    clock: options.clock ?? systemClock,
    host: options.host ?? DEFAULTS.host,
    regions,
    buildPolls: count('buildPolls', options.buildPolls, DEFAULTS.buildPolls),
    actionPolls: count('actionPolls', options.actionPolls, DEFAULTS.actionPolls),
    credentials: options.credentials ?? {},
    initialServers: count('initialServers', options.initialServers, DEFAULTS.initialServers),
    requestLogLimit: count('requestLogLimit', options.requestLogLimit, DEFAULTS.requestLogLimit),
    maxBodyBytes: count('maxBodyBytes', options.maxBodyBytes, DEFAULTS.maxBodyBytes),
    switches: options.switches ?? [],
  }
}

function count(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback
  if (Number.isInteger(value) && value >= 0) return value
  throw new CloudtapeError('ERR_CLOUDTAPE_INVALID_OPTION', `Invalid fake cloud option ${name}: ${String(value)}. Expected a whole number of at least 0.`)
}

function assertRegions(regions: readonly string[]): void {
  const valid = regions.length > 0 && regions.every((region) => /^[\w.-]{1,64}$/.test(region) && region !== 'identity')
  if (valid && new Set(regions).size === regions.length) return
  throw new CloudtapeError(
    'ERR_CLOUDTAPE_INVALID_OPTION',
    `Invalid fake cloud regions ${JSON.stringify(regions)}. Expected one or more distinct names of letters, digits, dots and dashes (not "identity"), e.g. ["DFW", "ORD"].`,
  )
}
