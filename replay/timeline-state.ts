import type { CassetteIndex, Variant } from './cassette-index.js'
import type { ExhaustedMode, Ordering } from './options.js'

/** Which recorded interaction answers a request, or why none does. */
export type Choice =
  | { readonly position: number; readonly repeated: boolean }
  | { readonly position: null; readonly exhaustedAfter: number }

/**
 * The mutable part of a session: cursors on timelines, what was served. Pointers only move
 * forward, so each request costs O(1) amortized whatever the cassette size.
 *
 * @note Poll-cadence tolerance. Reads (GET/HEAD) of a resource walk that resource's timeline
 * (collection reads walk their origin's): the next recorded answer is served unless a recorded
 * mutation of the resource lies before it, in which case the current answer repeats (extra polls).
 * A mutation is served in recorded order and moves its timelines to where it was recorded, so
 * later reads never go back to a state from before it (fewer polls).
 */
export class TimelineState {
  private readonly cursors = new Map<string, number>()
  private readonly mutationPointers = new Map<string, number>()
  private readonly readPointers: Int32Array
  private readonly nextUnused: Int32Array
  private readonly servedCount: Int32Array
  readonly served: Uint8Array
  private identityNext = 0

  constructor(
    private readonly index: CassetteIndex,
    private readonly ordering: Ordering,
    private readonly exhausted: ExhaustedMode,
  ) {
    this.readPointers = new Int32Array(index.variants.length)
    this.nextUnused = new Int32Array(index.variants.length)
    this.servedCount = new Int32Array(index.variants.length)
    this.served = new Uint8Array(index.cassette.interactions.length)
  }

  /** Picks the answer for a request that matched `variant`, and moves the timelines. */
  choose(variant: Variant): Choice {
    const choice = variant.read && this.ordering === 'timeline' ? this.chooseRead(variant) : this.chooseInOrder(variant)
    if (choice.position !== null) {
      if (!this.served[choice.position]) this.servedCount[variant.id] = (this.servedCount[variant.id] as number) + 1
      this.served[choice.position] = 1
      if (!variant.read) this.moveTimelines(variant, choice.position)
    }
    return choice
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
    return (this.servedCount[variant.id] as number) < variant.positions.length
  }

  /** Where a timeline stands: the position of the last recorded interaction it has reached. */
  cursor(timeline: string): number {
    return this.cursors.get(timeline) ?? -1
  }

  private chooseInOrder(variant: Variant): Choice {
    const next = this.nextUnused[variant.id] as number
    if (next < variant.positions.length) {
      this.nextUnused[variant.id] = next + 1
      return { position: variant.positions[next] as number, repeated: false }
    }
    return this.whenExhausted(variant)
  }

  private chooseRead(variant: Variant): Choice {
    const timeline = variant.resourceTimeline ?? variant.originTimeline
    const cursor = this.cursor(timeline)
    const positions = variant.positions
    let pointer = this.readPointers[variant.id] as number
    while (pointer < positions.length && (positions[pointer] as number) <= cursor) pointer += 1
    this.readPointers[variant.id] = pointer
    const next = positions[pointer]
    if (next === undefined) return this.whenExhausted(variant)
    const mutation = this.nextMutation(timeline, cursor)
    if (mutation !== undefined && mutation < next) {
      // A recorded mutation comes first: repeat the current state rather than run ahead of it.
      const current = positions[pointer - 1]
      return current === undefined ? { position: next, repeated: false } : { position: current, repeated: true }
    }
    this.cursors.set(timeline, next)
    return { position: next, repeated: false }
  }

  private whenExhausted(variant: Variant): Choice {
    if (this.exhausted === 'error') return { position: null, exhaustedAfter: variant.positions.length }
    return { position: variant.positions.at(-1) as number, repeated: true }
  }

  private nextMutation(timeline: string, cursor: number): number | undefined {
    const mutations = this.index.timelines.get(timeline)?.mutations ?? []
    let pointer = this.mutationPointers.get(timeline) ?? 0
    while (pointer < mutations.length && (mutations[pointer] as number) <= cursor) pointer += 1
    this.mutationPointers.set(timeline, pointer)
    return mutations[pointer]
  }

  private moveTimelines(variant: Variant, position: number): void {
    this.moveTimeline(variant.originTimeline, position)
    if (variant.resourceTimeline !== null) this.moveTimeline(variant.resourceTimeline, position)
  }

  private moveTimeline(timeline: string, position: number): void {
    if (this.cursor(timeline) < position) this.cursors.set(timeline, position)
  }

  /**
   * Positions never served. A read the timeline moved past, of a request that was answered at
   * least once, counts as used: those are polls the client did not need to make.
   */
  unusedPositions(): number[] {
    const skipped = new Set<number>()
    for (const variant of this.index.variants) {
      if (!variant.read || !variant.positions.some((position) => this.served[position])) continue
      const cursor = this.cursor(variant.resourceTimeline ?? variant.originTimeline)
      for (const position of variant.positions) if (position < cursor) skipped.add(position)
    }
    const unused: number[] = []
    this.served.forEach((served, position) => {
      if (!served && !skipped.has(position)) unused.push(position)
    })
    return unused
  }
}
