import type { RawExchange } from '../../cassettes/recorder.js'

type Headers = Record<string, string | string[] | undefined>

export interface ExchangeSpec {
  method?: string
  url: string
  requestHeaders?: Headers
  requestBody?: unknown
  status?: number
  responseHeaders?: Headers
  responseBody?: unknown
}

/** Strings and Buffers go as they are; anything else is sent as JSON. */
function toBuffer(body: unknown): Buffer {
  if (body === undefined || body === null) return Buffer.alloc(0)
  if (Buffer.isBuffer(body)) return body
  if (typeof body === 'string') return Buffer.from(body, 'utf8')
  return Buffer.from(JSON.stringify(body), 'utf8')
}

function contentTypeFor(body: unknown): Headers {
  if (body === undefined || body === null || Buffer.isBuffer(body)) return {}
  if (typeof body === 'string') return { 'content-type': body.trimStart().startsWith('<') ? 'application/xml' : 'text/plain' }
  return { 'content-type': 'application/json' }
}

/** Builds a RawExchange the way the proxy hands one to the recorder. */
export function exchange(spec: ExchangeSpec): RawExchange {
  return {
    request: {
      method: spec.method ?? 'GET',
      url: spec.url,
      headers: { ...contentTypeFor(spec.requestBody), ...spec.requestHeaders },
      body: toBuffer(spec.requestBody),
    },
    response: {
      status: spec.status ?? 200,
      headers: { ...contentTypeFor(spec.responseBody), ...spec.responseHeaders },
      body: toBuffer(spec.responseBody),
    },
  }
}
