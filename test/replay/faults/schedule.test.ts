import { describe, expect, test } from 'vitest'
import { createPrng, createSchedule, deriveSeed, parseDuration } from '../../../replay/faults/schedule.js'

const take = (next: () => number, n: number): number[] => Array.from({ length: n }, next)

describe('createPrng', () => {
  test('gives the same sequence for the same seed', () => {
    expect(take(createPrng(7), 20)).toEqual(take(createPrng(7), 20))
  })

  test('gives different sequences for different seeds, large seeds included', () => {
    const sequences = [0, 1, 2, 2 ** 32, 2 ** 32 + 1, Number.MAX_SAFE_INTEGER].map((seed) => take(createPrng(seed), 4).join())
    expect(new Set(sequences).size).toBe(sequences.length)
  })

  test('stays in [0, 1) and spreads evenly', () => {
    const values = take(createPrng(42), 10_000)
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0)
    expect(Math.max(...values)).toBeLessThan(1)
    const buckets = [0, 0, 0, 0]
    for (const value of values) buckets[Math.floor(value * 4)] = (buckets[Math.floor(value * 4)] ?? 0) + 1
    for (const count of buckets) expect(Math.abs(count - 2500)).toBeLessThan(200)
  })

  test('pins the first values of seed 7, so a change of algorithm is noticed', () => {
    expect(take(createPrng(7), 3).map((value) => value.toFixed(6))).toMatchInlineSnapshot(`
      [
        "0.137064",
        "0.451082",
        "0.998101",
      ]
    `)
  })
})

describe('deriveSeed', () => {
  test('differs per rule id and per injector seed, and is stable', () => {
    expect(deriveSeed(0, 'rule-1')).toBe(deriveSeed(0, 'rule-1'))
    expect(deriveSeed(0, 'rule-1')).not.toBe(deriveSeed(0, 'rule-2'))
    expect(deriveSeed(0, 'rule-1')).not.toBe(deriveSeed(1, 'rule-1'))
  })
})

describe('parseDuration', () => {
  test('reads ms, s, m, h and d', () => {
    expect(['1500ms', '30s', '2m', '1h', '1d', '0.5s'].map(parseDuration)).toEqual([1500, 30_000, 120_000, 3_600_000, 86_400_000, 500])
  })

  test('gives null for text without a unit or with an unknown one', () => {
    expect(['30', '30 s', 's', '-1s', '2w', ''].map(parseDuration)).toEqual([null, null, null, null, null, null])
  })
})

describe('createSchedule rate windows', () => {
  test('lets limit requests through per window and gives the time until it reopens', () => {
    const schedule = createSchedule({ rate: { limit: 2, windowMs: 60_000 }, seed: 0 }, 0)
    expect([schedule.check(0), schedule.check(10_000), schedule.check(15_000)].map((verdict) => verdict.fire)).toEqual([false, false, true])
    expect(schedule.check(15_000).retryAfterMs).toBe(45_000)
    expect(schedule.check(60_000).fire).toBe(false)
  })
})
