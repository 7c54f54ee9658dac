import { describe, expect, test } from 'vitest'
import type { ScenarioExample } from '../../scripts/library/example-schema.js'
import { loadScenarios } from './example-checks.js'
import { checkExchange } from './exchange-checks.js'

/** The stories issue 7 asks for, by file name. */
const REQUIRED = [
  'boot-and-poll-active',
  'reboot',
  'resize-and-confirm',
  'rebuild',
  'create-image-and-poll',
  'rescue-unrescue',
  'metadata-round-trip',
  'paginated-list',
  'changes-since-polling',
  'server-error',
  'image-error',
]

const scenarios = loadScenarios('rackspace')
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi

/** Ids a step's URL names that no earlier step mentioned: the story would not know them. */
function unknownIds(scenario: ScenarioExample): string[] {
  const seen: string[] = []
  const unknown: string[] = []
  scenario.exchanges.forEach((exchange, index) => {
    for (const [id] of exchange.request.url.matchAll(UUID)) {
      if (index > 0 && !seen.some((text) => text.includes(id))) unknown.push(`step ${index + 1}: ${id}`)
    }
    seen.push(JSON.stringify(exchange))
  })
  return unknown
}

describe('rackspace library scenarios', () => {
  test('include every story issue 7 asks for', () => {
    const names = scenarios.map(({ scenario }) => scenario.name)
    expect(names).toEqual(expect.arrayContaining(REQUIRED))
  })

  for (const { file, scenario } of scenarios) {
    test(`${file}: is named after its file and names its sources`, () => {
      expect(file).toBe(`${scenario.name}.json`)
      expect(scenario.sources.length).toBeGreaterThan(0)
    })

    scenario.exchanges.forEach((exchange, index) => {
      test(`${file} step ${index + 1} (${exchange.operation}): resolves, uses documented codes, parses`, () => {
        checkExchange(exchange.operation, scenario.format, exchange)
      })
    })

    test(`${file}: every id a step's URL names comes from an earlier step`, () => {
      expect(unknownIds(scenario)).toEqual([])
    })
  }
})
