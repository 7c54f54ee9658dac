import { getFault } from '../../cassettes/fault-catalog.js'
import { HTTP_METHODS } from '../../cassettes/operation-catalog.js'
import { ALL_FAULT_NAMES } from './dialect-faults.js'
import { describe, RuleChecker } from './rule-checks.js'
import { parseDuration } from './schedule.js'
import { RATE_UNITS, RETRY_AFTER_FORMATS, type FaultAction, type FaultMatch, type FaultRuleSpec, type FaultWhen } from './types.js'

/** Rule ids are safe in control-API URLs (`/_cloudtape/faults/<id>`). */
export const RULE_ID = /^[\w.-]{1,64}$/

/** Every action kind, in the order error messages list them. */
export const FAULT_ACTION_KINDS = ['fault', 'status', 'latency', 'reset', 'truncate', 'no-answer', 'error-state', 'false-negative'] as const

/** Latency and `after` beyond a day are almost surely a unit mistake. */
const MAX_DURATION_MS = 86_400_000

/**
 * Validates a rule given by a library user or the JSON control API and returns it normalized
 * (durations in milliseconds, dates in epoch milliseconds, methods upper case). Fails with
 * ERR_CLOUDTAPE_FAULT_RULE naming the field.
 */
export function validateFaultRule(value: unknown, where = 'rule'): FaultRuleSpec {
  const check = new RuleChecker(where)
  const rule = check.object(value, '', ['id', 'match', 'when', 'fault'])
  const id = rule['id'] === undefined ? undefined : check.string(rule['id'], 'id', RULE_ID, 'letters, digits, "_", "-" or "." (1 to 64)')
  const match = rule['match'] === undefined ? undefined : validateMatch(check, rule['match'])
  const when = rule['when'] === undefined ? undefined : validateWhen(check, rule['when'])
  if (rule['fault'] === undefined) check.fail('fault', `missing. Give { kind: ${FAULT_ACTION_KINDS.join(' | ')}, ... }.`)
  const fault = validateAction(check, rule['fault'])
  return { ...(id === undefined ? {} : { id }), ...(match ? { match } : {}), ...(when ? { when } : {}), fault }
}

function validateMatch(check: RuleChecker, value: unknown): FaultMatch {
  const match = check.object(value, 'match', ['operation', 'method', 'params', 'path'])
  const result: { -readonly [K in keyof FaultMatch]: FaultMatch[K] } = {}
  if (match['operation'] !== undefined) result.operation = check.string(match['operation'], 'match.operation', /^\S{1,200}$/, 'an operation key or glob such as servers.action.*')
  if (match['method'] !== undefined) result.method = validateMethods(check, match['method'])
  if (match['params'] !== undefined) result.params = check.stringRecord(match['params'], 'match.params')
  if (match['path'] !== undefined) result.path = check.regex(match['path'], 'match.path')
  return result
}

function validateMethods(check: RuleChecker, value: unknown): string | string[] {
  const list = Array.isArray(value) ? value : [value]
  const methods = list.map((method, index) =>
    check.oneOf(typeof method === 'string' ? method.toUpperCase() : method, Array.isArray(value) ? `match.method[${index}]` : 'match.method', HTTP_METHODS),
  )
  return Array.isArray(value) ? methods : (methods[0] as string)
}

function validateWhen(check: RuleChecker, value: unknown): FaultWhen {
  const when = check.object(value, 'when', ['nth', 'every', 'times', 'from', 'after', 'at', 'rate', 'p', 'seed', 'max'])
  const result: { -readonly [K in keyof FaultWhen]: FaultWhen[K] } = {}
  for (const key of ['nth', 'every', 'times', 'from', 'max'] as const) {
    if (when[key] !== undefined) result[key] = check.integer(when[key], `when.${key}`, 1)
  }
  if (when['after'] !== undefined) result.after = durationMs(check, when['after'], 'when.after')
  if (when['at'] !== undefined) result.at = epochMs(check, when['at'], 'when.at')
  if (when['rate'] !== undefined) {
    const rate = check.object(when['rate'], 'when.rate', ['limit', 'unit'])
    result.rate = { limit: check.integer(rate['limit'], 'when.rate.limit', 0), unit: check.oneOf(rate['unit'], 'when.rate.unit', RATE_UNITS) }
  }
  if (when['p'] !== undefined) result.p = check.number(when['p'], 'when.p', 0, 1)
  if (when['seed'] !== undefined) result.seed = check.integer(when['seed'], 'when.seed', 0)
  return result
}

/** Milliseconds from a number (ms) or a duration text (`30s`). */
export function durationMs(check: RuleChecker, value: unknown, field: string): number {
  const ms = typeof value === 'string' ? parseDuration(value) : value
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || ms > MAX_DURATION_MS) {
    check.fail(field, `expected milliseconds or a duration such as 1500ms, 30s, 2m, 1h (at most 1d), got ${describe(value)}.`)
  }
  return ms
}

function epochMs(check: RuleChecker, value: unknown, field: string): number {
  const ms = typeof value === 'string' ? Date.parse(value) : value
  if (typeof ms !== 'number' || !Number.isFinite(ms)) {
    check.fail(field, `expected an ISO date such as 2011-06-09T10:52:00Z or epoch milliseconds, got ${describe(value)}.`)
  }
  return ms
}

type FieldReader = (check: RuleChecker, value: unknown, field: string) => unknown

const text: FieldReader = (check, value, field) => check.string(value, field)
const anyString: FieldReader = (check, value, field) => (typeof value === 'string' ? value : check.fail(field, `expected a string, got ${describe(value)}.`))
const status: FieldReader = (check, value, field) => check.integer(value, field, 100, 599)
const faultName: FieldReader = (check, value, field) => {
  const name = check.string(value, field)
  if (!getFault(name)) check.fail(field, `unknown fault ${JSON.stringify(name)}. Documented faults: ${ALL_FAULT_NAMES.join(', ')}.`)
  return name
}

/** The fields each action kind takes, with how to read them. */
const ACTION_FIELDS: Readonly<Record<FaultAction['kind'], Readonly<Record<string, FieldReader>>>> = {
  fault: {
    name: faultName,
    message: text,
    details: text,
    status,
    retryAfterSeconds: (check, value, field) => check.integer(value, field, 0, 86_400 * 366),
    retryAfterFormat: (check, value, field) => check.oneOf(value, field, RETRY_AFTER_FORMATS),
  },
  status: { status, body: anyString, contentType: text, headers: (check, value, field) => check.stringRecord(value, field) },
  latency: { ms: (check, value, field) => durationMs(check, value, field) },
  reset: {},
  truncate: { keepBytes: (check, value, field) => check.integer(value, field, 0) },
  'no-answer': {},
  'error-state': { resourceId: text, code: status, message: text, details: text },
  'false-negative': { name: faultName, message: text, details: text },
}

const REQUIRED_FIELDS: Readonly<Partial<Record<FaultAction['kind'], readonly string[]>>> = { fault: ['name'], status: ['status'], latency: ['ms'] }

function validateAction(check: RuleChecker, value: unknown): FaultAction {
  const kind = check.oneOf((value as { kind?: unknown } | null)?.kind, 'fault.kind', FAULT_ACTION_KINDS)
  const readers = ACTION_FIELDS[kind]
  const action = check.object(value, 'fault', ['kind', ...Object.keys(readers)])
  const required = REQUIRED_FIELDS[kind] ?? []
  const result: Record<string, unknown> = { kind }
  for (const [field, read] of Object.entries(readers)) {
    if (action[field] !== undefined || required.includes(field)) result[field] = read(check, action[field], `fault.${field}`)
  }
  return result as FaultAction
}
