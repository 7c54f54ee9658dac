import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http'
import { deflateSync, gzipSync } from 'node:zlib'
import type { CompressEncoding, TransportSwitchKind } from '../switches.js'

/** A complete answer, ready for the wire (headers without Content-Length and Content-Encoding). */
export interface Answer {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: Buffer
  /** Sent in two chunks with Transfer-Encoding: chunked instead of a Content-Length. */
  readonly chunked: boolean
}

/** How to encode and deliver an answer. */
export interface WriteOptions {
  readonly acceptEncoding: string | undefined
  readonly forcedEncoding: CompressEncoding | null
  readonly transport: TransportSwitchKind | null
}

/** Bytes no HTTP parser accepts (a status code must be three digits). */
const INVALID_RESPONSE = 'HTTP/1.1 2!0 This Is Not HTTP\r\n\u0000\u0001\u0002 garbage\r\n\r\n'

/**
 * Writes an answer, compressed when the client accepts it (or a switch forces it), and damaged
 * the way a transport switch asks: reset, truncated, not HTTP, or left hanging.
 */
export function writeAnswer(request: IncomingMessage, response: ServerResponse, answer: Answer, options: WriteOptions): void {
  const encoding = answer.body.length > 0 ? (options.forcedEncoding ?? negotiateEncoding(options.acceptEncoding)) : null
  const body = encoding === null ? answer.body : compress(answer.body, encoding)
  const headers: Record<string, string> = { ...answer.headers }
  if (encoding !== null) headers['Content-Encoding'] = encoding
  const socket = request.socket
  switch (options.transport) {
    case 'hang':
      return
    case 'resetBeforeHeaders':
      socket.resetAndDestroy()
      return
    case 'invalidResponse':
      socket.end(INVALID_RESPONSE)
      return
    case 'resetMidBody':
      socket.write(partialAnswer(answer.status, headers, body), () => socket.resetAndDestroy())
      return
    case 'truncateBody':
      socket.end(partialAnswer(answer.status, headers, body))
      return
    case 'closeKeepAlive':
      // The answer still says keep-alive; the socket closes under the client's pooled connection.
      response.once('finish', () => socket.end())
      break
    case null:
      break
  }
  writeNormally(response, answer, headers, body)
}

function writeNormally(response: ServerResponse, answer: Answer, headers: Record<string, string>, body: Buffer): void {
  if (!answer.chunked || body.length < 2) {
    headers['Content-Length'] = String(body.length)
    response.writeHead(answer.status, headers)
    response.end(body)
    return
  }
  response.writeHead(answer.status, headers)
  response.write(body.subarray(0, body.length >> 1))
  response.end(body.subarray(body.length >> 1))
}

/** gzip is preferred over deflate; `q=0` refuses a coding (RFC 9110 §12.5.3). */
export function negotiateEncoding(acceptEncoding: string | undefined): CompressEncoding | null {
  if (!acceptEncoding) return null
  const accepted = new Set<string>()
  for (const part of acceptEncoding.toLowerCase().split(',')) {
    const [coding = '', ...parameters] = part.trim().split(';')
    const q = parameters.map((parameter) => /^\s*q=([\d.]+)\s*$/.exec(parameter)?.[1]).find((value) => value !== undefined)
    if (q === undefined || Number(q) > 0) accepted.add(coding.trim())
  }
  if (accepted.has('gzip') || accepted.has('x-gzip')) return 'gzip'
  if (accepted.has('deflate')) return 'deflate'
  return null
}

function compress(body: Buffer, encoding: CompressEncoding): Buffer {
  return encoding === 'gzip' ? gzipSync(body) : deflateSync(body)
}

/** The head announcing the whole body, then only its first half. */
function partialAnswer(status: number, headers: Readonly<Record<string, string>>, body: Buffer): Buffer {
  let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\n`
  for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`
  head += `Content-Length: ${body.length}\r\nConnection: keep-alive\r\n\r\n`
  return Buffer.concat([Buffer.from(head, 'latin1'), body.subarray(0, body.length >> 1)])
}
