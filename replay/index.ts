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
export { useCassette, PASSTHROUGH_HEADER } from './engines/nock.js'
export type { UseCassetteOptions, CassetteHandle } from './engines/nock.js'
export { usePollyCassette } from './engines/polly.js'
export type { PollyCassetteHandle } from './engines/polly.js'
export { cloudtapePersister } from './engines/polly-persister.js'
export type { CloudtapePersisterOptions, CloudtapePersisterClass } from './engines/polly-persister.js'
export { createReplayServer } from './server/replay-server.js'
export type { ReplayServer, ReplayServerOptions } from './server/replay-server.js'
export { parseListen, DEFAULT_LISTEN } from './server/listen-address.js'
export type { ListenAddress } from './server/listen-address.js'
export { CONTROL_PREFIX } from './server/control-api.js'
export { createReplaySession } from './session.js'
export type { ReplaySession } from './session.js'
export type { CreateReplaySessionOptions, ReplayRequest, EngineName } from './session.js'
export type { RequestLogEntry } from './request-log.js'
export { cassettePath, cassetteArgument, loadCassetteSource } from './load-cassette.js'
export { libraryDir, libraryCassettePath, libraryLintPath, libraryNames, listLibraryCassettes } from './library.js'
export type { LibraryEntry } from './library.js'
export { isLibraryName } from './library-names.js'
export type { CassetteInput } from './load-cassette.js'
export { MISS_MODES, EXHAUSTED_MODES, ORDERINGS, SESSION_DEFAULTS } from './options.js'
export type { MissMode, ExhaustedMode, Ordering, MatchRules, ReplaySessionOptions, StrictCredentials, SyntheticIdentityOptions } from './options.js'
export { DEFAULT_SYNTHETIC_REGIONS, SYNTHETIC_SERVICES } from './synthetic-identity.js'
export type { SyntheticIdentity } from './synthetic-identity.js'
export type { ReplayAnswer, ReplayResponse, AnswerSource } from './answers.js'
export { NoMatchError, MISS_LAYERS } from './miss-report.js'
export type { MissReport, MissLayer } from './miss-report.js'
export type { ReplayRoutes } from './routes.js'
