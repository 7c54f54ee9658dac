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
/** Distinct bodies kept per method, URL and headers (a client creating servers with new names sends new bodies). */
const BODIES_PER_KEY = 8

interface CachedResolution {
  readonly body: Buffer | null
  readonly resolution: Resolution
}

/**
 * Remembers resolutions by everything that determines them (origin, method, path and query,
 * accept, content type, matched headers, body), so a repeated request costs one map lookup and
 * a byte comparison of its body instead of URL parsing, operation routing and body parsing. The
 * body is compared, not put in the key: hashing it into a fresh key string cost more than the
 * comparison.
 */
export class ResolutionCache {
  private readonly entries = new Map<string, CachedResolution[]>()
  private size = 0

  constructor(
    private readonly index: CassetteIndex,
    private readonly rules: MatchRuleSet,
  ) {}

  resolve(origin: string, input: IncomingFactsInput): Resolution {
    if (input.body !== null && input.body.length > MAX_CACHED_BODY) return this.compute(origin, input)
    const key = this.keyOf(origin, input)
    const cached = this.entries.get(key)
    const known = cached?.find((entry) => sameBody(entry.body, input.body))
    if (known) return known.resolution
    const resolution = this.compute(origin, input)
    if (cached !== undefined && cached.length >= BODIES_PER_KEY) return resolution
    if (this.size >= LIMIT) {
      this.entries.clear()
      this.size = 0
    }
    // The body is copied: the caller's buffer may be reused.
    const entry = { body: input.body === null ? null : Buffer.from(input.body), resolution }
    const list = this.entries.get(key)
    if (list) list.push(entry)
    else this.entries.set(key, [entry])
    this.size += 1
    return resolution
  }

  private keyOf(origin: string, input: IncomingFactsInput): string {
    let key = `${origin}\u0000${input.method}\u0000${input.path}\u0000${input.headers['accept'] ?? ''}\u0000${input.headers['content-type'] ?? ''}`
    for (const name of this.rules.matchHeaders) key += `\u0000${input.headers[name] ?? ''}`
    return key
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
