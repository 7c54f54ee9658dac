import type { XmlElement } from '../xml-writer.js'

/** A response body in both formats; only the one the client asked for is built. */
export interface ReplyDocument {
  json(): unknown
  xml(): XmlElement
}

/** What a handler answers; the server adds the common headers, encodes and writes it. */
export interface Reply {
  readonly status: number
  readonly document?: ReplyDocument
  readonly headers?: Readonly<Record<string, string>>
  /** List endpoints send their body in chunks (Transfer-Encoding: chunked). */
  readonly chunked?: boolean
  /** The Content-Type of an answer without a body, when the API sends one (003 §4.4.1.19). */
  readonly emptyContentType?: string
}

/** A response with a body. */
export function documentReply(status: number, document: ReplyDocument, extra: Omit<Reply, 'status' | 'document'> = {}): Reply {
  return { status, document, ...extra }
}

/** A response without a body (202 Accepted, 204 No Content). */
export function emptyReply(status: number, headers?: Readonly<Record<string, string>>): Reply {
  return headers ? { status, headers } : { status }
}
