import type { Dialect } from './operation-catalog.js'
import type { BodyFormat } from './resolve-operation.js'

/** The cassette format version this build reads and writes. */
export const CASSETTE_VERSION = 1

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue }

/**
 * A stored body. Bodies stay readable: JSON as a JSON value, XML as its original text (replayed
 * byte for byte, matched after parsing), other text as text, and only binary as base64.
 */
export type StoredBody =
  | { readonly kind: 'json'; readonly json: JsonValue; readonly truncated?: TruncationMark }
  | { readonly kind: 'xml'; readonly text: string; readonly truncated?: TruncationMark }
  | { readonly kind: 'text'; readonly text: string; readonly truncated?: TruncationMark }
  | { readonly kind: 'base64'; readonly base64: string; readonly truncated?: TruncationMark }

export type BodyKind = StoredBody['kind']

/** Present when a body went over the recording size cap: what was kept is a prefix. */
export interface TruncationMark {
  readonly originalBytes: number
  readonly keptBytes: number
}

/** Header names are lowercase and sorted; only headers that matter for replay are kept. */
export type StoredHeaders = Readonly<Record<string, string>>

export interface RecordedRequest {
  readonly method: string
  /**
   * The upstream origin, normalized: `https://identity.example.com` style placeholders stand for
   * the real hosts, one per real host per cassette.
   */
  readonly origin: string
  /** The path as sent, with ids, tenant and secrets replaced by placeholders; no query. */
  readonly path: string
  /** Query parameters in the order sent, normalized like the path. */
  readonly query: ReadonlyArray<readonly [string, string]>
  readonly headers: StoredHeaders
  readonly body: StoredBody | null
}

export interface RecordedResponse {
  readonly status: number
  readonly headers: StoredHeaders
  readonly body: StoredBody | null
}

export const TRANSPORT_FAULT_KINDS = ['refused', 'reset', 'timeout', 'truncated', 'invalid-response'] as const
export type TransportFaultKind = (typeof TRANSPORT_FAULT_KINDS)[number]

/** A failure between proxy and upstream, recorded so replay can reproduce it. */
export interface TransportFault {
  readonly kind: TransportFaultKind
  readonly message: string
}

/** One request and its answer, keyed by the documented operation it is. */
export interface Interaction {
  /** Sequential from 1 in recorded order. */
  readonly id: number
  /** Operation key (`servers.action.reboot`) or a fallback key (`unknown:GET:/v2/{tenant_id}/x`). */
  readonly operation: string
  readonly documented: boolean
  /** Path parameters by template name, normalized. */
  readonly params: Readonly<Record<string, string>>
  /** 0 for the first interaction with this operation and params, 1 for the next, ... */
  readonly occurrence: number
  readonly dialect: Dialect
  /** The format the client asked for (URL suffix, Accept, body type). */
  readonly format: BodyFormat
  readonly request: RecordedRequest
  /** The upstream's answer as the client saw it (null when a transport fault came instead). */
  readonly response: RecordedResponse | null
  readonly transportFault?: TransportFault
  readonly timing?: { readonly durationMs: number }
}

/** Where a library cassette came from and what was repaired in the documents' example. */
export interface CassetteSource {
  readonly document: string
  readonly section: string
  readonly repairs?: readonly string[]
}

export interface CassetteMeta {
  readonly description?: string
  readonly sources?: readonly CassetteSource[]
  /** Free-form notes: recording tool, client, deviations. */
  readonly notes?: readonly string[]
}

/** One recorded session: an ordered list of interactions. */
export interface Cassette {
  readonly version: typeof CASSETTE_VERSION
  /** The store name, e.g. `servers/boot-reboot-delete`. */
  readonly name: string
  readonly dialect: Dialect
  /** From the injected clock when recorded; library cassettes use their document's date. */
  readonly recordedAt: string
  readonly meta?: CassetteMeta
  readonly interactions: readonly Interaction[]
}

/** A cassette without its interactions. */
export type CassetteHead = Omit<Cassette, 'interactions'>
