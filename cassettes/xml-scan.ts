/**
 * A one-pass XML scanner that lets a visitor replace attribute values and text while every other
 * byte of the document stays as written (XML is replayed from its text). It expects well-formed
 * input (check with `isWellFormedXml` first) and never expands entities.
 */
export interface XmlScanVisitor {
  /** An element starts; `name` is the qualified name as written. */
  open(name: string): void
  /** Returns the new raw (still escaped) value, or undefined to keep it. */
  attribute(name: string, rawValue: string): string | undefined
  /** Text or CDATA content of the current element; returns new raw content or undefined. */
  text(raw: string, cdata: boolean): string | undefined
  close(name: string): void
}

/** Runs the visitor over `xml` and returns the document with its replacements. */
export function scanXml(xml: string, visitor: XmlScanVisitor): string {
  const out: string[] = []
  let copied = 0
  const replace = (start: number, end: number, value: string | undefined): void => {
    if (value === undefined) return
    out.push(xml.slice(copied, start), value)
    copied = end
  }
  let index = 0
  while (index < xml.length) {
    if (xml.charCodeAt(index) !== 0x3c /* < */) {
      const end = nextTag(xml, index)
      replace(index, end, visitor.text(xml.slice(index, end), false))
      index = end
    } else if (xml.startsWith('<![CDATA[', index)) {
      const end = xml.indexOf(']]>', index)
      const stop = end < 0 ? xml.length : end
      const replaced = visitor.text(xml.slice(index + 9, stop), true)
      replace(index + 9, stop, replaced === undefined ? undefined : replaced.replace(/]]>/g, ']]]]><![CDATA[>'))
      index = stop + 3
    } else if (xml.startsWith('<?', index)) index = after(xml, index, '?>')
    else if (xml.startsWith('<!--', index)) index = after(xml, index, '-->')
    else if (xml.startsWith('<!', index)) index = afterDeclaration(xml, index)
    else if (xml.startsWith('</', index)) {
      const end = after(xml, index, '>')
      visitor.close(xml.slice(index + 2, end - 1).trim())
      index = end
    } else index = scanStartTag(xml, index, visitor, replace)
  }
  out.push(xml.slice(copied))
  return out.join('')
}

function nextTag(xml: string, from: number): number {
  const next = xml.indexOf('<', from)
  return next < 0 ? xml.length : next
}

function after(xml: string, from: number, marker: string): number {
  const end = xml.indexOf(marker, from)
  return end < 0 ? xml.length : end + marker.length
}

/** `<!DOCTYPE ... [ internal subset ] >`: skipped whole, brackets and quotes respected. */
function afterDeclaration(xml: string, from: number): number {
  let depth = 0
  let quote = ''
  for (let index = from + 2; index < xml.length; index += 1) {
    const char = xml[index]
    if (quote) {
      if (char === quote) quote = ''
    } else if (char === '"' || char === "'") quote = char
    else if (char === '[') depth += 1
    else if (char === ']') depth -= 1
    else if (char === '>' && depth <= 0) return index + 1
  }
  return xml.length
}

const NAME = /[^\s=/>]+/y
const SPACE = /\s*/y

function scanStartTag(xml: string, start: number, visitor: XmlScanVisitor, replace: (start: number, end: number, value: string | undefined) => void): number {
  NAME.lastIndex = start + 1
  const name = NAME.exec(xml)?.[0] ?? ''
  visitor.open(name)
  let index = start + 1 + name.length
  for (;;) {
    SPACE.lastIndex = index
    SPACE.exec(xml)
    index = SPACE.lastIndex
    if (index >= xml.length) return index
    if (xml.startsWith('/>', index)) {
      visitor.close(name)
      return index + 2
    }
    if (xml[index] === '>') return index + 1
    NAME.lastIndex = index
    const attribute = NAME.exec(xml)?.[0]
    if (!attribute) return index + 1
    index = skipToValue(xml, index + attribute.length)
    const quote = xml[index] as string
    const end = xml.indexOf(quote, index + 1)
    const stop = end < 0 ? xml.length : end
    const replaced = visitor.attribute(attribute, xml.slice(index + 1, stop))
    replace(index + 1, stop, replaced === undefined ? undefined : replaced.replace(quote === '"' ? /"/g : /'/g, quote === '"' ? '&quot;' : '&apos;'))
    index = stop + 1
  }
}

/** From after an attribute name to its opening quote: `name = "value"`. */
function skipToValue(xml: string, from: number): number {
  let index = from
  while (index < xml.length && xml[index] !== '"' && xml[index] !== "'") index += 1
  return index
}
