import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { serializeCassette } from '../../cassettes/cassette-format.js'
import { createFakeClock } from '../../cassettes/clock.js'
import { compileRules } from '../../cassettes/compile-rules.js'
import { IdentifierMap } from '../../cassettes/identifier-map.js'
import type { IdKind } from '../../cassettes/placeholders.js'
import { createCassetteRecorder, type RawExchange } from '../../cassettes/recorder.js'
import { ScrubMemo } from '../../cassettes/scrub-memo.js'
import { scrubText, type NormalizeContext } from '../../cassettes/scrub-text.js'

const rules = compileRules()

function contexts(): { cached: NormalizeContext; plain: NormalizeContext } {
  return {
    cached: { rules, map: new IdentifierMap(rules.wellKnownHosts), memo: new ScrubMemo<string>() },
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

  test('an entry older than the map\'s log of learned values is scrubbed afresh', () => {
    const { cached, plain } = contexts()
    const text = 'see node42x and 10.180.3.185'
    expect(scrubText(text, cached)).toBe(scrubText(text, plain))
    // Past the log's 1,024 values the map forgets what it learned first: the entry cannot be checked.
    for (let index = 0; index < 1_100; index += 1) {
      cached.map.id('other', `unrelated${index}x`)
      plain.map.id('other', `unrelated${index}x`)
    }
    expect(cached.map.learnedSince(0)).toBeNull()
    cached.map.id('other', 'node42x')
    plain.map.id('other', 'node42x')
    expect(scrubText(text, cached)).toBe(scrubText(text, plain))
    expect(scrubText(text, cached)).not.toContain('node42x')
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

const ORIGIN = 'https://dfw.servers.api.rackspacecloud.com'
/** Ids and names the exchanges share, some needing URL encoding, one upper-case UUID. */
const IDS = ['ef079b0c-e610-4dfb-b1aa-b49f07ac48e5', 'EF079B0C-E610-4DFB-B1AA-B49F07AC48E5', 'web 01', '4a7c9e2f11', 'node42x'] as const
const SECRETS = ['tok-8f7e6d5c4b', 'pass word 12345'] as const

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value))
}

function serverBody(id: string, status: string): Buffer {
  return json({ server: { id, status, name: `server ${id}`, hostId: 'e4d909c290d0fb1ca068ffaddf22cbd0', accessIPv4: '198.61.236.10', links: [{ rel: 'self', href: `${ORIGIN}/v2/010101/servers/${encodeURIComponent(id)}` }], metadata: { note: `see ${id}` } } })
}

type Template = (id: string, secret: string, status: string) => RawExchange

const TEMPLATES: readonly Template[] = [
  (id, _secret, status) => ({ request: { method: 'GET', url: `${ORIGIN}/v2/010101/servers/${encodeURIComponent(id)}`, headers: {}, body: Buffer.alloc(0) }, response: { status: 200, headers: { 'content-type': 'application/json' }, body: serverBody(id, status) } }),
  (id, secret) => ({ request: { method: 'POST', url: `${ORIGIN}/v2.0/tokens`, headers: { 'content-type': 'application/json' }, body: json({ auth: { passwordCredentials: { username: 'demo', password: secret } } }) }, response: { status: 200, headers: { 'content-type': 'application/json' }, body: json({ access: { token: { id: `${secret}-t`, expires: '2012-09-14T15:11:57Z' }, user: { id } } }) } }),
  (id, secret) => ({ request: { method: 'GET', url: `${ORIGIN}/v2/010101/servers?name=${encodeURIComponent(id)}&token=${encodeURIComponent(secret)}`, headers: { 'x-auth-token': `${secret}-t` }, body: Buffer.alloc(0) }, response: { status: 200, headers: { 'content-type': 'application/json', location: `${ORIGIN}/v2/010101/servers/${encodeURIComponent(id)}` }, body: json({ servers: [{ id, name: id }] }) } }),
  (id, secret) => ({ request: { method: 'POST', url: `${ORIGIN}/v2/010101/servers`, headers: { 'content-type': 'application/json' }, body: json({ server: { name: id, imageRef: '3afe97b2-26dc-49c5-a2cc-a2fc8d80c001', flavorRef: '2' } }) }, response: { status: 202, headers: { 'content-type': 'application/json' }, body: json({ server: { id, adminPass: secret, links: [{ rel: 'self', href: `${ORIGIN}/v2/010101/servers/${id}` }] } }) } }),
  // A body naming a secret and an id in free text, which only other exchanges teach: the same
  // bytes must be stored differently once they have.
  (id, secret) => ({ request: { method: 'GET', url: `${ORIGIN}/v2/010101/os-notes`, headers: {}, body: Buffer.alloc(0) }, response: { status: 200, headers: { 'content-type': 'application/json' }, body: json({ notes: [`see ${secret}`, `server ${id} is up`] }) } }),
  (id, _secret, status) => ({ request: { method: 'GET', url: `${ORIGIN}/v2/010101/servers/${encodeURIComponent(id)}.xml`, headers: { accept: 'application/xml' }, body: Buffer.alloc(0) }, response: { status: 200, headers: { 'content-type': 'application/xml' }, body: Buffer.from(`<server xmlns="http://docs.openstack.org/compute/api/v1.1" id="${id}" status="${status}"><metadata><meta key="note">see ${id}</meta></metadata></server>`) } }),
]

const exchangeStep = fc.record({ template: fc.nat(TEMPLATES.length - 1), id: fc.constantFrom(...IDS), secret: fc.constantFrom(...SECRETS), status: fc.constantFrom('BUILD', 'ACTIVE') })

describe('the recorder with and without its memos', () => {
  test('any sequence of exchanges (repeated URLs and bodies, ids and secrets learned late) gives byte-identical cassettes and summaries', () => {
    fc.assert(
      fc.property(fc.array(exchangeStep, { minLength: 1, maxLength: 30 }), (steps) => {
        const cached = createCassetteRecorder({ name: 'memo', clock: createFakeClock(0) })
        const plain = createCassetteRecorder({ name: 'memo', clock: createFakeClock(0), memoize: false })
        for (const current of steps) {
          const exchange = (TEMPLATES[current.template] as Template)(current.id, current.secret, current.status)
          cached.record(exchange)
          plain.record(exchange)
        }
        expect(serializeCassette(cached.cassette())).toBe(serializeCassette(plain.cassette()))
        expect(cached.summary()).toEqual(plain.summary())
      }),
      {
        numRuns: 200,
        seed: 20261124,
        // Random sequences mostly learn every value before a body repeats; this one does not.
        examples: [[[4, 1, 4].map((template) => ({ template, id: 'node42x' as const, secret: 'tok-8f7e6d5c4b' as const, status: 'ACTIVE' as const }))]],
      },
    )
  })
})

describe('the body memo', () => {
  test('gives the same cassette as no memo when bodies stop repeating and start again (it then skips most of them)', () => {
    const [poll, token, notes] = [TEMPLATES[0] as Template, TEMPLATES[1] as Template, TEMPLATES[4] as Template]
    const cached = createCassetteRecorder({ name: 'memo', clock: createFakeClock(0) })
    const plain = createCassetteRecorder({ name: 'memo', clock: createFakeClock(0), memoize: false })
    const exchanges: RawExchange[] = []
    // A new server in every answer, long enough for the memo to give up on most bodies.
    for (let n = 0; n < 150; n += 1) exchanges.push(poll(`ef079b0c-e610-4dfb-b1aa-${String(n).padStart(12, '0')}`, 'x', 'BUILD'))
    // Then the same bodies again and again, one of them naming a secret that is learned halfway.
    for (let n = 0; n < 60; n += 1) exchanges.push(n === 30 ? token('node42x', 'tok-8f7e6d5c4b', 'ACTIVE') : n % 2 === 0 ? notes('node42x', 'tok-8f7e6d5c4b', 'ACTIVE') : poll('ef079b0c-e610-4dfb-b1aa-b49f07ac48e5', 'x', 'ACTIVE'))
    for (const exchange of exchanges) {
      cached.record(exchange)
      plain.record(exchange)
    }
    expect(serializeCassette(cached.cassette())).toBe(serializeCassette(plain.cassette()))
    expect(cached.summary()).toEqual(plain.summary())
  })

  test('a body stored before a value in it was learned is stored afresh once it is', () => {
    const [notes, token] = [TEMPLATES[4] as Template, TEMPLATES[1] as Template]
    const recorder = createCassetteRecorder({ name: 'memo', clock: createFakeClock(0) })
    const first = recorder.record(notes('node42x', 'tok-8f7e6d5c4b', 'ACTIVE'))
    expect(recorder.record(notes('node42x', 'tok-8f7e6d5c4b', 'ACTIVE')).response?.body).toBe(first.response?.body)
    recorder.record(token('node42x', 'tok-8f7e6d5c4b', 'ACTIVE'))
    const after = recorder.record(notes('node42x', 'tok-8f7e6d5c4b', 'ACTIVE'))
    expect(after.response?.body).toEqual({ kind: 'json', json: { notes: ['see REDACTED-password-1', 'server c000001 is up'] } })
  })
})
