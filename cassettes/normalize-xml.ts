import { fieldAction } from './compile-rules.js'
import { escapeXml } from './fault-catalog.js'
import { learnField, learnFreeText, rewriteField } from './normalize-json.js'
import { findPathMatch } from './rule-paths.js'
import { scrubText, type NormalizeContext } from './scrub-text.js'
import { decodeXmlEntities } from './xml.js'
import { scanXml, type XmlScanVisitor } from './xml-scan.js'

/**
 * XML bodies, with any prefixes: the same field rules as JSON, applied to attributes (the
 * element is the parent: `<server id>` is `server.id`) and to element text (`<adminPass>`).
 * Matching is on local names. The document is rewritten in place: only changed values differ.
 */
export function learnXml(xml: string, context: NormalizeContext): void {
  scanXml(xml, createVisitor(context, 'learn'))
}

/** Returns the document with secrets replaced, ids mapped and volatile values normalized. */
export function rewriteXml(xml: string, context: NormalizeContext): string {
  return scanXml(xml, createVisitor(context, 'rewrite'))
}

function localName(qualified: string): string {
  return qualified.slice(qualified.indexOf(':') + 1)
}

function createVisitor(context: NormalizeContext, mode: 'learn' | 'rewrite'): XmlScanVisitor {
  const stack: string[] = []
  const visit = (name: string, parent: string | undefined, value: string): string | undefined => {
    const path = name.startsWith('@') ? [...stack, name] : stack
    const volatile = findPathMatch(context.rules.volatileXml, path)
    const field = name.startsWith('@') ? name.slice(1) : name
    const action = fieldAction(context.rules, field, parent)
    if (mode === 'learn') {
      if (volatile) return undefined
      if (action) learnField(action, value, context)
      else learnFreeText(value, context)
      return undefined
    }
    if (volatile) {
      context.map.countVolatile()
      return volatile(value) ?? ''
    }
    return action ? String(rewriteField(action, value, context)) : scrubText(value, context)
  }
  return {
    open: (name) => void stack.push(localName(name)),
    close: () => void stack.pop(),
    attribute: (name, raw) => {
      if (name === 'xmlns' || name.startsWith('xmlns:')) return undefined
      const value = decodeXmlEntities(raw)
      const result = visit('@' + localName(name), stack.at(-1), value)
      return result === undefined || result === value ? undefined : escapeXml(result)
    },
    text: (raw, cdata) => {
      const trimmed = raw.trim()
      if (trimmed === '' || stack.length === 0) return undefined
      const value = cdata ? trimmed : decodeXmlEntities(trimmed)
      const result = visit(stack.at(-1) as string, stack.at(-2), value)
      if (result === undefined || result === value) return undefined
      const lead = raw.slice(0, raw.indexOf(trimmed))
      return lead + (cdata ? result : escapeText(result)) + raw.slice(lead.length + trimmed.length)
    },
  }
}

function escapeText(text: string): string {
  return text.replace(/[&<>]/g, (char) => (char === '&' ? '&amp;' : char === '<' ? '&lt;' : '&gt;'))
}
