import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { XMLParser, XMLValidator } from 'fast-xml-parser'
import {
  parseOperationExample,
  parseScenarioExample,
  type ExampleRequest,
  type OperationExample,
  type ScenarioExample,
} from '../../scripts/library/example-schema.js'

export const LIBRARY_DIR = fileURLToPath(new URL('../../scripts/library/', import.meta.url))

/** Every `examples/<dialect>/*.json` file, parsed, with its file name. */
export function loadExamples(dialect: string): Array<{ file: string; example: OperationExample }> {
  const dir = `${LIBRARY_DIR}examples/${dialect}/`
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({ file, example: parseOperationExample(readFileSync(dir + file, 'utf8'), file) }))
}

/** Every `scenarios/*.json` file of a dialect, parsed. */
export function loadScenarios(dialect: string): Array<{ file: string; scenario: ScenarioExample }> {
  const dir = `${LIBRARY_DIR}scenarios/`
  return readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({ file, scenario: parseScenarioExample(readFileSync(dir + file, 'utf8'), file) }))
    .filter(({ scenario }) => scenario.dialect === dialect)
}

export function bodyKind(headers: Readonly<Record<string, string>>): 'json' | 'xml' | 'other' {
  const type = headers['content-type'] ?? ''
  if (/[/+]xml\b/i.test(type)) return 'xml'
  if (/[/+]json\b/i.test(type)) return 'json'
  return 'other'
}

type OrderedNode = Record<string, unknown>
const ORDERED = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  preserveOrder: true,
  parseTagValue: false,
  parseAttributeValue: false,
})

export interface XmlRoot {
  readonly name: string
  /** The namespace of the root element, or null when none is declared for it. */
  readonly namespace: string | null
}

/**
 * Checks well-formedness and that every prefix of an element or attribute is declared in scope
 * (fast-xml-parser is not namespace-aware, and the documents use `OS-DCF:` without declaring it).
 */
export function checkXml(text: string): XmlRoot {
  const valid = XMLValidator.validate(text)
  if (valid !== true) throw new Error(`not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`)
  // The validator lets a bare "&" through; 001 prints next links as ...?limit=1&marker=...
  const bareAmpersand = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);)/i.exec(text)
  if (bareAmpersand) throw new Error(`not well-formed XML: a bare "&" at offset ${bareAmpersand.index} (write &amp;)`)
  const nodes = ORDERED.parse(text) as OrderedNode[]
  const roots = nodes.filter((node) => elementName(node) !== null)
  if (roots.length !== 1) throw new Error(`expected one root element, found ${roots.length}`)
  const root = roots[0] as OrderedNode
  const name = elementName(root) as string
  const scope = declarations(root, new Map([['xml', 'http://www.w3.org/XML/1998/namespace']]))
  walk(root, new Map([['xml', 'http://www.w3.org/XML/1998/namespace']]))
  return { name: localName(name), namespace: scope.get(prefixOf(name)) ?? null }
}

function elementName(node: OrderedNode): string | null {
  const name = Object.keys(node).find((key) => key !== ':@')
  return name === undefined || name.startsWith('?') || name.startsWith('#') || name.startsWith('!') ? null : name
}

function attributesOf(node: OrderedNode): Record<string, string> {
  return (node[':@'] as Record<string, string> | undefined) ?? {}
}

function declarations(node: OrderedNode, inherited: ReadonlyMap<string, string>): Map<string, string> {
  const scope = new Map(inherited)
  for (const [attribute, value] of Object.entries(attributesOf(node))) {
    if (attribute === 'xmlns') scope.set('', value)
    else if (attribute.startsWith('xmlns:')) scope.set(attribute.slice(6), value)
  }
  return scope
}

function walk(node: OrderedNode, inherited: ReadonlyMap<string, string>): void {
  const name = elementName(node)
  if (name === null) return
  const scope = declarations(node, inherited)
  const used = [name, ...Object.keys(attributesOf(node)).filter((attribute) => attribute.includes(':'))]
  for (const qualified of used) {
    const prefix = prefixOf(qualified)
    if (prefix === 'xmlns' || prefix === '') continue
    if (!scope.has(prefix)) throw new Error(`the prefix "${prefix}" of ${qualified} is not declared`)
  }
  for (const child of node[name] as OrderedNode[]) walk(child, scope)
}

function prefixOf(qualified: string): string {
  const colon = qualified.indexOf(':')
  return colon < 0 ? '' : qualified.slice(0, colon)
}

function localName(qualified: string): string {
  return qualified.slice(qualified.indexOf(':') + 1)
}

/** Parses a body by its content type; returns the XML root for XML bodies. */
export function checkBody(body: string, headers: Readonly<Record<string, string>>): XmlRoot | null {
  const kind = bodyKind(headers)
  if (kind === 'json') {
    JSON.parse(body)
    return null
  }
  if (kind === 'xml') return checkXml(body)
  throw new Error(`a body needs a JSON or XML content-type (got ${JSON.stringify(headers['content-type'])})`)
}

const TEXT_DUMP_DEBRIS: ReadonlyArray<readonly [RegExp, string]> = [
  [/[❶-❿①-⑩]/u, 'a callout marker'],
  [/[“”‘’]/u, 'a smart quote'],
  [/^\s*(\.\.\.|…)\s*,?\s*$/mu, 'a `...` elision line'],
  [/```/u, 'a code fence'],
]

/** Text-dump debris that must not survive in an exchange's URL, headers or bodies. */
export function findDebris(exchange: { request: ExampleRequest; response: { headers: object; body: string | null } }): string[] {
  const texts = [exchange.request.url, JSON.stringify(exchange.request.headers), exchange.request.body ?? '',
    JSON.stringify(exchange.response.headers), exchange.response.body ?? '']
  return TEXT_DUMP_DEBRIS.filter(([pattern]) => texts.some((text) => pattern.test(text))).map(([, what]) => what)
}

const UUID_SHAPED = /\b[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12,}\b/gi

/** UUID-shaped values that are not hex UUIDs: OCR damage such as `decbla356549` for `decb1a356549`. */
export function findBadUuids(text: string): string[] {
  return [...text.matchAll(UUID_SHAPED)].map(([value]) => value).filter((value) => !/^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/i.test(value))
}

/** Tenant ids that the body's compute links use (`.../v2/<tenant>/...` and bookmark `.../<tenant>/...`). */
export function linkTenants(body: string): string[] {
  return [...new Set([...body.matchAll(/servers\.api\.rackspacecloud\.com\/(?:v2\/)?(\d+)\//g)].map((match) => match[1] as string))]
}

/** Absolute URLs (links, Location, catalog endpoints) with whitespace inside: a wrap joined badly. */
export function findBrokenUrls(text: string): string[] {
  return [...text.matchAll(/(?:"|=\\?")(https?:\/\/[^"\\]*)/g)].map((match) => match[1] as string).filter((url) => /\s/.test(url))
}

/** Personality file contents (JSON "contents", XML <file>) that are not canonical base64. */
export function findBadPersonality(body: string): string[] {
  const values = [
    ...[...body.matchAll(/"contents"\s*:\s*"([^"]*)"/g)].map((match) => match[1] as string),
    ...[...body.matchAll(/<file\b[^>]*>([^<]*)<\/file>/g)].map((match) => (match[1] as string).trim()),
  ]
  return values.filter((value) => Buffer.from(value, 'base64').toString('base64') !== value)
}
