import { CloudtapeError } from '../../cassettes/errors.js'
import type { Dialect } from '../../cassettes/operation-catalog.js'
import { faultActionFromText, parseFaultRuleText } from './parse-rule-text.js'
import type { FaultRuleSpec } from './types.js'
import { validateFaultRule } from './validate-rule.js'

/** Rules per request body: more is a mistake, not a test. */
const MAX_RULES = 1000

/**
 * Parses the rules of a control-API request body: a JSON text (or an already parsed value) holding
 * a rule object, a rule text (`"itemNotFound@servers.get:nth=2"`), or an array of them. A rule's
 * `fault` may be the short text form (`"fault": "overLimit"`). Fails with ERR_CLOUDTAPE_FAULT_RULE
 * naming the rule and field (`rules[1] at when.nth`).
 *
 * @example
 * parseFaultRuleJson('{"match":{"operation":"servers.get"},"when":{"nth":2},"fault":{"kind":"fault","name":"itemNotFound"}}')
 */
export function parseFaultRuleJson(input: unknown, options: { readonly dialect?: Dialect } = {}): FaultRuleSpec[] {
  const value = typeof input === 'string' ? parseJson(input) : input
  const list = Array.isArray(value) ? value : [value]
  if (list.length === 0 || list.length > MAX_RULES) {
    throw new CloudtapeError('ERR_CLOUDTAPE_FAULT_RULE', `Invalid fault rules: expected 1 to ${MAX_RULES} rules, got ${list.length}. Send one rule object, a rule text, or an array of them.`)
  }
  return list.flatMap((entry: unknown, index) => {
    const where = Array.isArray(value) ? `rules[${index}]` : 'rule'
    if (typeof entry === 'string') return parseFaultRuleText(entry, options)
    return [validateFaultRule(withShortFault(entry, options.dialect), where)]
  })
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new CloudtapeError(
      'ERR_CLOUDTAPE_FAULT_RULE',
      `Invalid fault rule JSON: ${(error as Error).message}. Send a rule object such as ` +
        `{"match":{"operation":"servers.get"},"when":{"nth":2},"fault":{"kind":"fault","name":"itemNotFound"}}, a rule text, or an array of them.`,
      { cause: error },
    )
  }
}

function withShortFault(entry: unknown, dialect: Dialect | undefined): unknown {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return entry
  const fault = (entry as { fault?: unknown }).fault
  return typeof fault === 'string' ? { ...entry, fault: faultActionFromText(fault, dialect) } : entry
}
