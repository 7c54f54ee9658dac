import { describe, expect, test } from 'vitest'
import { loadExamples } from './example-checks.js'
import { checkExchange } from './exchange-checks.js'

const examples = loadExamples('rackspace')

describe('rackspace library examples', () => {
  test('are named <operation>.<format>.json and declare the rackspace dialect', () => {
    expect(examples.length).toBeGreaterThan(0)
    for (const { file, example } of examples) {
      expect(file).toBe(`${example.operation}.${example.format}.json`)
      expect(example.dialect).toBe('rackspace')
    }
  })

  for (const { file, example } of examples) {
    test(`${file}: resolves, uses documented codes, parses, keeps the documented namespaces`, () => {
      checkExchange(example.operation, example.format, example)
    })

    test(`${file}: names its sources`, () => {
      expect(example.sources.length).toBeGreaterThan(0)
      for (const source of example.sources) expect(['000', '001', '002', '004']).toContain(source.document)
    })
  }
})
