import { maskKey, type CassetteIndex, type Variant } from './cassette-index.js'
import type { FaultRequest } from './faults/index.js'
import type { LoggedRequest } from './request-log.js'
import { incomingFacts, NO_MASK, signature, type IncomingFactsInput, type MatchRuleSet, type RequestFacts } from './request-facts.js'

/** What a request resolves to before order state is consulted: the same inputs always give the same. */
export interface Resolution {
  readonly facts: RequestFacts
  /** The request log's line for it (shared by every repeat of the request). */
  readonly logged: LoggedRequest
  /** What fault rules select on; engines add the headers. */
  readonly fault: Omit<FaultRequest, 'headers'>
  /** The variant whose recorded request equals this one, placeholders included. */
  readonly exact: Variant | undefined
  /** Otherwise, variants whose placeholders accept this request, in recorded order. */
  readonly candidates: readonly Variant[] | undefined
}

/** Bodies above this are resolved every time rather than kept. */
const MAX_CACHED_BODY = 8 * 1024
const LIMIT = 4096
/**
 * Requests kept per path and query: methods, accept and content types, matched headers and
 * distinct bodies (a client creating servers with new names sends new bodies).
 */
const REQUESTS_PER_PATH = 16

/** One remembered request: everything that determines its resolution except the path it is kept under. */
interface CachedRequest {
  readonly origin: string
  readonly method: string
  readonly accept: string | undefined
  readonly contentType: string | undefined
  readonly matched: readonly (string | undefined)[]
  readonly body: Buffer | null
  readonly resolution: Resolution
}

/**
 * Remembers resolutions by everything that determines them (origin, method, path and query,
 * accept, content type, matched headers, body), so a repeated request costs one map lookup by its
 * path and a few comparisons instead of URL parsing, operation routing and body parsing. The rest
 * is compared, not joined into a key: building and hashing a fresh key string for every request
 * cost more than the comparisons.
 */
export class ResolutionCache {
  private readonly byPath = new Map<string, CachedRequest[]>()
  private size = 0

  constructor(
    private readonly index: CassetteIndex,
    private readonly rules: MatchRuleSet,
  ) {}

  resolve(origin: string, input: IncomingFactsInput): Resolution {
    const body = input.body
    if (body !== null && body.length > MAX_CACHED_BODY) return this.compute(origin, input)
    const kept = this.byPath.get(input.path)
    if (kept !== undefined) {
      for (const entry of kept) if (this.matches(entry, origin, input)) return entry.resolution
    }
    const resolution = this.compute(origin, input)
    if (kept !== undefined && kept.length >= REQUESTS_PER_PATH) return resolution
    this.keep(origin, input, resolution, kept)
    return resolution
  }

  private matches(entry: CachedRequest, origin: string, input: IncomingFactsInput): boolean {
    const headers = input.headers
    if (entry.method !== input.method || entry.origin !== origin) return false
    if (entry.accept !== headers['accept'] || entry.contentType !== headers['content-type']) return false
    const names = this.rules.matchHeaders
    for (let i = 0; i < names.length; i++) if (entry.matched[i] !== headers[names[i] as string]) return false
    return sameBody(entry.body, input.body)
  }

  private keep(origin: string, input: IncomingFactsInput, resolution: Resolution, kept: CachedRequest[] | undefined): void {
    if (this.size >= LIMIT) {
      this.byPath.clear()
      this.size = 0
      kept = undefined
    }
    const headers = input.headers
    const entry: CachedRequest = {
      origin,
      method: input.method,
      accept: headers['accept'],
      contentType: headers['content-type'],
      matched: this.rules.matchHeaders.map((name) => headers[name]),
      // Copied: the caller's buffer may be reused.
      body: input.body === null ? null : Buffer.from(input.body),
      resolution,
    }
    if (kept) kept.push(entry)
    else this.byPath.set(input.path, [entry])
    this.size += 1
  }

  private compute(origin: string, input: IncomingFactsInput): Resolution {
    const { facts, resolved } = incomingFacts(origin, input, this.rules)
    const fault = { method: facts.method, operation: resolved.key, params: resolved.params, format: resolved.format, path: resolved.path, query: resolved.query }
    const logged = { method: facts.method, url: input.path, operation: facts.operation }
    const exact = this.index.bySignature.get(signature(facts, NO_MASK))
    if (exact) return { facts, logged, fault, exact, candidates: undefined }
    const placeholders = this.index.placeholders()
    for (const mask of placeholders.masks.get(maskKey(facts.origin, facts.operation)) ?? []) {
      const candidates = placeholders.byMaskedSignature.get(signature(facts, mask))
      if (candidates) return { facts, logged, fault, exact: undefined, candidates }
    }
    return { facts, logged, fault, exact: undefined, candidates: undefined }
  }
}

function sameBody(a: Buffer | null, b: Buffer | null): boolean {
  if (a === null || b === null) return a === b
  return a.length === b.length && a.equals(b)
}
