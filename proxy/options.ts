import { systemClock, type Clock } from '../cassettes/clock.js'
import { assertOneOf, CloudtapeError } from '../cassettes/errors.js'
import type { NormalizationOptions } from '../cassettes/normalization-rules.js'
import { DIALECTS, type Dialect } from '../cassettes/operation-catalog.js'

/** What the proxy does with the cassette. */
export const RECORDING_MODES = ['record', 'once', 'passthrough'] as const
/**
 * `record` overwrites the cassette with this session; `once` answers from the cassette what it
 * already holds and records only what is missing; `passthrough` forwards and writes nothing.
 */
export type RecordingMode = (typeof RECORDING_MODES)[number]

/** Options of {@link createRecordingProxy}. Only `targets` and `cassette` are required. */
export interface RecordingProxyOptions {
  /**
   * Upstream endpoints: an identity endpoint (`https://identity.api.rackspacecloud.com/v2.0`),
   * whose token responses name the compute endpoints, and/or compute endpoints used directly.
   * The first one is served at the proxy's root.
   */
  readonly targets: string | readonly string[]
  /** Cassette file path; `.json` is appended when missing. */
  readonly cassette: string
  /** `host:port`, `port` or `[v6]:port`. Default `127.0.0.1:0` (loopback, a free port). */
  readonly listen?: string
  /** Dialect for the cassette and for the proxy's own fault bodies; detected when absent. */
  readonly dialect?: Dialect
  readonly mode?: RecordingMode
  /** Bodies larger than this are stored truncated, with a marker and a `warning` event. */
  readonly maxBodyBytes?: number
  /** An upstream that stays silent this long gets the client a 504 and a `timeout` fault. */
  readonly upstreamTimeoutMs?: number
  /** Time source for `recordedAt` and durations; tests inject a fake clock. */
  readonly clock?: Clock
  /** Extra normalization and redaction rules for the core's recorder (secret headers, fields, ...). */
  readonly rules?: NormalizationOptions
}

/** Defaults of every optional {@link RecordingProxyOptions} field. */
export const RECORDING_PROXY_DEFAULTS = {
  listen: '127.0.0.1:0',
  mode: 'record',
  maxBodyBytes: 1024 * 1024,
  upstreamTimeoutMs: 30_000,
} as const satisfies Partial<RecordingProxyOptions>

/** Options after validation: targets parsed, listen split, defaults applied. */
export interface ValidatedProxyOptions {
  readonly targets: readonly URL[]
  readonly cassettePath: string
  readonly host: string
  readonly port: number
  readonly dialect: Dialect | undefined
  readonly mode: RecordingMode
  readonly maxBodyBytes: number
  readonly upstreamTimeoutMs: number
  readonly clock: Clock
  readonly rules: NormalizationOptions | undefined
}

/**
 * Checks every option before anything listens, failing with `ERR_CLOUDTAPE_INVALID_OPTION` and a
 * message that names the valid values.
 */
export function validateProxyOptions(options: RecordingProxyOptions): ValidatedProxyOptions {
  if (options === null || typeof options !== 'object') {
    throw invalid('Invalid recording proxy options: expected an object with at least { targets, cassette }.')
  }
  const mode = options.mode ?? RECORDING_PROXY_DEFAULTS.mode
  assertOneOf('mode', mode, RECORDING_MODES)
  if (options.dialect !== undefined) assertOneOf('dialect', options.dialect, DIALECTS)
  const { host, port } = parseListen(options.listen ?? RECORDING_PROXY_DEFAULTS.listen)
  return {
    targets: parseTargets(options.targets),
    cassettePath: cassettePath(options.cassette),
    host,
    port,
    dialect: options.dialect,
    mode,
    maxBodyBytes: positiveInteger('maxBodyBytes', options.maxBodyBytes, RECORDING_PROXY_DEFAULTS.maxBodyBytes),
    upstreamTimeoutMs: positiveInteger('upstreamTimeoutMs', options.upstreamTimeoutMs, RECORDING_PROXY_DEFAULTS.upstreamTimeoutMs),
    clock: options.clock ?? systemClock,
    rules: options.rules,
  }
}

const TARGET_EXAMPLE = 'an absolute http(s) URL such as https://identity.api.rackspacecloud.com/v2.0 or https://dfw.servers.api.rackspacecloud.com/v2/010101'

function parseTargets(targets: RecordingProxyOptions['targets'] | undefined): URL[] {
  const list = typeof targets === 'string' ? [targets] : targets
  if (!Array.isArray(list) || list.length === 0) {
    throw invalid(`No target given. Pass at least one target: ${TARGET_EXAMPLE}.`)
  }
  return list.map((target: unknown) => {
    const url = typeof target === 'string' && URL.canParse(target) ? new URL(target) : null
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.username || url.password) {
      throw invalid(`Invalid target ${JSON.stringify(target)}. Expected ${TARGET_EXAMPLE} (no credentials in the URL).`)
    }
    return url
  })
}

function cassettePath(path: unknown): string {
  if (typeof path !== 'string' || path.trim() === '' || path.includes('\0')) {
    throw invalid(`Invalid cassette ${JSON.stringify(path)}. Expected a file path such as cassettes/boot-reboot-delete.json.`)
  }
  return /\.json$/i.test(path) ? path : `${path}.json`
}

const LISTEN_FORMS = 'host:port (127.0.0.1:0), a port (8080) or [v6]:port ([::1]:0)'

/** Parses `host:port`, `port` or `[v6]:port`; port 0 means a free port. */
export function parseListen(listen: string): { host: string; port: number } {
  const match = /^(?:(?:\[([0-9a-f:.]+)\]|([\w.-]+)):)?(\d{1,5})$/i.exec(String(listen).trim())
  const port = match ? Number(match[3]) : NaN
  if (!match || port > 65535) {
    throw invalid(`Invalid listen address ${JSON.stringify(listen)}. Expected ${LISTEN_FORMS}.`)
  }
  return { host: match[1] ?? match[2] ?? '127.0.0.1', port }
}

function positiveInteger(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw invalid(`Invalid ${name} ${JSON.stringify(value)}. Expected a positive integer (default ${fallback}).`)
  }
  return value
}

function invalid(message: string): CloudtapeError {
  return new CloudtapeError('ERR_CLOUDTAPE_INVALID_OPTION', message)
}
