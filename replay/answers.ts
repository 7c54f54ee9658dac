import { renderFault } from '../cassettes/index.js'
import type { BodyFormat, Dialect, Interaction, TransportFault } from '../cassettes/index.js'
import { encodeStoredBody } from '../cassettes/index.js'
import type { FaultDecision, FaultResponse } from './faults/index.js'
import type { NoMatchError } from './miss-report.js'
import type { ReplayRoutes } from './routes.js'

/** Where an answer came from, for the request log. */
export type AnswerSource = 'interaction' | 'identity' | 'fault' | 'miss'

/** A complete HTTP answer. Header names are lowercase; engines set content-length. */
export interface ReplayResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: Buffer
}

/** What the session tells an engine to do with a request; `delayMs` (a latency rule) comes first. */
export type ReplayAnswer = ReplayAnswerKind & { readonly delayMs?: number }

type ReplayAnswerKind =
  /**
   * A fault rule answered before matching. Servers pass it to sendFaultDecision(); `recorded` is
   * the matched answer a truncate rule cuts short (null: none matched).
   */
  | { readonly kind: 'fault'; readonly decision: FaultDecision; readonly recorded: FaultResponse | null }
  | { readonly kind: 'response'; readonly source: AnswerSource; readonly response: ReplayResponse; readonly interaction: Interaction | null }
  /** The recording saw a transport failure here (reset, timeout, ...): reproduce it. */
  | { readonly kind: 'transport'; readonly fault: TransportFault; readonly interaction: Interaction }
  /** Unmatched, mode warn or passthrough: send it to the recorded origin. */
  | { readonly kind: 'passthrough'; readonly url: string }
  /**
   * Unmatched, mode error. In-process engines fail the request with `error`; the server sends
   * `response` (a documented notImplemented fault carrying the report).
   */
  | { readonly kind: 'miss'; readonly error: NoMatchError; readonly response: ReplayResponse }

// Hop-by-hop and encoding headers describe the recorded wire, not the bytes replay sends.
const DROPPED_HEADERS = new Set(['content-length', 'transfer-encoding', 'content-encoding', 'connection', 'keep-alive'])
const URL_HEADERS = ['location', 'content-location', 'x-server-management-url']

/** The recorded response as bytes, URLs rewritten to the replay origin. */
export function recordedResponse(interaction: Interaction, routes: ReplayRoutes, body?: Buffer): ReplayResponse {
  const recorded = interaction.response
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(recorded?.headers ?? {})) {
    if (DROPPED_HEADERS.has(name)) continue
    headers[name] = routes.rewrites && URL_HEADERS.includes(name) ? routes.rewrite(value) : value
  }
  let bytes = body ?? encodeStoredBody(recorded?.body ?? null)
  if (routes.rewrites && recorded?.body && recorded.body.kind !== 'base64') bytes = Buffer.from(routes.rewrite(bytes.toString('utf8')))
  return { status: recorded?.status ?? 502, headers, body: bytes }
}

/** A documented fault as a response, in the dialect and format of the request. */
export function faultResponse(name: string, dialect: Dialect, format: BodyFormat, message?: string, details?: string): ReplayResponse {
  const fault = renderFault({ name, dialect, format, ...(message === undefined ? {} : { message }), ...(details === undefined ? {} : { details }) })
  return { status: fault.status, headers: { 'content-type': fault.contentType }, body: Buffer.from(fault.body) }
}

const FAULT_VIEWS = new WeakMap<ReplayResponse, FaultResponse>()

/** A response as the fault injector reads it (text body); built once per recorded response. */
export function faultView(response: ReplayResponse): FaultResponse {
  let view = FAULT_VIEWS.get(response)
  if (!view) FAULT_VIEWS.set(response, (view = { status: response.status, headers: response.headers, body: response.body.toString('utf8') }))
  return view
}

/** The bytes of a response the injector returned. */
export function fromFaultView(view: FaultResponse): ReplayResponse {
  return { status: view.status, headers: view.headers, body: Buffer.from(view.body, 'utf8') }
}
