import type { IncomingMessage, ServerResponse } from 'node:http'
import type { BodyFormat, Clock } from '../../cassettes/index.js'
import type { DialectProfile } from '../dialects/profile.js'
import type { RequestLog } from '../request-log.js'
import type { SwitchBoard, SwitchDecision } from '../switches.js'
import { faultToAnswer, overLimitFault, replyToAnswer } from './answer.js'
import { ApiFault } from './api-fault.js'
import type { Reply } from './reply.js'
import { readRawBody } from './request-body.js'
import { writeAnswer, type Answer } from './response-writer.js'

/** A request as an endpoint routes it: the body is read whole before routing. */
export interface IncomingRequest {
  readonly method: string
  readonly url: string
  readonly headers: IncomingMessage['headers']
  readonly body: string
}

/** A request header as one string (repeated headers joined). */
export function header(request: IncomingRequest, name: string): string | undefined {
  const value = request.headers[name]
  return Array.isArray(value) ? value.join(', ') : value
}

/** Where a request goes: its operation key and format are known before it is answered. */
export interface Route {
  readonly operation: string
  readonly format: BodyFormat
  /** Builds the answer; may throw ApiFault. The switches' decision lets it plant asynchronous faults. */
  answer(decision: SwitchDecision | null): Reply
}

/** One origin of the fake cloud: identity, or a region's compute. */
export interface Endpoint {
  readonly target: string
  /** Never throws: an unknown request still gets a route (that answers a fault). */
  route(request: IncomingRequest): Route
  /** The headers every answer carries (Date, request id), fresh for each response. */
  commonHeaders(): Record<string, string>
}

/** What all endpoints of one cloud share. */
export interface ServeContext {
  readonly profile: DialectProfile
  readonly clock: Clock
  readonly switches: SwitchBoard
  readonly log: RequestLog
  readonly maxBodyBytes: number
}

/**
 * Serves one request: read the body, route, log, let the switches decide (delay, fault,
 * transport damage), answer, write. Never rejects: anything unexpected becomes a 500 fault.
 */
export async function serveRequest(endpoint: Endpoint, context: ServeContext, request: IncomingMessage, response: ServerResponse): Promise<void> {
  response.sendDate = false
  const raw = await readRawBody(request, context.maxBodyBytes)
  const incoming: IncomingRequest = { method: request.method ?? 'GET', url: request.url ?? '/', headers: request.headers, body: raw.bytes.toString('utf8') }
  const route = endpoint.route(incoming)
  const entry = context.log.add({ target: endpoint.target, method: incoming.method, url: incoming.url, headers: incoming.headers, body: incoming.body, operation: route.operation, receivedAt: context.clock.now() })
  const decision = context.switches.decide(route.operation, endpoint.target)
  if (decision && decision.delayMs > 0) await context.clock.sleep(decision.delayMs)
  // Damage that happens before the answer starts: the request is not processed at all.
  if (decision?.transport === 'hang') return
  if (decision?.transport === 'resetBeforeHeaders') {
    request.socket.resetAndDestroy()
    return
  }
  const answer = buildAnswer(endpoint, context, route, decision, raw.tooLarge)
  entry.status = decision?.transport === 'invalidResponse' ? null : answer.status
  writeAnswer(request, response, answer, {
    acceptEncoding: request.headers['accept-encoding'],
    forcedEncoding: decision?.compress ?? null,
    transport: decision?.transport ?? null,
  })
}

function buildAnswer(endpoint: Endpoint, context: ServeContext, route: Route, decision: SwitchDecision | null, tooLarge: boolean): Answer {
  const common = endpoint.commonHeaders()
  try {
    if (tooLarge) throw new ApiFault('overLimit', `Request is too large: bodies are limited to ${context.maxBodyBytes} bytes.`)
    if (decision?.fault) throw switchFault(context, decision)
    return replyToAnswer(route.answer(decision), route.format, context.profile, common)
  } catch (error) {
    const fault =
      error instanceof ApiFault
        ? error
        : new ApiFault(context.profile.genericFault, undefined, { details: `Unexpected error in the fake cloud: ${(error as Error).message}` })
    return faultToAnswer(fault, route.format, context.profile, common)
  }
}

function switchFault(context: ServeContext, decision: SwitchDecision): ApiFault {
  const options = decision.fault
  const name = options?.fault ?? context.profile.genericFault
  const text = { ...(options?.message !== undefined ? { message: options.message } : {}), ...(options?.details !== undefined ? { details: options.details } : {}) }
  if (name === 'overLimit') return overLimitFault(context.profile, context.clock, { seconds: options?.retryAfterSeconds ?? 60, ...text })
  return new ApiFault(name, text.message, text.details !== undefined ? { details: text.details } : {})
}
