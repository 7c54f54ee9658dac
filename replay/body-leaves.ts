import { canonicalXmlTree } from '../cassettes/index.js'
import type { CanonicalXmlElement, JsonValue, StoredBody } from '../cassettes/index.js'

/** One comparable value of a body: its JSON path (`$.server.name`) or XML path (`/server/@name`). */
export interface BodyLeaf {
  readonly path: string
  /** The value as JSON text, so 1 and "1" differ. */
  readonly value: string
  /** The raw string, for placeholder checks; null for non-strings. */
  readonly text: string | null
}

/** A body reduced to what matching compares. `broken` marks JSON/XML that did not parse. */
export interface BodyFacts {
  readonly kind: 'none' | 'json' | 'xml' | 'text' | 'binary'
  readonly broken: string | null
  /** Sorted by path. */
  readonly leaves: readonly BodyLeaf[]
}

const NO_BODY: BodyFacts = { kind: 'none', broken: null, leaves: [] }

/** Reads an incoming request body by its content type (or by sniffing when it has none). */
export function requestBodyFacts(body: Buffer | null, contentType: string | undefined): BodyFacts {
  if (body === null || body.length === 0) return NO_BODY
  const type = (contentType ?? '').toLowerCase()
  const text = body.toString('utf8')
  const first = text.trimStart()[0]
  if (type.includes('json') || (!type && (first === '{' || first === '['))) return jsonFacts(text)
  if (type.includes('xml') || (!type && first === '<')) return xmlFacts(text)
  if (!isUtf8(body, text)) return single('binary', body.toString('base64'))
  return single('text', text)
}

/** Reads a recorded request body the same way, so both sides compare leaf by leaf. */
export function storedBodyFacts(body: StoredBody | null): BodyFacts {
  if (body === null) return NO_BODY
  switch (body.kind) {
    case 'json':
      return { kind: 'json', broken: null, leaves: sortLeaves(jsonLeaves(body.json)) }
    case 'xml':
      return xmlFacts(body.text)
    case 'text':
      return body.text === '' ? NO_BODY : single('text', body.text)
    case 'base64':
      return body.base64 === '' ? NO_BODY : single('binary', body.base64)
  }
}

function jsonFacts(text: string): BodyFacts {
  let value: JsonValue
  try {
    value = JSON.parse(text) as JsonValue
  } catch (error) {
    return { ...single('text', text), broken: `malformed JSON (${(error as Error).message})` }
  }
  return { kind: 'json', broken: null, leaves: sortLeaves(jsonLeaves(value)) }
}

function xmlFacts(text: string): BodyFacts {
  let tree: CanonicalXmlElement
  try {
    tree = canonicalXmlTree(text)
  } catch (error) {
    return { ...single('text', text), broken: `malformed XML (${(error as Error).message.replace(/^\[cloudtape\] /, '')})` }
  }
  return { kind: 'xml', broken: null, leaves: sortLeaves(xmlLeaves(tree, '', null)) }
}

function single(kind: 'text' | 'binary', text: string): BodyFacts {
  return { kind, broken: null, leaves: [{ path: '$', value: JSON.stringify(text), text }] }
}

function isUtf8(body: Buffer, text: string): boolean {
  return !text.includes('\uFFFD') || Buffer.byteLength(text) === body.length
}

function jsonLeaves(value: JsonValue, path = '$', out: BodyLeaf[] = []): BodyLeaf[] {
  if (Array.isArray(value)) {
    if (value.length === 0) out.push({ path, value: '[]', text: null })
    value.forEach((item, index) => jsonLeaves(item, `${path}[${index}]`, out))
  } else if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value)
    if (keys.length === 0) out.push({ path, value: '{}', text: null })
    for (const key of keys) jsonLeaves(value[key] as JsonValue, path + jsonKey(key), out)
  } else {
    out.push({ path, value: JSON.stringify(value), text: typeof value === 'string' ? value : null })
  }
  return out
}

function jsonKey(key: string): string {
  return /^[A-Za-z_$][\w$:-]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`
}

/**
 * Leaves of a canonical XML tree (core's: prefixes resolved, attributes sorted, text trimmed).
 * Paths use local names, `[n]` only among same-named siblings; an element's namespace is a leaf
 * `namespace()` where it changes, so documents in different namespaces still differ.
 */
function xmlLeaves(element: CanonicalXmlElement, parent: string, parentNamespace: string | null, out: BodyLeaf[] = [], suffix = ''): BodyLeaf[] {
  const { local, namespace } = splitName(element.name)
  const path = `${parent}/${local}${suffix}`
  if (namespace !== parentNamespace && namespace !== null) out.push({ path: `${path}/namespace()`, value: JSON.stringify(namespace), text: namespace })
  for (const [name, value] of element.attributes) out.push({ path: `${path}/@${name}`, value: JSON.stringify(value), text: value })
  const counts = new Map<string, number>()
  for (const child of element.children) if (typeof child !== 'string') counts.set(child.name, (counts.get(child.name) ?? 0) + 1)
  const seen = new Map<string, number>()
  let texts = 0
  for (const child of element.children) {
    if (typeof child === 'string') {
      out.push({ path: `${path}/text()${texts === 0 ? '' : `[${texts}]`}`, value: JSON.stringify(child), text: child })
      texts += 1
      continue
    }
    const index = seen.get(child.name) ?? 0
    seen.set(child.name, index + 1)
    xmlLeaves(child, path, namespace, out, (counts.get(child.name) ?? 0) > 1 ? `[${index}]` : '')
  }
  if (element.attributes.length === 0 && element.children.length === 0) out.push({ path, value: '""', text: '' })
  return out
}

function splitName(name: string): { local: string; namespace: string | null } {
  const match = /^\{([^}]*)\}(.*)$/.exec(name)
  return match ? { local: match[2] as string, namespace: match[1] as string } : { local: name, namespace: null }
}

function sortLeaves(leaves: BodyLeaf[]): BodyLeaf[] {
  return leaves.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
}

/** True when `path` is `prefix` or lies below it. */
export function isBelow(path: string, prefix: string): boolean {
  if (!path.startsWith(prefix)) return false
  const next = path[prefix.length]
  return next === undefined || next === '.' || next === '[' || next === '/'
}
