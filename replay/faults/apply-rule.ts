import { isoSeconds } from '../../cassettes/clock.js'
import type { CompiledRule } from './compile-rule.js'
import { applyErrorState } from './error-state.js'
import { renderDocumentedFault, renderStatus, type RenderContext } from './render.js'
import type { FaultAnswer, FaultResponse } from './types.js'

/** What a fired rule did, for the log. */
export interface RuleEffect {
  readonly what: string
  readonly reason?: string
}

/** The answer a fired answer-phase rule gives (latency rules give none: they only delay). */
export function answerOf(rule: CompiledRule, context: RenderContext, retryAfterMs: number | undefined): { answer: FaultAnswer; what: string } {
  const action = rule.spec.fault
  switch (action.kind) {
    case 'fault': {
      const name = rule.dialectFault?.name ?? action.name
      const response = renderDocumentedFault(action, name, context, retryAfterMs)
      return { answer: { kind: 'respond', response }, what: `${name} ${response.status}` }
    }
    case 'status':
      return { answer: { kind: 'respond', response: renderStatus(action, context) }, what: `status ${action.status}` }
    case 'truncate':
      return { answer: { kind: 'truncate', keepBytes: action.keepBytes ?? null }, what: 'truncate' }
    case 'reset':
    case 'no-answer':
      return { answer: { kind: action.kind }, what: action.kind }
    default:
      throw new TypeError(`answerOf called with a ${action.kind} rule`)
  }
}

/**
 * Applies a fired transform-phase rule to the recorded answer. `faultSince` is when the rule first
 * fired: the embedded fault keeps that `created` time on every later poll.
 */
export function transformWith(
  rule: CompiledRule,
  response: FaultResponse,
  context: RenderContext,
  faultSince: number,
): { response: FaultResponse; effect: RuleEffect } | { skipped: string } {
  const action = rule.spec.fault
  if (action.kind === 'false-negative') {
    const name = rule.dialectFault?.name ?? 'computeFault'
    const fault = { kind: 'fault' as const, name, status: 500, ...pick(action) }
    const rendered = renderDocumentedFault(fault, name, context)
    return { response: rendered, effect: { what: `false-negative ${name} ${rendered.status} (recorded ${response.status})` } }
  }
  if (action.kind !== 'error-state') throw new TypeError(`transformWith called with a ${action.kind} rule`)
  if (response.status < 200 || response.status > 299) return { skipped: `the recorded answer is a ${response.status}, not a server or image` }
  const code = action.code ?? 500
  const result = applyErrorState(response.body, {
    dialect: context.dialect,
    fault: { code, created: isoSeconds(faultSince), ...pick(action) },
    ...(action.resourceId === undefined ? {} : { targetId: action.resourceId }),
  })
  if ('reason' in result) return { skipped: result.reason }
  const headers = { ...response.headers }
  delete headers['content-length']
  return { response: { status: response.status, headers, body: result.body }, effect: { what: `error-state ${code}` } }
}

function pick(action: { readonly message?: string; readonly details?: string }): { message?: string; details?: string } {
  return { ...(action.message === undefined ? {} : { message: action.message }), ...(action.details === undefined ? {} : { details: action.details }) }
}
