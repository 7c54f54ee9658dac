import type { FaultRuleSpec, RateUnit, RetryAfterFormat } from './types.js'

/** One rate limit: at most `value` requests of `verb` to paths matching `regex` per `unit`. */
export interface RateLimit {
  readonly verb: string
  /** The human-readable URI of the table (`*`, `/servers`). */
  readonly uri: string
  /** Tested against the path inside the account's root (001 §1.8.1: `^` anchors after `/v2/{tenant_id}`). */
  readonly regex: string
  readonly value: number
  readonly unit: RateUnit
}

/**
 * The default rate limits of 001 Table 1.3 ("Default Rate Limits", §1.8.1). Every limit that
 * matches a request counts it; the request gets overLimit when any of them is exhausted.
 *
 * @note The document's regexes (Example 1.23) are garbled by the PDF dump, so these are written
 * from the table's URI column with 001 §1.8.1's rule that `^` anchors after the account root.
 */
export const DEFAULT_RATE_LIMITS: readonly RateLimit[] = [
  { verb: 'GET', uri: '*', regex: '^/', value: 100, unit: 'minute' },
  { verb: 'GET', uri: '/os-networksv2', regex: '^/os-networksv2(?:/|$)', value: 0, unit: 'minute' },
  { verb: 'GET', uri: '/servers', regex: '^/servers(?:/|$)', value: 1000, unit: 'day' },
  { verb: 'POST', uri: '*', regex: '^/', value: 100, unit: 'minute' },
  { verb: 'POST', uri: '/os-networksv2', regex: '^/os-networksv2(?:/|$)', value: 0, unit: 'day' },
  { verb: 'POST', uri: '/servers', regex: '^/servers(?:/|$)', value: 1000, unit: 'day' },
]

/** How rateLimitRules states Retry-After and names its rules. */
export interface RateLimitRuleOptions {
  readonly retryAfterFormat?: RetryAfterFormat
  /** Rule ids are `<prefix>-1`, `<prefix>-2`, ... Default `rate-limit`. */
  readonly idPrefix?: string
}

/**
 * Rules that answer overLimit (with Retry-After, and retryAt in rackspace) to the requests beyond
 * each limit, on the injector's clock. Identity requests (`/v2.0/tokens`) are not compute calls
 * and are never limited.
 *
 * @example
 * createFaultInjector({ rules: rateLimitRules(), clock })
 */
export function rateLimitRules(limits: readonly RateLimit[] = DEFAULT_RATE_LIMITS, options: RateLimitRuleOptions = {}): FaultRuleSpec[] {
  const prefix = options.idPrefix ?? 'rate-limit'
  return limits.map((limit, index) => ({
    id: `${prefix}-${index + 1}`,
    match: { operation: '!identity.*', method: limit.verb, path: limit.regex },
    when: { rate: { limit: limit.value, unit: limit.unit } },
    fault: {
      kind: 'fault',
      name: 'overLimit',
      message: 'This request was rate-limited.',
      details: `Only ${limit.value} ${limit.verb} request(s) per ${limit.unit} are allowed on ${limit.uri}.`,
      ...(options.retryAfterFormat === undefined ? {} : { retryAfterFormat: options.retryAfterFormat }),
    },
  }))
}
