import { describe, expect, test } from 'vitest'
import { createFakeClock } from '../../../cassettes/clock.js'
import { isCloudtapeError } from '../../../cassettes/errors.js'
import { createFaultInjector } from '../../../replay/faults/injector.js'
import type { FaultRuleSpec } from '../../../replay/faults/types.js'
import { firingPattern, request, responseOf } from './helpers.js'

const getServer = () => request('GET', '/v2/010101/servers/abc')
const notFound = { kind: 'fault', name: 'itemNotFound' } as const

function pattern(rule: Omit<FaultRuleSpec, 'fault'>, n: number, seed = 0): boolean[] {
  const injector = createFaultInjector({ seed, rules: [{ ...rule, fault: notFound }] })
  return firingPattern(injector.decide, getServer, n)
}

describe('which request a rule selects', () => {
  test('selects by exact operation key', () => {
    const injector = createFaultInjector({ rules: [{ match: { operation: 'servers.get' }, fault: notFound }] })
    expect(injector.decide(getServer())).not.toBeNull()
    expect(injector.decide(request('GET', '/v2/010101/servers'))).toBeNull()
  })

  test('selects by glob: servers.action.* covers every server action and nothing else', () => {
    const injector = createFaultInjector({ rules: [{ match: { operation: 'servers.action.*' }, fault: notFound }] })
    const reboot = request('POST', '/v2/1/servers/a/action', { body: '{"reboot":{"type":"HARD"}}' })
    const resize = request('POST', '/v2/1/servers/a/action', { body: '<resize xmlns="http://docs.openstack.org/compute/api/v1.1" flavorRef="3"/>', contentType: 'application/xml' })
    expect(reboot.operation).toBe('servers.action.reboot')
    expect(resize.operation).toBe('servers.action.resize')
    expect(injector.decide(reboot)).not.toBeNull()
    expect(injector.decide(resize)).not.toBeNull()
    expect(injector.decide(request('POST', '/v2/1/servers'))).toBeNull()
  })

  test('selects every request, fallback keys included, with *', () => {
    const injector = createFaultInjector({ rules: [{ match: { operation: '*' }, fault: notFound }] })
    expect(injector.decide(request('GET', '/v2/1/os-widgets/9'))).not.toBeNull()
    expect(injector.decide(request('POST', '/v2.0/tokens'))).not.toBeNull()
  })

  test('excludes with a leading !', () => {
    const injector = createFaultInjector({ rules: [{ match: { operation: '!identity.*' }, fault: notFound }] })
    expect(injector.decide(request('POST', '/v2.0/tokens'))).toBeNull()
    expect(injector.decide(getServer())).not.toBeNull()
  })

  test('selects by path parameter value or glob', () => {
    const injector = createFaultInjector({ rules: [{ match: { params: { server_id: 'abc' } }, fault: notFound }, { match: { params: { image_id: 'img-*' } }, fault: notFound }] })
    expect(injector.decide(getServer())).not.toBeNull()
    expect(injector.decide(request('GET', '/v2/010101/servers/other'))).toBeNull()
    expect(injector.decide(request('GET', '/v2/010101/images/img-42'))).not.toBeNull()
    expect(injector.decide(request('GET', '/v2/010101/flavors/1'))).toBeNull()
  })

  test('selects by method, one or several', () => {
    const injector = createFaultInjector({ rules: [{ match: { method: ['post', 'DELETE'] }, fault: notFound }] })
    expect(injector.decide(getServer())).toBeNull()
    expect(injector.decide(request('DELETE', '/v2/010101/servers/abc'))).not.toBeNull()
    expect(injector.decide(request('POST', '/v2/010101/servers'))).not.toBeNull()
  })

  test('selects by a regex on the path inside the account root', () => {
    const injector = createFaultInjector({ rules: [{ match: { path: '^/servers/[^/]+$' }, fault: notFound }] })
    expect(injector.decide(getServer())).not.toBeNull()
    expect(injector.decide(request('GET', '/v2.1/servers/abc'))).not.toBeNull()
    expect(injector.decide(request('GET', '/v2/010101/servers/abc/ips'))).toBeNull()
  })
})

describe('when a rule fires', () => {
  test('fires on the nth occurrence only', () => {
    expect(pattern({ when: { nth: 2 } }, 4)).toEqual([false, true, false, false])
  })

  test('fires on every k-th occurrence', () => {
    expect(pattern({ when: { every: 3 } }, 7)).toEqual([false, false, true, false, false, true, false])
  })

  test('fires the first n times', () => {
    expect(pattern({ when: { times: 2 } }, 4)).toEqual([true, true, false, false])
  })

  test('fires from the nth occurrence on', () => {
    expect(pattern({ when: { from: 3 } }, 5)).toEqual([false, false, true, true, true])
  })

  test('fires at most max times', () => {
    expect(pattern({ when: { every: 2, max: 2 } }, 8)).toEqual([false, true, false, true, false, false, false, false])
  })

  test('counts occurrences per rule, only of the requests it selects', () => {
    const injector = createFaultInjector({ rules: [{ match: { operation: 'servers.get' }, when: { nth: 2 }, fault: notFound }] })
    expect(injector.decide(request('GET', '/v2/1/servers'))).toBeNull()
    expect(injector.decide(getServer())).toBeNull()
    expect(injector.decide(request('GET', '/v2/1/flavors'))).toBeNull()
    expect(injector.decide(getServer())).not.toBeNull()
  })

  test('fires after a time on the injected clock, counting occurrences from then', () => {
    const clock = createFakeClock('2011-06-09T10:00:00Z')
    const injector = createFaultInjector({ clock, rules: [{ when: { after: '30s', nth: 1 }, fault: notFound }] })
    expect(injector.decide(getServer())).toBeNull()
    clock.advance(29_999)
    expect(injector.decide(getServer())).toBeNull()
    clock.advance(1)
    expect(injector.decide(getServer())).not.toBeNull()
    expect(injector.decide(getServer())).toBeNull()
  })

  test('counts after from when the rule was added, and from a reset', () => {
    const clock = createFakeClock(0)
    const injector = createFaultInjector({ clock })
    clock.advance(60_000)
    injector.add({ when: { after: '10s' }, fault: notFound })
    expect(injector.decide(getServer())).toBeNull()
    clock.advance(10_000)
    expect(injector.decide(getServer())).not.toBeNull()
    injector.reset()
    expect(injector.decide(getServer())).toBeNull()
  })

  test('fires from an absolute time', () => {
    const clock = createFakeClock('2011-06-09T10:00:00Z')
    const injector = createFaultInjector({ clock, rules: [{ when: { at: '2011-06-09T10:05:00Z' }, fault: notFound }] })
    expect(injector.decide(getServer())).toBeNull()
    clock.set('2011-06-09T10:05:00Z')
    expect(injector.decide(getServer())).not.toBeNull()
  })

  test('fires with probability p, the same sequence for the same seed', () => {
    const first = pattern({ when: { p: 0.3, seed: 7 } }, 200)
    const again = pattern({ when: { p: 0.3, seed: 7 } }, 200, 99)
    expect(again).toEqual(first)
    const fired = first.filter(Boolean).length
    expect(fired).toBeGreaterThan(40)
    expect(fired).toBeLessThan(80)
  })

  test('fires a different sequence for a different seed', () => {
    expect(pattern({ when: { p: 0.5, seed: 1 } }, 64)).not.toEqual(pattern({ when: { p: 0.5, seed: 2 } }, 64))
  })

  test("derives a rule's seed from the injector seed when the rule has none", () => {
    expect(pattern({ when: { p: 0.5 } }, 64, 5)).toEqual(pattern({ when: { p: 0.5 } }, 64, 5))
    expect(pattern({ when: { p: 0.5 } }, 64, 5)).not.toEqual(pattern({ when: { p: 0.5 } }, 64, 6))
  })

  test('never fires at p=0 and always at p=1', () => {
    expect(pattern({ when: { p: 0 } }, 50).some(Boolean)).toBe(false)
    expect(pattern({ when: { p: 1 } }, 50).every(Boolean)).toBe(true)
  })

  test('combines conditions: time, then occurrence, then probability', () => {
    const clock = createFakeClock(0)
    const injector = createFaultInjector({ clock, rules: [{ when: { after: 1000, times: 3, p: 1 }, fault: notFound }] })
    const before = firingPattern(injector.decide, getServer, 2)
    clock.advance(1000)
    expect([...before, ...firingPattern(injector.decide, getServer, 4)]).toEqual([false, false, true, true, true, false])
  })
})

describe('how several rules compose', () => {
  test('adds latency and still lets the first answering rule answer', () => {
    const injector = createFaultInjector({
      rules: [
        { id: 'slow', fault: { kind: 'latency', ms: 1500 } },
        { id: 'gone', fault: notFound },
        { id: 'slower', fault: { kind: 'latency', ms: 500 } },
      ],
    })
    const decision = injector.decide(getServer())
    expect(decision).toMatchObject({ delayMs: 2000, rules: ['slow', 'gone', 'slower'] })
    expect(responseOf(decision).status).toBe(404)
  })

  test('gives only latency when no answering rule fires (the recorded answer follows)', () => {
    const injector = createFaultInjector({ rules: [{ fault: { kind: 'latency', ms: '2s' as unknown as number } }] })
    expect(injector.decide(getServer())).toEqual({ delayMs: 2000, answer: null, rules: ['rule-1'] })
  })

  test('lets the first answering rule in list order win and logs the later one as shadowed', () => {
    const injector = createFaultInjector({ rules: [{ id: 'a', fault: { kind: 'reset' } }, { id: 'b', when: { max: 1 }, fault: notFound }] })
    expect(injector.decide(getServer())?.answer).toEqual({ kind: 'reset' })
    expect(injector.log().map((entry) => [entry.rule, entry.effect])).toEqual([['a', 'answered'], ['b', 'shadowed']])
    injector.remove('a')
    expect(responseOf(injector.decide(getServer())).status).toBe(404)
  })

  test('returns null when no rule fires', () => {
    expect(createFaultInjector({ rules: [{ when: { nth: 5 }, fault: notFound }] }).decide(getServer())).toBeNull()
  })

  test('answers transport faults: reset, truncate, no answer', () => {
    const answers = (['reset', 'truncate', 'no-answer'] as const).map((kind) => createFaultInjector({ rules: [{ fault: { kind } }] }).decide(getServer())?.answer)
    expect(answers).toEqual([{ kind: 'reset' }, { kind: 'truncate', keepBytes: null }, { kind: 'no-answer' }])
  })
})

describe('managing rules', () => {
  test('adds, lists with counts, removes, resets and clears rules', () => {
    const clock = createFakeClock('2011-06-09T10:00:00Z')
    const injector = createFaultInjector({ clock, dialect: 'hp', rules: [{ when: { nth: 1 }, fault: { kind: 'fault', name: 'buildInProgress' } }] })
    const added = injector.add({ id: 'slow', fault: { kind: 'latency', ms: 10 } })
    expect(added).toMatchObject({ id: 'slow', matched: 0, fired: 0 })
    expect(injector.size).toBe(2)
    injector.decide(getServer())
    injector.decide(getServer())
    expect(injector.list()).toEqual([
      { id: 'rule-1', spec: { id: 'rule-1', when: { nth: 1 }, fault: { kind: 'fault', name: 'buildInProgress' } }, matched: 2, fired: 1, renders: 'conflictingRequest' },
      { id: 'slow', spec: { id: 'slow', fault: { kind: 'latency', ms: 10 } }, matched: 2, fired: 2 },
    ])
    injector.reset()
    expect(injector.list().map((rule) => [rule.matched, rule.fired])).toEqual([[0, 0], [0, 0]])
    expect(injector.log()).toEqual([])
    expect(responseOf(injector.decide(getServer())).status).toBe(409)
    expect(injector.remove('slow')).toBe(true)
    expect(injector.remove('slow')).toBe(false)
    expect(injector.size).toBe(1)
    injector.clear()
    expect(injector.list()).toEqual([])
    expect(injector.size).toBe(0)
    expect(injector.decide(getServer())).toBeNull()
  })

  test('logs which rule fired on which request, with the stand-in it rendered', () => {
    const clock = createFakeClock('2011-06-09T10:00:00Z')
    const injector = createFaultInjector({ clock, dialect: 'hp', rules: [{ id: 'busy', match: { operation: 'servers.get' }, when: { nth: 2 }, fault: { kind: 'fault', name: 'buildInProgress' } }] })
    injector.decide(getServer())
    injector.decide(request('GET', '/v2/010101/flavors'))
    injector.decide(getServer())
    expect(injector.log()).toEqual([
      {
        request: 3,
        time: '2011-06-09T10:00:00Z',
        rule: 'busy',
        method: 'GET',
        operation: 'servers.get',
        path: '/v2/010101/servers/abc',
        params: { tenant_id: '010101', server_id: 'abc' },
        occurrence: 2,
        effect: 'answered',
        what: 'conflictingRequest 409',
        standInFor: 'buildInProgress',
      },
    ])
  })

  test('keeps only the newest log entries beyond logLimit', () => {
    const injector = createFaultInjector({ logLimit: 2, rules: [{ fault: notFound }] })
    for (let index = 0; index < 5; index += 1) injector.decide(getServer())
    expect(injector.log().map((entry) => entry.request)).toEqual([4, 5])
  })

  test('fails with ERR_CLOUDTAPE_FAULT_RULE when an id is taken', () => {
    const injector = createFaultInjector({ rules: [{ id: 'x', fault: notFound }] })
    expect(() => injector.add({ id: 'x', fault: notFound })).toThrow(expect.objectContaining({ code: 'ERR_CLOUDTAPE_FAULT_RULE' }))
  })

  test('fails with ERR_CLOUDTAPE_FAULT_RULE naming the field of an invalid rule', () => {
    const bad = [
      [{ when: { nth: 0 }, fault: notFound }, 'at when.nth: expected an integer >= 1, got 0'],
      [{ when: { p: 1.5 }, fault: notFound }, 'at when.p: expected a number from 0 to 1, got 1.5'],
      [{ when: { after: '30 seconds' }, fault: notFound }, 'at when.after: expected milliseconds or a duration'],
      [{ match: { method: 'FETCH' }, fault: notFound }, 'at match.method: expected one of GET, POST'],
      [{ match: { path: '(' }, fault: notFound }, 'at match.path: not a valid regular expression'],
      [{ fault: { kind: 'explode' } }, 'at fault.kind: expected one of fault, status, latency'],
      [{ fault: { kind: 'fault', name: 'teapot' } }, 'at fault.name: unknown fault "teapot". Documented faults: computeFault'],
      [{ fault: { kind: 'reset', ms: 3 } }, 'at fault: unknown field "ms". Valid fields: kind.'],
      [{ fault: { kind: 'status', status: 999 } }, 'at fault.status: expected an integer from 100 to 599'],
      [{ id: 'a b', fault: notFound }, 'at id: expected letters, digits'],
      [{ fault: notFound, extra: 1 }, 'unknown field "extra". Valid fields: id, match, when, fault.'],
      [{}, 'at fault: missing.'],
    ] as const
    for (const [rule, message] of bad) {
      const error = (() => {
        try {
          createFaultInjector().add(rule as unknown as FaultRuleSpec)
        } catch (caught) {
          return caught
        }
      })()
      expect(isCloudtapeError(error, 'ERR_CLOUDTAPE_FAULT_RULE'), JSON.stringify(rule)).toBe(true)
      expect((error as Error).message).toContain(message)
    }
  })

  test('fails with ERR_CLOUDTAPE_INVALID_OPTION for a bad dialect, seed or format', () => {
    for (const options of [{ dialect: 'aws' }, { seed: -1 }, { seed: 1.5 }, { retryAfterFormat: 'minutes' }, { logLimit: 0 }]) {
      expect(() => createFaultInjector(options as never), JSON.stringify(options)).toThrow(expect.objectContaining({ code: 'ERR_CLOUDTAPE_INVALID_OPTION' }))
    }
    expect(() => createFaultInjector({ dialect: 'aws' as never })).toThrow('Expected one of: rackspace, hp, nova.')
  })
})
