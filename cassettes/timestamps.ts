import { NORMALIZED_EXPIRY, NORMALIZED_TIME } from './placeholders.js'

const ISO = /^(\d{4}-\d{2}-\d{2})(?:([T ])(\d{2}:\d{2}(?::\d{2})?)(\.\d+)?(Z|[+-]\d{2}:?\d{2})?)?$/
const HTTP_DATE = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/
const HTTP_DATES: Readonly<Record<string, string>> = { [NORMALIZED_TIME.date]: 'Sat, 01 Jan 2000 00:00:00 GMT', [NORMALIZED_EXPIRY.date]: 'Thu, 01 Jan 2099 00:00:00 GMT' }

/** True for an ISO 8601 date or date-time, or an HTTP date (RFC 9110). */
export function isTimestamp(value: string): boolean {
  return ISO.test(value) || HTTP_DATE.test(value)
}

/**
 * Rewrites a timestamp to the given instant in the same format: the same separator, number of
 * fraction digits and zone notation, so a client parses it the way it parsed the real one.
 * Anything that is not a timestamp comes back unchanged.
 */
function rewriteTimestamp(value: string, instant: { readonly date: string; readonly time: string }): string {
  if (HTTP_DATE.test(value)) return HTTP_DATES[instant.date] ?? value
  const match = ISO.exec(value)
  if (!match) return value
  const [, , separator, time, fraction, zone] = match
  if (separator === undefined || time === undefined) return instant.date
  const clock = time.length === 5 ? instant.time.slice(0, 5) : instant.time
  const zeros = fraction === undefined ? '' : '.' + '0'.repeat(fraction.length - 1)
  return `${instant.date}${separator}${clock}${zeros}${zone ?? ''}`
}

/** A volatile timestamp becomes 2000-01-01T00:00:00 in its own format. */
export function fixedTime(value: string): string {
  return rewriteTimestamp(value, NORMALIZED_TIME)
}

/** A token expiry becomes 2099-01-01T00:00:00 in its own format: far enough that clients keep the token. */
export function expiryTime(value: string): string {
  return rewriteTimestamp(value, NORMALIZED_EXPIRY)
}

/** The default of a user's volatile rule: the fixed time for timestamps, "volatile" for anything else. */
export function defaultVolatileValue(value: string): string {
  return isTimestamp(value) ? fixedTime(value) : 'volatile'
}
