import { describe, expect, test } from 'vitest'
import * as cloudtape from 'cloudtape'
import { createFakeClock } from 'cloudtape/cassettes'

describe('the public fault API of cloudtape', () => {
  test('exports the injector, parsers, executor and rate limits by name', () => {
    for (const name of ['createFaultInjector', 'toFaultRequest', 'sendFaultDecision', 'writeFaultResponse', 'parseFaultRuleText', 'parseFaultRuleJson', 'validateFaultRule', 'rateLimitRules', 'DEFAULT_RATE_LIMITS', 'FAULT_STAND_INS', 'applyErrorState']) {
      expect(cloudtape, name).toHaveProperty(name)
    }
  })

  test('replays the README example: the second create is rate-limited', () => {
    const clock = createFakeClock('2011-06-09T10:51:53.000Z')
    const faults = cloudtape.createFaultInjector({ dialect: 'rackspace', clock, seed: 7, rules: cloudtape.parseFaultRuleText('overLimit@servers.create:nth=2') })
    const create = () => cloudtape.toFaultRequest({ method: 'POST', url: 'https://dfw.servers.api.rackspacecloud.com/v2/010101/servers', headers: { Accept: 'application/json' } })
    expect(faults.decide(create())).toBeNull()
    const decision = faults.decide(create())
    expect(decision?.answer).toMatchObject({ kind: 'respond', response: { status: 413, headers: { 'retry-after': '60' } } })
    expect(faults.log()).toMatchObject([{ rule: 'rule-1', operation: 'servers.create', occurrence: 2, effect: 'answered', what: 'overLimit 413' }])
  })
})
