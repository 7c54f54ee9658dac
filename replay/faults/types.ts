import type { BodyFormat } from '../../cassettes/resolve-operation.js'
import type { Dialect } from '../../cassettes/operation-catalog.js'
import type { Clock } from '../../cassettes/clock.js'

/** What the injector needs to know about a request (build one with `toFaultRequest`). */
export interface FaultRequest {
  readonly method: string
  /** Operation key (`servers.action.reboot`) or a fallback key (`unknown:GET:/v2/{tenant_id}/x`). */
  readonly operation: string
  readonly params: Readonly<Record<string, string>>
  /** The format the client asked for: faults answer in it (Nova always answers JSON). */
  readonly format: BodyFormat
  /** The resolved path: no mount prefix, query or `.json`/`.xml` suffix, e.g. `/v2/010101/servers`. */
  readonly path: string
  readonly query: ReadonlyArray<readonly [string, string]>
  /** Lowercase header names. */
  readonly headers: Readonly<Record<string, string | undefined>>
}

/** A complete HTTP answer: what a fault renders and what `transformResponse` reads and returns. */
export interface FaultResponse {
  readonly status: number
  /** Lowercase header names. Content-Length is left to the sender. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/** Which requests a rule applies to. Every field left out matches everything. */
export interface FaultMatch {
  /** Operation key or glob: `servers.create`, `servers.action.*`, `*` (`*` spans dots); `!glob` negates. */
  readonly operation?: string
  /** HTTP method(s), case-insensitive. */
  readonly method?: string | readonly string[]
  /** Path parameter values by template name (`server_id`); a value may be a glob. */
  readonly params?: Readonly<Record<string, string>>
  /**
   * A regular expression tested against the path inside the account's root (after
   * `/v2/{tenant_id}`), the way 001 §1.8.1 states rate-limit URIs: `^/servers`.
   */
  readonly path?: string
}

/** Time units of rate limits (001 Table 1.3 uses minute and day). */
export const RATE_UNITS = ['second', 'minute', 'hour', 'day'] as const
/** A rate-limit unit. */
export type RateUnit = (typeof RATE_UNITS)[number]

/**
 * When a matching request gets the fault. Every condition given must hold; they are evaluated in
 * this order (ARCHITECTURE.md "Fault rules"): time (`after`, `at`) → occurrence (`nth`, `every`,
 * `times`, `from`, counted over the requests that passed the time conditions) → `rate` →
 * probability `p` → `max`. Nothing given: every matching request.
 */
export interface FaultWhen {
  /** Only the nth matching request (1-based). */
  readonly nth?: number
  /** Every k-th matching request: k, 2k, 3k, ... */
  readonly every?: number
  /** The first n matching requests. */
  readonly times?: number
  /** The nth matching request and every one after it (an async ERROR after n polls is `from: n + 1`). */
  readonly from?: number
  /** Milliseconds after the rule was added (or the injector reset); or a duration text such as `30s`. */
  readonly after?: number | string
  /** From this time on (epoch ms or an ISO date), on the injector's clock. */
  readonly at?: number | string
  /** At most `limit` requests per `unit`; the ones beyond get the fault with a matching Retry-After. */
  readonly rate?: { readonly limit: number; readonly unit: RateUnit }
  /** Probability in [0, 1], drawn from a seeded PRNG (the rule's `seed`, else one derived from the injector's). */
  readonly p?: number
  readonly seed?: number
  /** Fire at most this many times. */
  readonly max?: number
}

/** How overLimit states Retry-After: whole seconds, or an HTTP date (RFC 9110 IMF-fixdate). */
export const RETRY_AFTER_FORMATS = ['seconds', 'http-date'] as const
/** One of RETRY_AFTER_FORMATS. */
export type RetryAfterFormat = (typeof RETRY_AFTER_FORMATS)[number]

/** What happens to a request a rule fires on. */
export type FaultAction =
  | {
      /** A documented fault of faults.tsv (a stand-in replaces it in dialects that lack it). */
      readonly kind: 'fault'
      readonly name: string
      readonly message?: string
      readonly details?: string
      /** Overrides the catalog's status (computeFault is documented as "500, 400, other codes possible"). */
      readonly status?: number
      /** overLimit: seconds until a retry is allowed (default 60; rate rules compute it). */
      readonly retryAfterSeconds?: number
      readonly retryAfterFormat?: RetryAfterFormat
    }
  | {
      /** Any status and body; without a body, the dialect's fault for that status is rendered. */
      readonly kind: 'status'
      readonly status: number
      readonly body?: string
      readonly contentType?: string
      readonly headers?: Readonly<Record<string, string>>
    }
  | { readonly kind: 'latency'; readonly ms: number }
  | { readonly kind: 'reset' }
  | {
      /** Declares the full Content-Length, sends only `keepBytes` (default: half) and closes. */
      readonly kind: 'truncate'
      readonly keepBytes?: number
    }
  | { readonly kind: 'no-answer' }
  | {
      /** Async: the polled server or image shows status ERROR with an embedded fault object. */
      readonly kind: 'error-state'
      /** In a detail list body, only the server or image with this id (every entry when absent). */
      readonly resourceId?: string
      readonly code?: number
      readonly message?: string
      readonly details?: string
    }
  | {
      /** Async: a create whose recorded answer is replaced by a 500 although the server exists. */
      readonly kind: 'false-negative'
      readonly name?: string
      readonly message?: string
      readonly details?: string
    }

/** The kinds of action a rule can take. */
export type FaultActionKind = FaultAction['kind']

/** A rule as the library API, the CLI text and the JSON control API give it. */
export interface FaultRuleSpec {
  /** Unique per injector; `rule-1`, `rule-2`, ... when left out. */
  readonly id?: string
  readonly match?: FaultMatch
  readonly when?: FaultWhen
  readonly fault: FaultAction
}

/** A rule as the injector holds it: with its id and its counts so far. */
export interface FaultRuleInfo {
  readonly id: string
  readonly spec: FaultRuleSpec & { readonly id: string }
  /** Requests the rule's selector matched (its occurrence count). */
  readonly matched: number
  readonly fired: number
  /** For documented faults: the fault rendered in the injector's dialect, when it is a stand-in. */
  readonly renders?: string
}

/** The answer a decision asks the engine to give instead of (or on top of) the recorded one. */
export type FaultAnswer =
  | { readonly kind: 'respond'; readonly response: FaultResponse }
  | { readonly kind: 'reset' }
  | { readonly kind: 'truncate'; readonly keepBytes: number | null }
  | { readonly kind: 'no-answer' }

/** What `decide` says for one request: wait `delayMs`, then give `answer` (null: the recorded answer). */
export interface FaultDecision {
  readonly delayMs: number
  readonly answer: FaultAnswer | null
  /** Ids of the rules that fired, in rule order. */
  readonly rules: readonly string[]
}

/** What a rule did to a request, as the log reports it. */
export const FAULT_EFFECTS = ['answered', 'delayed', 'transformed', 'shadowed', 'skipped'] as const
/** One of FAULT_EFFECTS. */
export type FaultEffect = (typeof FAULT_EFFECTS)[number]

/** One line of the injector's log: which rule fired on which request, and what it did. */
export interface FaultLogEntry {
  /** 1-based number of the request, per injector. */
  readonly request: number
  /** ISO time on the injector's clock. */
  readonly time: string
  readonly rule: string
  readonly method: string
  readonly operation: string
  readonly path: string
  readonly params: Readonly<Record<string, string>>
  /** The rule's occurrence count at this request. */
  readonly occurrence: number
  readonly effect: FaultEffect
  /** What was sent, e.g. `overLimit 413`, `reset`, `latency 1500 ms`, `error-state 500`. */
  readonly what: string
  /** The fault the rule asked for, when a stand-in was rendered instead. */
  readonly standInFor?: string
  /** Why a transform was skipped. */
  readonly reason?: string
}

/** Options of createFaultInjector (defaults in FAULT_INJECTOR_DEFAULTS). */
export interface FaultInjectorOptions {
  readonly rules?: readonly FaultRuleSpec[]
  /** The dialect faults are rendered in (a cassette's detected dialect). Default rackspace. */
  readonly dialect?: Dialect
  readonly clock?: Clock
  /** Seeds every probability rule without its own seed. Default 0. */
  readonly seed?: number
  /** How overLimit states Retry-After unless a rule says otherwise. Default seconds. */
  readonly retryAfterFormat?: RetryAfterFormat
  /** Entries kept by `log()`; the oldest are dropped beyond it. Default 1000. */
  readonly logLimit?: number
}

/** Decides, per request, which fault (if any) replaces or alters the answer. */
export interface FaultInjector {
  readonly dialect: Dialect
  /** Evaluated before matching: a decision with an answer is given even when nothing was recorded. */
  decide(request: FaultRequest): FaultDecision | null
  /** Applied to the recorded answer the engine is about to send (async ERROR, false negatives). */
  transformResponse(request: FaultRequest, response: FaultResponse): FaultResponse
  /** Adds a rule at the end of the list; fails with ERR_CLOUDTAPE_FAULT_RULE when it is invalid. */
  add(rule: FaultRuleSpec): FaultRuleInfo
  list(): FaultRuleInfo[]
  /** How many rules there are: what a request path checks before it asks anything else. */
  readonly size: number
  /** False when no rule has this id. */
  remove(id: string): boolean
  /** Removes every rule (and the log). */
  clear(): void
  /** Back to the start: counters, seeded draws, the time origin of `after`, and the log. Rules stay. */
  reset(): void
  log(): FaultLogEntry[]
}
