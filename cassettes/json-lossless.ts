import type { JsonValue } from './schema.js'

/**
 * True when `JSON.stringify(parsed)` means exactly what `text` means: no duplicate keys were
 * collapsed and every number prints back as written (no `1.0`, `1e5`, `-0` or integers past
 * 2^53). Whitespace, string escapes and key order may differ; JSON gives them no meaning.
 * One pass over the text, one over the value.
 */
export function isLosslessJson(text: string, parsed: JsonValue): boolean {
  const scan = scanJsonText(text)
  return scan.numbersExact && scan.keys === countKeys(parsed, 0)
}

/**
 * Deeper JSON is kept as text: the recorder's walks are recursive, and no API body nests this
 * deep, so a hostile one cannot overflow the stack.
 */
export const MAX_JSON_DEPTH = 256

interface JsonTextScan {
  readonly keys: number
  readonly numbersExact: boolean
}

function scanJsonText(text: string): JsonTextScan {
  let keys = 0
  let index = 0
  const length = text.length
  while (index < length) {
    const code = text.charCodeAt(index)
    if (code === 0x22 /* " */) {
      index = endOfString(text, index)
      if (nextNonSpace(text, index) === 0x3a /* : */) keys += 1
    } else if (code === 0x2d /* - */ || (code >= 0x30 && code <= 0x39)) {
      const start = index
      while (index < length && isNumberChar(text.charCodeAt(index))) index += 1
      const token = text.slice(start, index)
      if (String(Number(token)) !== token) return { keys, numbersExact: false }
    } else {
      index += 1
    }
  }
  return { keys, numbersExact: true }
}

/** Index just past the closing quote of the string starting at `start`. */
function endOfString(text: string, start: number): number {
  let index = start + 1
  while (index < text.length) {
    const code = text.charCodeAt(index)
    if (code === 0x5c /* \ */) index += 2
    else if (code === 0x22) return index + 1
    else index += 1
  }
  return index
}

function nextNonSpace(text: string, from: number): number {
  let index = from
  while (index < text.length) {
    const code = text.charCodeAt(index)
    if (code !== 0x20 && code !== 0x0a && code !== 0x0d && code !== 0x09) return code
    index += 1
  }
  return -1
}

function isNumberChar(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || code === 0x2e || code === 0x2d || code === 0x2b || code === 0x65 || code === 0x45
}

/** Counts object keys; NaN when the value nests deeper than MAX_JSON_DEPTH. */
function countKeys(value: JsonValue, depth: number): number {
  if (value === null || typeof value !== 'object') return 0
  if (depth > MAX_JSON_DEPTH) return Number.NaN
  let total = 0
  if (Array.isArray(value)) {
    for (const item of value) total += countKeys(item, depth + 1)
    return total
  }
  for (const key in value) total += 1 + countKeys(value[key] as JsonValue, depth + 1)
  return total
}
