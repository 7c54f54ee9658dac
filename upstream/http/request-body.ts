import type { IncomingMessage } from 'node:http'
import { parseXmlRequest } from '../xml-request.js'
import { ApiFault } from './api-fault.js'

/** The raw request body, read whole; bytes past the limit are counted but not kept. */
export interface RawBody {
  readonly bytes: Buffer
  readonly tooLarge: boolean
}

/** Reads the request body. Resolves when the request ends (or the client goes away). */
export function readRawBody(request: IncomingMessage, maxBytes: number): Promise<RawBody> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    let size = 0
    request.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= maxBytes) chunks.push(chunk)
    })
    const finish = (): void => resolve({ bytes: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks), tooLarge: size > maxBytes })
    request.on('end', finish)
    request.on('close', finish)
  })
}

/** The body's format from its Content-Type: JSON when none is given, null when neither. */
export function bodyFormat(contentType: string | undefined): 'json' | 'xml' | null {
  if (contentType === undefined || contentType.trim() === '') return 'json'
  if (/\bjson\b/i.test(contentType)) return 'json'
  if (/\bxml\b/i.test(contentType)) return 'xml'
  return null
}

/**
 * Parses a body into the JSON shape handlers read (XML is converted, see xml-request.ts).
 * Undefined when there is no body. Malformed bodies are badRequest (400); a type that is neither
 * JSON nor XML is badMediaType (415), as 001 §1.4 requires one of the two.
 */
export function parseRequestBody(text: string, contentType: string | undefined): unknown {
  if (text.trim() === '') return undefined
  const format = bodyFormat(contentType)
  if (format === null) {
    throw new ApiFault('badMediaType', `Unsupported Content-Type ${JSON.stringify(contentType)}: send application/json or application/xml.`)
  }
  if (format === 'xml') {
    const result = parseXmlRequest(text)
    if ('error' in result) throw new ApiFault('badRequest', `Malformed request body: ${result.error}`)
    return result.value
  }
  try {
    return JSON.parse(text) as unknown
  } catch (error) {
    throw new ApiFault('badRequest', `Malformed request body: ${(error as Error).message}`)
  }
}
