import { escapeXml } from '../cassettes/index.js'

/** Attribute values; null and undefined attributes are left out. */
export type XmlAttributeValue = string | number | boolean | null | undefined

/** A tree the renderers build and `renderXmlDocument` prints. */
export interface XmlElement {
  readonly name: string
  readonly attributes?: Readonly<Record<string, XmlAttributeValue>>
  readonly children?: readonly XmlElement[]
  /** Text content; an element has either text or children. */
  readonly text?: string
}

/** Builds an element (a short form for renderers). */
export function xml(
  name: string,
  attributes?: Readonly<Record<string, XmlAttributeValue>>,
  children?: readonly XmlElement[] | string,
): XmlElement {
  if (typeof children === 'string') return { name, ...(attributes ? { attributes } : {}), text: children }
  return { name, ...(attributes ? { attributes } : {}), ...(children ? { children } : {}) }
}

/** The declaration the documents' XML examples start with (001 §2). */
const DECLARATION = "<?xml version='1.0' encoding='UTF-8'?>\n"

/** Prints a document: declaration, then the tree indented by two spaces, ending with a newline. */
export function renderXmlDocument(root: XmlElement): string {
  const lines: string[] = []
  printElement(root, 0, lines)
  return DECLARATION + lines.join('\n') + '\n'
}

function printElement(element: XmlElement, depth: number, lines: string[]): void {
  const indent = '  '.repeat(depth)
  const open = `${indent}<${element.name}${printAttributes(element.attributes)}`
  if (element.text !== undefined) {
    lines.push(`${open}>${escapeXml(element.text)}</${element.name}>`)
    return
  }
  if (!element.children || element.children.length === 0) {
    lines.push(`${open}/>`)
    return
  }
  lines.push(`${open}>`)
  for (const child of element.children) printElement(child, depth + 1, lines)
  lines.push(`${indent}</${element.name}>`)
}

function printAttributes(attributes: XmlElement['attributes']): string {
  if (!attributes) return ''
  let out = ''
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined) continue
    out += ` ${name}="${escapeXml(String(value))}"`
  }
  return out
}
