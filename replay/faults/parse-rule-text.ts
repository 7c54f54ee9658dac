import { CloudtapeError, isCloudtapeError } from '../../cassettes/errors.js'
import { faultsForDialect, getFault } from '../../cassettes/fault-catalog.js'
import type { Dialect } from '../../cassettes/operation-catalog.js'
import { ALL_FAULT_NAMES, FAULT_STAND_INS, faultForDialect } from './dialect-faults.js'
import { rateLimitRules } from './rate-limits.js'
import type { FaultAction, FaultRuleSpec } from './types.js'
import { validateFaultRule } from './validate-rule.js'

/** The rule text that expands to the default rate limits of 001 Table 1.3. */
export const RATE_LIMITS_PRESET = 'rate-limits'

type Kind = FaultAction['kind']
type Target = 'when' | 'match' | 'fault' | 'id'

interface OptionSpec {
  readonly target: Target
  /** The spec field it sets (for `when` and `fault`). */
  readonly field: string
  readonly read: 'int' | 'number' | 'text' | 'duration' | 'rate'
  /** Action kinds the option applies to; all when absent. */
  readonly kinds?: readonly Kind[]
}

const OPTIONS: Readonly<Record<string, OptionSpec>> = {
  nth: { target: 'when', field: 'nth', read: 'int' },
  every: { target: 'when', field: 'every', read: 'int' },
  times: { target: 'when', field: 'times', read: 'int' },
  from: { target: 'when', field: 'from', read: 'int' },
  polls: { target: 'when', field: 'from', read: 'int' },
  max: { target: 'when', field: 'max', read: 'int' },
  after: { target: 'when', field: 'after', read: 'duration' },
  at: { target: 'when', field: 'at', read: 'text' },
  p: { target: 'when', field: 'p', read: 'number' },
  seed: { target: 'when', field: 'seed', read: 'int' },
  rate: { target: 'when', field: 'rate', read: 'rate' },
  method: { target: 'match', field: 'method', read: 'text' },
  path: { target: 'match', field: 'path', read: 'text' },
  id: { target: 'id', field: 'id', read: 'text' },
  message: { target: 'fault', field: 'message', read: 'text', kinds: ['fault', 'error-state', 'false-negative'] },
  details: { target: 'fault', field: 'details', read: 'text', kinds: ['fault', 'error-state', 'false-negative'] },
  status: { target: 'fault', field: 'status', read: 'int', kinds: ['fault'] },
  retryAfter: { target: 'fault', field: 'retryAfterSeconds', read: 'int', kinds: ['fault'] },
  retryFormat: { target: 'fault', field: 'retryAfterFormat', read: 'text', kinds: ['fault'] },
  keep: { target: 'fault', field: 'keepBytes', read: 'int', kinds: ['truncate'] },
  code: { target: 'fault', field: 'code', read: 'int', kinds: ['error-state'] },
  resource: { target: 'fault', field: 'resourceId', read: 'text', kinds: ['error-state'] },
  body: { target: 'fault', field: 'body', read: 'text', kinds: ['status'] },
}

/** The forms of a `--fault` text, with examples: quoted by errors and `cloudtape faults`. */
export const FAULT_RULE_SYNTAX =
  '<fault>@<operation-glob>[:<option>,...], e.g. overLimit@servers.create, itemNotFound@servers.get:nth=2, ' +
  'serviceUnavailable@*:p=0.1,seed=7, latency=2s@servers.*, error-state@servers.get:polls=3, or rate-limits'

const OPTION_FORMS =
  'nth=N, every=K, times=N, from=N, polls=N, after=30s, at=<ISO date>, p=0.1, seed=N, max=N, rate=N/minute, ' +
  'method=GET, param.<name>=<value>, path=<regex>, id=<rule id>, message=<text>, details=<text>, status=<code>, ' +
  'retryAfter=<seconds>, retryFormat=seconds|http-date, keep=<bytes>, code=<status>, resource=<id>, body=<text> (values are URL-decoded: %2C for a comma)'

const OTHER_KINDS = 'status=<code>, latency=<duration>, reset, truncate, no-answer, error-state, false-negative'

/**
 * Parses one `--fault` text, `<fault>@<operation-glob>[:<option>,...]`, into rules (the
 * `rate-limits` preset gives several). Fails with ERR_CLOUDTAPE_FAULT_RULE naming the bad part and
 * listing the valid forms and fault names (the dialect's, when given).
 *
 * @example
 * parseFaultRuleText('itemNotFound@servers.get:nth=2')
 * // → [{ match: { operation: 'servers.get' }, when: { nth: 2 }, fault: { kind: 'fault', name: 'itemNotFound' } }]
 */
export function parseFaultRuleText(text: string, options: { readonly dialect?: Dialect } = {}): FaultRuleSpec[] {
  const fail = (problem: string): never => failText(text, problem, options.dialect)
  const trimmed = text.trim()
  if (trimmed === RATE_LIMITS_PRESET) return rateLimitRules()
  const at = trimmed.indexOf('@')
  if (at <= 0) fail(at === 0 ? 'the fault before "@" is missing' : 'there is no "@" between the fault and the operation glob')
  const head = trimmed.slice(0, at)
  const rest = trimmed.slice(at + 1)
  const optionsAt = rest.search(/:[A-Za-z][\w.]*=/)
  const glob = optionsAt < 0 ? rest : rest.slice(0, optionsAt)
  if (glob === '' || /\s/.test(glob)) fail(`the operation glob ${JSON.stringify(glob)} is empty or has spaces`)
  if (optionsAt < 0 && glob.includes(':') && !glob.startsWith('unknown:')) {
    fail(`"${glob.slice(glob.indexOf(':') + 1)}" after ":" is not a list of <option>=<value>`)
  }
  const fault = parseWhat(head, fail, options.dialect)
  const rule: { id?: string; match: Record<string, unknown>; when: Record<string, unknown>; fault: Record<string, unknown> } = {
    match: { operation: glob },
    when: {},
    fault: { ...fault },
  }
  if (optionsAt >= 0) {
    for (const option of rest.slice(optionsAt + 1).split(',')) applyOption(rule, option, fault.kind, fail)
  }
  const { when, ...withoutWhen } = rule
  return [validated(text, Object.keys(when).length === 0 ? withoutWhen : rule, options.dialect)]
}

/**
 * The action part of a rule text (`itemNotFound`, `status=502`, `latency=2s`, `reset`, ...), as
 * an unvalidated action object; also the JSON shorthand `"fault": "itemNotFound"`.
 */
export function faultActionFromText(head: string, dialect?: Dialect): Record<string, unknown> & { kind: Kind } {
  return parseWhat(head, (problem) => failText(head, problem, dialect), dialect)
}

function parseWhat(head: string, fail: (problem: string) => never, dialect: Dialect | undefined): Record<string, unknown> & { kind: Kind } {
  const [word = '', value] = head.split('=', 2) as [string, string | undefined]
  if (word === 'status') return { kind: 'status', status: readInt(value, 'status', fail) }
  if (word === 'latency') return { kind: 'latency', ms: value ?? fail('latency needs a duration, e.g. latency=1500ms') }
  if (value !== undefined) fail(`"${head}" is not a fault; only status= and latency= take a value`)
  if (['reset', 'truncate', 'no-answer', 'error-state', 'false-negative'].includes(word)) return { kind: word as Kind }
  if (!getFault(word)) fail(`unknown fault "${word}"`)
  if (dialect) {
    try {
      faultForDialect(word, dialect)
    } catch (error) {
      if (isCloudtapeError(error)) fail(`the ${dialect} dialect has no "${word}" fault and no stand-in for it`)
      throw error
    }
  }
  return { kind: 'fault', name: word }
}

function applyOption(rule: { id?: string; match: Record<string, unknown>; when: Record<string, unknown>; fault: Record<string, unknown> }, option: string, kind: Kind, fail: (problem: string) => never): void {
  const eq = option.indexOf('=')
  if (eq <= 0) fail(`the option "${option}" is not <name>=<value>`)
  const name = option.slice(0, eq)
  const value = decode(option.slice(eq + 1), name, fail)
  if (name.startsWith('param.') && name.length > 'param.'.length) {
    rule.match['params'] = { ...(rule.match['params'] as object | undefined), [name.slice('param.'.length)]: value }
    return
  }
  const spec = OPTIONS[name]
  if (!spec) return fail(`unknown option "${name}"`)
  if (spec.kinds && !spec.kinds.includes(kind)) fail(`the option "${name}" does not apply to ${kind} rules (only to ${spec.kinds.join(', ')})`)
  const read = readValue(spec, name, value, fail)
  if (spec.target === 'id') rule.id = String(read)
  else rule[spec.target][spec.field] = name === 'polls' ? (read as number) + 1 : read
}

function readValue(spec: OptionSpec, name: string, value: string, fail: (problem: string) => never): unknown {
  switch (spec.read) {
    case 'int':
      return readInt(value, name, fail)
    case 'number': {
      const number = Number(value)
      return value.trim() !== '' && Number.isFinite(number) ? number : fail(`${name}=${value} is not a number`)
    }
    case 'rate': {
      const found = /^(\d+)\/(second|minute|hour|day)$/.exec(value)
      return found ? { limit: Number(found[1]), unit: found[2] } : fail(`rate=${value} is not <count>/<second|minute|hour|day>`)
    }
    default:
      return value
  }
}

function readInt(value: string | undefined, name: string, fail: (problem: string) => never): number {
  return value !== undefined && /^\d{1,15}$/.test(value) ? Number(value) : fail(`${name}=${value ?? ''} is not a whole number`)
}

function decode(value: string, name: string, fail: (problem: string) => never): string {
  try {
    return decodeURIComponent(value)
  } catch {
    return fail(`the value of "${name}" has a broken %-escape`)
  }
}

function validated(text: string, rule: object, dialect: Dialect | undefined): FaultRuleSpec {
  try {
    return validateFaultRule(rule, JSON.stringify(text))
  } catch (error) {
    if (!isCloudtapeError(error, 'ERR_CLOUDTAPE_FAULT_RULE')) throw error
    const problem = error.message.replace(/^\[cloudtape\] Invalid fault rule "(?:[^"\\]|\\.)*" at ([\w.]+): /, (_, field: string) => `${optionName(field)}: `)
    return failText(text, problem, dialect)
  }
}

/** The CLI option behind a rule field, for messages: `when.p` → `p`, `fault.ms` → `latency`. */
function optionName(field: string): string {
  const [, key = field] = /^(?:when|match|fault)\.(\w+)/.exec(field) ?? []
  if (key === 'ms') return 'latency'
  const option = Object.entries(OPTIONS).find(([, spec]) => spec.field === key)?.[0]
  return `option ${option ?? key}`
}

function failText(text: string, problem: string, dialect: Dialect | undefined): never {
  const faults = dialect
    ? `Faults (${dialect}): ${faultsForDialect(dialect).map((fault) => fault.name).join(', ')}; through a stand-in: ${Object.keys(FAULT_STAND_INS[dialect]).join(', ')}`
    : `Faults: ${ALL_FAULT_NAMES.join(', ')}`
  throw new CloudtapeError(
    'ERR_CLOUDTAPE_FAULT_RULE',
    `Invalid fault rule ${JSON.stringify(text)}: ${problem.replace(/\.$/, '')}. Valid forms: ${FAULT_RULE_SYNTAX}. ` +
      `Options: ${OPTION_FORMS}. ${faults}. Other kinds: ${OTHER_KINDS}.`,
  )
}
