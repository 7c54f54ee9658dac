import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib'
import { CloudtapeError } from './errors.js'
import { isLosslessJson } from './json-lossless.js'
import type { JsonValue, StoredBody, TruncationMark } from './schema.js'
import { isWellFormedXml } from './xml.js'

/** A body decoded from the wire and sorted into what it is, before redaction and storage. */
export type ClassifiedBody =
  | { readonly kind: 'json'; readonly json: JsonValue }
  | { readonly kind: 'xml'; readonly text: string }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'base64'; readonly bytes: Buffer }

export interface DecodeBodyOptions {
  readonly contentType?: string | undefined
  /** `gzip`, `x-gzip`, `deflate`, `br` or `identity` (comma lists are undone right to left). */
  readonly contentEncoding?: string | undefined
  /** Bodies bigger than this (decoded, in bytes) keep a prefix and a `truncated` mark. */
  readonly maxBytes?: number | undefined
}

/** The default size cap of a stored body: 1 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024

/**
 * Undoes the content encoding of a body as it was on the wire.
 *
 * @note A body that claims an encoding but does not decode is kept as it came (a server that
 * lies about its encoding is worth recording as is) rather than failing the recording.
 */
export function decodeContentEncoding(raw: Buffer, contentEncoding: string | undefined): Buffer {
  if (!contentEncoding || raw.length === 0) return raw
  const codings = contentEncoding.split(',').map((coding) => coding.trim().toLowerCase()).filter(Boolean)
  let body = raw
  try {
    for (const coding of codings.reverse()) body = decodeOne(body, coding)
  } catch {
    return raw
  }
  return body
}

function decodeOne(body: Buffer, coding: string): Buffer {
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
      return gunzipSync(body)
    case 'deflate':
      // Servers send both zlib-wrapped and raw deflate under this name.
      return body[0] !== undefined && (body[0] & 0x0f) === 8 ? inflateSync(body) : inflateRawSync(body)
    case 'br':
      return brotliDecompressSync(body)
    case 'identity':
      return body
    default:
      throw new CloudtapeError('ERR_CLOUDTAPE_INVALID_OPTION', `Unknown content encoding "${coding}".`)
  }
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\b|^text\/json\b/i
const XML_TYPE = /^(?:application|text)\/(?:[\w.+-]+\+)?xml\b/i
const TEXT_TYPE = /^text\/|^application\/(?:x-www-form-urlencoded|javascript|x-sh)\b/i

/**
 * Sorts decoded bytes into JSON (parsed, only when nothing would be lost), well-formed XML
 * (text), other UTF-8 text, or binary. Never lossy: what cannot be kept exactly as a JSON value
 * or as text is kept as bytes.
 */
export function classifyBody(bytes: Buffer, contentType: string | undefined): ClassifiedBody | null {
  if (bytes.length === 0) return null
  const text = exactUtf8(bytes)
  if (text === null) return { kind: 'base64', bytes }
  const type = (contentType ?? '').trim()
  const first = firstNonSpace(text)
  if (JSON_TYPE.test(type) || (type === '' && (first === '{' || first === '['))) {
    const json = parseLosslessJson(text)
    if (json !== undefined) return { kind: 'json', json }
  }
  if (XML_TYPE.test(type) || (type === '' && first === '<')) {
    if (isWellFormedXml(text)) return { kind: 'xml', text }
  }
  if (type === '' || TEXT_TYPE.test(type) || JSON_TYPE.test(type) || XML_TYPE.test(type) || isPrintable(text)) {
    return { kind: 'text', text }
  }
  return { kind: 'base64', bytes }
}

/** Parses JSON only when re-serializing keeps every value (no duplicate keys, no precision loss). */
function parseLosslessJson(text: string): JsonValue | undefined {
  let json: JsonValue
  try {
    json = JSON.parse(text) as JsonValue
  } catch {
    return undefined
  }
  return isLosslessJson(text, json) ? json : undefined
}

function exactUtf8(bytes: Buffer): string | null {
  const text = bytes.toString('utf8')
  // Invalid UTF-8 decodes to U+FFFD; only then is the round trip worth checking.
  if (text.includes('\uFFFD') && !Buffer.from(text, 'utf8').equals(bytes)) return null
  return text
}

function firstNonSpace(text: string): string {
  const match = /\S/.exec(text.length > 64 ? text.slice(0, 64) : text)
  return match ? match[0] : ''
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000e-\u001f]/

function isPrintable(text: string): boolean {
  return !CONTROL.test(text)
}

/**
 * Turns a classified body into what is stored, applying the size cap: a body over `maxBytes`
 * keeps its first `maxBytes` (as text, or bytes for binary) and says how big it was.
 * `sourceBytes`, the size of the body before redaction, lets small JSON bodies skip measuring.
 */
export function toStoredBody(body: ClassifiedBody, maxBytes: number = DEFAULT_MAX_BODY_BYTES, sourceBytes?: number): StoredBody {
  if (body.kind === 'base64') {
    if (body.bytes.length <= maxBytes) return { kind: 'base64', base64: body.bytes.toString('base64') }
    const truncated: TruncationMark = { originalBytes: body.bytes.length, keptBytes: maxBytes }
    return { kind: 'base64', base64: body.bytes.subarray(0, maxBytes).toString('base64'), truncated }
  }
  // Placeholders are at most a few times longer than what they replace: far from the cap, skip measuring.
  if (body.kind === 'json' && sourceBytes !== undefined && sourceBytes * 4 < maxBytes) return { kind: 'json', json: body.json }
  const text = body.kind === 'json' ? JSON.stringify(body.json) : body.text
  const size = Buffer.byteLength(text, 'utf8')
  if (size <= maxBytes) return body.kind === 'json' ? { kind: 'json', json: body.json } : { kind: body.kind, text }
  const kept = utf8Prefix(text, maxBytes)
  return { kind: 'text', text: kept, truncated: { originalBytes: size, keptBytes: Buffer.byteLength(kept, 'utf8') } }
}

/** The longest prefix of `text` whose UTF-8 encoding fits in `maxBytes`, never splitting a character. */
function utf8Prefix(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8').subarray(0, maxBytes)
  let end = bytes.length
  // Step back over a cut multi-byte sequence: continuation bytes are 10xxxxxx.
  let back = end - 1
  while (back >= 0 && ((bytes[back] as number) & 0xc0) === 0x80) back -= 1
  if (back >= 0) {
    const lead = bytes[back] as number
    const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1
    if (end - back < need) end = back
  }
  return bytes.subarray(0, end).toString('utf8')
}

/**
 * Decodes a body as it was on the wire into its stored form, without redaction (the recorder
 * redacts between `classifyBody` and `toStoredBody`; this is for bodies known to be clean).
 *
 * @example
 * decodeBody(gzipped, { contentType: 'application/json', contentEncoding: 'gzip' }) // { kind: 'json', json: {...} }
 */
export function decodeBody(raw: Buffer, options: DecodeBodyOptions = {}): StoredBody | null {
  const classified = classifyBody(decodeContentEncoding(raw, options.contentEncoding), options.contentType)
  return classified === null ? null : toStoredBody(classified, options.maxBytes)
}

/**
 * The bytes to send for a stored body at replay: JSON serialized compactly, XML and text
 * byte for byte as recorded, binary decoded from base64.
 */
export function encodeStoredBody(body: StoredBody | null): Buffer {
  if (body === null) return Buffer.alloc(0)
  switch (body.kind) {
    case 'json':
      return Buffer.from(JSON.stringify(body.json), 'utf8')
    case 'xml':
    case 'text':
      return Buffer.from(body.text, 'utf8')
    case 'base64':
      return Buffer.from(body.base64, 'base64')
  }
}

/** The content type to answer with when a recorded response has none. */
export function defaultContentType(body: StoredBody): string {
  switch (body.kind) {
    case 'json':
      return 'application/json'
    case 'xml':
      return 'application/xml'
    case 'text':
      return 'text/plain; charset=UTF-8'
    case 'base64':
      return 'application/octet-stream'
  }
}
