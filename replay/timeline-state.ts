import type { CassetteIndex, TimelineIndex, Variant } from './cassette-index.js'
import type { ExhaustedMode, Ordering } from './options.js'

/** What choose() returns when a variant's answers are used up and the mode is `error`. */
export const EXHAUSTED = -1

// The three counters each variant keeps, side by side in one array.
const READ_POINTER = 0
const NEXT_UNUSED = 1
const SERVED_COUNT = 2
const COUNTERS = 3

// What each timeline keeps, side by side: its cursor, how many of its mutations lie at or before
// the cursor, and the position of the next one (NO_MUTATION: none; -1: not worked out yet).
const CURSOR = 0
const MUTATION_POINTER = 1
const NEXT_MUTATION = 2
const TIMELINE_FIELDS = 3
const NO_MUTATION = 0x7fffffff

/**
 * The mutable part of a session: cursors on timelines, what was served. Pointers only move
 * forward, so each request costs O(1) amortized whatever the cassette size.
 *
 * Order state is held in typed arrays indexed by variant and timeline number: in a busy replay
 * server everything a request touches has gone cold since the last one (node:http's parser and
 * writes run in between), so each map or object less saves a cache miss.
 *
 * @note Poll-cadence tolerance. Reads (GET/HEAD) of a resource walk that resource's timeline
 * (collection reads walk their origin's): the next recorded answer is served unless a recorded
 * mutation of the resource lies before it, in which case the current answer repeats (extra polls).
 * A mutation is served in recorded order and moves its timelines to where it was recorded, so
 * later reads never go back to a state from before it (fewer polls).
 */
export class TimelineState {
  /**
   * Per timeline: CURSOR (the position of the last recorded interaction it has reached, -1 before
   * any), MUTATION_POINTER and NEXT_MUTATION. A read needs only this and its variant's counters:
   * the timeline's list of mutations is read only when the cursor passes the next one.
   */
  private readonly timelines: Int32Array
  /** Per variant: READ_POINTER, NEXT_UNUSED and SERVED_COUNT. */
  private readonly counters: Int32Array
  readonly served: Uint8Array
  private identityNext = 0

  constructor(
    private readonly index: CassetteIndex,
    private readonly ordering: Ordering,
    private readonly exhausted: ExhaustedMode,
  ) {
    this.timelines = new Int32Array(index.timelines.length * TIMELINE_FIELDS).fill(-1)
    for (let at = MUTATION_POINTER; at < this.timelines.length; at += TIMELINE_FIELDS) this.timelines[at] = 0
    this.counters = new Int32Array(index.variants.length * COUNTERS)
    this.served = new Uint8Array(index.cassette.interactions.length)
  }

  /**
   * Picks the answer for a request that matched `variant`, and moves the timelines. Returns its
   * position, or EXHAUSTED.
   */
  choose(variant: Variant): number {
    const position = variant.read && this.ordering === 'timeline' ? this.chooseRead(variant) : this.chooseInOrder(variant)
    if (position !== EXHAUSTED) {
      if (!this.served[position]) {
        const slot = variant.id * COUNTERS + SERVED_COUNT
        this.counters[slot] = (this.counters[slot] as number) + 1
      }
      this.served[position] = 1
      if (!variant.read) this.moveTimelines(variant, position)
    }
    return position
  }

  /** The next token answer; token requests repeat the last one once exhausted, whatever the mode. */
  chooseIdentity(): number | null {
    const positions = this.index.identity
    if (positions.length === 0) return null
    const position = positions[Math.min(this.identityNext, positions.length - 1)] as number
    this.identityNext += 1
    this.served[position] = 1
    return position
  }

  /** True while some answer recorded for `variant` has not been served. */
  hasUnserved(variant: Variant): boolean {
    return (this.counters[variant.id * COUNTERS + SERVED_COUNT] as number) < variant.positions.length
  }

  private chooseInOrder(variant: Variant): number {
    const slot = variant.id * COUNTERS + NEXT_UNUSED
    const next = this.counters[slot] as number
    if (next < variant.positions.length) {
      this.counters[slot] = next + 1
      return variant.positions[next] as number
    }
    return this.whenExhausted(variant)
  }

  private chooseRead(variant: Variant): number {
    const timeline = walkedTimeline(variant)
    const cursor = this.cursor(timeline)
    const positions = variant.positions
    const slot = variant.id * COUNTERS + READ_POINTER
    let pointer = this.counters[slot] as number
    while (pointer < positions.length && (positions[pointer] as number) <= cursor) pointer += 1
    this.counters[slot] = pointer
    const next = positions[pointer]
    if (next === undefined) return this.whenExhausted(variant)
    if (this.nextMutation(timeline, cursor) < next) {
      // A recorded mutation comes first: repeat the current state rather than run ahead of it.
      return positions[pointer - 1] ?? next
    }
    this.timelines[timeline * TIMELINE_FIELDS + CURSOR] = next
    return next
  }

  private whenExhausted(variant: Variant): number {
    return this.exhausted === 'error' ? EXHAUSTED : (variant.positions.at(-1) as number)
  }

  /** The position of the first mutation recorded on `timeline` after `cursor`; NO_MUTATION when none is. */
  private nextMutation(timeline: number, cursor: number): number {
    const at = timeline * TIMELINE_FIELDS
    const known = this.timelines[at + NEXT_MUTATION] as number
    if (known > cursor) return known
    const mutations = (this.index.timelines[timeline] as TimelineIndex).mutations
    let pointer = this.timelines[at + MUTATION_POINTER] as number
    while (pointer < mutations.length && (mutations[pointer] as number) <= cursor) pointer += 1
    const next = mutations[pointer] ?? NO_MUTATION
    this.timelines[at + MUTATION_POINTER] = pointer
    this.timelines[at + NEXT_MUTATION] = next
    return next
  }

  private cursor(timeline: number): number {
    return this.timelines[timeline * TIMELINE_FIELDS + CURSOR] as number
  }

  private moveTimelines(variant: Variant, position: number): void {
    this.moveTimeline(variant.originTimeline, position)
    if (variant.resourceTimeline >= 0) this.moveTimeline(variant.resourceTimeline, position)
  }

  private moveTimeline(timeline: number, position: number): void {
    if (this.cursor(timeline) < position) this.timelines[timeline * TIMELINE_FIELDS + CURSOR] = position
  }

  /**
   * Positions never served. A read the timeline moved past, of a request that was answered at
   * least once, counts as used: those are polls the client did not need to make.
   */
  unusedPositions(): number[] {
    const skipped = new Set<number>()
    for (const variant of this.index.variants) {
      if (!variant.read || !variant.positions.some((position) => this.served[position])) continue
      const cursor = this.cursor(walkedTimeline(variant))
      for (const position of variant.positions) if (position < cursor) skipped.add(position)
    }
    const unused: number[] = []
    this.served.forEach((served, position) => {
      if (!served && !skipped.has(position)) unused.push(position)
    })
    return unused
  }
}

/** The timeline a read walks: its resource's, else (a collection read) its origin's. */
function walkedTimeline(variant: Variant): number {
  return variant.resourceTimeline >= 0 ? variant.resourceTimeline : variant.originTimeline
}
