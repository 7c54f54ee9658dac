// Public API of replay/faults: every export by name (no `export *`).
export { createFaultInjector, FAULT_INJECTOR_DEFAULTS } from './injector.js'
export { toFaultRequest } from './request.js'
export type { IncomingFaultRequest } from './request.js'
export { sendFaultDecision, writeFaultResponse } from './send.js'
export type { SendFaultOptions, SendFaultOutcome } from './send.js'
export { parseFaultRuleText, faultActionFromText, FAULT_RULE_SYNTAX, RATE_LIMITS_PRESET } from './parse-rule-text.js'
export { parseFaultRuleJson } from './parse-rule-json.js'
export { validateFaultRule, FAULT_ACTION_KINDS } from './validate-rule.js'
export { DEFAULT_RATE_LIMITS, rateLimitRules } from './rate-limits.js'
export type { RateLimit, RateLimitRuleOptions } from './rate-limits.js'
export { FAULT_STAND_INS, faultForDialect, acceptedFaultNames, faultNameForStatus } from './dialect-faults.js'
export type { DialectFault } from './dialect-faults.js'
export { applyErrorState } from './error-state.js'
export type { EmbeddedFault, ErrorStateOptions, ErrorStateResult } from './error-state.js'
export { createPrng, deriveSeed, parseDuration } from './schedule.js'
export { globToRegExp, pathInAccount } from './selector.js'
export { RATE_UNITS, RETRY_AFTER_FORMATS, FAULT_EFFECTS } from './types.js'
export type {
  FaultRequest,
  FaultResponse,
  FaultMatch,
  FaultWhen,
  FaultAction,
  FaultActionKind,
  FaultRuleSpec,
  FaultRuleInfo,
  FaultAnswer,
  FaultDecision,
  FaultEffect,
  FaultLogEntry,
  FaultInjector,
  FaultInjectorOptions,
  RateUnit,
  RetryAfterFormat,
} from './types.js'
