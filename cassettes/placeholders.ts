/**
 * The values the recorder writes in place of real ones. Every form is deterministic (a counter by
 * first appearance), keeps the shape of what it replaces, uses only characters that are safe in
 * JSON, XML text and attributes, header values and URLs, and never equals a well-known value.
 * See ARCHITECTURE.md, "Placeholders".
 */

/** The kinds of secrets the recorder replaces. */
export const SECRET_KINDS = ['token', 'password', 'apiKey', 'adminPass', 'privateKey', 'personality', 'secret'] as const
export type SecretKind = (typeof SECRET_KINDS)[number]

/** The kinds of identifiers the recorder maps. */
export const ID_KINDS = [
  'tenant',
  'user',
  'username',
  'server',
  'image',
  'volume',
  'snapshot',
  'attachment',
  'network',
  'hostId',
  'ip',
  'mac',
  'host',
  'other',
] as const
export type IdKind = (typeof ID_KINDS)[number]

/** Values the API documents as constants: never mapped (001 §2.1.2, the public and ServiceNet networks). */
export const WELL_KNOWN_VALUES: ReadonlySet<string> = new Set([
  '00000000-0000-0000-0000-000000000000',
  '11111111-1111-1111-1111-111111111111',
  'public',
  'private',
])

/** Hex prefix of minted ids ("cassette"), so a reader and `isPlaceholder` can tell them apart. */
const HEX_MARK = 'ca55e77e'

/** A secret placeholder: `REDACTED-token-1`. Numbered per kind so two tokens stay two tokens. */
export function secretPlaceholder(kind: SecretKind, counter: number): string {
  return `REDACTED-${kind}-${counter}`
}

/** A UUID-shaped placeholder, a valid version-4 UUID: `ca55e77e-0000-4000-8000-000000000001`. */
export function uuidPlaceholder(counter: number, upperCase = false): string {
  const value = `${HEX_MARK}-0000-4000-8000-${String(counter).padStart(12, '0')}`
  return upperCase ? value.toUpperCase() : value
}

/** A numeric placeholder of the same length where it fits: nines, then a 3-digit counter (`990001`). */
export function numericPlaceholder(counter: number, length: number): string {
  const tail = String(counter).padStart(3, '0')
  return '9'.repeat(Math.max(1, length - tail.length)) + tail
}

/** A hex placeholder of the same length where it fits: `ca55e77e` + zeros + counter. */
export function hexPlaceholder(counter: number, length: number): string {
  const tail = String(counter)
  if (length >= HEX_MARK.length + tail.length) return HEX_MARK + tail.padStart(length - HEX_MARK.length, '0')
  return 'c' + tail.padStart(Math.max(1, length - 1), '0')
}

/** A username placeholder: `username-1`. */
export function usernamePlaceholder(counter: number): string {
  return `username-${counter}`
}

/** A host placeholder, one per real host and port: `host-1.example.com` (RFC 2606). */
export function hostPlaceholder(counter: number): string {
  return `host-${counter}.example.com`
}

const IPV4_BLOCKS = ['192.0.2.', '198.51.100.', '203.0.113.'] as const

/** An IPv4 placeholder in the documentation ranges (RFC 5737), then the benchmarking range. */
export function ipv4Placeholder(counter: number): string {
  const block = Math.floor((counter - 1) / 254)
  const prefix = IPV4_BLOCKS[block]
  if (prefix !== undefined) return prefix + String(((counter - 1) % 254) + 1)
  const rest = counter - 1 - IPV4_BLOCKS.length * 254
  return `198.${18 + Math.floor(rest / 65_536)}.${Math.floor(rest / 256) % 256}.${rest % 256}`
}

/** An IPv6 placeholder in the documentation prefix 2001:db8::/32 (RFC 3849). */
export function ipv6Placeholder(counter: number): string {
  return `2001:db8::${counter.toString(16)}`
}

/**
 * A MAC address placeholder in the IANA documentation block 00:00:5E:00:53:00/24 (RFC 7042), then
 * locally administered 02:00:5E:xx:xx:xx; the separator and letter case of the original are kept.
 */
export function macPlaceholder(counter: number, separator = ':', upperCase = false): string {
  const bytes = counter <= 255 ? [0x00, 0x00, 0x5e, 0x00, 0x53, counter] : [0x02, 0x00, 0x5e, (counter >> 16) & 0xff, (counter >> 8) & 0xff, counter & 0xff]
  const text = bytes.map((byte) => byte.toString(16).padStart(2, '0')).join(separator)
  return upperCase ? text.toUpperCase() : text
}

/** The fixed instant volatile timestamps become, and the one token expiry becomes (far in the future, so clients keep the token). */
export const NORMALIZED_TIME = { date: '2000-01-01', time: '00:00:00' } as const
export const NORMALIZED_EXPIRY = { date: '2099-01-01', time: '00:00:00' } as const
/** What request-id headers become: the counter-0 UUID placeholder, never minted for a real id. */
export const NORMALIZED_REQUEST_ID = `req-${uuidPlaceholder(0)}`

const PLACEHOLDER_PATTERNS: readonly RegExp[] = [
  /^REDACTED-[A-Za-z]+-\d+$/,
  /^(?:req-)?ca55e77e-0000-4000-8000-\d{12}$/i,
  /^ca55e77e\d+$/,
  /^9+\d{3}$/,
  /^username-\d+$/,
  /^host-\d+\.example\.com(?::\d+)?$/,
  /^(?:192\.0\.2|198\.51\.100|203\.0\.113)\.\d{1,3}$/,
  /^198\.1[89]\.\d{1,3}\.\d{1,3}$/,
  /^2001:db8:[0-9a-f:]*$/i,
  /^00([:-])00\1(?:5e)\1(?:00)\1(?:53)\1[0-9a-f]{2}$/i,
  /^02([:-])00\1(?:5e)(?:\1[0-9a-f]{2}){3}$/i,
  /^(?:2000|2099)-01-01T00:00:00(?:\.0+)?(?:Z|[+-]\d\d:?\d\d)?$/,
]

/**
 * True for a value the recorder minted: any secret placeholder, UUID, hex, numeric, host, IP,
 * username or normalized-time placeholder, alone or after a `Word_` prefix (`MossoCloudFS_<uuid>`).
 * The replay matcher treats such a value in a recorded request as "matches anything".
 *
 * @example
 * isPlaceholder('REDACTED-token-1') // true
 * isPlaceholder('ca55e77e-0000-4000-8000-000000000003') // true
 * isPlaceholder('858fb4c2-bf15-4dac-917d-8ec750ae9baa') // false
 */
export function isPlaceholder(value: string): boolean {
  if (value.length === 0 || value.length > 80) return false
  const underscore = /^[A-Za-z][A-Za-z0-9]*_(.+)$/.exec(value)
  const candidate = underscore ? (underscore[1] as string) : value
  return PLACEHOLDER_PATTERNS.some((pattern) => pattern.test(candidate))
}

/** True for a secret placeholder (`REDACTED-<kind>-<n>`). */
export function isSecretPlaceholder(value: string): boolean {
  return /^REDACTED-[A-Za-z]+-\d+$/.test(value)
}

/** The counters placeholders are minted from, one per shape (secrets count per kind instead). */
export const PLACEHOLDER_SHAPES = ['uuid', 'numeric', 'hex', 'username', 'host', 'ipv4', 'ipv6', 'mac'] as const
export type PlaceholderShape = (typeof PLACEHOLDER_SHAPES)[number]

/** The highest counter of each placeholder form found in a text (0 where none is). */
export interface PlaceholderCounters {
  readonly secrets: Partial<Record<SecretKind, number>>
  readonly shapes: Partial<Record<PlaceholderShape, number>>
}

/**
 * Each form's counter read back from the text it was written as. A real value of a placeholder's
 * shape (a real `9999`) can only raise a counter, which skips numbers and never reuses one.
 */
const COUNTER_PATTERNS: ReadonlyArray<readonly [PlaceholderShape, RegExp, (match: RegExpExecArray) => number]> = [
  ['uuid', /ca55e77e-0000-4000-8000-(\d{12})/gi, (m) => Number(m[1])],
  ['numeric', /(?<![\w.])9+(\d{3,})(?![\w.])/g, (m) => Number(m[1])],
  ['hex', /(?<![\w-])(?:ca55e77e|c)(\d+)(?![\w-])/g, (m) => Number(m[1])],
  ['username', /username-(\d+)/g, (m) => Number(m[1])],
  ['host', /host-(\d+)\.example\.com/g, (m) => Number(m[1])],
  ['ipv4', /(?<![\d.])(192\.0\.2|198\.51\.100|203\.0\.113)\.(\d{1,3})(?![\d.])/g, (m) => IPV4_BLOCKS.indexOf(`${m[1]}.` as (typeof IPV4_BLOCKS)[number]) * 254 + Number(m[2])],
  ['ipv4', /(?<![\d.])198\.(1[89])\.(\d{1,3})\.(\d{1,3})(?![\d.])/g, (m) => IPV4_BLOCKS.length * 254 + (Number(m[1]) - 18) * 65_536 + Number(m[2]) * 256 + Number(m[3]) + 1],
  ['ipv6', /2001:db8::([0-9a-f]{1,8})(?![0-9a-f:])/gi, (m) => Number.parseInt(m[1] as string, 16)],
  ['mac', /00([:-])00\1(?:5e)\1(?:00)\1(?:53)\1([0-9a-f]{2})/gi, (m) => Number.parseInt(m[2] as string, 16)],
  ['mac', /02([:-])00\1(?:5e)\1([0-9a-f]{2})\1([0-9a-f]{2})\1([0-9a-f]{2})/gi, (m) => Number.parseInt(`${m[2]}${m[3]}${m[4]}`, 16)],
]

/**
 * The highest counter of every placeholder form in `text` (a serialized cassette): a recorder
 * that extends that cassette mints from the next number, so its placeholders never take one that
 * already stands for another value.
 */
export function placeholderCounters(text: string): PlaceholderCounters {
  const secrets: Partial<Record<SecretKind, number>> = {}
  for (const match of text.matchAll(/REDACTED-([A-Za-z]+)-(\d+)/g)) {
    const kind = match[1] as SecretKind
    if (SECRET_KINDS.includes(kind)) secrets[kind] = Math.max(secrets[kind] ?? 0, Number(match[2]))
  }
  const shapes: Partial<Record<PlaceholderShape, number>> = {}
  for (const [shape, pattern, counter] of COUNTER_PATTERNS) {
    for (const match of text.matchAll(pattern)) shapes[shape] = Math.max(shapes[shape] ?? 0, counter(match))
  }
  return { secrets, shapes }
}
