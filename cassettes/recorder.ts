import { classifyBody, decodeContentEncoding, DEFAULT_MAX_BODY_BYTES, toStoredBody, type ClassifiedBody } from './body.js'
import { systemClock, isoSeconds, type Clock } from './clock.js'
import { compileRules } from './compile-rules.js'
import { DialectDetector } from './detect-dialect.js'
import { assertOneOf, CloudtapeError } from './errors.js'
import { IdentifierMap, type NormalizationSummary } from './identifier-map.js'
import { learnBody, rewriteBody } from './normalize-body.js'
import { flattenHeaders, learnHeaders, rewriteHeaders, type RawHeaders } from './normalize-http.js'
import type { NormalizationOptions } from './normalization-rules.js'
import { DIALECTS, type Dialect } from './operation-catalog.js'
import { OperationMemo } from './operation-memo.js'
import { CASSETTE_VERSION, TRANSPORT_FAULT_KINDS, type Cassette, type CassetteHead, type CassetteMeta, type Interaction, type TransportFault } from './schema.js'
import { isPlaceholder, isSecretPlaceholder, placeholderCounters } from './placeholders.js'
import { BodyMemo, type RememberedBody } from './body-memo.js'
import { BoundedSet } from './bounded.js'
import { ScrubMemo } from './scrub-memo.js'
import { scrubText, type NormalizeContext } from './scrub-text.js'
import { UrlNormalizer } from './url-normalizer.js'

/** One live request and response, as the proxy saw them. */
export interface RawExchange {
  readonly request: {
    readonly method: string
    /** The absolute upstream URL. */
    readonly url: string
    readonly headers: RawHeaders
    readonly body: Buffer
  }
  /** As on the wire: the recorder decodes content-encoding. Null when a transport fault came instead. */
  readonly response: { readonly status: number; readonly headers: RawHeaders; readonly body: Buffer } | null
  readonly transportFault?: TransportFault
  readonly durationMs?: number
}

export interface CassetteRecorderOptions {
  /** The store name of the cassette, e.g. `servers/boot-reboot-delete`. */
  readonly name: string
  /** Detected from the traffic when absent (Nova headers and paths, fault namespaces, catalog names). */
  readonly dialect?: Dialect
  /** Gives `recordedAt`. */
  readonly clock?: Clock
  readonly rules?: NormalizationOptions
  /** Bodies over this size (decoded) keep a prefix and a `truncated` mark. Default 1 MiB. */
  readonly maxBodyBytes?: number
  /** Store each exchange's duration (off by default: it changes on every recording). */
  readonly timing?: boolean
  readonly meta?: CassetteMeta
  /**
   * The cassette this recording extends (the proxy's once mode): new interactions follow its
   * interactions (ids and occurrences continue), placeholders are numbered after the ones it
   * holds, and its name, dialect and recordedAt are kept.
   */
  readonly extending?: Cassette
  /**
   * False: `record()` hands each interaction over without keeping it, so memory stays flat over a
   * long session (the proxy appends them to the file); `cassette()` then fails and `head()` gives
   * the rest. Default true.
   */
  readonly keepInteractions?: boolean
  /**
   * False: every string, URL and request is scrubbed and resolved afresh instead of through the
   * recorder's memos. The cassette is the same either way; this is slower, for checking that.
   * Default true.
   */
  readonly memoize?: boolean
}

/** Turns live exchanges into normalized, redacted interactions. Keeps no raw data. */
export interface CassetteRecorder {
  /** Normalizes and redacts at once; the returned interaction is what will be written. */
  record(exchange: RawExchange): Interaction
  /** A snapshot of the cassette so far, every interaction in the cassette's dialect. */
  cassette(): Cassette
  /** The cassette without its interactions: name, dialect (the guess so far), recordedAt, meta. */
  head(): CassetteHead
  /** Counts of secrets replaced and ids mapped, for the demo and logs. */
  summary(): NormalizationSummary
  /** The dialect given, or the best guess from what was recorded so far. */
  readonly dialect: Dialect
  /**
   * Names a live value the way the extended cassette names it: `live` URL origin and path
   * parameters of a request that `recorded` (an interaction of `extending`) answered. Only
   * placeholders are taken over, and values already named keep their placeholder.
   */
  alias(recorded: Interaction, live: { readonly origin: string; readonly params: Readonly<Record<string, string>> }): void
}

/** URLs found in bodies and headers that the recorder remembers having learned from. */
const MAX_LEARNED_TEXT_URLS = 8192

/**
 * Creates a recorder with its own map of real values to placeholders (in memory only).
 *
 * @example
 * const recorder = createCassetteRecorder({ name: 'servers/create', clock })
 * proxy.on('exchange', (exchange) => recorder.record(exchange))
 * await saveCassetteFile('cassettes/servers/create.json', recorder.cassette())
 */
export function createCassetteRecorder(options: CassetteRecorderOptions): CassetteRecorder {
  validateOptions(options)
  const rules = compileRules(options.rules)
  const memoize = options.memoize !== false
  const context: NormalizeContext = { rules, map: new IdentifierMap(rules.wellKnownHosts), ...(memoize ? { memo: new ScrubMemo<string>(), learnedUrls: new BoundedSet<string>(MAX_LEARNED_TEXT_URLS) } : {}) }
  const detector = new DialectDetector()
  const { extending } = options
  const recordedAt = extending?.recordedAt ?? isoSeconds((options.clock ?? systemClock).now())
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES
  const interactions: Interaction[] = []
  const occurrences = new Map<string, number>()
  const previous = extending?.interactions ?? []
  for (const interaction of previous) occurrences.set(occurrenceKey(interaction), (occurrences.get(occurrenceKey(interaction)) ?? 0) + 1)
  if (extending) context.map.continueAfter(placeholderCounters(JSON.stringify(previous)))
  const dialectNow = (): Dialect => options.dialect ?? extending?.dialect ?? detector.dialect
  const keep = options.keepInteractions !== false
  const operations = new OperationMemo(memoize)
  const urls = new UrlNormalizer(memoize)
  const bodies = memoize ? new BodyMemo() : null
  let recorded = 0

  const record = (exchange: RawExchange): Interaction => {
    const interaction = normalizeExchange(exchange, { context, detector: options.dialect === undefined ? detector : null, operations, urls, bodies, maxBodyBytes, timing: options.timing === true })
    const key = occurrenceKey(interaction)
    const occurrence = occurrences.get(key) ?? 0
    occurrences.set(key, occurrence + 1)
    recorded += 1
    const complete = placed(interaction, previous.length + recorded, occurrence, dialectNow())
    if (keep) interactions.push(complete)
    return complete
  }
  const head = (): CassetteHead => ({
    version: CASSETTE_VERSION,
    name: extending?.name ?? options.name,
    dialect: dialectNow(),
    recordedAt,
    ...(options.meta ? { meta: options.meta } : extending?.meta ? { meta: extending.meta } : {}),
  })
  return {
    record,
    head,
    cassette: () => {
      if (!keep) throw new CloudtapeError('ERR_CLOUDTAPE_INVALID_OPTION', 'This recorder was created with keepInteractions: false; it keeps no interactions. Collect what record() returns instead.')
      const cassetteHead = head()
      return { ...cassetteHead, interactions: [...previous, ...interactions.map((interaction) => ({ ...interaction, dialect: cassetteHead.dialect }))] }
    },
    summary: () => context.map.summary(recorded),
    get dialect() {
      return dialectNow()
    },
    alias: (recorded, live) => aliasLiveValues(context.map, recorded, live),
  }
}

function occurrenceKey(interaction: Pick<Interaction, 'operation' | 'params'>): string {
  return `${interaction.operation}\u0000${JSON.stringify(interaction.params)}`
}

function aliasLiveValues(map: IdentifierMap, recorded: Interaction, live: { readonly origin: string; readonly params: Readonly<Record<string, string>> }): void {
  const recordedHost = /^[a-z]+:\/\/([^/?#]+)$/i.exec(recorded.request.origin)?.[1]
  const liveHost = /^[a-z]+:\/\/([^/?#]+)$/i.exec(live.origin)?.[1]
  if (recordedHost && liveHost && isPlaceholder(recordedHost)) map.aliasHost(liveHost, recordedHost)
  for (const [name, value] of Object.entries(recorded.params)) {
    const liveValue = live.params[name]
    if (liveValue !== undefined && isPlaceholder(value) && !isSecretPlaceholder(value)) map.aliasId(liveValue, value)
  }
}

function validateOptions(options: CassetteRecorderOptions): void {
  if (typeof options.name !== 'string' || options.name.trim() === '') {
    throw new CloudtapeError('ERR_CLOUDTAPE_INVALID_OPTION', 'createCassetteRecorder needs a cassette name, e.g. { name: "servers/create" }.')
  }
  if (options.dialect !== undefined) assertOneOf('dialect', options.dialect, DIALECTS)
  const max = options.maxBodyBytes
  if (max !== undefined && (!Number.isInteger(max) || max < 1)) {
    throw new CloudtapeError('ERR_CLOUDTAPE_INVALID_OPTION', `Invalid maxBodyBytes ${JSON.stringify(max)}. Expected a positive integer number of bytes.`)
  }
}

interface ExchangeSettings {
  readonly context: NormalizeContext
  /** Null when the dialect was given. */
  readonly detector: DialectDetector | null
  readonly operations: OperationMemo
  readonly urls: UrlNormalizer
  /** Null when memoize is off. */
  readonly bodies: BodyMemo | null
  readonly maxBodyBytes: number
  readonly timing: boolean
}

/** An interaction before its place in the cassette is known; absent optional parts are undefined. */
interface PartialInteraction extends Omit<Interaction, 'id' | 'occurrence' | 'dialect' | 'transportFault' | 'timing'> {
  readonly transportFault: TransportFault | undefined
  readonly timing: Interaction['timing'] | undefined
}

/**
 * The interaction with its id, occurrence and dialect, built as one literal with the optional
 * parts only when present (spreading a partial object was the recorder's single costliest line).
 */
function placed(partial: PartialInteraction, id: number, occurrence: number, dialect: Dialect): Interaction {
  const { transportFault, timing } = partial
  const base = { id, operation: partial.operation, documented: partial.documented, params: partial.params, occurrence, dialect, format: partial.format, request: partial.request, response: partial.response }
  if (transportFault === undefined && timing === undefined) return base
  return { ...base, ...(transportFault ? { transportFault } : {}), ...(timing ? { timing } : {}) }
}

/** Learn from every part of the exchange first, then rewrite: a secret seen late is still replaced early. */
function normalizeExchange(exchange: RawExchange, settings: ExchangeSettings): PartialInteraction {
  const { context } = settings
  const { request, response } = exchange
  const requestHeaders = flattenHeaders(request.headers)
  const responseHeaders = response ? flattenHeaders(response.headers) : null
  const requestBody = readBody(request.body, requestHeaders, settings.bodies)
  const responseBody = response && responseHeaders ? readBody(response.body, responseHeaders, settings.bodies) : null
  const resolved = settings.operations.resolve({
    method: request.method,
    url: request.url,
    body: requestBody.decoded,
    contentType: requestHeaders.get('content-type'),
    accept: requestHeaders.get('accept'),
  })
  // A dialect given up front is never guessed: the clues are not looked for.
  settings.detector?.observe({
    path: resolved.path,
    host: /^[a-z]+:\/\/([^/?#]*)/i.exec(request.url)?.[1] ?? '',
    requestHeaders,
    responseHeaders,
    bodies: responseBody ? [requestBody.decoded, responseBody.decoded] : [requestBody.decoded],
  })
  learnHeaders(requestHeaders, context)
  settings.urls.learn(request.method, request.url, resolved, context)
  // A body the memo knows was learned from when it first came: learning it again teaches nothing.
  if (!requestBody.remembered.known) learnBody(requestBody.remembered.classified, context)
  if (responseHeaders) learnHeaders(responseHeaders, context)
  if (responseBody && !responseBody.remembered.known) learnBody(responseBody.remembered.classified, context)

  const url = settings.urls.rewrite(request.method, request.url, resolved, context)
  const storedRequest = {
    method: request.method.toUpperCase(),
    origin: url.origin,
    path: url.path,
    query: url.query,
    headers: rewriteHeaders(requestHeaders, 'request', context),
    body: storeBody(requestBody, settings),
  }
  const storedResponse =
    response && responseHeaders
      ? { status: response.status, headers: rewriteHeaders(responseHeaders, 'response', context), body: responseBody ? storeBody(responseBody, settings) : null }
      : null
  return {
    operation: resolved.key,
    documented: resolved.documented,
    params: url.params,
    format: resolved.format,
    request: storedRequest,
    response: storedResponse,
    transportFault: exchange.transportFault ? storedFault(exchange.transportFault, context) : undefined,
    timing: settings.timing && exchange.durationMs !== undefined ? { durationMs: Math.round(exchange.durationMs) } : undefined,
  }
}

interface ReadBody {
  readonly decoded: Buffer
  readonly remembered: RememberedBody
}

function readBody(raw: Buffer, headers: ReadonlyMap<string, string>, bodies: BodyMemo | null): ReadBody {
  const decoded = decodeContentEncoding(raw, headers.get('content-encoding'))
  const contentType = headers.get('content-type')
  const remembered = bodies ? bodies.classify(decoded, contentType, () => classifyBody(decoded, contentType)) : { key: null, classified: classifyBody(decoded, contentType), known: false }
  return { decoded, remembered }
}

/** The body redacted and stored (the memo's stored form when it is still right). */
function storeBody(body: ReadBody, settings: ExchangeSettings): Interaction['request']['body'] {
  const make = (): Interaction['request']['body'] => store(rewriteBody(body.remembered.classified, settings.context), body.decoded.length, settings.maxBodyBytes)
  return settings.bodies ? settings.bodies.store(body.remembered, settings.context.map, make) : make()
}

function store(body: ClassifiedBody | null, sourceBytes: number, maxBodyBytes: number): Interaction['request']['body'] {
  return body === null ? null : toStoredBody(body, maxBodyBytes, sourceBytes)
}

function storedFault(fault: TransportFault, context: NormalizeContext): TransportFault {
  assertOneOf('transport fault kind', fault.kind, TRANSPORT_FAULT_KINDS)
  return { kind: fault.kind, message: scrubText(fault.message, context) }
}
