import { fieldAction } from './compile-rules.js'
import type { FieldAction } from './normalization-rules.js'
import { findPathMatch } from './rule-paths.js'
import type { JsonValue } from './schema.js'
import { pathOfUrl, scrubText, tenantInPath, type NormalizeContext } from './scrub-text.js'

/** The path from the root (keys and indices), one array per walk, pushed and popped as it goes. */
type Stack = Array<string | number>

/**
 * First pass over a JSON body: registers the secrets and identifiers that sit at known positions,
 * so the second pass replaces them wherever else they appear, even earlier in the exchange.
 */
export function learnJson(value: JsonValue, context: NormalizeContext): void {
  learnValue(value, undefined, undefined, [], context)
}

function learnValue(value: JsonValue, key: string | undefined, parent: string | undefined, stack: Stack, context: NormalizeContext): void {
  if (value === null) return
  if (typeof value === 'object') {
    const name = key ?? parent
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        stack.push(index)
        learnValue(item, key, parent, stack, context)
        stack.pop()
      })
      return
    }
    for (const child in value) {
      stack.push(child)
      learnValue(value[child] as JsonValue, child, name, stack, context)
      stack.pop()
    }
    return
  }
  if (key === undefined || typeof value === 'boolean' || findPathMatch(context.rules.volatileJson, stack)) return
  const text = String(value)
  const action = fieldAction(context.rules, key, parent)
  if (action) learnField(action, text, context)
  else if (typeof value === 'string') learnFreeText(text, context)
}

/** Registers one field's value by its action (shared with the XML walker). */
export function learnField(action: FieldAction, text: string, context: NormalizeContext): void {
  if ('secret' in action) context.map.learnSecret(action.secret, text)
  else if ('keep' in action) context.map.keep(text)
  else if (!isUrlLike(text)) context.map.id(action.id, text)
  else learnFreeText(text, context)
}

/** A value at no known position teaches one thing: the tenant of a URL (`https://host/v2/{tenant}/...`). */
export function learnFreeText(text: string, context: NormalizeContext): void {
  const learned = context.learnedUrls
  if (!text.startsWith('http') || learned?.has(text)) return
  const path = pathOfUrl(text)
  const tenant = path === undefined ? undefined : tenantInPath(path)
  if (tenant !== undefined) context.map.id('tenant', tenant)
  if (learned !== undefined && text.length <= MAX_REMEMBERED_URL) learned.add(text)
}

const MAX_REMEMBERED_URL = 512

/**
 * Second pass: returns a copy with secrets replaced, identifiers mapped and volatile values
 * normalized. Keys are scrubbed too (a metadata key can hold anything).
 */
export function rewriteJson(value: JsonValue, context: NormalizeContext): JsonValue {
  return rewriteValue(value, undefined, undefined, [], context)
}

function rewriteValue(value: JsonValue, key: string | undefined, parent: string | undefined, stack: Stack, context: NormalizeContext): JsonValue {
  if (value === null || typeof value === 'boolean') return value
  if (typeof value === 'object') {
    const name = key ?? parent
    if (Array.isArray(value)) {
      return value.map((item, index) => {
        stack.push(index)
        const rewritten = rewriteValue(item, key, parent, stack, context)
        stack.pop()
        return rewritten
      })
    }
    const result: { [key: string]: JsonValue } = {}
    for (const child in value) {
      stack.push(child)
      const rewritten = rewriteValue(value[child] as JsonValue, child, name, stack, context)
      const scrubbedKey = scrubText(child, context)
      // Assignment is several times faster; only a "__proto__" key needs defineProperty to stay a plain key.
      if (scrubbedKey === '__proto__') Object.defineProperty(result, scrubbedKey, { value: rewritten, enumerable: true, writable: true, configurable: true })
      else result[scrubbedKey] = rewritten
      stack.pop()
    }
    return result
  }
  const volatile = findPathMatch(context.rules.volatileJson, stack)
  if (volatile && typeof value === 'string') {
    context.map.countVolatile()
    return volatile(value)
  }
  const action = key === undefined ? undefined : fieldAction(context.rules, key, parent)
  if (action) return rewriteField(action, value, context)
  return typeof value === 'string' ? scrubText(value, context) : value
}

/** Rewrites one field's value by its action (shared with the XML walker). */
export function rewriteField(action: FieldAction, value: string | number, context: NormalizeContext): JsonValue {
  const text = String(value)
  if ('secret' in action) return context.map.secret(action.secret, text)
  if ('keep' in action) return value
  if (isUrlLike(text)) return scrubText(text, context)
  const mapped = context.map.id(action.id, context.map.replaceSecrets(text))
  // A numeric id stays a JSON number when its placeholder is one.
  return typeof value === 'number' && /^\d+$/.test(mapped) && Number.isSafeInteger(Number(mapped)) ? Number(mapped) : mapped
}

function isUrlLike(text: string): boolean {
  return text.includes('/')
}
