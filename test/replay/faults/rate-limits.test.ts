import { describe, expect, test } from 'vitest'
import { createFakeClock } from '../../../cassettes/clock.js'
import { createFaultInjector } from '../../../replay/faults/injector.js'
import { DEFAULT_RATE_LIMITS, rateLimitRules } from '../../../replay/faults/rate-limits.js'
import type { FaultRequest } from '../../../replay/faults/types.js'
import { request, responseOf } from './helpers.js'

const START = '2012-09-10T20:10:00Z'

function limited(options: { dialect?: 'rackspace' | 'hp' | 'nova'; retryAfterFormat?: 'seconds' | 'http-date' } = {}) {
  const clock = createFakeClock(START)
  const rules = rateLimitRules(DEFAULT_RATE_LIMITS, options.retryAfterFormat ? { retryAfterFormat: options.retryAfterFormat } : {})
  return { clock, injector: createFaultInjector({ clock, dialect: options.dialect ?? 'rackspace', rules }) }
}

/** Sends n requests and returns the numbers (1-based) of those that got overLimit. */
function overLimitAt(decide: (request: FaultRequest) => unknown, make: () => FaultRequest, n: number): number[] {
  const hits: number[] = []
  for (let index = 1; index <= n; index += 1) if (decide(make()) !== null) hits.push(index)
  return hits
}

describe('the default rate limits of 001 Table 1.3', () => {
  test('transcribes the table: verb, URI, value, unit', () => {
    expect(DEFAULT_RATE_LIMITS.map(({ verb, uri, value, unit }) => `${verb} ${uri} ${value}/${unit}`)).toEqual([
      'GET * 100/minute',
      'GET /os-networksv2 0/minute',
      'GET /servers 1000/day',
      'POST * 100/minute',
      'POST /os-networksv2 0/day',
      'POST /servers 1000/day',
    ])
  })

  test('answers the 101st GET within a minute with overLimit and the seconds left in the window', () => {
    const { clock, injector } = limited()
    const flavors = () => request('GET', '/v2/010101/flavors')
    expect(overLimitAt(injector.decide, flavors, 100)).toEqual([])
    clock.advance(20_000)
    const response = responseOf(injector.decide(flavors()))
    expect(response.status).toBe(413)
    expect(response.headers['retry-after']).toBe('40')
    expect(JSON.parse(response.body).overLimit).toMatchObject({ code: 413, retryAt: '2012-09-10T20:11:00Z', details: 'Only 100 GET request(s) per minute are allowed on *.' })
  })

  test('lets requests through again once the window has passed', () => {
    const { clock, injector } = limited()
    const flavors = () => request('GET', '/v2/010101/flavors')
    expect(overLimitAt(injector.decide, flavors, 105)).toEqual([101, 102, 103, 104, 105])
    clock.advance(60_000)
    expect(overLimitAt(injector.decide, flavors, 101)).toEqual([101])
  })

  test('counts GET and POST separately, and does not limit PUT or DELETE', () => {
    const { injector } = limited()
    expect(overLimitAt(injector.decide, () => request('GET', '/v2/1/images'), 100)).toEqual([])
    expect(overLimitAt(injector.decide, () => request('POST', '/v2/1/os-keypairs'), 100)).toEqual([])
    expect(overLimitAt(injector.decide, () => request('DELETE', '/v2/1/servers/a'), 300)).toEqual([])
    expect(overLimitAt(injector.decide, () => request('PUT', '/v2/1/servers/a'), 300)).toEqual([])
  })

  test('refuses every os-networksv2 call (limit 0) with a full unit to wait', () => {
    const { injector } = limited()
    const list = responseOf(injector.decide(request('GET', '/v2/1/os-networksv2')))
    expect(list.headers['retry-after']).toBe('60')
    const create = responseOf(injector.decide(request('POST', '/v2/1/os-networksv2')))
    expect(create.headers['retry-after']).toBe('86400')
  })

  test('applies POST /servers 1000 per day across minutes, with Retry-After until the day window ends', () => {
    const { clock, injector } = limited()
    const create = () => request('POST', '/v2/010101/servers')
    for (let minute = 0; minute < 10; minute += 1) {
      expect(overLimitAt(injector.decide, create, 100)).toEqual([])
      clock.advance(60_000)
    }
    const response = responseOf(injector.decide(create()))
    expect(response.headers['retry-after']).toBe(String(86_400 - 600))
    expect(injector.log().at(-1)).toMatchObject({ rule: 'rate-limit-6', what: 'overLimit 413' })
  })

  test('anchors the URI regex after the account root, for /v2/{tenant} and Nova /v2.1 paths', () => {
    const { injector } = limited({ dialect: 'nova' })
    expect(injector.decide(request('GET', '/v2.1/os-networksv2'))).not.toBeNull()
    expect(injector.decide(request('GET', '/v2/010101/flavors/os-networksv2'))).toBeNull()
  })

  test('never limits identity requests', () => {
    const { injector } = limited()
    expect(overLimitAt(injector.decide, () => request('POST', '/v2.0/tokens'), 150)).toEqual([])
  })

  test('states Retry-After as an HTTP date when asked, equal to retryAt', () => {
    const { injector } = limited({ retryAfterFormat: 'http-date' })
    const response = responseOf(injector.decide(request('GET', '/v2/1/os-networksv2.xml')))
    expect(response.headers['retry-after']).toBe('Mon, 10 Sep 2012 20:11:00 GMT')
    expect(response.body).toContain('retryAt="2012-09-10T20:11:00Z"')
  })

  test('gives hp Retry-After in seconds and the reason in details', () => {
    const { injector } = limited({ dialect: 'hp' })
    const response = responseOf(injector.decide(request('GET', '/v2/1/os-networksv2')))
    expect(response.headers['retry-after']).toBe('60')
    expect(JSON.parse(response.body)).toEqual({ overLimit: { code: 413, message: 'This request was rate-limited.', details: 'Only 0 GET request(s) per minute are allowed on /os-networksv2.' } })
  })
})
