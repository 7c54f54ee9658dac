import { CloudtapeError, assertOneOf, faultsForDialect } from '../cassettes/index.js'
import type { UpstreamDialect } from './dialects/profile.js'

/**
 * What a switch does to the requests it fires on:
 * - `slow`: answers after `delayMs`, waited on the injected Clock (a fake clock returns at once).
 * - `hang`: never answers; the socket stays open until the client gives up or the cloud closes.
 * - `resetBeforeHeaders`: resets the connection (TCP RST) before any byte of the answer.
 * - `resetMidBody`: sends the headers and half the body, then resets the connection.
 * - `truncateBody`: announces the full Content-Length, sends half the body and closes (FIN).
 * - `closeKeepAlive`: answers normally, keep-alive and all, then closes the socket.
 * - `invalidResponse`: answers with bytes that are not HTTP.
 * - `compress`: compresses the body (`encoding`) even if the client did not ask for it.
 * - `fault`: answers with a documented fault (`fault`, e.g. overLimit with `retryAfterSeconds`).
 * - `asyncFault`: the server or image the request names turns ERROR with an embedded fault
 *   (`code`, `message`, `details`; 001 §1.11.2), e.g. on the nth GET poll of `servers.get`.
 *
 * `hang` and `resetBeforeHeaders` stop a request before it is processed; the others damage an
 * answer to a request that was.
 */
export const SWITCH_KINDS = [
  'slow',
  'hang',
  'resetBeforeHeaders',
  'resetMidBody',
  'truncateBody',
  'closeKeepAlive',
  'invalidResponse',
  'compress',
  'fault',
  'asyncFault',
] as const
/** What a switch does. */
export type SwitchKind = (typeof SWITCH_KINDS)[number]

/** The kinds that change how the answer travels; at most one applies to a request. */
export const TRANSPORT_SWITCH_KINDS = ['hang', 'resetBeforeHeaders', 'resetMidBody', 'truncateBody', 'closeKeepAlive', 'invalidResponse'] as const
/** A switch that damages how the answer travels. */
export type TransportSwitchKind = (typeof TRANSPORT_SWITCH_KINDS)[number]

/** The content codings the fake cloud can send. */
export const COMPRESS_ENCODINGS = ['gzip', 'deflate'] as const
/** A content coding. */
export type CompressEncoding = (typeof COMPRESS_ENCODINGS)[number]

/** A switch: what it does, which requests it watches, and which of those it fires on. */
export interface SwitchOptions {
  readonly kind: SwitchKind
  /** An operation key or a glob over keys (`servers.action.*`, `identity.tokens.create`). Default: all. */
  readonly operation?: string
  /** `identity` or a region name. Default: every origin. */
  readonly target?: string
  /** Fires only on the nth matching request (1-based), counted from when the switch was set. */
  readonly nth?: number
  /** Fires on the first `times` matching requests. Without `nth` or `times` it fires on every one. */
  readonly times?: number
  /** `slow`: how long to wait, in milliseconds. */
  readonly delayMs?: number
  /** `compress`: the content coding to force. */
  readonly encoding?: CompressEncoding
  /** `fault`: a documented fault of the dialect (overLimit, itemNotFound, serviceUnavailable, ...). */
  readonly fault?: string
  readonly message?: string
  readonly details?: string
  /** `fault` overLimit: the Retry-After delay (and retryAt for rackspace). Default 60. */
  readonly retryAfterSeconds?: number
  /** `asyncFault`: the embedded fault's code. Default 500. */
  readonly code?: number
}

/** A switch that is set: how often it matched and fired; `off()` removes it. */
export interface SwitchHandle {
  readonly options: SwitchOptions
  readonly matched: number
  readonly fired: number
  off(): void
}

/** What the switches decided for one request. */
export interface SwitchDecision {
  readonly delayMs: number
  readonly transport: TransportSwitchKind | null
  readonly compress: CompressEncoding | null
  readonly fault: SwitchOptions | null
  readonly asyncFault: SwitchOptions | null
}

interface ArmedSwitch extends SwitchHandle {
  matched: number
  fired: number
  readonly operationPattern: RegExp | null
}

/** The switches of one fake cloud, evaluated for every request. */
export interface SwitchBoard {
  add(options: SwitchOptions): SwitchHandle
  clear(): void
  list(): readonly SwitchHandle[]
  /** Null when no switch fires (the common, fast path). */
  decide(operation: string, target: string): SwitchDecision | null
}

/** Creates the switch board; `targets` are `identity` and the region names. */
export function createSwitchBoard(dialect: UpstreamDialect, targets: readonly string[]): SwitchBoard {
  const armed: ArmedSwitch[] = []
  const board: SwitchBoard = {
    add: (options) => {
      validateSwitch(options, dialect, targets)
      const entry: ArmedSwitch = {
        options: { ...options },
        matched: 0,
        fired: 0,
        operationPattern: options.operation === undefined ? null : globToRegExp(options.operation),
        off: () => {
          const index = armed.indexOf(entry)
          if (index >= 0) armed.splice(index, 1)
        },
      }
      armed.push(entry)
      return entry
    },
    clear: () => void armed.splice(0, armed.length),
    list: () => [...armed],
    decide: (operation, target) => (armed.length === 0 ? null : decide(armed, operation, target)),
  }
  return board
}

function decide(armed: readonly ArmedSwitch[], operation: string, target: string): SwitchDecision | null {
  let decision: { -readonly [K in keyof SwitchDecision]: SwitchDecision[K] } | null = null
  for (const entry of armed) {
    if (!fires(entry, operation, target)) continue
    decision ??= { delayMs: 0, transport: null, compress: null, fault: null, asyncFault: null }
    const { options } = entry
    if (options.kind === 'slow') decision.delayMs += options.delayMs ?? 0
    else if (options.kind === 'compress') decision.compress ??= options.encoding ?? 'gzip'
    else if (options.kind === 'fault') decision.fault ??= options
    else if (options.kind === 'asyncFault') decision.asyncFault ??= options
    else decision.transport ??= options.kind
  }
  return decision
}

function fires(entry: ArmedSwitch, operation: string, target: string): boolean {
  const { options } = entry
  if (options.target !== undefined && options.target !== target) return false
  if (entry.operationPattern && !entry.operationPattern.test(operation)) return false
  entry.matched += 1
  const fire = options.nth !== undefined ? entry.matched === options.nth : options.times === undefined || entry.fired < options.times
  if (fire) entry.fired += 1
  return fire
}

function globToRegExp(glob: string): RegExp {
  const source = glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')
  return new RegExp(`^${source}$`)
}

function validateSwitch(options: SwitchOptions, dialect: UpstreamDialect, targets: readonly string[]): void {
  assertOneOf('switch kind', options.kind, SWITCH_KINDS)
  if (options.target !== undefined) assertOneOf('switch target', options.target, targets)
  assertCount('nth', options.nth)
  assertCount('times', options.times)
  if (options.kind === 'slow') assertDuration('delayMs', options.delayMs, true)
  if (options.kind === 'compress' && options.encoding !== undefined) assertOneOf('compress encoding', options.encoding, COMPRESS_ENCODINGS)
  if (options.kind === 'fault') {
    const names = faultsForDialect(dialect).map((fault) => fault.name)
    assertOneOf(`fault for the ${dialect} dialect`, options.fault, names)
    assertDuration('retryAfterSeconds', options.retryAfterSeconds, false)
  }
  if (options.code !== undefined && !(Number.isInteger(options.code) && options.code >= 400 && options.code <= 599)) {
    throw new CloudtapeError('ERR_CLOUDTAPE_INVALID_OPTION', `Invalid switch option code: ${String(options.code)}. Expected an HTTP error code from 400 to 599.`)
  }
}

function assertCount(name: string, value: number | undefined): void {
  if (value === undefined || (Number.isInteger(value) && value >= 1)) return
  throw new CloudtapeError('ERR_CLOUDTAPE_INVALID_OPTION', `Invalid switch option ${name}: ${String(value)}. Expected a whole number of at least 1.`)
}

function assertDuration(name: string, value: number | undefined, required: boolean): void {
  if (value === undefined && !required) return
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return
  throw new CloudtapeError('ERR_CLOUDTAPE_INVALID_OPTION', `Invalid switch option ${name}: ${String(value)}. Expected a number of at least 0.`)
}
