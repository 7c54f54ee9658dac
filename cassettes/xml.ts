import { XMLParser, XMLValidator } from 'fast-xml-parser'
import { CloudtapeError } from './errors.js'

/** An element as written: qualified names with their prefixes, attribute values with entities unexpanded. */
export interface XmlElement {
  readonly name: string
  readonly attributes: Readonly<Record<string, string>>
  readonly children: readonly XmlNode[]
}
export type XmlNode = XmlElement | { readonly text: string }

/** An element for matching: `{namespace-uri}local` names, sorted attributes, decoded and trimmed text. */
export interface CanonicalXmlElement {
  readonly name: string
  readonly attributes: ReadonlyArray<readonly [string, string]>
  readonly children: ReadonlyArray<CanonicalXmlElement | string>
}

/**
 * @note Entity expansion is off (`processEntities: false`): a DOCTYPE that defines entities (the
 * "billion laughs") is read but never expanded, so hostile XML costs its own size and no more.
 * The five predefined entities and character references are decoded by `decodeXmlEntities`,
 * which never looks at DOCTYPE definitions.
 */
const PARSER = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  removeNSPrefix: false,
  commentPropName: false,
  cdataPropName: '#cdata',
})

type RawNode = Record<string, unknown>

/** True when `text` is one well-formed XML document with a root element. */
export function isWellFormedXml(text: string): boolean {
  return /^\s*</.test(text) && XMLValidator.validate(text) === true && /<[A-Za-z_]/.test(text)
}

/**
 * Parses XML keeping prefixes, namespace declarations and attribute values as written.
 *
 * @example
 * parseXml('<server xmlns="http://docs.openstack.org/compute/api/v1.1" id="1"/>').name // 'server'
 */
export function parseXml(text: string): XmlElement {
  const valid = XMLValidator.validate(text)
  if (valid !== true) {
    throw new CloudtapeError(
      'ERR_CLOUDTAPE_XML_INVALID',
      `The XML body is not well formed: ${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col}). Send or record a well-formed XML document.`,
    )
  }
  const root = toNodes(parseRaw(text)).find((node): node is XmlElement => 'name' in node)
  if (!root) throw new CloudtapeError('ERR_CLOUDTAPE_XML_INVALID', 'The XML body has no root element. Send or record a well-formed XML document.')
  return root
}

/** The parser refuses some documents the validator passes (external entities, very deep nesting). */
function parseRaw(text: string): RawNode[] {
  try {
    return PARSER.parse(text) as RawNode[]
  } catch (error) {
    throw new CloudtapeError('ERR_CLOUDTAPE_XML_INVALID', `The XML body cannot be read: ${(error as Error).message}. Send or record a well-formed XML document without external entities or extreme nesting.`, { cause: error })
  }
}

function toNodes(raw: readonly RawNode[]): XmlNode[] {
  const nodes: XmlNode[] = []
  for (const entry of raw) {
    if ('#text' in entry) nodes.push({ text: String(entry['#text']) })
    else if ('#cdata' in entry) nodes.push({ text: cdataText(entry['#cdata'] as RawNode[]) })
    else nodes.push(toElement(entry))
  }
  return nodes
}

function toElement(entry: RawNode): XmlElement {
  const name = Object.keys(entry).find((key) => key !== ':@') as string
  const attributes = (entry[':@'] ?? {}) as Record<string, string>
  return { name, attributes, children: toNodes(entry[name] as RawNode[]) }
}

/** CDATA content is literal: mark it so decoding leaves it alone. */
function cdataText(parts: readonly RawNode[]): string {
  return parts.map((part) => escapeForDecode(String(part['#text'] ?? ''))).join('')
}

function escapeForDecode(text: string): string {
  return text.replace(/&/g, '&amp;')
}

/**
 * The canonical form of an XML document for matching: prefixes resolved to namespace URIs,
 * attributes sorted (namespace declarations left out), entities decoded, text trimmed and
 * whitespace-only text dropped. Two documents that mean the same give the same string.
 *
 * @example
 * canonicalXml('<a:x xmlns:a="urn:n" b="1"/>') === canonicalXml('<x xmlns="urn:n" b="1"></x>') // true
 */
export function canonicalXml(text: string): string {
  return JSON.stringify(canonicalXmlTree(text))
}

/** The canonical tree behind `canonicalXml`, for reporting where two documents differ. */
export function canonicalXmlTree(text: string): CanonicalXmlElement {
  return canonicalElement(parseXml(text), new Map([['xml', 'http://www.w3.org/XML/1998/namespace']]))
}

function canonicalElement(element: XmlElement, inherited: ReadonlyMap<string, string>): CanonicalXmlElement {
  const scope = new Map(inherited)
  for (const [name, value] of Object.entries(element.attributes)) {
    if (name === 'xmlns') scope.set('', decodeXmlEntities(value))
    else if (name.startsWith('xmlns:')) scope.set(name.slice(6), decodeXmlEntities(value))
  }
  const attributes: Array<[string, string]> = []
  for (const [name, value] of Object.entries(element.attributes)) {
    if (name === 'xmlns' || name.startsWith('xmlns:')) continue
    // Unprefixed attributes are in no namespace (XML Namespaces §6.2).
    attributes.push([name.includes(':') ? expandName(name, scope) : name, decodeXmlEntities(value)])
  }
  attributes.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  const children: Array<CanonicalXmlElement | string> = []
  let pending = ''
  for (const child of element.children) {
    if ('text' in child) {
      pending += decodeXmlEntities(child.text)
      continue
    }
    if (pending.trim() !== '') children.push(pending.trim())
    pending = ''
    children.push(canonicalElement(child, scope))
  }
  if (pending.trim() !== '') children.push(pending.trim())
  return { name: expandName(element.name, scope), attributes, children }
}

function expandName(qualified: string, scope: ReadonlyMap<string, string>): string {
  const colon = qualified.indexOf(':')
  const prefix = colon < 0 ? '' : qualified.slice(0, colon)
  const local = colon < 0 ? qualified : qualified.slice(colon + 1)
  const uri = scope.get(prefix)
  return uri === undefined || uri === '' ? (colon < 0 ? local : qualified) : `{${uri}}${local}`
}

const PREDEFINED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

/**
 * Decodes the five predefined entities and character references. Any other entity reference is
 * left as written: DOCTYPE entities are never expanded.
 */
export function decodeXmlEntities(text: string): string {
  if (!text.includes('&')) return text
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[A-Za-z][\w.-]*);/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10)
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole
    }
    return PREDEFINED[ref] ?? whole
  })
}
