import { XMLParser } from 'fast-xml-parser'
import { expect } from 'vitest'
import { toFaultRequest } from '../../../replay/faults/request.js'
import type { FaultDecision, FaultRequest, FaultResponse } from '../../../replay/faults/types.js'

/** A FaultRequest as an engine would build it from method, URL, headers and body. */
export function request(method: string, url: string, options: { accept?: string; body?: string; contentType?: string } = {}): FaultRequest {
  const headers: Record<string, string> = {}
  if (options.accept) headers['accept'] = options.accept
  if (options.contentType) headers['content-type'] = options.contentType
  return toFaultRequest({ method, url, headers, body: options.body ?? null })
}

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseAttributeValue: false, parseTagValue: false })

/** Parses XML with attributes as `@name`, values kept as strings. */
export function parseXml(text: string): Record<string, any> {
  return parser.parse(text) as Record<string, any>
}

/** The response of a decision that must answer with one. */
export function responseOf(decision: FaultDecision | null): FaultResponse {
  expect(decision?.answer?.kind).toBe('respond')
  if (decision?.answer?.kind !== 'respond') throw new Error('no response')
  return decision.answer.response
}

/** Runs `decide` n times on the same kind of request and says which got an answer. */
export function firingPattern(decide: (request: FaultRequest) => FaultDecision | null, make: () => FaultRequest, n: number): boolean[] {
  return Array.from({ length: n }, () => decide(make())?.answer != null)
}
