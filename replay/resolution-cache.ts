import { maskKey, type CassetteIndex, type Variant } from './cassette-index.js'
import type { Route } from './routes.js'
import type { FaultRequest } from './faults/index.js'
import type { LoggedRequest } from './request-log.js'
import { incomingFacts, NO_MASK, signature, type IncomingFactsInput, type MatchRuleSet, type RequestFacts } from './request-facts.js'

/** What a request resolves to before order state is consulted: the same inputs always give the same. */
export interface Resolution {
  readonly facts: RequestFacts
  /** The path and query within the recorded origin. */
  readonly path: string
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
 * Requests kept per URL: methods, accept and content types, matched headers and distinct bodies
 * (a client creating servers with new names sends new bodies).
 */
const REQUESTS_PER_URL = 16

/** One remembered request: everything that determines its resolution except the URL it is kept under. */
interface CachedRequest {
  readonly method: string
  readonly accept: string | undefined
  readonly contentType: string | undefined
  readonly matched: readonly (string | undefined)[]
  readonly body: Buffer | null
  readonly resolution: Resolution
}

/**
 * Remembers resolutions by everything that determines them (the URL as the engine received it,
 * method, accept, content type, matched headers, body), so a repeated request costs one map
 * lookup by its URL and a few comparisons instead of routing, URL parsing, operation routing and
 * body parsing. The rest is compared, not joined into a key: building and hashing a fresh key
 * string for every request cost more than the comparisons.
 *
 * Keyed by the URL as received rather than the routed origin and path: the URL determines both
 * (the session keeps nothing whose origin could still change), and one lookup instead of a route
 * lookup and a path lookup saves a cold table per request.
 */
export class ResolutionCache {
  private readonly byUrl = new Map<string, CachedRequest[]>()
  private size = 0

  constructor(
    private readonly index: CassetteIndex,
    private readonly rules: MatchRuleSet,
  ) {}

  /** The resolution kept for this request, if an equal one was resolved before. */
  find(url: string, method: string, headers: Readonly<Record<string, string | undefined>>, body: Buffer | null): Resolution | undefined {
    const kept = this.byUrl.get(url)
    if (kept === undefined) return undefined
    for (let i = 0; i < kept.length; i++) {
      const entry = kept[i] as CachedRequest
      if (this.matches(entry, method, headers, body)) return entry.resolution
    }
    return undefined
  }

  /**
   * Resolves a request find() did not know, at `target` (where `url` routes to). Kept for the next
   * find() when `keep` is true, that is when `url` will always route there.
   */
  resolve(url: string, target: Route, input: Omit<IncomingFactsInput, 'path'>, keep: boolean): Resolution {
    const resolution = this.compute(target, input)
    const body = input.body
    if (keep && (body === null || body.length <= MAX_CACHED_BODY)) this.keep(url, input, resolution)
    return resolution
  }

  private matches(entry: CachedRequest, method: string, headers: Readonly<Record<string, string | undefined>>, body: Buffer | null): boolean {
    if (entry.method !== method) return false
    if (entry.accept !== headers['accept'] || entry.contentType !== headers['content-type']) return false
    const names = this.rules.matchHeaders
    for (let i = 0; i < names.length; i++) if (entry.matched[i] !== headers[names[i] as string]) return false
    return sameBody(entry.body, body)
  }

  private keep(url: string, input: Omit<IncomingFactsInput, 'path'>, resolution: Resolution): void {
    let kept = this.byUrl.get(url)
    if (kept !== undefined && kept.length >= REQUESTS_PER_URL) return
    if (this.size >= LIMIT) {
      this.byUrl.clear()
      this.size = 0
      kept = undefined
    }
    const headers = input.headers
    const entry: CachedRequest = {
      method: input.method,
      accept: headers['accept'],
      contentType: headers['content-type'],
      matched: this.rules.matchHeaders.map((name) => headers[name]),
      // Copied: the caller's buffer may be reused.
      body: input.body === null ? null : Buffer.from(input.body),
      resolution,
    }
    if (kept) kept.push(entry)
    else this.byUrl.set(url, [entry])
    this.size += 1
  }

  private compute(target: Route, input: Omit<IncomingFactsInput, 'path'>): Resolution {
    const path = target.path
    const { facts, resolved } = incomingFacts(target.origin, { ...input, path }, this.rules)
    const fault = { method: facts.method, operation: resolved.key, params: resolved.params, format: resolved.format, path: resolved.path, query: resolved.query }
    const logged = { method: facts.method, url: path, operation: facts.operation }
    const exact = this.index.bySignature.get(signature(facts, NO_MASK))
    if (exact) return { facts, path, logged, fault, exact, candidates: undefined }
    const placeholders = this.index.placeholders()
    for (const mask of placeholders.masks.get(maskKey(facts.origin, facts.operation)) ?? []) {
      const candidates = placeholders.byMaskedSignature.get(signature(facts, mask))
      if (candidates) return { facts, path, logged, fault, exact: undefined, candidates }
    }
    return { facts, path, logged, fault, exact: undefined, candidates: undefined }
  }
}

function sameBody(a: Buffer | null, b: Buffer | null): boolean {
  if (a === null || b === null) return a === b
  return a.length === b.length && a.equals(b)
}
