import type { ServerResponse } from 'node:http'
import { systemClock, type Clock } from '../../cassettes/clock.js'
import type { FaultDecision, FaultResponse } from './types.js'

/** The clock latency waits on, and the recorded answer a truncate cuts. */
export interface SendFaultOptions {
  /** Latency waits on it (a fake clock records the wait and returns at once). */
  readonly clock?: Clock
  /** The answer the engine would have sent: what a truncate decision cuts short. */
  readonly recorded?: FaultResponse | null
}

/** `handled`: the fault took care of the response. `continue`: only delayed, send the recorded answer. */
export type SendFaultOutcome = 'handled' | 'continue'

/** What a truncate decision cuts when the engine has no recorded answer to give. */
const TRUNCATE_STAND_IN: FaultResponse = {
  status: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ cloudtape: 'This body was cut short on purpose by a truncate fault rule.' }),
}

/**
 * Carries out a fault decision on a Node http response: waits the latency on the clock, then
 * writes the fault, resets the connection (TCP RST: the client sees ECONNRESET), sends a body
 * shorter than its Content-Length and closes, or holds the request until the client gives up.
 *
 * @example
 * const decision = faults.decide(request)
 * if (decision && (await sendFaultDecision(res, decision, { clock })) === 'handled') return
 */
export async function sendFaultDecision(res: ServerResponse, decision: FaultDecision, options: SendFaultOptions = {}): Promise<SendFaultOutcome> {
  if (decision.delayMs > 0) await (options.clock ?? systemClock).sleep(decision.delayMs)
  const answer = decision.answer
  if (answer === null) return res.destroyed ? 'handled' : 'continue'
  if (res.destroyed) return 'handled'
  switch (answer.kind) {
    case 'respond':
      await writeFaultResponse(res, answer.response)
      break
    case 'reset':
      await resetConnection(res)
      break
    case 'truncate':
      await writeTruncated(res, options.recorded ?? TRUNCATE_STAND_IN, answer.keepBytes)
      break
    case 'no-answer':
      await closed(res)
      break
  }
  return 'handled'
}

/** Writes a complete response with its Content-Length (engines use it for transformed answers too). */
export async function writeFaultResponse(res: ServerResponse, response: FaultResponse): Promise<void> {
  if (res.destroyed) return
  const body = Buffer.from(response.body, 'utf8')
  res.writeHead(response.status, { ...response.headers, 'content-length': String(body.length) })
  const done = closedOrFinished(res)
  res.end(body)
  await done
}

async function resetConnection(res: ServerResponse): Promise<void> {
  const done = closed(res)
  const socket = res.socket
  if (socket && typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy()
  else res.destroy()
  await done
}

/** Declares the whole body's length, sends `keepBytes` of it (default half) and ends the socket. */
async function writeTruncated(res: ServerResponse, response: FaultResponse, keepBytes: number | null): Promise<void> {
  const body = Buffer.from(response.body, 'utf8')
  const declared = Math.max(body.length, 1)
  const keep = Math.min(keepBytes ?? Math.floor(body.length / 2), declared - 1)
  const headers: Record<string, string> = { ...response.headers, 'content-length': String(declared) }
  delete headers['transfer-encoding']
  res.writeHead(response.status, headers)
  res.flushHeaders()
  const done = closed(res)
  res.write(body.subarray(0, keep), () => res.socket?.end())
  await done
}

function closed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    if (res.destroyed) resolve()
    else res.once('close', () => resolve())
  })
}

function closedOrFinished(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    res.once('finish', () => resolve())
    res.once('close', () => resolve())
  })
}
