import { assertOneOf, CloudtapeError, DIALECTS, systemClock } from '../cassettes/index.js'
import type { Clock, Dialect } from '../cassettes/index.js'
import type { FaultInjector, FaultRuleSpec } from './faults/index.js'

/** What happens to a request that matches no recorded interaction. */
export const MISS_MODES = ['error', 'warn', 'passthrough'] as const
export type MissMode = (typeof MISS_MODES)[number]

/** What a request gets once every recorded answer for it has been served. */
export const EXHAUSTED_MODES = ['repeat-last', 'error'] as const
export type ExhaustedMode = (typeof EXHAUSTED_MODES)[number]

/** How repeated requests walk their answers (see ARCHITECTURE.md "Poll-cadence tolerance"). */
export const ORDERINGS = ['timeline', 'sequence'] as const
export type Ordering = (typeof ORDERINGS)[number]

/** Credentials strict mode accepts; a field left out accepts any non-empty value. */
export interface StrictCredentials {
  readonly username?: string
  readonly password?: string
  readonly apiKey?: string
}

/** The synthesized identity of a cassette without a token exchange (see ARCHITECTURE.md "Synthetic identity"). */
export interface SyntheticIdentityOptions {
  /** Region of the catalog's compute endpoint. Default: DFW (rackspace), region-a.geo-1 (hp), RegionOne (nova). */
  readonly region?: string
}

/** Which parts of a request take part in matching, beyond operation, params, query and body. */
export interface MatchRules {
  /** Query keys never compared (`changes-since`, `marker`). */
  readonly ignoreQuery?: readonly string[]
  /** Body paths never compared, with everything below them: `$.server.metadata`, `/server/@name`. */
  readonly ignoreBodyPaths?: readonly string[]
  /** Header names that must equal the recorded value (lowercase). */
  readonly matchHeaders?: readonly string[]
}

/** Options of a replay session; engines pass them through. */
export interface ReplaySessionOptions extends MatchRules {
  /** Default `error`. */
  readonly onMiss?: MissMode
  /** Default `repeat-last`. */
  readonly exhausted?: ExhaustedMode
  /** Default `timeline`: per-resource timelines; `sequence` is plain recorded order per request. */
  readonly ordering?: Ordering
  /** Accept any credentials (false, default) or check them and the token (true or the expected credentials). */
  readonly strict?: boolean | StrictCredentials
  /** The dialect faults are rendered in; defaults to the cassette's. */
  readonly dialect?: Dialect
  /** Moves token expiry into the future and times faults. Default: the system clock. */
  readonly clock?: Clock
  /** Where `warn` reports go. Default: process.stderr. */
  readonly warn?: (message: string) => void
  /** Shown in miss reports as the file to re-record. Default: the cassette name. */
  readonly cassettePath?: string
  /**
   * Fault rules (specs, or `--fault` texts such as `overLimit@servers.create:nth=2`), or an injector
   * of your own. Evaluated before matching. Default: none (rules can still be added at run time).
   */
  readonly faults?: FaultInjector | ReadonlyArray<FaultRuleSpec | string>
  /** Seeds probability rules without their own seed. Default 0. */
  readonly seed?: number
  /**
   * A token request the cassette cannot answer (it holds no token exchange: a compute-only
   * recording) gets a synthesized Identity v2.0 access document whose catalog points at the
   * recorded compute account. Default true; false makes such a request a miss.
   */
  readonly syntheticIdentity?: boolean | SyntheticIdentityOptions
}

/** Every option resolved, defaults filled in. */
export interface ResolvedSessionOptions {
  readonly onMiss: MissMode
  readonly exhausted: ExhaustedMode
  readonly ordering: Ordering
  readonly strict: StrictCredentials | null
  readonly dialect: Dialect | null
  readonly clock: Clock
  readonly warn: (message: string) => void
  readonly cassettePath: string | null
  readonly ignoreQuery: ReadonlySet<string>
  readonly ignoreBodyPaths: readonly string[]
  readonly matchHeaders: readonly string[]
  /** null: off; region null: the dialect's default. */
  readonly syntheticIdentity: { readonly region: string | null } | null
}

/** Defaults of every session option, in one place. */
export const SESSION_DEFAULTS = {
  onMiss: 'error',
  exhausted: 'repeat-last',
  ordering: 'timeline',
  strict: false,
  syntheticIdentity: true,
} as const satisfies ReplaySessionOptions

/** Validates options (listing the valid values on error) and fills in defaults. */
export function resolveSessionOptions(options: ReplaySessionOptions = {}): ResolvedSessionOptions {
  const onMiss = options.onMiss ?? SESSION_DEFAULTS.onMiss
  assertOneOf('onMiss', onMiss, MISS_MODES)
  const exhausted = options.exhausted ?? SESSION_DEFAULTS.exhausted
  assertOneOf('exhausted', exhausted, EXHAUSTED_MODES)
  const ordering = options.ordering ?? SESSION_DEFAULTS.ordering
  assertOneOf('ordering', ordering, ORDERINGS)
  if (options.dialect !== undefined) assertOneOf('dialect', options.dialect, DIALECTS)
  return {
    onMiss,
    exhausted,
    ordering,
    strict: resolveStrict(options.strict),
    dialect: options.dialect ?? null,
    clock: options.clock ?? systemClock,
    warn: options.warn ?? ((message) => void process.stderr.write(`${message}\n`)),
    cassettePath: options.cassettePath ?? null,
    ignoreQuery: new Set(stringList('ignoreQuery', options.ignoreQuery)),
    ignoreBodyPaths: stringList('ignoreBodyPaths', options.ignoreBodyPaths),
    matchHeaders: stringList('matchHeaders', options.matchHeaders).map((name) => name.toLowerCase()),
    syntheticIdentity: resolveSyntheticIdentity(options.syntheticIdentity ?? SESSION_DEFAULTS.syntheticIdentity),
  }
}

function resolveSyntheticIdentity(value: boolean | SyntheticIdentityOptions): ResolvedSessionOptions['syntheticIdentity'] {
  if (value === false) return null
  if (value === true) return { region: null }
  if (typeof value !== 'object' || value === null) {
    throw new CloudtapeError('ERR_CLOUDTAPE_INVALID_OPTION', `Invalid syntheticIdentity ${JSON.stringify(value)}. Expected true, false or { region }.`)
  }
  if (value.region === undefined) return { region: null }
  if (typeof value.region !== 'string' || !/^[\w.:-]+$/.test(value.region)) {
    throw new CloudtapeError(
      'ERR_CLOUDTAPE_INVALID_OPTION',
      `Invalid region ${JSON.stringify(value.region)}. Expected a region name of letters, digits, ".", ":", "_" or "-", e.g. DFW or RegionOne.`,
    )
  }
  return { region: value.region }
}

function resolveStrict(strict: ReplaySessionOptions['strict']): StrictCredentials | null {
  if (strict === undefined || strict === false) return null
  if (strict === true) return {}
  if (typeof strict === 'object' && strict !== null) return strict
  throw new CloudtapeError(
    'ERR_CLOUDTAPE_INVALID_OPTION',
    `Invalid strict ${JSON.stringify(strict)}. Expected true, false or { username?, password?, apiKey? }.`,
  )
}

function stringList(name: string, value: readonly string[] | undefined): string[] {
  if (value === undefined) return []
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw new CloudtapeError('ERR_CLOUDTAPE_INVALID_OPTION', `Invalid ${name}: expected an array of strings, got ${JSON.stringify(value)}.`)
  }
  return [...value]
}
