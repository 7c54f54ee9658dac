import { isoSeconds, systemClock } from '../../cassettes/clock.js'
import { assertOneOf, CloudtapeError } from '../../cassettes/errors.js'
import { DIALECTS } from '../../cassettes/operation-catalog.js'
import { answerOf, transformWith } from './apply-rule.js'
import { compileRule, type CompiledRule } from './compile-rule.js'
import type { RenderContext } from './render.js'
import {
  RETRY_AFTER_FORMATS,
  type FaultAnswer,
  type FaultDecision,
  type FaultInjector,
  type FaultInjectorOptions,
  type FaultLogEntry,
  type FaultRequest,
  type FaultResponse,
  type FaultRuleInfo,
  type FaultRuleSpec,
} from './types.js'
import { validateFaultRule } from './validate-rule.js'

/** Defaults of createFaultInjector, in one place. */
export const FAULT_INJECTOR_DEFAULTS = {
  dialect: 'rackspace',
  seed: 0,
  retryAfterFormat: 'seconds',
  logLimit: 1000,
} as const satisfies Partial<FaultInjectorOptions>

/**
 * Creates a fault injector: rules in order, each with its own occurrence count and seeded draws,
 * evaluated on the injected clock. The engine calls `decide` before matching a request and
 * `transformResponse` on the recorded answer it is about to send (ARCHITECTURE.md "Contracts").
 *
 * @example
 * const faults = createFaultInjector({ dialect: 'rackspace', clock, seed: 7 })
 * faults.add({ match: { operation: 'servers.create' }, when: { nth: 2 }, fault: { kind: 'fault', name: 'overLimit' } })
 * const decision = faults.decide(toFaultRequest({ method: 'POST', url: '/v2/1/servers' }))
 */
export function createFaultInjector(options: FaultInjectorOptions = {}): FaultInjector {
  const settings = validateOptions(options)
  const { dialect, clock } = settings
  const rules: CompiledRule[] = []
  const faultSince = new Map<string, number>()
  const requestNumbers = new WeakMap<FaultRequest, number>()
  let entries: FaultLogEntry[] = []
  let requestCount = 0
  let nextId = 1

  const numberOf = (request: FaultRequest): number => {
    const known = requestNumbers.get(request)
    if (known !== undefined) return known
    requestCount += 1
    requestNumbers.set(request, requestCount)
    return requestCount
  }
  const record = (entry: FaultLogEntry): void => {
    entries.push(entry)
    // Trim in batches so that a long run costs O(1) per entry, not a copy of the log each time.
    if (entries.length >= settings.logLimit * 2) entries = entries.slice(-settings.logLimit)
  }
  const contextFor = (request: FaultRequest, now: number): RenderContext => ({ dialect, now, request, retryAfterFormat: settings.retryAfterFormat })
  const logEntry = (rule: CompiledRule, request: FaultRequest, now: number, occurrence: number, rest: Pick<FaultLogEntry, 'effect' | 'what'> & { reason?: string }): FaultLogEntry => ({
    request: numberOf(request),
    time: isoSeconds(now),
    rule: rule.id,
    method: request.method,
    operation: request.operation,
    path: request.path,
    params: request.params,
    occurrence,
    ...rest,
    ...(rule.dialectFault?.standInFor === undefined ? {} : { standInFor: rule.dialectFault.standInFor }),
  })

  const injector: FaultInjector = {
    dialect,
    decide(request) {
      numberOf(request)
      const now = clock.now()
      let delayMs = 0
      let answer: FaultAnswer | null = null
      let answeredBy = ''
      const fired: string[] = []
      for (const rule of rules) {
        if (rule.phase !== 'answer' || !rule.selects(request)) continue
        const verdict = rule.schedule.check(now)
        if (!verdict.fire) continue
        const action = rule.spec.fault
        if (action.kind === 'latency') {
          delayMs += action.ms
          rule.schedule.confirm()
          fired.push(rule.id)
          record(logEntry(rule, request, now, verdict.occurrence, { effect: 'delayed', what: `latency ${action.ms} ms` }))
        } else if (answer !== null) {
          record(logEntry(rule, request, now, verdict.occurrence, { effect: 'shadowed', what: action.kind, reason: `rule ${answeredBy} answered first` }))
        } else {
          const given = answerOf(rule, contextFor(request, now), verdict.retryAfterMs)
          answer = given.answer
          answeredBy = rule.id
          rule.schedule.confirm()
          fired.push(rule.id)
          record(logEntry(rule, request, now, verdict.occurrence, { effect: 'answered', what: given.what }))
        }
      }
      return fired.length === 0 ? null : { delayMs, answer, rules: fired }
    },
    transformResponse(request, response) {
      numberOf(request)
      const now = clock.now()
      let current: FaultResponse = response
      for (const rule of rules) {
        if (rule.phase !== 'transform' || !rule.selects(request)) continue
        const verdict = rule.schedule.check(now)
        if (!verdict.fire) continue
        const since = faultSince.get(rule.id) ?? now
        const result = transformWith(rule, current, contextFor(request, now), since)
        if ('skipped' in result) {
          record(logEntry(rule, request, now, verdict.occurrence, { effect: 'skipped', what: rule.spec.fault.kind, reason: result.skipped }))
          continue
        }
        faultSince.set(rule.id, since)
        rule.schedule.confirm()
        current = result.response
        record(logEntry(rule, request, now, verdict.occurrence, { effect: 'transformed', ...result.effect }))
      }
      return current
    },
    add(spec) {
      const valid = validateFaultRule(spec, describeRule(spec, rules.length + 1))
      const id = valid.id ?? nextFreeId()
      if (rules.some((rule) => rule.id === id)) {
        throw new CloudtapeError('ERR_CLOUDTAPE_FAULT_RULE', `Cannot add fault rule "${id}": a rule with this id exists. Remove it first or give another id.`)
      }
      const rule = compileRule(valid, { id, dialect, seed: settings.seed, startedAt: clock.now() })
      rules.push(rule)
      return infoOf(rule)
    },
    list: () => rules.map(infoOf),
    get size() {
      return rules.length
    },
    remove(id) {
      const index = rules.findIndex((rule) => rule.id === id)
      if (index < 0) return false
      rules.splice(index, 1)
      faultSince.delete(id)
      return true
    },
    clear() {
      rules.length = 0
      faultSince.clear()
      entries = []
    },
    reset() {
      const now = clock.now()
      for (const rule of rules) rule.schedule.reset(now)
      faultSince.clear()
      entries = []
      requestCount = 0
    },
    log: () => entries.slice(-settings.logLimit).map((entry) => ({ ...entry })),
  }

  function nextFreeId(): string {
    let id = `rule-${nextId}`
    while (rules.some((rule) => rule.id === id)) id = `rule-${(nextId += 1)}`
    nextId += 1
    return id
  }

  for (const spec of options.rules ?? []) injector.add(spec)
  return injector
}

function infoOf(rule: CompiledRule): FaultRuleInfo {
  const renders = rule.dialectFault?.standInFor === undefined ? {} : { renders: rule.dialectFault.name }
  return { id: rule.id, spec: rule.spec, matched: rule.schedule.occurrences, fired: rule.schedule.fired, ...renders }
}

function describeRule(spec: FaultRuleSpec, position: number): string {
  const id = (spec as { id?: unknown } | null)?.id
  return typeof id === 'string' ? `"${id}"` : `#${position}`
}

function validateOptions(options: FaultInjectorOptions): Required<Omit<FaultInjectorOptions, 'rules'>> {
  const dialect = options.dialect ?? FAULT_INJECTOR_DEFAULTS.dialect
  assertOneOf('dialect', dialect, DIALECTS)
  const retryAfterFormat = options.retryAfterFormat ?? FAULT_INJECTOR_DEFAULTS.retryAfterFormat
  assertOneOf('retryAfterFormat', retryAfterFormat, RETRY_AFTER_FORMATS)
  const seed = integerOption('seed', options.seed, 0, FAULT_INJECTOR_DEFAULTS.seed)
  const logLimit = integerOption('logLimit', options.logLimit, 1, FAULT_INJECTOR_DEFAULTS.logLimit)
  return { dialect, retryAfterFormat, seed, logLimit, clock: options.clock ?? systemClock }
}

function integerOption(name: string, value: number | undefined, min: number, fallback: number): number {
  if (value === undefined) return fallback
  if (!Number.isSafeInteger(value) || value < min) {
    throw new CloudtapeError('ERR_CLOUDTAPE_INVALID_OPTION', `Invalid ${name} ${JSON.stringify(value)} for createFaultInjector. Expected an integer >= ${min}.`)
  }
  return value
}
