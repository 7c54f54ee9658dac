import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { compileRules } from '../../cassettes/compile-rules.js'
import { IdentifierMap } from '../../cassettes/identifier-map.js'
import type { IdKind } from '../../cassettes/placeholders.js'
import { ScrubMemo, scrubText, type NormalizeContext } from '../../cassettes/scrub-text.js'

const rules = compileRules()

function contexts(): { cached: NormalizeContext; plain: NormalizeContext } {
  return {
    cached: { rules, map: new IdentifierMap(rules.wellKnownHosts), memo: new ScrubMemo() },
    plain: { rules, map: new IdentifierMap(rules.wellKnownHosts) },
  }
}

/** Values that end up inside the scrubbed strings and that the map may learn at any point. */
const VALUES = [
  '3f1e4a2b-9c8d-4e7f-a6b5-c4d3e2f1a0b9',
  '3F1E4A2B-9C8D-4E7F-A6B5-C4D3E2F1A0B9',
  'a7b8c9d0e1f2',
  'node42x',
  '0123456789',
  '010101',
  '10.180.3.185',
  'fa:16:3e:2f:3c:55',
  'secret-token-8f7e6d',
  'api.example.net:8774',
] as const

type Step =
  | { readonly kind: 'scrub'; readonly text: number }
  | { readonly kind: 'id'; readonly idKind: IdKind; readonly value: string }
  | { readonly kind: 'secret'; readonly value: string }
  | { readonly kind: 'keep'; readonly value: string }

const value = fc.constantFrom(...VALUES)
const text = fc
  .array(fc.oneof(value, fc.constantFrom('see ', '/', ' and ', 'http://', 'https://api.example.net:8774/v2/', '?x=', '-', 'servers', 'ACTIVE')), { minLength: 1, maxLength: 6 })
  .map((parts) => parts.join(''))
const step: fc.Arbitrary<Step> = fc.oneof(
  // An index into the run's few texts: the same strings come back, as in a recording.
  { weight: 6, arbitrary: fc.nat(7).map((index) => ({ kind: 'scrub' as const, text: index })) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('id' as const), idKind: fc.constantFrom<IdKind>('server', 'tenant', 'other', 'image'), value }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('secret' as const), value }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('keep' as const), value }) },
)

function apply(current: Step, texts: readonly string[], context: NormalizeContext): string | null {
  switch (current.kind) {
    case 'scrub':
      return scrubText(texts[current.text % texts.length] as string, context)
    case 'id':
      context.map.id(current.idKind, current.value)
      return null
    case 'secret':
      context.map.learnSecret('token', current.value)
      return null
    case 'keep':
      context.map.keep(current.value)
      return null
  }
}

describe('ScrubMemo: cached scrubs are the scrubs', () => {
  test('any sequence of scrubs and learned values gives the same results and counts with the memo as without', () => {
    fc.assert(
      fc.property(fc.array(text, { minLength: 2, maxLength: 8 }), fc.array(step, { minLength: 1, maxLength: 60 }), (texts, steps) => {
        const { cached, plain } = contexts()
        for (const current of steps) expect(apply(current, texts, cached)).toBe(apply(current, texts, plain))
        expect(cached.map.summary(0)).toEqual(plain.map.summary(0))
      }),
      { numRuns: 400, seed: 20261123 },
    )
  })

  test('a string scrubbed before its id was learned is scrubbed again once it is', () => {
    const { cached } = contexts()
    const text = 'Server node42x is ACTIVE'
    expect(scrubText(text, cached)).toBe(text)
    const placeholder = cached.map.id('other', 'node42x')
    expect(scrubText(text, cached)).toBe(`Server ${placeholder} is ACTIVE`)
  })

  test('a hit replays the counts its scrub made: the summary counts every replacement', () => {
    const { cached } = contexts()
    cached.map.learnSecret('token', 'secret-token-8f7e6d')
    for (let round = 0; round < 3; round += 1) scrubText('X-Auth secret-token-8f7e6d', cached)
    expect(cached.map.summary(0).secretReplacements).toBe(3)
  })

  test('strings learned long ago are checked again only up to a point, then scrubbed afresh', () => {
    const { cached, plain } = contexts()
    const text = 'host api.example.net:8774 serves node42x'
    expect(scrubText(text, cached)).toBe(scrubText(text, plain))
    for (let index = 0; index < ScrubMemo.MAX_CHECKS + 5; index += 1) {
      cached.map.id('other', `unrelated-${index}0`)
      plain.map.id('other', `unrelated-${index}0`)
    }
    cached.map.id('other', 'node42x')
    plain.map.id('other', 'node42x')
    expect(scrubText(text, cached)).toBe(scrubText(text, plain))
    expect(scrubText(text, cached)).not.toContain('node42x')
  })
})
