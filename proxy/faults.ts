import type { ServerResponse } from 'node:http'
import { renderFault } from '../cassettes/fault-catalog.js'
import type { Dialect } from '../cassettes/operation-catalog.js'
import type { BodyFormat } from '../cassettes/resolve-operation.js'
import type { TransportFaultKind } from '../cassettes/schema.js'

/** An upstream failure, classified for the client's answer and for the cassette. */
export interface UpstreamFailure {
  readonly kind: TransportFaultKind
  /** 504 for a timeout, 502 otherwise. */
  readonly status: 502 | 504
  /** Says what happened, naming the upstream and the system error code. */
  readonly message: string
}

/** Node's `Error & { code }` from sockets and the HTTP parser. */
type SystemError = Error & { code?: string }

/** Marks an upstream that stayed silent past the timeout (set on the error the proxy raises). */
export const UPSTREAM_TIMEOUT_CODE = 'CLOUDTAPE_UPSTREAM_TIMEOUT'

/** Turns a socket or parser error talking to `origin` into a transport fault kind and a message. */
export function classifyUpstreamError(error: SystemError, origin: string): UpstreamFailure {
  const code = error.code ?? ''
  if (code === UPSTREAM_TIMEOUT_CODE) {
    return { kind: 'timeout', status: 504, message: `the upstream ${origin} did not answer in time (${error.message})` }
  }
  if (code === 'ECONNREFUSED') return failure('refused', `the upstream ${origin} refused the connection (ECONNREFUSED)`)
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return failure('refused', `the upstream host of ${origin} could not be resolved (${code})`)
  if (code.startsWith('HPE_')) return failure('invalid-response', `the upstream ${origin} sent a response that is not valid HTTP (${code}: ${error.message})`)
  if (code === 'CLOUDTAPE_TRUNCATED') return failure('truncated', `the upstream ${origin} ${error.message}`)
  const shown = code === '' ? error.message : `${code}: ${error.message}`
  return failure('reset', `the upstream ${origin} closed the connection before answering (${shown})`)
}

function failure(kind: TransportFaultKind, message: string): UpstreamFailure {
  return { kind, status: 502, message }
}

/** The fault the proxy answers with when the upstream failed: the dialect's generic fault root. */
export function genericFaultName(dialect: Dialect): string {
  return dialect === 'hp' ? 'cloudServersFault' : 'computeFault'
}

/** The format a fault body takes: the `.json`/`.xml` suffix of the path, else the Accept header. */
export function faultFormat(path: string, accept: string | undefined): BodyFormat {
  const suffix = /\.(json|xml)(?:[?#]|$)/i.exec(path)
  if (suffix) return (suffix[1] as string).toLowerCase() as BodyFormat
  if (!accept) return 'json'
  const xml = accept.search(/xml/i)
  const json = accept.search(/json/i)
  return xml >= 0 && (json < 0 || xml < json) ? 'xml' : 'json'
}

/** A fault body the proxy sends on its own behalf. */
export interface SendFaultOptions {
  readonly name: string
  readonly status: number
  readonly message: string
  readonly details?: string
  readonly dialect: Dialect
  readonly format: BodyFormat
}

/** Answers the client with a fault body rendered by the fault catalog. */
export function sendFault(res: ServerResponse, options: SendFaultOptions): void {
  const rendered = renderFault({
    name: options.name,
    dialect: options.dialect,
    format: options.format,
    code: options.status,
    message: options.message,
    ...(options.details === undefined ? {} : { details: options.details }),
  })
  const body = Buffer.from(rendered.body)
  if (res.headersSent) {
    res.destroy()
    return
  }
  res.writeHead(rendered.status, { 'content-type': rendered.contentType, 'content-length': body.length })
  res.end(body)
}
