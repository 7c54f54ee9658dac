import { ApiFault } from '../http/api-fault.js'
import { isRecord } from '../is-record.js'

/** Keys and values are at most 255 bytes (001 §2.1.2.2). */
const MAX_META_BYTES = 255

/**
 * Reads a metadata object (`{"key": "value"}`) into a Map, checking the documented limits: too
 * many items is overLimit (413, 001 §2.7.2), a bad key or value is badRequest.
 */
export function readMetadata(value: unknown, maxItems: number, what: string): Map<string, string> {
  if (value === undefined || value === null) return new Map()
  if (!isRecord(value)) throw new ApiFault('badRequest', `Malformed request body: ${what} must be an object of key/value strings.`)
  const metadata = new Map<string, string>()
  for (const [key, item] of Object.entries(value)) metadata.set(checkKey(key), checkValue(key, item))
  assertMetadataCount(metadata.size, maxItems)
  return metadata
}

/** overLimit when a resource would hold more metadata items than the account allows. */
export function assertMetadataCount(count: number, maxItems: number): void {
  if (count > maxItems) throw new ApiFault('overLimit', `Maximum number of metadata items exceeds ${maxItems}`)
}

function checkKey(key: string): string {
  if (key === '' || Buffer.byteLength(key) > MAX_META_BYTES) {
    throw new ApiFault('badRequest', `Invalid metadata key ${JSON.stringify(key.slice(0, 40))}: keys are 1 to ${MAX_META_BYTES} bytes.`)
  }
  return key
}

function checkValue(key: string, value: unknown): string {
  const text = typeof value === 'number' || typeof value === 'boolean' ? String(value) : value
  if (typeof text !== 'string' || Buffer.byteLength(text) > MAX_META_BYTES) {
    throw new ApiFault('badRequest', `Invalid metadata value for ${JSON.stringify(key.slice(0, 40))}: values are strings of at most ${MAX_META_BYTES} bytes.`)
  }
  return text
}
