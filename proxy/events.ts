import type { CloudtapeError } from '../cassettes/errors.js'
import type { Interaction, TransportFaultKind } from '../cassettes/schema.js'

/** An interaction that went into the cassette (an upstream answer or a transport fault). */
export interface InteractionEvent {
  readonly interaction: Interaction
}

/** In `once` mode: a request answered from the cassette, without reaching the upstream. */
export interface ReplayedEvent {
  readonly interaction: Interaction
}

/** An exchange forwarded and not recorded (`passthrough` mode). */
export interface PassthroughEvent {
  readonly method: string
  /** The absolute upstream URL. */
  readonly url: string
  readonly operation: string
  /** The upstream's status, or null when a transport fault came instead. */
  readonly status: number | null
  readonly transportFault?: TransportFaultKind
}

/** What a `warning` event can be about. */
export const PROXY_WARNING_CODES = ['body-truncated', 'links-not-rewritten', 'refused', 'cassette-unchanged', 'client-aborted'] as const
/** One of PROXY_WARNING_CODES. */
export type ProxyWarningCode = (typeof PROXY_WARNING_CODES)[number]

/** Something the user should know that did not stop the proxy. */
export interface ProxyWarning {
  readonly code: ProxyWarningCode
  readonly message: string
}

/**
 * Events of a {@link RecordingProxy}. `error` carries a CloudtapeError: `ERR_CLOUDTAPE_UPSTREAM`
 * for an upstream failure (also recorded as a transport-fault interaction) and
 * `ERR_CLOUDTAPE_CASSETTE_WRITE` for a failed cassette write. It is emitted only when someone
 * listens, so an unobserved failure never crashes the process; `flush()` and `close()` still
 * reject on a write failure.
 */
export interface RecordingProxyEventMap {
  interaction: [event: InteractionEvent]
  replayed: [event: ReplayedEvent]
  passthrough: [event: PassthroughEvent]
  error: [error: CloudtapeError]
  warning: [warning: ProxyWarning]
}
