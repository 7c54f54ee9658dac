/**
 * A fast structural check of a parsed cassette for the common case, so loading a large cassette
 * does not pay for the generic schema validator (nor compile it). It accepts only cassettes the
 * published schema accepts (a property test holds it to that); anything unusual (meta, a transport
 * fault, timing, a truncated body) or wrong is left to the schema validator, which names the
 * problem.
 */
export function hasPlainCassetteShape(value: unknown): boolean {
  if (!isObject(value) || !onlyKeys(value, CASSETTE_KEYS, CASSETTE_KEYS.size)) return false
  const { version, name, dialect, recordedAt, interactions } = value
  if (version !== 1 || !isNonEmptyString(name) || !isDialect(dialect)) return false
  if (typeof recordedAt !== 'string' || !RECORDED_AT.test(recordedAt) || !isArray(interactions)) return false
  for (const interaction of interactions) if (!isPlainInteraction(interaction)) return false
  return true
}

type Json = Record<string, unknown>

const CASSETTE_KEYS = new Set(['version', 'name', 'dialect', 'recordedAt', 'interactions'])
const INTERACTION_KEYS = new Set(['id', 'operation', 'documented', 'params', 'occurrence', 'dialect', 'format', 'request', 'response'])
const REQUEST_KEYS = new Set(['method', 'origin', 'path', 'query', 'headers', 'body'])
const RESPONSE_KEYS = new Set(['status', 'headers', 'body'])
const BODY_KEYS = new Set(['kind', 'json', 'text', 'base64'])
const RECORDED_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/
const METHOD = /^[A-Z]+$/
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

function isPlainInteraction(value: unknown): boolean {
  if (!isObject(value) || !onlyKeys(value, INTERACTION_KEYS, INTERACTION_KEYS.size)) return false
  const { id, operation, documented, params, occurrence, dialect, format, request, response } = value
  if (!isInteger(id) || id < 1 || !isNonEmptyString(operation) || typeof documented !== 'boolean') return false
  if (!isInteger(occurrence) || occurrence < 0 || !isDialect(dialect) || (format !== 'json' && format !== 'xml')) return false
  if (!isObject(params)) return false
  for (const name in params) if (typeof params[name] !== 'string') return false
  return isPlainRequest(request) && (response === null || isPlainResponse(response))
}

function isPlainRequest(value: unknown): boolean {
  if (!isObject(value) || !onlyKeys(value, REQUEST_KEYS, REQUEST_KEYS.size)) return false
  const { method, origin, path, query, headers, body } = value
  if (typeof method !== 'string' || !METHOD.test(method) || typeof origin !== 'string' || typeof path !== 'string' || !path.startsWith('/')) return false
  if (!isArray(query) || !query.every((pair) => isArray(pair) && pair.length === 2 && typeof pair[0] === 'string' && typeof pair[1] === 'string')) return false
  return isPlainHeaders(headers) && isPlainBody(body)
}

function isPlainResponse(value: unknown): boolean {
  if (!isObject(value) || !onlyKeys(value, RESPONSE_KEYS, RESPONSE_KEYS.size)) return false
  const { status, headers, body } = value
  return isInteger(status) && status >= 100 && status <= 999 && isPlainHeaders(headers) && isPlainBody(body)
}

function isPlainHeaders(value: unknown): boolean {
  if (!isObject(value)) return false
  for (const name in value) if (!HEADER_NAME.test(name) || typeof value[name] !== 'string') return false
  return true
}

function isPlainBody(value: unknown): boolean {
  if (value === null) return true
  if (!isObject(value) || !onlyKeys(value, BODY_KEYS)) return false
  const { kind, json, text, base64 } = value
  if (text !== undefined && typeof text !== 'string') return false
  if (base64 !== undefined && (typeof base64 !== 'string' || !BASE64.test(base64))) return false
  if (kind === 'json') return json !== undefined
  if (kind === 'xml' || kind === 'text') return text !== undefined
  return kind === 'base64' && base64 !== undefined
}

/**
 * Every key is one of `allowed`, and there are `count` of them: all of `allowed` when `count` is
 * its size (the values are type-checked by the callers, so none is undefined).
 */
function onlyKeys(value: Json, allowed: ReadonlySet<string>, count?: number): boolean {
  let seen = 0
  for (const key in value) {
    if (!Object.hasOwn(value, key) || !allowed.has(key)) return false
    seen += 1
  }
  return count === undefined || seen === count
}

/** A plain object, as JSON.parse makes them (anything else is left to the schema validator). */
function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype
}

/** A plain array, as JSON.parse makes them. */
function isArray(value: unknown): value is unknown[] {
  return Array.isArray(value) && Object.getPrototypeOf(value) === Array.prototype
}

function isInteger(value: unknown): value is number {
  return Number.isInteger(value)
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0
}

function isDialect(value: unknown): boolean {
  return value === 'rackspace' || value === 'hp' || value === 'nova'
}
