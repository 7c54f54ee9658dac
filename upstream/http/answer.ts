import { isoSeconds, renderFault, type BodyFormat, type Clock } from '../../cassettes/index.js'
import type { DialectProfile } from '../dialects/profile.js'
import { renderXmlDocument } from '../xml-writer.js'
import { ApiFault } from './api-fault.js'
import type { Reply } from './reply.js'
import type { Answer } from './response-writer.js'

/** Turns a handler's reply into bytes in the negotiated format, with the common headers added. */
export function replyToAnswer(reply: Reply, format: BodyFormat, profile: DialectProfile, common: Readonly<Record<string, string>>): Answer {
  const headers: Record<string, string> = { ...common, ...reply.headers }
  if (!reply.document) {
    if (reply.emptyContentType) headers['Content-Type'] = reply.emptyContentType
    return { status: reply.status, headers, body: Buffer.alloc(0), chunked: false }
  }
  const xml = format === 'xml'
  headers['Content-Type'] = xml ? profile.xmlContentType : profile.jsonContentType
  const text = xml ? renderXmlDocument(reply.document.xml()) : JSON.stringify(reply.document.json())
  return { status: reply.status, headers, body: Buffer.from(text, 'utf8'), chunked: reply.chunked === true }
}

/** Renders a documented fault (renderFault) with its extra headers. */
export function faultToAnswer(fault: ApiFault, format: BodyFormat, profile: DialectProfile, common: Readonly<Record<string, string>>): Answer {
  const rendered = renderFault({
    name: fault.fault,
    dialect: profile.dialect,
    format,
    ...(fault.faultMessage !== undefined ? { message: fault.faultMessage } : {}),
    ...(fault.details !== undefined ? { details: fault.details } : {}),
    ...(fault.retryAt !== undefined ? { retryAt: fault.retryAt } : {}),
  })
  const headers = { ...common, ...fault.headers, 'Content-Type': rendered.contentType }
  return { status: rendered.status, headers, body: Buffer.from(rendered.body, 'utf8'), chunked: false }
}

/**
 * overLimit as each dialect documents it: Retry-After as an HTTP date and retryAt with the same
 * time for rackspace (001 §1.11.1), Retry-After in seconds with the reason in details for hp
 * (003 §3.11).
 */
export function overLimitFault(profile: DialectProfile, clock: Clock, options: { seconds: number; message?: string; details?: string }): ApiFault {
  const retryAtMs = clock.now() + options.seconds * 1000
  const hp = profile.dialect === 'hp'
  return new ApiFault('overLimit', options.message, {
    details: options.details ?? RATE_LIMIT_DETAILS,
    headers: { 'Retry-After': hp ? String(options.seconds) : new Date(retryAtMs).toUTCString() },
    ...(hp ? {} : { retryAt: isoSeconds(retryAtMs) }),
  })
}

const RATE_LIMIT_DETAILS = 'Only 100 POST request(s) can be made to * every minute.'
