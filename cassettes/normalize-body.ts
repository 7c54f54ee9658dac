import type { ClassifiedBody } from './body.js'
import { fieldAction } from './compile-rules.js'
import { learnField, learnJson, rewriteJson } from './normalize-json.js'
import { learnXml, rewriteXml } from './normalize-xml.js'
import type { JsonValue } from './schema.js'
import { scrubText, type NormalizeContext } from './scrub-text.js'

/** First pass over a body: registers secrets and ids at known positions. */
export function learnBody(body: ClassifiedBody | null, context: NormalizeContext): void {
  if (body === null) return
  if (body.kind === 'json') learnJson(body.json, context)
  else if (body.kind === 'xml') learnXml(body.text, context)
  else if (body.kind === 'text') learnText(body.text, context)
}

/** Second pass: the body with secrets replaced, ids mapped and volatile values normalized. */
export function rewriteBody(body: ClassifiedBody | null, context: NormalizeContext): ClassifiedBody | null {
  if (body === null) return null
  switch (body.kind) {
    case 'json':
      return { kind: 'json', json: rewriteJson(body.json, context) }
    case 'xml':
      return { kind: 'xml', text: rewriteXml(body.text, context) }
    case 'text':
      return { kind: 'text', text: scrubText(body.text, context) }
    case 'base64':
      return { kind: 'base64', bytes: scrubBytes(body.bytes, context) }
  }
}

/**
 * Text that is not clean JSON or XML still teaches secrets: JSON that parses but was not kept
 * as JSON (duplicate keys, long numbers), URL-encoded forms, and `name="value"` / `<name>value<`
 * pairs of broken XML. The rewrite then replaces those values wherever they are.
 */
function learnText(text: string, context: NormalizeContext): void {
  const first = /\S/.exec(text.slice(0, 64))?.[0]
  if (first === '{' || first === '[') {
    try {
      learnJson(JSON.parse(text) as JsonValue, context)
      return
    } catch {
      // Not JSON after all: fall through to the patterns.
    }
  }
  if (/^[\w.%+-]+=[^&\s]*(?:&[\w.%+-]+=[^&\s]*)*$/.test(text.trim())) {
    for (const [name, value] of new URLSearchParams(text.trim())) learnPair(name, value, context)
    return
  }
  for (const match of text.matchAll(/([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) learnPair(match[1] as string, match[2] ?? match[3] ?? '', context)
  for (const match of text.matchAll(/<(?:[\w-]+:)?([\w-]+)[^>]*>([^<]*)<\//g)) learnPair(match[1] as string, (match[2] as string).trim(), context)
  for (const match of text.matchAll(/"([\w:-]+)"\s*:\s*"((?:[^"\\]|\\.)*)"/g)) learnPair(match[1] as string, match[2] as string, context)
}

function learnPair(name: string, value: string, context: NormalizeContext): void {
  const local = name.slice(name.indexOf(':') + 1)
  const action = fieldAction(context.rules, name, undefined) ?? fieldAction(context.rules, local, undefined)
  if (action && 'secret' in action && value !== '') learnField(action, value, context)
}

/** Binary bodies cannot be parsed, but a known secret's bytes are still cut out of them. */
function scrubBytes(bytes: Buffer, context: NormalizeContext): Buffer {
  let result = bytes
  for (const [secret, placeholder] of context.map.secretEntries()) {
    const needle = Buffer.from(secret, 'utf8')
    let at = result.indexOf(needle)
    if (at < 0) continue
    const parts: Buffer[] = []
    let from = 0
    while (at >= 0) {
      parts.push(result.subarray(from, at), Buffer.from(placeholder, 'utf8'))
      from = at + needle.length
      at = result.indexOf(needle, from)
    }
    parts.push(result.subarray(from))
    result = Buffer.concat(parts)
  }
  return result
}
