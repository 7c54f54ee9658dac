import type { Cassette, Interaction } from '../cassettes/index.js'
import { NO_MASK, placeholderMask, recordedFacts, signature, type MatchRuleSet, type Mask, type RequestFacts } from './request-facts.js'

/** The operation key of the identity token request, answered specially (see identity.ts). */
export const TOKEN_OPERATION = 'identity.tokens.create'

/** Recorded requests that match each other: one request, its answers in recorded order. */
export interface Variant {
  readonly id: number
  readonly origin: string
  readonly method: string
  readonly operation: string
  /** GET and HEAD: they walk a timeline; everything else moves one. */
  readonly read: boolean
  /** The origin's timeline (an index into `timelines`): collection reads walk it, every mutation on the origin moves it. */
  readonly originTimeline: number
  /** The resource's timeline (`server_id=...`), when the request names one; -1 when it does not. */
  readonly resourceTimeline: number
  /** Indexes into cassette.interactions, ascending. */
  readonly positions: number[]
}

/** The mutations recorded on one timeline, ascending. */
export interface TimelineIndex {
  /** What the timeline follows: `o <origin>` or `r <origin> <param>=<value>`. */
  readonly key: string
  readonly mutations: number[]
}

/** A cassette indexed once at load: lookups cost the same for 100 or 100,000 interactions. */
export interface CassetteIndex {
  readonly cassette: Cassette
  readonly variants: readonly Variant[]
  /** Variants by their exact signature: requests equal to the recorded one, placeholders included. */
  readonly bySignature: ReadonlyMap<string, Variant>
  /** The placeholder index, built on the first request that matches no recorded request exactly. */
  placeholders(): PlaceholderIndex
  readonly byOperation: ReadonlyMap<string, readonly Variant[]>
  /**
   * Timelines by number: variants refer to theirs by index, so order state lives in typed arrays
   * rather than maps keyed by strings.
   */
  readonly timelines: readonly TimelineIndex[]
  /** Positions of token requests, in recorded order. */
  readonly identity: readonly number[]
  /** Origins in order of first appearance; the identity origin first when there is one. */
  readonly origins: readonly string[]
  /** The rules the facts were built with (miss reports rebuild a variant's facts on demand). */
  readonly rules: MatchRuleSet
}

/** Where recorded requests hold placeholders, and the variants that accept any value there. */
export interface PlaceholderIndex {
  /** Distinct non-empty masks per origin and operation (maskKey), fewest placeholders first. */
  readonly masks: ReadonlyMap<string, readonly Mask[]>
  /** Variants with placeholders by their masked signature, in recorded order. */
  readonly byMaskedSignature: ReadonlyMap<string, readonly Variant[]>
  /** Each variant's mask (NO_MASK when it has no placeholder). */
  maskOf(variant: Variant): Mask
}

/** Facts of a variant's requests, rebuilt from its first interaction: kept out of memory until a miss needs them. */
export function variantFacts(index: CassetteIndex, variant: Variant): RequestFacts {
  return recordedFacts(index.cassette.interactions[variant.positions[0] as number] as Interaction, index.rules)
}

/** The first interaction recorded for a variant. */
export function firstInteraction(index: CassetteIndex, variant: Variant): Interaction {
  return index.cassette.interactions[variant.positions[0] as number] as Interaction
}

const CACHE = new WeakMap<Cassette, Map<string, CassetteIndex>>()

/** Indexes `cassette` for `rules`; the index is immutable and shared by every session on it. */
export function indexCassette(cassette: Cassette, rules: MatchRuleSet): CassetteIndex {
  const rulesKey = JSON.stringify([[...rules.ignoreQuery].sort(), rules.ignoreBodyPaths, rules.matchHeaders])
  let perRules = CACHE.get(cassette)
  if (!perRules) CACHE.set(cassette, (perRules = new Map()))
  let index = perRules.get(rulesKey)
  if (!index) perRules.set(rulesKey, (index = buildIndex(cassette, rules)))
  return index
}

/** Key of the masks list for an origin and operation. */
export function maskKey(origin: string, operation: string): string {
  return `${origin}\u0000${operation}`
}

function buildIndex(cassette: Cassette, rules: MatchRuleSet): CassetteIndex {
  const builder = new IndexBuilder()
  cassette.interactions.forEach((interaction, position) => builder.add(interaction, position, rules))
  const built = builder.finish()
  let placeholders: PlaceholderIndex | undefined
  const index: CassetteIndex = { cassette, rules, ...built, placeholders: () => (placeholders ??= buildPlaceholderIndex(index)) }
  return index
}

/**
 * @note Built lazily: most requests match a recorded one exactly (clients send back the ids they
 * were given), so a 100,000-interaction cassette loads without computing masks it may never use.
 */
function buildPlaceholderIndex(index: CassetteIndex): PlaceholderIndex {
  const masks = new Map<string, Mask[]>()
  const byMaskedSignature = new Map<string, Variant[]>()
  const maskOfVariant: Mask[] = []
  for (const variant of index.variants) {
    const facts = variantFacts(index, variant)
    const key = maskKey(facts.origin, facts.operation)
    const list = masks.get(key)
    const mask = placeholderMask(facts, (id) => list?.find((candidate) => candidate.id === id))
    maskOfVariant[variant.id] = mask
    if (mask === NO_MASK) continue
    if (!list) masks.set(key, [mask])
    else if (!list.includes(mask)) list.push(mask)
    const masked = signature(facts, mask)
    const same = byMaskedSignature.get(masked)
    if (same) same.push(variant)
    else byMaskedSignature.set(masked, [variant])
  }
  for (const list of masks.values()) list.sort((a, b) => a.size - b.size)
  return { masks, byMaskedSignature, maskOf: (variant) => maskOfVariant[variant.id] ?? NO_MASK }
}

class IndexBuilder {
  readonly variants: Variant[] = []
  readonly bySignature = new Map<string, Variant>()
  readonly byOperation = new Map<string, Variant[]>()
  readonly timelines: TimelineIndex[] = []
  private readonly timelineNumbers = new Map<string, number>()
  readonly identity: number[] = []
  readonly origins = new Set<string>()
  identityOrigin: string | null = null

  add(interaction: Interaction, position: number, rules: MatchRuleSet): void {
    const origin = interaction.request.origin
    this.origins.add(origin)
    if (interaction.operation === TOKEN_OPERATION) {
      this.identity.push(position)
      this.identityOrigin ??= origin
      return
    }
    const facts = recordedFacts(interaction, rules)
    const key = signature(facts, NO_MASK)
    const variant = this.bySignature.get(key) ?? this.newVariant(key, facts)
    variant.positions.push(position)
    if (!variant.read) {
      this.mutations(variant.originTimeline).push(position)
      if (variant.resourceTimeline >= 0) this.mutations(variant.resourceTimeline).push(position)
    }
  }

  finish(): Omit<CassetteIndex, 'cassette' | 'rules' | 'placeholders'> {
    const origins = [...this.origins]
    if (this.identityOrigin) origins.sort((a, b) => Number(b === this.identityOrigin) - Number(a === this.identityOrigin))
    const { variants, bySignature, byOperation, timelines, identity } = this
    return { variants, bySignature, byOperation, timelines, identity, origins }
  }

  private newVariant(key: string, facts: RequestFacts): Variant {
    const read = facts.method === 'GET' || facts.method === 'HEAD'
    const resource = facts.params[0]
    const variant: Variant = {
      id: this.variants.length,
      origin: facts.origin,
      method: facts.method,
      operation: facts.operation,
      read,
      originTimeline: this.timeline(`o ${facts.origin}`),
      resourceTimeline: resource ? this.timeline(`r ${facts.origin} ${resourceParam(facts)}`) : -1,
      positions: [],
    }
    this.variants.push(variant)
    this.bySignature.set(key, variant)
    const sameOperation = this.byOperation.get(facts.operation)
    if (sameOperation) sameOperation.push(variant)
    else this.byOperation.set(facts.operation, [variant])
    return variant
  }

  private mutations(timeline: number): number[] {
    return (this.timelines[timeline] as TimelineIndex).mutations
  }

  /** The number of the timeline `key`, made on first use. */
  private timeline(key: string): number {
    let number = this.timelineNumbers.get(key)
    if (number === undefined) {
      number = this.timelines.push({ key, mutations: [] }) - 1
      this.timelineNumbers.set(key, number)
    }
    return number
  }
}

/** The resource a request is about: its first path parameter after the tenant (server_id, image_id). */
function resourceParam(facts: RequestFacts): string {
  const name = RESOURCE_PARAMS.find((candidate) => facts.params.some(([param]) => param === candidate))
  const pair = name ? facts.params.find(([param]) => param === name) : facts.params[0]
  return pair ? `${pair[0]}=${pair[1]}` : ''
}

// Params sort by name, so `key` would come before `server_id`; the resource is the owning id.
const RESOURCE_PARAMS = ['server_id', 'image_id', 'volume_id', 'snapshot_id', 'network_id', 'flavor_id', 'keypair_name', 'security_group_id', 'floating_ip_id', 'id1']
