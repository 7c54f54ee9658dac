import { describe, expect, test } from 'vitest'
import { isCloudtapeError } from '../../../cassettes/errors.js'
import { parseFaultRuleText } from '../../../replay/faults/parse-rule-text.js'
import { createFaultInjector } from '../../../replay/faults/injector.js'
import { firingPattern, request } from './helpers.js'

function errorOf(text: string, dialect?: 'rackspace' | 'hp' | 'nova'): Error {
  try {
    parseFaultRuleText(text, dialect ? { dialect } : {})
  } catch (error) {
    expect(isCloudtapeError(error, 'ERR_CLOUDTAPE_FAULT_RULE')).toBe(true)
    return error as Error
  }
  throw new Error(`parsed ${text}`)
}

describe('parseFaultRuleText', () => {
  test('parses the examples of the CLI contract', () => {
    expect(parseFaultRuleText('overLimit@servers.create')).toEqual([{ match: { operation: 'servers.create' }, fault: { kind: 'fault', name: 'overLimit' } }])
    expect(parseFaultRuleText('itemNotFound@servers.get:nth=2')).toEqual([{ match: { operation: 'servers.get' }, when: { nth: 2 }, fault: { kind: 'fault', name: 'itemNotFound' } }])
    expect(parseFaultRuleText('serviceUnavailable@*:p=0.1,seed=7')).toEqual([{ match: { operation: '*' }, when: { p: 0.1, seed: 7 }, fault: { kind: 'fault', name: 'serviceUnavailable' } }])
  })

  test('parses each condition: times, every, from, polls, after, at, max, rate', () => {
    const [rule] = parseFaultRuleText('computeFault@servers.*:times=3,every=2,max=1,after=30s,at=2011-06-09T10:52:00Z,rate=5/minute')
    expect(rule?.when).toEqual({ times: 3, every: 2, max: 1, after: 30_000, at: Date.parse('2011-06-09T10:52:00Z'), rate: { limit: 5, unit: 'minute' } })
    expect(parseFaultRuleText('error-state@servers.get:polls=3')[0]?.when).toEqual({ from: 4 })
    expect(parseFaultRuleText('error-state@servers.get:from=2')[0]?.when).toEqual({ from: 2 })
  })

  test('parses matching options: method, path parameters, path regex, and the rule id', () => {
    expect(parseFaultRuleText('badRequest@*:method=post,param.server_id=abc,param.tenant_id=01*,path=^/servers,id=bad-1')).toEqual([
      { id: 'bad-1', match: { operation: '*', method: 'POST', params: { server_id: 'abc', tenant_id: '01*' }, path: '^/servers' }, fault: { kind: 'fault', name: 'badRequest' } },
    ])
  })

  test('parses every kind of action', () => {
    const kinds = ['status=502@*', 'latency=1500ms@*', 'reset@*', 'truncate@*:keep=10', 'no-answer@*', 'error-state@servers.get:code=413,resource=abc', 'false-negative@servers.create']
    expect(kinds.map((text) => parseFaultRuleText(text)[0]?.fault)).toEqual([
      { kind: 'status', status: 502 },
      { kind: 'latency', ms: 1500 },
      { kind: 'reset' },
      { kind: 'truncate', keepBytes: 10 },
      { kind: 'no-answer' },
      { kind: 'error-state', code: 413, resourceId: 'abc' },
      { kind: 'false-negative' },
    ])
  })

  test('URL-decodes option values, so messages can hold commas', () => {
    const [rule] = parseFaultRuleText('overLimit@servers.create:message=Slow%20down%2C%20please,details=x,retryAfter=120,retryFormat=http-date')
    expect(rule?.fault).toEqual({ kind: 'fault', name: 'overLimit', message: 'Slow down, please', details: 'x', retryAfterSeconds: 120, retryAfterFormat: 'http-date' })
  })

  test('keeps colons of fallback keys in the glob', () => {
    expect(parseFaultRuleText('itemNotFound@unknown:GET:/v2/{tenant_id}/os-widgets*:nth=1')[0]?.match).toEqual({ operation: 'unknown:GET:/v2/{tenant_id}/os-widgets*' })
  })

  test('expands rate-limits to the six rules of 001 Table 1.3', () => {
    const rules = parseFaultRuleText('rate-limits')
    expect(rules.map((rule) => rule.id)).toEqual(['rate-limit-1', 'rate-limit-2', 'rate-limit-3', 'rate-limit-4', 'rate-limit-5', 'rate-limit-6'])
  })

  test('gives rules that fire as their text says', () => {
    const injector = createFaultInjector({ rules: parseFaultRuleText('itemNotFound@servers.get:every=2') })
    expect(firingPattern(injector.decide, () => request('GET', '/v2/1/servers/a'), 4)).toEqual([false, true, false, true])
  })
})

describe('parseFaultRuleText errors', () => {
  const cases: Array<[string, string]> = [
    ['itemNotFound', 'there is no "@" between the fault and the operation glob'],
    ['@servers.get', 'the fault before "@" is missing'],
    ['teapot@servers.get', 'unknown fault "teapot"'],
    ['itemNotFound@', 'the operation glob "" is empty'],
    ['itemNotFound@servers.get:nth2', '"nth2" after ":" is not a list of <option>=<value>'],
    ['itemNotFound@servers.get:nth=two', 'nth=two is not a whole number'],
    ['itemNotFound@servers.get:nth=0', 'option nth: expected an integer >= 1, got 0'],
    ['itemNotFound@servers.get:p=1.5', 'option p: expected a number from 0 to 1, got 1.5'],
    ['itemNotFound@servers.get:p=', 'p= is not a number'],
    ['itemNotFound@servers.get:after=30', 'option after: expected milliseconds or a duration'],
    ['itemNotFound@servers.get:at=yesterday', 'option at: expected an ISO date'],
    ['itemNotFound@servers.get:rate=5/fortnight', 'rate=5/fortnight is not <count>/<second|minute|hour|day>'],
    ['itemNotFound@servers.get:colour=red', 'unknown option "colour"'],
    ['itemNotFound@servers.get:keep=3', 'the option "keep" does not apply to fault rules (only to truncate)'],
    ['itemNotFound@servers.get:method=FETCH', 'option method: expected one of GET, POST'],
    ['itemNotFound@servers.get:message=%E0%A4%A', 'the value of "message" has a broken %-escape'],
    ['status=abc@*', 'status=abc is not a whole number'],
    ['status=999@*', 'option status: expected an integer from 100 to 599, got 999'],
    ['latency@*', 'latency needs a duration'],
    ['reset=1@*', '"reset=1" is not a fault'],
    ['itemNotFound@servers.get:id=a%20b', 'option id: expected letters, digits'],
  ]
  for (const [text, problem] of cases) {
    test(`fails with ERR_CLOUDTAPE_FAULT_RULE naming the bad part of ${JSON.stringify(text)}`, () => {
      const message = errorOf(text).message
      expect(message).toContain(`Invalid fault rule ${JSON.stringify(text)}: ${problem}`)
      expect(message).toContain('Valid forms: <fault>@<operation-glob>[:<option>,...]')
      expect(message).toContain('Options: nth=N, every=K')
      expect(message).toContain('Faults: computeFault, cloudServersFault')
    })
  }

  test('lists the faults of the dialect and refuses one it has no stand-in for', () => {
    const message = errorOf('forbidden@servers.create', 'hp').message
    expect(message).toContain('the hp dialect has no "forbidden" fault and no stand-in for it')
    expect(message).toContain('Faults (hp): cloudServersFault, badRequest')
    expect(message).not.toContain('Faults (hp): computeFault')
  })

  test('accepts a fault the dialect has a stand-in for', () => {
    expect(parseFaultRuleText('buildInProgress@servers.action.*', { dialect: 'hp' })).toHaveLength(1)
  })
})
