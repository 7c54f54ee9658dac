import { isPlaceholder, resolveOperation } from '../cassettes/index.js'
import type { BodyFormat, Interaction, ResolvedOperation } from '../cassettes/index.js'
import { isBelow, requestBodyFacts, storedBodyFacts, type BodyFacts, type BodyLeaf } from './body-leaves.js'
import type { ResolvedSessionOptions } from './options.js'

type Pairs = ReadonlyArray<readonly [string, string]>

/** Everything matching compares about one request, computed once (at load for recorded ones). */
export interface RequestFacts {
  readonly origin: string
  readonly method: string
  readonly operation: string
  readonly format: BodyFormat
  /** Path parameters sorted by name; `tenant_id` is left out (the client sends its own). */
  readonly params: Pairs
  /** Sorted by key then value; ignored keys left out. */
  readonly query: Pairs
  /** The `matchHeaders`, in option order; '' when absent. */
  readonly headers: Pairs
  /** Leaves under ignored body paths left out. */
  readonly body: BodyFacts
}

/** The places where a recorded request holds a placeholder: they match any received value. */
export interface Mask {
  readonly id: string
  readonly size: number
  readonly params: ReadonlySet<string>
  readonly query: ReadonlySet<string>
  readonly headers: ReadonlySet<string>
  readonly body: ReadonlySet<string>
}

/** The subset of session options that shapes facts. */
export type MatchRuleSet = Pick<ResolvedSessionOptions, 'ignoreQuery' | 'ignoreBodyPaths' | 'matchHeaders'>

/** An incoming request, as engines hand it over. */
export interface IncomingFactsInput {
  readonly method: string
  /** Path and query within the recorded origin. */
  readonly path: string
  readonly headers: Readonly<Record<string, string | undefined>>
  readonly body: Buffer | null
}

/** Facts of a recorded interaction's request. */
export function recordedFacts(interaction: Interaction, rules: MatchRuleSet): RequestFacts {
  const request = interaction.request
  return {
    origin: request.origin,
    method: request.method.toUpperCase(),
    operation: interaction.operation,
    format: interaction.format,
    params: paramPairs(interaction.params),
    query: queryPairs(request.query, rules),
    headers: rules.matchHeaders.length === 0 ? NO_PAIRS : rules.matchHeaders.map((name) => [name, request.headers[name] ?? ''] as const),
    body: dropIgnored(storedBodyFacts(request.body), rules),
  }
}

/** Facts of an incoming request, and how the resolver read it. */
export function incomingFacts(origin: string, input: IncomingFactsInput, rules: MatchRuleSet): { facts: RequestFacts; resolved: ResolvedOperation } {
  const contentType = input.headers['content-type']
  const resolved = resolveOperation({ method: input.method, url: input.path, body: input.body, contentType, accept: input.headers['accept'] })
  const facts: RequestFacts = {
    origin,
    method: input.method.toUpperCase(),
    operation: resolved.key,
    format: resolved.format,
    params: paramPairs(resolved.params),
    query: queryPairs(resolved.query, rules),
    headers: rules.matchHeaders.map((name) => [name, input.headers[name] ?? ''] as const),
    body: dropIgnored(requestBodyFacts(input.body, contentType), rules),
  }
  return { facts, resolved }
}

const NO_PAIRS: Pairs = []

function paramPairs(params: Readonly<Record<string, string>>): Pairs {
  return Object.entries(params)
    .filter(([name]) => name !== 'tenant_id')
    .sort(comparePairs)
}

function queryPairs(query: Pairs, rules: MatchRuleSet): Pairs {
  if (query.length === 0) return NO_PAIRS
  return query.filter(([key]) => !rules.ignoreQuery.has(key)).slice().sort(comparePairs)
}

function comparePairs(a: readonly [string, string], b: readonly [string, string]): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1
  return a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0
}

function dropIgnored(body: BodyFacts, rules: MatchRuleSet): BodyFacts {
  if (rules.ignoreBodyPaths.length === 0) return body
  const leaves = body.leaves.filter((leaf) => !rules.ignoreBodyPaths.some((prefix) => isBelow(leaf.path, prefix)))
  return { ...body, leaves }
}

/** No placeholders: the exact signature. */
export const NO_MASK: Mask = { id: '', size: 0, params: new Set(), query: new Set(), headers: new Set(), body: new Set() }

/** Where `facts` (a recorded request) holds placeholders; `known` interns masks by id so each is built once. */
export function placeholderMask(facts: RequestFacts, known?: (id: string) => Mask | undefined): Mask {
  const params = placeholderNames(facts.params)
  const query = placeholderNames(facts.query)
  const headers = placeholderNames(facts.headers)
  const body = facts.body.leaves.filter((leaf) => leaf.text !== null && isPlaceholder(leaf.text)).map((leaf) => leaf.path)
  const size = params.length + query.length + headers.length + body.length
  if (size === 0) return NO_MASK
  const id = [params, query, headers, body].map((list) => list.join('\u0001')).join('\u0002')
  return known?.(id) ?? { id, size, params: new Set(params), query: new Set(query), headers: new Set(headers), body: new Set(body) }
}

function placeholderNames(pairs: Pairs): string[] {
  const out: string[] = []
  for (const [name, value] of pairs) if (isPlaceholder(value)) out.push(name)
  return out
}

/** A string equal for two requests exactly when they match under `mask`. */
export function signature(facts: RequestFacts, mask: Mask): string {
  // Parts joined once give a flat string; `+=` would build a rope that every map lookup flattens again.
  const parts: string[] = [facts.origin, '\u0000', facts.operation, '\u0000', facts.format]
  section(parts, 'p', facts.params, mask.params)
  section(parts, 'q', facts.query, mask.query)
  section(parts, 'h', facts.headers, mask.headers)
  parts.push('\u0000b')
  for (const leaf of facts.body.leaves) parts.push('\u0001', leaf.path, '=', mask.body.has(leaf.path) ? '*' : leaf.value)
  return parts.join('')
}

function section(parts: string[], tag: string, pairs: Pairs, masked: ReadonlySet<string>): void {
  parts.push('\u0000', tag)
  for (const [name, value] of pairs) parts.push('\u0001', name, '=', masked.has(name) ? '*' : JSON.stringify(value))
}

/** The first body leaf at `path`, if any. */
export function leafAt(body: BodyFacts, path: string): BodyLeaf | undefined {
  return body.leaves.find((leaf) => leaf.path === path)
}
