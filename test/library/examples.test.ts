import { describe, expect, test } from 'vitest'
import { OPERATIONS } from '../../cassettes/operation-catalog.js'
import { loadExamples } from './example-checks.js'
import { checkExchange } from './exchange-checks.js'

/**
 * The rackspace operations the documents give no XML for: identity (001 §1.3 is JSON only), the
 * deletes (no body either way, no example), and scheduled images (002 is JSON only). Every other
 * rackspace operation has an XML example in 001, directly or through its section's sibling
 * (the plain lists are documented by their detail examples).
 */
const JSON_ONLY = [
  'identity.tokens.create',
  'servers.delete',
  'servers.metadata.delete',
  'servers.volumeAttachments.delete',
  'servers.imageSchedule.enable',
  'servers.imageSchedule.get',
  'servers.imageSchedule.disable',
  'images.delete',
  'images.metadata.delete',
]

const RACKSPACE_OPERATIONS = OPERATIONS.filter((operation) => operation.dialects.includes('rackspace')).map((operation) => operation.key)

const examples = loadExamples('rackspace')

describe('rackspace library examples', () => {
  test('are named <operation>.<format>.json and declare the rackspace dialect', () => {
    expect(examples.length).toBeGreaterThan(0)
    for (const { file, example } of examples) {
      expect(file).toBe(`${example.operation}.${example.format}.json`)
      expect(example.dialect).toBe('rackspace')
    }
  })

  test('cover every rackspace operation in JSON, and in XML wherever the documents give XML', () => {
    const files = examples.map(({ file }) => file)
    expect(RACKSPACE_OPERATIONS).toHaveLength(49)
    const expected = RACKSPACE_OPERATIONS.flatMap((key) => [`${key}.json.json`, ...(JSON_ONLY.includes(key) ? [] : [`${key}.xml.json`])])
    expect(files).toEqual(expected.sort())
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
