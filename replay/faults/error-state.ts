import { escapeXml } from '../../cassettes/fault-catalog.js'
import type { Dialect } from '../../cassettes/operation-catalog.js'
import { defaultErrorStateMessage } from './messages.js'

/** The embedded fault of a server or image in ERROR (001 §1.11.2, Examples 1.53–1.56). */
export interface EmbeddedFault {
  readonly code: number
  readonly message?: string
  readonly details?: string
  /** ISO time the fault occurred (the injector's clock). */
  readonly created: string
}

/** The fault to embed, the dialect to shape it for, and which list entry to put in ERROR. */
export interface ErrorStateOptions {
  readonly fault: EmbeddedFault
  readonly dialect: Dialect
  /** In a list body, only the entry with this id turns to ERROR (every entry when absent). */
  readonly targetId?: string
}

/** The new body, or why this body cannot carry an ERROR state. */
export type ErrorStateResult = { readonly body: string } | { readonly reason: string }

type Resource = 'server' | 'image'
const RESOURCES: Readonly<Record<string, { resource: Resource; list: boolean }>> = {
  server: { resource: 'server', list: false },
  image: { resource: 'image', list: false },
  servers: { resource: 'server', list: true },
  images: { resource: 'image', list: true },
}

/**
 * Turns a recorded server or image body (JSON or XML, single or detail list) into the same body in
 * ERROR with the embedded fault. XML is edited as text, so everything else stays byte for byte.
 */
export function applyErrorState(body: string, options: ErrorStateOptions): ErrorStateResult {
  const start = body.trimStart()
  if (start.startsWith('<')) return applyToXml(body, options)
  if (start.startsWith('{')) return applyToJson(body, options)
  return { reason: 'the response body is neither JSON nor XML' }
}

function faultFields(resource: Resource, options: ErrorStateOptions): { code: number; created: string; message: string; details?: string } {
  const { fault, dialect } = options
  const message = fault.message ?? defaultErrorStateMessage(resource, fault.code)
  const details = fault.details ?? (dialect === 'nova' ? undefined : 'Fault details')
  return { code: fault.code, created: fault.created, message, ...(details === undefined ? {} : { details }) }
}

function applyToJson(text: string, options: ErrorStateOptions): ErrorStateResult {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    return { reason: `the response body is not valid JSON (${(error as Error).message})` }
  }
  const root = isObject(parsed) ? Object.keys(parsed).find((key) => key in RESOURCES) : undefined
  if (!isObject(parsed) || root === undefined) return { reason: 'the response body has no server or image' }
  const { resource, list } = RESOURCES[root] as { resource: Resource; list: boolean }
  const entries = list ? (Array.isArray(parsed[root]) ? parsed[root] : []) : [parsed[root]]
  const targets = entries.filter(isObject).filter((entry) => options.targetId === undefined || entry['id'] === options.targetId)
  if (targets.length === 0) return { reason: `the response body has no ${resource} to put in ERROR` }
  for (const entry of targets) setJsonError(entry, faultFields(resource, options))
  return { body: JSON.stringify(parsed) }
}

function setJsonError(entry: Record<string, unknown>, fault: object): void {
  entry['status'] = 'ERROR'
  if ('OS-EXT-STS:vm_state' in entry) entry['OS-EXT-STS:vm_state'] = 'error'
  if ('OS-EXT-STS:task_state' in entry) entry['OS-EXT-STS:task_state'] = null
  entry['fault'] = fault
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

interface XmlTag {
  readonly start: number
  readonly end: number
  readonly name: string
  readonly closing: boolean
  readonly selfClosing: boolean
  readonly text: string
}

const TAG = /<(\/?)([A-Za-z_][\w:.-]*)((?:[^>"']|"[^"]*"|'[^']*')*?)(\/?)>/g

function* scanTags(text: string, from: number): Generator<XmlTag> {
  TAG.lastIndex = from
  for (let found = TAG.exec(text); found; found = TAG.exec(text)) {
    const [whole, slash, name, , selfClose] = found
    yield { start: found.index, end: found.index + whole.length, name: name as string, closing: slash === '/', selfClosing: selfClose === '/', text: whole }
  }
}

const localName = (name: string): string => name.slice(name.indexOf(':') + 1)

function applyToXml(text: string, options: ErrorStateOptions): ErrorStateResult {
  const root = scanTags(text, 0).next().value
  const info = root && !root.closing ? RESOURCES[localName(root.name)] : undefined
  if (!root || !info) return { reason: 'the response body has no server or image' }
  const elements = info.list ? childElements(text, root, info.resource) : [root]
  const targets = elements.filter((tag) => options.targetId === undefined || attribute(tag.text, 'id') === options.targetId)
  if (targets.length === 0) return { reason: `the response body has no ${info.resource} to put in ERROR` }
  let result = text
  for (const tag of [...targets].reverse()) result = setXmlError(result, tag, faultFields(info.resource, options))
  return { body: result }
}

/** Direct children of `parent` with the given local name. */
function childElements(text: string, parent: XmlTag, name: string): XmlTag[] {
  const children: XmlTag[] = []
  let depth = 0
  for (const tag of scanTags(text, parent.end)) {
    if (tag.closing) {
      if (depth === 0) break
      depth -= 1
    } else {
      if (depth === 0 && localName(tag.name) === name) children.push(tag)
      if (!tag.selfClosing) depth += 1
    }
  }
  return children
}

function attribute(tagText: string, name: string): string | undefined {
  return new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(tagText)?.slice(1).find((value) => value !== undefined)
}

/** Children the 1.1 schema puts after the fault: it goes before the first of them. */
const AFTER_FAULT = new Set(['metadata', 'addresses', 'link'])

function setXmlError(text: string, element: XmlTag, fault: ReturnType<typeof faultFields>): string {
  const statusPattern = /(\sstatus\s*=\s*)(?:"[^"]*"|'[^']*')/
  const withStatus = (
    statusPattern.test(element.text)
      ? element.text.replace(statusPattern, '$1"ERROR"')
      : element.text.replace(/\s*\/?>$/, (end) => ` status="ERROR"${end}`)
  ).replace(/(\sOS-EXT-STS:vm_state\s*=\s*)(?:"[^"]*"|'[^']*')/, '$1"error"')
  const faultXml = renderXmlFault(fault)
  if (element.selfClosing) {
    const open = withStatus.replace(/\s*\/>$/, '>')
    return text.slice(0, element.start) + `${open}${faultXml}</${element.name}>` + text.slice(element.end)
  }
  const insertAt = faultPosition(text, element)
  return text.slice(0, element.start) + withStatus + text.slice(element.end, insertAt) + faultXml + text.slice(insertAt)
}

function faultPosition(text: string, element: XmlTag): number {
  let depth = 0
  for (const tag of scanTags(text, element.end)) {
    if (tag.closing) {
      if (depth === 0) return tag.start
      depth -= 1
    } else {
      if (depth === 0 && AFTER_FAULT.has(localName(tag.name))) return tag.start
      if (!tag.selfClosing) depth += 1
    }
  }
  return text.length
}

function renderXmlFault(fault: ReturnType<typeof faultFields>): string {
  const details = fault.details === undefined ? '' : `<details>${escapeXml(fault.details)}</details>`
  return `<fault code="${fault.code}" created="${escapeXml(fault.created)}"><message>${escapeXml(fault.message)}</message>${details}</fault>`
}
