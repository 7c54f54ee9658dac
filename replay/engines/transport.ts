import type { TransportFault } from '../../cassettes/index.js'
import { fromFaultView, type ReplayAnswer, type ReplayResponse } from '../answers.js'
import type { FaultAnswer } from '../faults/index.js'

const ERROR_CODES: Readonly<Record<TransportFault['kind'], string>> = {
  refused: 'ECONNREFUSED',
  reset: 'ECONNRESET',
  timeout: 'ETIMEDOUT',
  truncated: 'ECONNRESET',
  'invalid-response': 'HPE_INVALID_CONSTANT',
}

/** The error an HTTP client sees for a recorded transport fault, as Node would raise it. */
export function transportError(fault: TransportFault): Error {
  return Object.assign(new Error(`[cloudtape] recorded transport fault (${fault.kind}): ${fault.message}`), { code: ERROR_CODES[fault.kind] })
}

/** Headers as one string per name; what engines receive from clients varies. */
export function flattenHeaders(headers: Readonly<Record<string, string | number | readonly string[] | undefined>>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value)
  }
  return out
}

/** What an in-process engine (nock, Polly) does with an answer: it has no socket to cut. */
export type InProcessOutcome =
  | { readonly reply: ReplayResponse }
  | { readonly error: Error }
  | { readonly passthrough: string }
  /** A no-answer fault: hold the request until the engine closes. */
  | { readonly hold: true }

/** Maps any answer, fault decisions included, to what an in-process engine can do. */
export function inProcessOutcome(answer: ReplayAnswer): InProcessOutcome {
  switch (answer.kind) {
    case 'response':
      return { reply: answer.response }
    case 'miss':
      return { error: answer.error }
    case 'transport':
      return { error: transportError(answer.fault) }
    case 'passthrough':
      return { passthrough: answer.url }
    case 'fault':
      return faultOutcome(answer.decision.answer)
  }
}

function faultOutcome(answer: FaultAnswer | null): InProcessOutcome {
  switch (answer?.kind) {
    case 'respond':
      return { reply: fromFaultView(answer.response) }
    case 'truncate':
      return { error: transportError({ kind: 'truncated', message: 'a fault rule cut the response short' }) }
    case 'no-answer':
      return { hold: true }
    default:
      return { error: transportError({ kind: 'reset', message: 'a fault rule reset the connection' }) }
  }
}

/** How long to wait first: a latency rule's delay. */
export function delayOf(answer: ReplayAnswer): number {
  return answer.kind === 'fault' ? answer.decision.delayMs : (answer.delayMs ?? 0)
}
