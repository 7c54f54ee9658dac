import { isIPv4, isIPv6 } from 'node:net'
import { escapeXml } from './fault-catalog.js'
import { MIN_SCRUBBED_ID_LENGTH, MIN_SCRUBBED_SECRET_LENGTH } from './normalization-rules.js'
import {
  WELL_KNOWN_VALUES,
  hexPlaceholder,
  hostPlaceholder,
  ipv4Placeholder,
  ipv6Placeholder,
  macPlaceholder,
  numericPlaceholder,
  secretPlaceholder,
  usernamePlaceholder,
  uuidPlaceholder,
  type IdKind,
  type PlaceholderCounters,
  type PlaceholderShape,
  type SecretKind,
} from './placeholders.js'

/** What normalization did to one cassette: the recorder's `summary()`. */
export interface NormalizationSummary {
  /** Distinct secret values replaced, by kind. */
  readonly secrets: Readonly<Partial<Record<SecretKind, number>>>
  /** How many places a secret was replaced in. */
  readonly secretReplacements: number
  /** Distinct real identifiers mapped to placeholders, by kind. */
  readonly ids: Readonly<Partial<Record<IdKind, number>>>
  /** Volatile values normalized or dropped (dates, request ids, timestamps, expiries). */
  readonly volatileValues: number
  readonly interactions: number
}

const UUID_LIKE = /^[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}$/i
const PREFIXED = /^([A-Za-z][A-Za-z0-9]*_)(.+)$/
const LABEL = /^[A-Za-z][A-Za-z _.-]*$/
/** What APIs put where an id would be when there is none. */
const NOT_AN_ID = /^(?:none|null|undefined|true|false|-)$/i

/**
 * The recorder's memory of real values and the placeholders they became. It lives only in
 * memory, one per recorder: nothing written to disk can turn a placeholder back into a value.
 */
export class IdentifierMap {
  private readonly secrets = new Map<string, string>()
  private readonly secretCounts = new Map<SecretKind, number>()
  /** Secret numbers already taken by the cassette being extended (not counted in the summary). */
  private readonly secretOffsets = new Map<SecretKind, number>()
  private secretMatcher: RegExp | null = null
  private matcherStale = false
  private readonly ids = new Map<string, string>()
  private readonly idCounts = new Map<IdKind, number>()
  private readonly counters = new Map<PlaceholderShape, number>()
  private readonly kept = new Set<string>(WELL_KNOWN_VALUES)
  private replacements = 0
  private volatileCount = 0
  #version = 0
  /** The values learned at versions `#logBase + 1` onwards, lowercase: what a cached scrub checks against. */
  #log: string[] = []
  #logBase = 0

  /**
   * Moves whenever a value is learned (a secret and its escaped forms, an id, a kept value, an
   * alias, an address, a host). A text scrubs differently after that only if it contains the
   * value: every lookup a scrub makes is of a piece of the text.
   */
  get version(): number {
    return this.#version
  }

  /** The values (lowercase) learned after `version`, or null when too many to tell. */
  learnedSince(version: number): readonly string[] | null {
    if (version < this.#logBase) return null
    return this.#log.slice(version - this.#logBase)
  }

  #learned(value: string): void {
    this.#version += 1
    this.#log.push(value.toLowerCase())
    if (this.#log.length > 1024) {
      this.#log = this.#log.slice(512)
      this.#logBase += 512
    }
  }

  /** Secret replacements counted so far (a cached scrub replays its share with `addCounts`). */
  get replacementCount(): number {
    return this.replacements
  }

  /** Volatile values counted so far. */
  get volatileValueCount(): number {
    return this.volatileCount
  }

  /** Adds counts a cached scrub would have made. */
  addCounts(replacements: number, volatile: number): void {
    this.replacements += replacements
    this.volatileCount += volatile
  }

  constructor(private readonly wellKnownHosts: ReadonlySet<string>) {}

  /** Registers a secret (if new) and returns its placeholder; counts one replacement. */
  secret(kind: SecretKind, value: string): string {
    if (value !== '') this.replacements += 1
    return this.learnSecret(kind, value)
  }

  /** Registers a secret (if new) without counting a replacement: the learning pass. */
  learnSecret(kind: SecretKind, value: string): string {
    if (value === '') return value
    const known = this.secrets.get(value)
    if (known !== undefined) return known
    const count = (this.secretCounts.get(kind) ?? 0) + 1
    this.secretCounts.set(kind, count)
    const placeholder = secretPlaceholder(kind, (this.secretOffsets.get(kind) ?? 0) + count)
    this.#learned(value)
    this.secrets.set(value, placeholder)
    if (value.length >= MIN_SCRUBBED_SECRET_LENGTH) {
      for (const variant of secretVariants(value)) {
        if (this.secrets.has(variant)) continue
        this.secrets.set(variant, placeholder)
        this.#learned(variant)
      }
      this.matcherStale = true
    }
    return placeholder
  }

  /** True when `value` is exactly a known secret. */
  isSecret(value: string): boolean {
    return this.secrets.has(value)
  }

  /** Replaces every known secret (and its URL-, form-, XML- and JSON-escaped forms) inside `text`. */
  replaceSecrets(text: string): string {
    if (this.matcherStale) this.rebuildMatcher()
    if (this.secretMatcher === null || text.length < MIN_SCRUBBED_SECRET_LENGTH) return text
    this.secretMatcher.lastIndex = 0
    if (!this.secretMatcher.test(text)) return text
    this.secretMatcher.lastIndex = 0
    return text.replace(this.secretMatcher, (found) => {
      this.replacements += 1
      return this.secrets.get(found) ?? found
    })
  }

  /** Every known secret value and variant, longest first (for scrubbing binary bodies). */
  secretEntries(): ReadonlyArray<readonly [string, string]> {
    return [...this.secrets].filter(([value]) => value.length >= MIN_SCRUBBED_SECRET_LENGTH).sort(([a], [b]) => b.length - a.length)
  }

  private rebuildMatcher(): void {
    const values = [...this.secrets.keys()].filter((value) => value.length >= MIN_SCRUBBED_SECRET_LENGTH)
    values.sort((a, b) => b.length - a.length)
    this.secretMatcher = values.length === 0 ? null : new RegExp(values.map(escapeRegExp).join('|'), 'g')
    this.matcherStale = false
  }

  /** Marks a value as a documented constant (a flavor id): never mapped afterwards. */
  keep(value: string): void {
    if (this.ids.has(value) || this.kept.has(value)) return
    this.kept.add(value)
    this.#learned(value)
  }

  /** True for well-known values and values marked with `keep`. */
  isKept(value: string): boolean {
    return this.kept.has(value)
  }

  /** Maps an identifier found at a known position, minting a placeholder of the same shape if new. */
  id(kind: IdKind, value: string): string {
    if (value === '' || this.kept.has(value) || NOT_AN_ID.test(value)) return value
    const known = this.lookup(value)
    if (known !== undefined) return known
    if (kind === 'network' && LABEL.test(value)) return value
    const prefixed = kind === 'username' ? null : PREFIXED.exec(value)
    if (prefixed && !UUID_LIKE.test(value)) return this.remember(value, (prefixed[1] as string) + this.id(kind, prefixed[2] as string))
    const placeholder = this.mint(kind, value)
    this.idCounts.set(kind, (this.idCounts.get(kind) ?? 0) + 1)
    return this.remember(value, placeholder)
  }

  private mint(kind: IdKind, value: string): string {
    if (kind === 'username') return usernamePlaceholder(this.next('username'))
    if (UUID_LIKE.test(value)) return uuidPlaceholder(this.next('uuid'), value === value.toUpperCase() && /[A-F]/.test(value))
    if (isIPv4(value)) return ipv4Placeholder(this.next('ipv4'))
    if (isIPv6(value)) return ipv6Placeholder(this.next('ipv6'))
    if (/^\d+$/.test(value)) return numericPlaceholder(this.next('numeric'), value.length)
    return hexPlaceholder(this.next('hex'), value.length)
  }

  private remember(value: string, placeholder: string): string {
    this.#learned(value)
    this.ids.set(UUID_LIKE.test(value) ? value.toLowerCase() : value, placeholder)
    return placeholder
  }

  /**
   * Continues numbering after an existing cassette's placeholders (once mode): new values get
   * numbers the cassette does not use yet. The summary still counts only what this map learns.
   */
  continueAfter(counters: PlaceholderCounters): void {
    for (const [kind, highest] of Object.entries(counters.secrets) as Array<[SecretKind, number]>) {
      this.secretOffsets.set(kind, Math.max(this.secretOffsets.get(kind) ?? 0, highest))
    }
    for (const [shape, highest] of Object.entries(counters.shapes) as Array<[PlaceholderShape, number]>) {
      this.counters.set(shape, Math.max(this.counters.get(shape) ?? 0, highest))
    }
  }

  /**
   * Binds a real identifier to the placeholder an existing cassette already uses for it (a live
   * path parameter answered from that cassette), so new recordings name it the same way. A value
   * this map already knows keeps its placeholder.
   */
  aliasId(value: string, placeholder: string): void {
    if (value === '' || value === placeholder || this.kept.has(value) || this.lookup(value) !== undefined) return
    this.remember(value, placeholder)
  }

  /** Binds a real `host[:port]` to the host placeholder an existing cassette uses for it. */
  aliasHost(authority: string, placeholder: string): void {
    const key = `host:${authority.toLowerCase()}`
    if (this.ids.has(key)) return
    this.ids.set(key, placeholder)
    this.#learned(authority)
  }

  private next(shape: PlaceholderShape): number {
    const count = (this.counters.get(shape) ?? 0) + 1
    this.counters.set(shape, count)
    return count
  }

  /** The placeholder of an already mapped identifier, or undefined. */
  lookup(value: string): string | undefined {
    return this.ids.get(value) ?? (UUID_LIKE.test(value) ? this.ids.get(value.toLowerCase()) : undefined)
  }

  /** Like `lookup`, for tokens found in free text: short values are not looked up (see MIN_SCRUBBED_ID_LENGTH). */
  lookupToken(token: string): string | undefined {
    return token.length >= MIN_SCRUBBED_ID_LENGTH ? this.lookup(token) : undefined
  }

  /** Maps an IP address; loopback, unspecified and broadcast addresses stay. */
  ip(value: string): string {
    if (/^(?:127\.\d+\.\d+\.\d+|0\.0\.0\.0|255\.255\.255\.255|::1?)$/.test(value)) return value
    // Seen before as written: skip the IPv6 canonicalization (a URL parse).
    const seen = this.ids.get(value)
    if (seen !== undefined) return seen
    const key = isIPv6(value) ? canonicalIpv6(value) : value
    let placeholder = this.ids.get(key)
    if (placeholder === undefined) {
      placeholder = isIPv6(value) ? ipv6Placeholder(this.next('ipv6')) : ipv4Placeholder(this.next('ipv4'))
      this.idCounts.set('ip', (this.idCounts.get('ip') ?? 0) + 1)
      this.ids.set(key, placeholder)
    }
    this.ids.set(value, placeholder)
    this.#learned(value)
    return placeholder
  }

  /** Maps a MAC address (`fa:16:3e:2f:3c:55`), keeping its separator and letter case. */
  mac(value: string): string {
    const key = `mac:${value.toLowerCase().replace(/-/g, ':')}`
    const known = this.ids.get(key)
    if (known !== undefined) return known
    const placeholder = macPlaceholder(this.next('mac'), value[2] ?? ':', value !== value.toLowerCase())
    this.idCounts.set('mac', (this.idCounts.get('mac') ?? 0) + 1)
    this.ids.set(key, placeholder)
    this.#learned(value.replace(/-/g, ':'))
    this.#learned(value.replace(/:/g, '-'))
    return placeholder
  }

  /** Maps a URL authority (`host[:port]`, lowercase, default port removed) to a host placeholder. */
  host(authority: string): string {
    const host = authority.replace(/:\d+$/, '')
    if (this.wellKnownHosts.has(host) || host === '') return authority
    const key = `host:${authority}`
    const known = this.ids.get(key)
    if (known !== undefined) return known
    const placeholder = hostPlaceholder(this.next('host'))
    this.idCounts.set('host', (this.idCounts.get('host') ?? 0) + 1)
    this.ids.set(key, placeholder)
    this.#learned(authority)
    return placeholder
  }

  /** Counts a volatile value normalized or dropped. */
  countVolatile(): void {
    this.volatileCount += 1
  }

  summary(interactions: number): NormalizationSummary {
    return {
      secrets: Object.fromEntries(this.secretCounts),
      secretReplacements: this.replacements,
      ids: Object.fromEntries(this.idCounts),
      volatileValues: this.volatileCount,
      interactions,
    }
  }
}

/** The forms a secret takes in URLs, forms, XML and JSON text, besides itself. */
function secretVariants(value: string): string[] {
  const encoded = encodeURIComponent(value)
  const strict = encoded.replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
  return [
    encoded,
    encoded.replace(/%20/g, '+'),
    strict,
    new URLSearchParams([['', value]]).toString().slice(1),
    escapeXml(value),
    escapeXml(value).replace(/&apos;/g, '&#39;'),
    JSON.stringify(value).slice(1, -1),
  ].filter((variant) => variant !== value)
}

function canonicalIpv6(value: string): string {
  try {
    return new URL(`http://[${value}]/`).hostname
  } catch {
    return value.toLowerCase()
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
