import { describe, expect, test } from 'vitest'
import { BoundedMap, BoundedSet } from '../../cassettes/bounded.js'
import { decodeOrKeep } from '../../cassettes/decode-or-keep.js'

describe('BoundedMap and BoundedSet', () => {
  test('a new key past the limit empties the map first; updating a held key does not', () => {
    const map = new BoundedMap<string, number>(2)
    map.set('a', 1).set('b', 2).set('b', 3)
    expect([...map]).toEqual([['a', 1], ['b', 3]])
    map.set('c', 4)
    expect([...map]).toEqual([['c', 4]])
  })

  test('the set works the same way', () => {
    const set = new BoundedSet<string>(2)
    set.add('a').add('b').add('a')
    expect([...set]).toEqual(['a', 'b'])
    set.add('c')
    expect([...set]).toEqual(['c'])
  })
})

describe('decodeOrKeep', () => {
  test('decodes percent-encoding and keeps text that is not valid encoding', () => {
    expect(decodeOrKeep('web%2001')).toBe('web 01')
    expect(decodeOrKeep('100%')).toBe('100%')
  })
})
