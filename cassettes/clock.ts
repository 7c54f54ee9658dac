/**
 * The one place that reads real time. Everything that needs "now" or has to wait takes a Clock, so
 * tests inject a fake one and never sleep.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number
  /** Resolves after `ms` milliseconds (a fake clock resolves at once and records the duration). */
  sleep(ms: number): Promise<void>
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
}

/** A clock for tests: time moves only when `sleep` or `advance` is called. */
export interface FakeClock extends Clock {
  /** Every duration passed to `sleep`, in order. */
  readonly sleeps: number[]
  advance(ms: number): void
  set(time: number | string): void
}

/**
 * Creates a fake clock starting at `start` (epoch ms or an ISO date).
 *
 * @example
 * const clock = createFakeClock('2011-06-09T10:51:53.000Z')
 * await clock.sleep(1500) // resolves at once; clock.sleeps is [1500]
 */
export function createFakeClock(start: number | string = 0): FakeClock {
  let current = typeof start === 'string' ? Date.parse(start) : start
  const sleeps: number[] = []
  return {
    sleeps,
    now: () => current,
    sleep: async (ms) => {
      sleeps.push(ms)
      current += Math.max(0, ms)
    },
    advance: (ms) => {
      current += ms
    },
    set: (time) => {
      current = typeof time === 'string' ? Date.parse(time) : time
    },
  }
}

/** ISO 8601 with second precision and a `Z`, the form the API documents for timestamps. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}
