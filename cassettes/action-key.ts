import { XMLValidator } from 'fast-xml-parser'

/**
 * Finds the action key of a `POST .../action` body without parsing more than needed: the JSON
 * body's single top-level key, or the XML root element's local name in any namespace.
 */
export type ActionKeyResult = { readonly key: string } | { readonly error: string }

/** Bodies up to this size are parsed whole, so a second top-level key is caught. */
const FULL_PARSE_LIMIT = 256 * 1024
/** Larger bodies are only scanned this far for the first key or root element. */
const SCAN_LIMIT = 4 * 1024

export function readActionKey(body: string, format: 'json' | 'xml'): ActionKeyResult {
  const start = skipWhitespace(body, 0)
  if (start >= body.length) return { error: 'the action body is empty' }
  if (format === 'xml' || body[start] === '<') {
    if (body.length <= FULL_PARSE_LIMIT) {
      const valid = XMLValidator.validate(body)
      if (valid !== true) return { error: `the action body is not valid XML (${valid.err.msg}, line ${valid.err.line})` }
    }
    return readXmlRootName(body, start)
  }
  return body.length <= FULL_PARSE_LIMIT ? readJsonKeyByParsing(body) : readFirstJsonKey(body, start)
}

function skipWhitespace(text: string, from: number): number {
  let index = from
  while (index < text.length && /\s/.test(text[index] ?? '')) index += 1
  return index
}

function readJsonKeyByParsing(body: string): ActionKeyResult {
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch (error) {
    return { error: `the action body is not valid JSON (${(error as Error).message})` }
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { error: 'the action body is not a JSON object' }
  }
  const keys = Object.keys(parsed)
  if (keys.length !== 1) {
    return { error: `the action body must have exactly one top-level key, found ${keys.length}` }
  }
  return { key: keys[0] as string }
}

/** For large bodies: reads the first key of the top-level object, `{ "key" :`, and nothing more. */
function readFirstJsonKey(body: string, start: number): ActionKeyResult {
  if (body[start] !== '{') return { error: 'the action body is not a JSON object' }
  const quote = skipWhitespace(body, start + 1)
  if (body[quote] !== '"') return { error: 'the action body is not a JSON object with a key' }
  const limit = Math.min(body.length, quote + SCAN_LIMIT)
  let raw = ''
  for (let index = quote + 1; index < limit; index += 1) {
    const char = body[index]
    if (char === '\\') {
      raw += char + (body[index + 1] ?? '')
      index += 1
    } else if (char === '"') {
      const colon = skipWhitespace(body, index + 1)
      if (body[colon] !== ':') return { error: 'the action body is not valid JSON (no colon after the first key)' }
      try {
        return { key: JSON.parse(`"${raw}"`) as string }
      } catch {
        return { error: 'the action body is not valid JSON (bad escape in the first key)' }
      }
    } else {
      raw += char
    }
  }
  return { error: 'the action body is not valid JSON (the first key does not end)' }
}

/** Skips the prolog (`<?xml ?>`, comments, DOCTYPE) and returns the root element's local name. */
function readXmlRootName(body: string, start: number): ActionKeyResult {
  let index = start
  const limit = Math.min(body.length, start + SCAN_LIMIT)
  while (index < limit) {
    if (body[index] !== '<') return { error: 'the action body is not valid XML (text before the root element)' }
    if (body.startsWith('<?', index)) index = afterMarker(body, index, '?>')
    else if (body.startsWith('<!--', index)) index = afterMarker(body, index, '-->')
    else if (body.startsWith('<!', index)) index = afterMarker(body, index, '>')
    else return readElementName(body, index + 1)
    if (index < 0) return { error: 'the action body is not valid XML (an unterminated prolog)' }
    index = skipWhitespace(body, index)
  }
  return { error: 'the action body is not valid XML (no root element)' }
}

function afterMarker(body: string, from: number, marker: string): number {
  const end = body.indexOf(marker, from)
  return end < 0 ? -1 : end + marker.length
}

function readElementName(body: string, from: number): ActionKeyResult {
  const match = /^[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?/.exec(body.slice(from, from + 256))
  if (!match) return { error: 'the action body is not valid XML (a bad root element name)' }
  const name = match[0]
  const after = body[from + name.length]
  if (after !== undefined && !/[\s/>]/.test(after)) {
    return { error: 'the action body is not valid XML (a bad root element name)' }
  }
  const colon = name.indexOf(':')
  return { key: colon < 0 ? name : name.slice(colon + 1) }
}
