import type { Dialect } from '../../cassettes/operation-catalog.js'
import { faultForDialect, type DialectFault } from './dialect-faults.js'
import { createSchedule, deriveSeed, RATE_UNIT_MS, type Schedule } from './schedule.js'
import { compileSelector, type RequestSelector } from './selector.js'
import type { FaultAction, FaultRuleSpec } from './types.js'

/** Which step of a request's handling a rule acts in (ARCHITECTURE.md "Fault rules"). */
export type RulePhase = 'answer' | 'transform'

/** A validated rule, compiled once when added: selector, schedule state, dialect fault. */
export interface CompiledRule {
  readonly id: string
  readonly spec: FaultRuleSpec & { readonly id: string }
  readonly phase: RulePhase
  readonly selects: RequestSelector
  readonly schedule: Schedule
  /** For `fault` and `false-negative` actions: the fault the dialect renders. */
  readonly dialectFault: DialectFault | null
}

/** What compiling a rule needs from its injector. */
export interface CompileContext {
  readonly id: string
  readonly dialect: Dialect
  readonly seed: number
  /** The time origin of the rule's `after`: when it is added. */
  readonly startedAt: number
}

const TRANSFORM_KINDS: ReadonlySet<FaultAction['kind']> = new Set(['error-state', 'false-negative'])

/**
 * Compiles a validated rule. Fails with ERR_CLOUDTAPE_FAULT_RULE when the dialect has neither the
 * fault nor a stand-in for it.
 */
export function compileRule(spec: FaultRuleSpec, context: CompileContext): CompiledRule {
  const when = spec.when ?? {}
  const schedule = createSchedule(
    {
      ...(when.nth === undefined ? {} : { nth: when.nth }),
      ...(when.every === undefined ? {} : { every: when.every }),
      ...(when.times === undefined ? {} : { times: when.times }),
      ...(when.from === undefined ? {} : { from: when.from }),
      ...(when.max === undefined ? {} : { max: when.max }),
      ...(when.p === undefined ? {} : { p: when.p }),
      ...(typeof when.after === 'number' ? { afterMs: when.after } : {}),
      ...(typeof when.at === 'number' ? { atMs: when.at } : {}),
      ...(when.rate ? { rate: { limit: when.rate.limit, windowMs: RATE_UNIT_MS[when.rate.unit] } } : {}),
      seed: when.seed ?? deriveSeed(context.seed, context.id),
    },
    context.startedAt,
  )
  return {
    id: context.id,
    spec: { ...spec, id: context.id },
    phase: TRANSFORM_KINDS.has(spec.fault.kind) ? 'transform' : 'answer',
    selects: compileSelector(spec.match),
    schedule,
    dialectFault: dialectFaultOf(spec.fault, context.dialect),
  }
}

function dialectFaultOf(action: FaultAction, dialect: Dialect): DialectFault | null {
  if (action.kind === 'fault') return faultForDialect(action.name, dialect)
  if (action.kind === 'false-negative') return faultForDialect(action.name ?? 'computeFault', dialect)
  return null
}
