import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { CODE_CORRECTIONS, OPERATIONS, documentedCodes, getOperation } from '../../cassettes/operation-catalog.js'

const TABLE = fileURLToPath(new URL('../../../shared/api/operations.tsv', import.meta.url))

function tableRows(): string[][] {
  return readFileSync(TABLE, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .slice(1)
    .map((line) => line.split('\t'))
}

describe('operation catalog', () => {
  // shared/ sits beside the clone in development and CI; a published package has no table to compare.
  test.runIf(existsSync(TABLE))('matches ../shared/api/operations.tsv row by row', () => {
    const rows = tableRows()
    expect(OPERATIONS).toHaveLength(rows.length)
    rows.forEach(([key, method, template, action, dialects, codes, source], index) => {
      const operation = OPERATIONS[index]
      expect(operation?.key).toBe(key)
      expect(operation?.method).toBe(method)
      expect(operation?.template).toBe(template)
      expect(operation?.action).toBe(action === '-' ? null : action)
      expect(operation?.dialects.join(',')).toBe(dialects)
      expect(operation?.source).toBe(source)
      const [rackspace, hp] = (codes ?? '').split('/')
      const correction = CODE_CORRECTIONS[key ?? '']
      expect(operation?.codes.rackspace.join(',')).toBe(correction?.rackspace?.join(',') ?? rackspace)
      expect(operation?.codes.hp.join(',')).toBe(correction?.hp?.join(',') ?? hp ?? rackspace)
    })
  })

  test('has unique keys and unique (method, template, action) triples', () => {
    expect(new Set(OPERATIONS.map((op) => op.key)).size).toBe(OPERATIONS.length)
    expect(new Set(OPERATIONS.map((op) => `${op.method} ${op.template} ${op.action}`)).size).toBe(OPERATIONS.length)
  })

  test('splits codes per dialect where the documents differ', () => {
    const unrescue = getOperation('servers.action.unrescue')
    expect(unrescue && documentedCodes(unrescue, 'rackspace')).toEqual([202])
    expect(unrescue && documentedCodes(unrescue, 'hp')).toEqual([200])
    const list = getOperation('servers.list')
    expect(list && documentedCodes(list, 'rackspace')).toEqual([200, 203, 300])
    expect(list && documentedCodes(list, 'hp')).toEqual([200])
  })

  test('accepts both codes where 003 contradicts the table (keypairs.create in hp)', () => {
    const create = getOperation('keypairs.create')
    expect(create && documentedCodes(create, 'hp')).toEqual([200, 202])
  })

  test('returns undefined for a key that is not in the table', () => {
    expect(getOperation('servers.explode')).toBeUndefined()
  })
})
