import { isoSeconds } from '../../cassettes/clock.js'
import { renderFault } from '../../cassettes/fault-catalog.js'
import type { Dialect } from '../../cassettes/operation-catalog.js'
import { faultNameForStatus } from './dialect-faults.js'
import { defaultFaultMessage } from './messages.js'
import type { FaultAction, FaultRequest, FaultResponse, RetryAfterFormat } from './types.js'

/** What rendering a fault needs besides the rule. */
export interface RenderContext {
  readonly dialect: Dialect
  readonly now: number
  readonly request: FaultRequest | null
  readonly retryAfterFormat: RetryAfterFormat
}

/** Retry-After of an overLimit rule that is not a rate rule and names no time. */
export const DEFAULT_RETRY_AFTER_SECONDS = 60

type DocumentedFaultAction = Extract<FaultAction, { kind: 'fault' }>
type StatusAction = Extract<FaultAction, { kind: 'status' }>

/**
 * Renders a documented fault, already resolved to the dialect's name, in the request's format.
 * overLimit carries Retry-After and, in the rackspace dialect, `retryAt` naming the same instant.
 */
export function renderDocumentedFault(
  action: DocumentedFaultAction,
  name: string,
  context: RenderContext,
  retryAfterMs?: number,
): FaultResponse {
  const format = context.request?.format ?? 'json'
  const message = action.message ?? defaultFaultMessage(name, context.dialect, context.request, action.name)
  const base = { name, dialect: context.dialect, format, message, ...(action.status === undefined ? {} : { code: action.status }) }
  if (name !== 'overLimit') {
    const rendered = renderFault({ ...base, ...(action.details === undefined ? {} : { details: action.details }) })
    return { status: rendered.status, headers: { 'content-type': rendered.contentType }, body: rendered.body }
  }
  const retry = retryTime(context.now, retryAfterMs, action.retryAfterSeconds)
  const retryAt = isoSeconds(retry.at)
  const details = action.details ?? (context.dialect === 'nova' ? undefined : `Retry after ${retryAt}.`)
  const rendered = renderFault({ ...base, retryAt, ...(details === undefined ? {} : { details }) })
  const headerFormat = action.retryAfterFormat ?? context.retryAfterFormat
  const header = headerFormat === 'http-date' ? new Date(retry.at).toUTCString() : String(retry.seconds)
  return { status: rendered.status, headers: { 'content-type': rendered.contentType, 'retry-after': header }, body: rendered.body }
}

/**
 * When a retry is allowed: whole seconds from now, and the instant they end, rounded up to a whole
 * second so that Retry-After (seconds or HTTP date) and retryAt (xsd:dateTime) agree.
 */
export function retryTime(now: number, retryAfterMs: number | undefined, seconds: number | undefined): { seconds: number; at: number } {
  const wait = retryAfterMs === undefined ? (seconds ?? DEFAULT_RETRY_AFTER_SECONDS) : Math.ceil(retryAfterMs / 1000)
  return { seconds: wait, at: Math.ceil((now + wait * 1000) / 1000) * 1000 }
}

/** Any status: the given body as is, or without one the dialect's fault for that status. */
export function renderStatus(action: StatusAction, context: RenderContext): FaultResponse {
  if (action.body !== undefined) {
    const contentType = action.contentType ?? guessContentType(action.body)
    return { status: action.status, headers: { 'content-type': contentType, ...lowercaseKeys(action.headers ?? {}) }, body: action.body }
  }
  const name = faultNameForStatus(action.status, context.dialect)
  const rendered = renderFault({
    name,
    dialect: context.dialect,
    format: context.request?.format ?? 'json',
    code: action.status,
    message: defaultFaultMessage(name, context.dialect, context.request),
  })
  return { status: action.status, headers: { 'content-type': rendered.contentType, ...lowercaseKeys(action.headers ?? {}) }, body: rendered.body }
}

function guessContentType(body: string): string {
  const first = body.trimStart()[0]
  if (first === '<') return 'application/xml'
  if (first === '{' || first === '[') return 'application/json'
  return 'text/plain; charset=utf-8'
}

function lowercaseKeys(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]))
}
