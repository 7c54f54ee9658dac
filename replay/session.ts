import { CloudtapeError, resolveOperation } from '../cassettes/index.js'
import type { Cassette, Clock, Dialect, Interaction } from '../cassettes/index.js'
import { createFaultInjector, parseFaultRuleText, type FaultDecision, type FaultInjector, type FaultRequest, type FaultRuleSpec } from './faults/index.js'
import { faultResponse, faultView, fromFaultView, recordedResponse, type ReplayAnswer } from './answers.js'
import { indexCassette, TOKEN_OPERATION, type CassetteIndex } from './cassette-index.js'
import { freshTokenBody, recordedTokens, refuseCredentials, refuseToken } from './identity.js'
import { DEFAULT_SYNTHETIC_REGIONS, planSyntheticIdentity, syntheticTokenResponse, type SyntheticIdentity } from './synthetic-identity.js'
import { findClosest, formatUnusedTable, NoMatchError, recordCommand, type MissLayer, type MissReport } from './miss-report.js'
import { resolveSessionOptions, type ReplaySessionOptions, type ResolvedSessionOptions } from './options.js'
import type { RequestFacts } from './request-facts.js'
import { ResolutionCache, type Resolution } from './resolution-cache.js'
import { originOf, pathOf, prefixRoutes, recordedHostRoutes, type ReplayRoutes, type Route } from './routes.js'
import { EXHAUSTED, TimelineState } from './timeline-state.js'
import { RequestLog, type RequestLogEntry } from './request-log.js'

/** A request as an engine hands it over. */
export interface ReplayRequest {
  readonly method: string
  /** Absolute, or a path with query relative to the replay origin. */
  readonly url: string
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>
  readonly body?: Buffer | Uint8Array | string | null
}

export interface CreateReplaySessionOptions extends ReplaySessionOptions {
  /**
   * The replay server's origin (`http://127.0.0.1:PORT`): recorded origins map to path prefixes
   * under it. Absent: requests arrive at the recorded hosts (nock, Polly).
   */
  readonly origin?: string
}

/** Engines a session can be served by; one at a time. */
export type EngineName = 'nock' | 'polly' | 'server'

/**
 * Matches requests against one cassette and decides every answer; engines only carry bytes.
 * Sessions are isolated: each has its own order state, even on the same cassette.
 *
 * @example
 * const session = createReplaySession(await loadCassetteFile('boot.json'), { origin: 'http://127.0.0.1:8080' })
 * const answer = session.handle({ method: 'GET', url: '/v2/10/servers/detail', headers: {} })
 */
export function createReplaySession(cassette: Cassette, options: CreateReplaySessionOptions = {}): ReplaySession {
  return new ReplaySession(cassette, options)
}

/** A matching session over one cassette. Create it with createReplaySession(). */
export class ReplaySession {
  readonly cassette: Cassette
  readonly routes: ReplayRoutes
  /** The dialect faults are rendered in. */
  readonly dialect: Dialect
  /** Fault rules of this session: add, list and remove them at run time (the control API does). */
  readonly faults: FaultInjector
  /** The clock token expiry and fault latencies follow. */
  readonly clock: Clock
  /** What token requests get when the cassette holds no token exchange; null when it does or the option is off. */
  readonly syntheticIdentity: SyntheticIdentity | null
  private readonly options: ResolvedSessionOptions
  private readonly index: CassetteIndex
  private readonly tokens: ReadonlySet<string>
  /** The answer for each recorded position, built on first use: answers are immutable, and repeats are the common case. */
  private readonly recordedAnswers: (ReplayAnswer | undefined)[]
  private readonly resolutions: ResolutionCache
  private readonly bindings = new Map<string, string>()
  private state: TimelineState
  private log = new RequestLog()
  private engine: EngineName | null = null

  constructor(cassette: Cassette, options: CreateReplaySessionOptions) {
    this.options = resolveSessionOptions(options)
    assertOneDialect(cassette)
    this.cassette = cassette
    this.recordedAnswers = new Array<ReplayAnswer | undefined>(cassette.interactions.length)
    this.index = indexCassette(cassette, this.options)
    this.resolutions = new ResolutionCache(this.index, this.options)
    this.routes = options.origin === undefined ? recordedHostRoutes(this.index) : prefixRoutes(this.index, options.origin)
    this.dialect = this.options.dialect ?? cassette.dialect
    this.clock = this.options.clock
    this.faults = faultInjectorFor(options, this.dialect, this.clock)
    this.syntheticIdentity = this.synthesize()
    this.tokens = this.options.strict ? this.issuedTokens() : new Set()
    this.state = this.freshState()
  }

  private synthesize(): SyntheticIdentity | null {
    const wanted = this.options.syntheticIdentity
    if (wanted === null || this.index.identity.length > 0) return null
    return planSyntheticIdentity(this.index, this.routes, wanted.region ?? DEFAULT_SYNTHETIC_REGIONS[this.cassette.dialect])
  }

  private issuedTokens(): Set<string> {
    const tokens = recordedTokens(this.index)
    if (this.syntheticIdentity) tokens.add(this.syntheticIdentity.token)
    return tokens
  }

  /** The URL to give the client as its identity endpoint. */
  get authUrl(): string {
    return this.routes.authUrl
  }

  /** Decides the answer to one request. Never throws for bad input: a miss is an answer too. */
  handle(request: ReplayRequest): ReplayAnswer {
    return this.handleNormalized(request.method, request.url, lowercaseHeaders(request.headers), toBuffer(request.body))
  }

  /**
   * handle() for an engine that holds the request as the session uses it: header names lowercase
   * and every value one string (node:http's `req.headers` when there is no set-cookie), the body a
   * Buffer or null. Skips the normalizing copy and the request object, which a busy replay server
   * would otherwise pay for on every request.
   */
  handleNormalized(method: string, url: string, headers: Readonly<Record<string, string | undefined>>, body: Buffer | null): ReplayAnswer {
    const resolution = this.resolutions.find(url, method, headers, body) ?? this.resolveNew(method, url, headers, body)
    const answer = this.faults.size === 0 ? this.decide(resolution, headers, body) : this.withFaults(resolution, headers, body)
    this.record(resolution, answer)
    return answer
  }

  private resolveNew(method: string, url: string, headers: Readonly<Record<string, string | undefined>>, body: Buffer | null): Resolution {
    const routed = this.routes.route(url)
    if (routed !== null) return this.resolutions.resolve(url, routed, { method, headers, body }, true)
    const { target, bound } = this.bindOrigin(method, url)
    // An origin not bound yet may be bound by a later request: what it resolves to now is not kept.
    return this.resolutions.resolve(url, target, { method, headers, body }, bound)
  }

  /**
   * A client that kept the real URLs (Polly users replaying what they recorded) reaches origins the
   * cassette only knows as placeholders. Such an origin is bound, once, to the recorded origin that
   * serves its first request's operation (identity's for a token request), and stays bound.
   */
  private bindOrigin(method: string, url: string): { target: Route; bound: boolean } {
    const path = pathOf(url)
    const real = originOf(url) ?? '(no origin)'
    let bound = this.bindings.get(real)
    if (bound === undefined) {
      const operation = resolveOperation({ method, url: path }).key
      const identity = this.index.identity[0]
      bound =
        operation === TOKEN_OPERATION && identity !== undefined
          ? (this.cassette.interactions[identity] as Interaction).request.origin
          : this.index.byOperation.get(operation)?.[0]?.origin
      if (bound === undefined) return { target: { origin: real, path }, bound: false }
      this.bindings.set(real, bound)
    }
    return { target: { origin: bound, path }, bound: true }
  }

  /**
   * Fault rules first (they may answer a request nothing matches), then the match, then the
   * transform rules on the recorded answer.
   */
  private withFaults(resolution: Resolution, headers: Readonly<Record<string, string | undefined>>, body: Buffer | null): ReplayAnswer {
    const request: FaultRequest = { ...resolution.fault, headers }
    const decision = this.faults.decide(request)
    if (decision?.answer) {
      const matched = decision.answer.kind === 'truncate' ? this.decide(resolution, headers, body) : null
      const recorded = matched?.kind === 'response' ? faultView(matched.response) : null
      return { kind: 'fault', decision, recorded }
    }
    let answer = this.decide(resolution, headers, body)
    if (answer.kind === 'response' && answer.source === 'interaction') {
      const view = faultView(answer.response)
      const transformed = this.faults.transformResponse(request, view)
      if (transformed !== view) answer = { ...answer, response: fromFaultView(transformed) }
    }
    return decision && decision.delayMs > 0 ? { ...answer, delayMs: decision.delayMs } : answer
  }

  private decide(resolution: Resolution, headers: Readonly<Record<string, string | undefined>>, body: Buffer | null): ReplayAnswer {
    const facts = resolution.facts
    const strict = this.options.strict
    if (facts.operation === TOKEN_OPERATION) {
      const refused = strict ? refuseCredentials(body, headers['content-type'], strict, this.tokens) : null
      if (refused) return this.fault('unauthorized', facts, `Unable to authenticate user with credentials provided (${refused}).`)
      const position = this.state.chooseIdentity()
      if (position !== null) return this.answer(position, 'identity')
      if (this.syntheticIdentity) {
        const response = syntheticTokenResponse(this.syntheticIdentity, this.cassette.dialect, facts.format, this.clock)
        return { kind: 'response', source: 'identity', response, interaction: null }
      }
    } else if (strict && !facts.operation.startsWith('versions.')) {
      const refused = refuseToken(headers['x-auth-token'], this.tokens)
      if (refused) return this.fault('unauthorized', facts, `This server could not verify that you are authorized (${refused}).`)
    }
    const variant = resolution.exact ?? resolution.candidates?.find((candidate) => this.state.hasUnserved(candidate)) ?? resolution.candidates?.[0]
    if (variant) {
      const position = this.state.choose(variant)
      if (position !== EXHAUSTED) return this.answer(position, 'interaction')
    }
    return this.miss(facts, resolution.path, variant ? 'exhausted' : null)
  }

  private answer(position: number, source: 'interaction' | 'identity'): ReplayAnswer {
    if (source === 'identity') return this.freshAnswer(position, source)
    // Answers are immutable: one per position, and the interaction behind it is not read again.
    let answer = this.recordedAnswers[position]
    if (answer === undefined) this.recordedAnswers[position] = answer = this.freshAnswer(position, source)
    return answer
  }

  private freshAnswer(position: number, source: 'interaction' | 'identity'): ReplayAnswer {
    const interaction = this.cassette.interactions[position] as Interaction
    if (interaction.response === null && interaction.transportFault) return { kind: 'transport', fault: interaction.transportFault, interaction }
    const body = source === 'identity' ? freshTokenBody(interaction, this.options.clock) : undefined
    return { kind: 'response', source, response: recordedResponse(interaction, this.routes, body), interaction }
  }

  private fault(name: string, facts: RequestFacts, message?: string): ReplayAnswer {
    return { kind: 'response', source: 'fault', response: faultResponse(name, this.dialect, facts.format, message), interaction: null }
  }

  private miss(facts: RequestFacts, path: string, exhausted: MissLayer | null): ReplayAnswer {
    if (facts.body.broken !== null) {
      return this.fault('badRequest', facts, `The request body is ${facts.body.broken}; no recorded interaction matches it.`)
    }
    const report = this.missReport(facts, path, exhausted)
    const error = new NoMatchError(report)
    if (this.options.onMiss === 'warn') this.options.warn(error.message)
    if (this.options.onMiss !== 'error') return { kind: 'passthrough', url: facts.origin + path }
    const summary = `No recorded interaction matches ${report.method} ${report.path} (${report.operation}).`
    const response = faultResponse('notImplemented', this.dialect, facts.format, summary, error.message)
    return { kind: 'miss', error, response: { ...response, headers: { ...response.headers, 'x-cloudtape-miss': report.closest?.layer ?? 'operation' } } }
  }

  private missReport(facts: RequestFacts, path: string, exhausted: MissLayer | null): MissReport {
    const closest = findClosest(this.index, facts, (variant) => this.state.hasUnserved(variant))
    return {
      method: facts.method,
      path,
      operation: facts.operation,
      cassette: this.cassette.name,
      closest: exhausted && closest ? { ...closest, layer: exhausted } : closest,
      unused: this.state.unusedPositions().length,
      total: this.cassette.interactions.length,
      command: recordCommand(this.options.cassettePath ?? this.cassette.name),
    }
  }

  private record(resolution: Resolution, answer: ReplayAnswer): void {
    const outcome = answer.kind === 'response' ? answer.source : answer.kind
    const interaction = answer.kind === 'response' || answer.kind === 'transport' ? (answer.interaction?.id ?? null) : null
    const status = answer.kind === 'response' || answer.kind === 'miss' ? answer.response.status : answer.kind === 'fault' ? faultStatus(answer.decision) : null
    this.log.add(resolution.logged, outcome, interaction, status)
  }

  /** Interactions not served yet (polls the timelines skipped over count as served). */
  unused(): Interaction[] {
    return this.state.unusedPositions().map((position) => this.cassette.interactions[position] as Interaction)
  }

  /** Fails with ERR_CLOUDTAPE_UNUSED_INTERACTIONS and a table of the unused interactions. */
  assertAllUsed(): void {
    const unused = this.unused()
    if (unused.length === 0) return
    throw new CloudtapeError('ERR_CLOUDTAPE_UNUSED_INTERACTIONS', formatUnusedTable(this.cassette.name, unused, this.cassette.interactions.length))
  }

  /** The most recent requests (up to 10,000), oldest first. */
  requestLog(): readonly RequestLogEntry[] {
    return this.log.entries()
  }

  /** Forgets order state and the request log: the next request starts the cassette over. */
  reset(): void {
    this.state = this.freshState()
    this.log = new RequestLog()
  }

  /**
   * Binds the session to an engine; a second engine fails with ERR_CLOUDTAPE_ENGINE_CONFLICT.
   * Returns the release function.
   */
  attach(engine: EngineName): () => void {
    if (this.engine !== null) {
      throw new CloudtapeError(
        'ERR_CLOUDTAPE_ENGINE_CONFLICT',
        `The session on cassette "${this.cassette.name}" is already served by the ${this.engine} engine; ${engine} cannot serve it too. Close the ${this.engine} engine first, or create a second session with createReplaySession().`,
      )
    }
    this.engine = engine
    return () => {
      if (this.engine === engine) this.engine = null
    }
  }

  private freshState(): TimelineState {
    return new TimelineState(this.index, this.options.ordering, this.options.exhausted)
  }
}

function faultInjectorFor(options: ReplaySessionOptions, dialect: Dialect, clock: Clock): FaultInjector {
  const given = options.faults
  if (given !== undefined && !Array.isArray(given)) return given as FaultInjector
  const rules = ((given ?? []) as ReadonlyArray<FaultRuleSpec | string>).flatMap((rule) => (typeof rule === 'string' ? parseFaultRuleText(rule, { dialect }) : [rule]))
  return createFaultInjector({ rules, dialect, clock, ...(options.seed === undefined ? {} : { seed: options.seed }) })
}

function faultStatus(decision: FaultDecision): number | null {
  return decision.answer?.kind === 'respond' ? decision.answer.response.status : null
}

function assertOneDialect(cassette: Cassette): void {
  const at = cassette.interactions.findIndex((interaction) => interaction.dialect !== cassette.dialect)
  if (at < 0) return
  const found = cassette.interactions[at]?.dialect
  throw new CloudtapeError(
    'ERR_CLOUDTAPE_CASSETTE_INVALID',
    `The cassette "${cassette.name}" is a ${cassette.dialect} cassette but $.interactions[${at}].dialect is ${JSON.stringify(found)}. Record one dialect per cassette; pass { dialect } to render faults in another.`,
  )
}

// Node, nock and Polly hand over lowercase single-valued headers: then nothing is copied.
function lowercaseHeaders(headers: ReplayRequest['headers']): Readonly<Record<string, string | undefined>> {
  let plain = true
  for (const name in headers) {
    if (typeof headers[name] !== 'string' || hasUpperCase(name)) plain = false
  }
  if (plain) return headers as Readonly<Record<string, string>>
  const out: Record<string, string | undefined> = {}
  for (const [name, value] of Object.entries(headers)) {
    out[name.toLowerCase()] = typeof value === 'string' || value === undefined ? value : value.join(', ')
  }
  return out
}

/** Scanned by hand: toLowerCase() goes through the runtime for every name of every request. */
function hasUpperCase(name: string): boolean {
  for (let i = 0; i < name.length; i += 1) {
    const code = name.charCodeAt(i)
    if (code >= 65 && code <= 90) return true
  }
  return false
}

function toBuffer(body: ReplayRequest['body']): Buffer | null {
  if (body === undefined || body === null) return null
  if (typeof body === 'string') return Buffer.from(body)
  return Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength)
}
