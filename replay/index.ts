// Public API of cloudtape (the replay library): every export by name (no `export *`).
export {
  createFaultInjector,
  FAULT_INJECTOR_DEFAULTS,
  toFaultRequest,
  sendFaultDecision,
  writeFaultResponse,
  parseFaultRuleText,
  parseFaultRuleJson,
  validateFaultRule,
  FAULT_RULE_SYNTAX,
  RATE_LIMITS_PRESET,
  DEFAULT_RATE_LIMITS,
  rateLimitRules,
  FAULT_STAND_INS,
  applyErrorState,
} from './faults/index.js'
export type {
  FaultRequest,
  FaultResponse,
  FaultMatch,
  FaultWhen,
  FaultAction,
  FaultRuleSpec,
  FaultRuleInfo,
  FaultAnswer,
  FaultDecision,
  FaultLogEntry,
  FaultInjector,
  FaultInjectorOptions,
  IncomingFaultRequest,
  SendFaultOptions,
  SendFaultOutcome,
  RateLimit,
} from './faults/index.js'
export { createReplaySession, ReplaySession } from './session.js'
export type { CreateReplaySessionOptions, ReplayRequest, RequestLogEntry, EngineName } from './session.js'
export { MISS_MODES, EXHAUSTED_MODES, ORDERINGS, SESSION_DEFAULTS } from './options.js'
export type { MissMode, ExhaustedMode, Ordering, MatchRules, ReplaySessionOptions, StrictCredentials } from './options.js'
export type { ReplayAnswer, ReplayResponse, AnswerSource } from './answers.js'
export { NoMatchError, MISS_LAYERS } from './miss-report.js'
export type { MissReport, MissLayer } from './miss-report.js'
export type { ReplayRoutes } from './routes.js'
