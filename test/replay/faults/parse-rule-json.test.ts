import { describe, expect, test } from 'vitest'
import { isCloudtapeError } from '../../../cassettes/errors.js'
import { parseFaultRuleJson } from '../../../replay/faults/parse-rule-json.js'

function errorOf(input: unknown): Error {
  try {
    parseFaultRuleJson(input)
  } catch (error) {
    expect(isCloudtapeError(error, 'ERR_CLOUDTAPE_FAULT_RULE')).toBe(true)
    return error as Error
  }
  throw new Error('parsed')
}

describe('parseFaultRuleJson', () => {
  test('parses one rule object from JSON text, normalizing durations and methods', () => {
    const text = JSON.stringify({ id: 'slow', match: { operation: 'servers.*', method: 'get' }, when: { after: '2m' }, fault: { kind: 'latency', ms: '1.5s' } })
    expect(parseFaultRuleJson(text)).toEqual([{ id: 'slow', match: { operation: 'servers.*', method: 'GET' }, when: { after: 120_000 }, fault: { kind: 'latency', ms: 1500 } }])
  })

  test('parses an array mixing objects, rule texts and the short fault form', () => {
    const rules = parseFaultRuleJson([{ match: { operation: 'servers.get' }, fault: 'itemNotFound' }, 'overLimit@servers.create:nth=1', { fault: 'status=503' }])
    expect(rules).toEqual([
      { match: { operation: 'servers.get' }, fault: { kind: 'fault', name: 'itemNotFound' } },
      { match: { operation: 'servers.create' }, when: { nth: 1 }, fault: { kind: 'fault', name: 'overLimit' } },
      { fault: { kind: 'status', status: 503 } },
    ])
  })

  test('fails with ERR_CLOUDTAPE_FAULT_RULE on malformed JSON, saying what to send', () => {
    const message = errorOf('{"fault": ').message
    expect(message).toContain('Invalid fault rule JSON')
    expect(message).toContain('Send a rule object such as {"match":{"operation":"servers.get"}')
  })

  test('fails naming the rule and the field in an array', () => {
    expect(errorOf([{ fault: 'reset' }, { when: { every: -1 }, fault: 'reset' }]).message).toContain('Invalid fault rule rules[1] at when.every: expected an integer >= 1, got -1.')
  })

  test('fails on values that are not rules: null, numbers, empty arrays, truncated objects', () => {
    expect(errorOf('null').message).toContain('Invalid fault rule rule: expected an object with fields id, match, when, fault, got null.')
    expect(errorOf(42).message).toContain('got 42')
    expect(errorOf([]).message).toContain('expected 1 to 1000 rules, got 0')
    expect(errorOf({ match: { operation: 'servers.get' } }).message).toContain('at fault: missing.')
    expect(errorOf({ fault: { kind: 'fault' } }).message).toContain('at fault.name: expected a non-empty string, got nothing.')
    expect(errorOf({ fault: 'teapot' }).message).toContain('unknown fault "teapot"')
  })

  test('fails on a huge list instead of adding it', () => {
    expect(errorOf(new Array(1001).fill('reset@*')).message).toContain('got 1001')
  })
})
