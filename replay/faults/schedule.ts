import type { RateUnit } from './types.js'

/**
 * A seeded PRNG: a Weyl sequence through a 32-bit avalanche mix. Small, fast, and the same numbers
 * for the same seed on every platform, which is all fault schedules need (not cryptography).
 * The only source of randomness in fault injection: never Math.random().
 *
 * @example
 * const next = createPrng(7); next() // the same value in [0, 1) on every run
 */
export function createPrng(seed: number): () => number {
  let state = foldSeed(seed)
  return () => {
    state = (state + 0x9e3779b9) >>> 0
    let mixed = state
    mixed = Math.imul(mixed ^ (mixed >>> 16), 0x85ebca6b) >>> 0
    mixed = Math.imul(mixed ^ (mixed >>> 13), 0xc2b2ae35) >>> 0
    mixed = (mixed ^ (mixed >>> 16)) >>> 0
    return mixed / 0x1_0000_0000
  }
}

/** Folds any safe integer into 32 bits, so seeds beyond 2^32 still differ. */
function foldSeed(seed: number): number {
  const high = Math.floor(seed / 0x1_0000_0000)
  return (seed ^ Math.imul(high, 0x27d4eb2d)) >>> 0
}

/** A per-rule seed from the injector's seed and the rule id (FNV-1a), so rules draw independently. */
export function deriveSeed(seed: number, ruleId: string): number {
  let hash = 0x811c9dc5 ^ foldSeed(seed)
  for (let index = 0; index < ruleId.length; index += 1) {
    hash = Math.imul(hash ^ ruleId.charCodeAt(index), 0x01000193)
  }
  return hash >>> 0
}

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** Milliseconds of `1500ms`, `30s`, `2m`, `1h`, `1d`; null when the text is not such a duration. */
export function parseDuration(text: string): number | null {
  const found = DURATION.exec(text.trim())
  if (!found) return null
  return Math.round(Number(found[1]) * (UNIT_MS[found[2] as string] as number))
}

/** The length of each rate-limit unit. */
export const RATE_UNIT_MS: Readonly<Record<RateUnit, number>> = { second: 1000, minute: 60_000, hour: 3_600_000, day: 86_400_000 }

/** A `when` with durations and dates already turned into epoch milliseconds. */
export interface ScheduleSpec {
  readonly nth?: number
  readonly every?: number
  readonly times?: number
  readonly from?: number
  readonly afterMs?: number
  readonly atMs?: number
  readonly rate?: { readonly limit: number; readonly windowMs: number }
  readonly p?: number
  readonly seed: number
  readonly max?: number
}

/** The outcome for one matching request. */
export interface ScheduleVerdict {
  readonly fire: boolean
  /** The rule's occurrence count at this request (0 while a time condition holds it back). */
  readonly occurrence: number
  /** Rate rules: milliseconds until the window reopens. */
  readonly retryAfterMs?: number
}

/** A rule's schedule with its state: counts, rate window, PRNG. */
export interface Schedule {
  /** Called once per matching request, in order. `fired` below caps with `max`. */
  check(now: number): ScheduleVerdict
  /** Counts a firing that took effect (a shadowed one does not use up `max`). */
  confirm(): void
  readonly occurrences: number
  readonly fired: number
  reset(startedAt: number): void
}

/** Builds the state machine for one rule's `when`. Every condition given must hold. */
export function createSchedule(spec: ScheduleSpec, startedAt: number): Schedule {
  let origin = startedAt
  let occurrences = 0
  let fired = 0
  let draw = createPrng(spec.seed)
  let window = { start: Number.NaN, count: 0 }
  const schedule: Schedule = {
    get occurrences() {
      return occurrences
    },
    get fired() {
      return fired
    },
    check(now) {
      if (spec.afterMs !== undefined && now - origin < spec.afterMs) return { fire: false, occurrence: 0 }
      if (spec.atMs !== undefined && now < spec.atMs) return { fire: false, occurrence: 0 }
      occurrences += 1
      const occurrence = occurrences
      if (!passesOccurrence(spec, occurrence)) return { fire: false, occurrence }
      let retryAfterMs: number | undefined
      if (spec.rate) {
        const verdict = checkRate(spec.rate, window, now)
        window = verdict.window
        if (verdict.retryAfterMs === undefined) return { fire: false, occurrence }
        retryAfterMs = verdict.retryAfterMs
      }
      if (spec.p !== undefined && !(draw() < spec.p)) return { fire: false, occurrence }
      if (spec.max !== undefined && fired >= spec.max) return { fire: false, occurrence }
      return retryAfterMs === undefined ? { fire: true, occurrence } : { fire: true, occurrence, retryAfterMs }
    },
    confirm() {
      fired += 1
    },
    reset(startedAtAgain) {
      origin = startedAtAgain
      occurrences = 0
      fired = 0
      draw = createPrng(spec.seed)
      window = { start: Number.NaN, count: 0 }
    },
  }
  return schedule
}

function passesOccurrence(spec: ScheduleSpec, occurrence: number): boolean {
  if (spec.nth !== undefined && occurrence !== spec.nth) return false
  if (spec.every !== undefined && occurrence % spec.every !== 0) return false
  if (spec.times !== undefined && occurrence > spec.times) return false
  if (spec.from !== undefined && occurrence < spec.from) return false
  return true
}

interface RateWindow {
  readonly start: number
  readonly count: number
}

/**
 * Fixed windows: a window opens at the first request counted and lasts one unit; up to `limit`
 * requests in it pass, the rest get the fault with the time until the window ends. Rejected
 * requests do not use up the allowance.
 */
function checkRate(rate: NonNullable<ScheduleSpec['rate']>, window: RateWindow, now: number): { window: RateWindow; retryAfterMs?: number } {
  const current = Number.isNaN(window.start) || now >= window.start + rate.windowMs ? { start: now, count: 0 } : window
  if (current.count < rate.limit) return { window: { start: current.start, count: current.count + 1 } }
  return { window: current, retryAfterMs: current.start + rate.windowMs - now }
}

