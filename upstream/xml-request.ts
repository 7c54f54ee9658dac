import { XMLParser, XMLValidator } from 'fast-xml-parser'

/**
 * Turns an XML request body into the object its JSON form would parse to, so every handler reads
 * one shape: `<server name="a" flavorRef="2"><metadata><meta key="k">v</meta></metadata></server>`
 * becomes `{ server: { name: 'a', flavorRef: '2', metadata: { k: 'v' } } }` (001 §2, 003 §4.4).
 */
export type XmlRequestResult = { readonly value: Record<string, unknown> } | { readonly error: string }

const ATTRIBUTES = '@'
const TEXT = '#text'

/** Elements that may repeat, kept as arrays even when there is one. */
const REPEATED = new Set(['meta', 'file', 'uuid', 'network', 'security_group'])

const PARSER = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  attributesGroupName: ATTRIBUTES,
  textNodeName: TEXT,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  isArray: (name, _path, _leaf, isAttribute) => !isAttribute && REPEATED.has(localName(name)),
})

type XmlNode = Record<string, unknown>

/** Parses and converts; malformed XML and DTDs (no entity tricks) give an error, never a throw. */
export function parseXmlRequest(text: string): XmlRequestResult {
  if (/<!DOCTYPE/i.test(text)) return { error: 'DTDs are not allowed in request bodies' }
  const valid = XMLValidator.validate(text)
  if (valid !== true) return { error: `${valid.err.msg} (line ${valid.err.line})` }
  let parsed: XmlNode
  try {
    parsed = PARSER.parse(text) as XmlNode
  } catch (error) {
    // The validator passes some documents the parser refuses (very deep nesting).
    return { error: (error as Error).message }
  }
  const roots = Object.keys(parsed)
  if (roots.length !== 1) return { error: 'expected exactly one root element' }
  const rootName = roots[0] as string
  // A root named like a repeated element (`<meta>`) comes back as a one-item list.
  const root = parsed[rootName]
  return { value: convertRoot(localName(rootName), Array.isArray(root) ? root[0] : root) }
}

function convertRoot(root: string, node: unknown): Record<string, unknown> {
  if (root === 'metadata') return { metadata: metaMap(node) }
  if (root === 'meta') {
    const [entry] = metaEntries({ meta: [node] })
    return { meta: entry ? { [entry[0]]: entry[1] } : {} }
  }
  return { [root]: convertElement(node) }
}

function convertElement(node: unknown): unknown {
  if (typeof node === 'string') return node
  if (node === null || typeof node !== 'object') return null
  const element = node as XmlNode
  const out: Record<string, unknown> = {}
  for (const [name, value] of Object.entries((element[ATTRIBUTES] ?? {}) as Record<string, string>)) {
    if (name !== 'xmlns' && !name.startsWith('xmlns:')) out[name] = value
  }
  for (const [rawName, child] of Object.entries(element)) {
    if (rawName === ATTRIBUTES || rawName === TEXT) continue
    const name = localName(rawName)
    out[name] = convertChild(name, child)
  }
  if (Object.keys(out).length === 0) return typeof element[TEXT] === 'string' ? element[TEXT] : null
  return out
}

function convertChild(name: string, child: unknown): unknown {
  if (name === 'metadata') return metaMap(child)
  if (name === 'personality') {
    return asArray((child as XmlNode | undefined)?.['file']).map((file) => ({
      path: attribute(file, 'path') ?? '',
      contents: text(file).replace(/\s+/g, ''),
    }))
  }
  if (name === 'networks') {
    const networks = child as XmlNode | undefined
    const byText = asArray(networks?.['uuid']).map((uuid) => ({ uuid: text(uuid) }))
    const byElement = asArray(networks?.['network']).map((network) => ({ uuid: attribute(network, 'uuid') ?? '' }))
    return [...byText, ...byElement]
  }
  if (name === 'security_groups') {
    return asArray((child as XmlNode | undefined)?.['security_group']).map((group) => ({ name: attribute(group, 'name') ?? '' }))
  }
  return convertElement(child)
}

function metaMap(node: unknown): Record<string, string> {
  return Object.fromEntries(metaEntries(node))
}

/** `<meta key="k">v</meta>`, and HP's `<meta key="k" value="v"/>` (003 §4.4.1.6). */
function metaEntries(node: unknown): Array<[string, string]> {
  const metas = asArray((node as XmlNode | undefined)?.['meta'])
  return metas.map((meta) => [attribute(meta, 'key') ?? '', attribute(meta, 'value') ?? text(meta)])
}

function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return []
  return Array.isArray(value) ? value : [value]
}

function attribute(node: unknown, name: string): string | undefined {
  if (node === null || typeof node !== 'object') return undefined
  const attributes = (node as XmlNode)[ATTRIBUTES] as Record<string, string> | undefined
  return attributes?.[name]
}

function text(node: unknown): string {
  if (typeof node === 'string') return node
  if (node === null || typeof node !== 'object') return ''
  const value = (node as XmlNode)[TEXT]
  return typeof value === 'string' ? value : ''
}

function localName(name: string): string {
  const colon = name.indexOf(':')
  return colon < 0 ? name : name.slice(colon + 1)
}
