import { describe, expect, test } from 'vitest'
import { createReplaySession, type CreateReplaySessionOptions } from '../../replay/session.js'
import type { ReplayAnswer } from '../../replay/answers.js'
import { buildCassette, PLACEHOLDER, serverGet, tokenSpec, type InteractionSpec } from '../helpers/cassette-builder.js'

const T = PLACEHOLDER.tenant
const S1 = PLACEHOLDER.server(1)
const create = (name: string, status = 202): InteractionSpec => ({
  method: 'POST',
  path: '/v2/{t}/servers',
  body: { server: { name, imageRef: PLACEHOLDER.server(9), flavorRef: '2', adminPass: PLACEHOLDER.secret } },
  status,
  response: { server: { id: S1, name } },
})

function sessionOn(specs: InteractionSpec[], options: CreateReplaySessionOptions = {}) {
  const session = createReplaySession(buildCassette('servers/match', specs), options)
  const send = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): ReplayAnswer =>
    session.handle({
      method,
      url: path.startsWith('http') ? path : `${PLACEHOLDER.dfw}${path}`,
      headers: { 'content-type': 'application/json', ...headers },
      body: body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body),
    })
  return { session, send }
}

function status(answer: ReplayAnswer): number | string {
  return answer.kind === 'response' || answer.kind === 'miss' ? answer.response.status : answer.kind
}

describe('matching', () => {
  test('matches a placeholder in the recorded body against any value, and any tenant id', () => {
    const { send } = sessionOn([create('web1', 217)])
    const body = { server: { name: 'web1', imageRef: 'c6b2d1f0-aaaa-bbbb-cccc-000000000123', flavorRef: '2', adminPass: 'my-own-secret' } }
    expect(status(send('POST', '/v2/555555/servers', body))).toBe(217)
  })

  test('tells servers apart by their ids before placeholders match anything', () => {
    const { send } = sessionOn([serverGet(1, 'BUILD', 217), serverGet(2, 'ACTIVE', 218)])
    expect(status(send('GET', `/v2/${T}/servers/${PLACEHOLDER.server(2)}`))).toBe(218)
    expect(status(send('GET', `/v2/${T}/servers/${S1}`))).toBe(217)
    expect(status(send('GET', `/v2/${T}/servers/0e7e1b2c-1111-2222-3333-444444444444`))).toBe(217)
  })

  test('fails with ERR_CLOUDTAPE_NO_MATCH naming the body path when a real value differs', () => {
    const { send } = sessionOn([create('web1')])
    const answer = send('POST', `/v2/${T}/servers`, { server: { name: 'web2', imageRef: 'x', flavorRef: '2', adminPass: 'y' } })
    expect(answer.kind).toBe('miss')
    if (answer.kind !== 'miss') return
    expect(answer.error.code).toBe('ERR_CLOUDTAPE_NO_MATCH')
    expect(answer.error.report.closest?.layer).toBe('body')
    expect(answer.error.report.closest?.detail).toBe('body differs at $.server.name: recorded "web1", received "web2"')
    expect(answer.response.status).toBe(501)
  })

  test('repeated requests to one URL are told apart by their bodies, however many distinct bodies come', () => {
    // More than the resolution cache keeps per URL (16), so some are resolved afresh every time.
    const names = Array.from({ length: 20 }, (_, n) => `web${n}`)
    const { send } = sessionOn(names.map((name, n) => create(name, 210 + n)), { exhausted: 'repeat-last' })
    for (let round = 0; round < 3; round += 1) {
      for (const [n, name] of names.entries()) expect(status(send('POST', `/v2/${T}/servers`, create(name).body))).toBe(210 + n)
    }
    expect(send('POST', `/v2/${T}/servers`, create('web99').body).kind).toBe('miss')
    expect(status(send('POST', `/v2/${T}/servers`, create('web3').body))).toBe(213)
  })

  test('one URL asked in turn with other methods, origins and formats gets the answer recorded for each', () => {
    const specs: InteractionSpec[] = [
      { method: 'GET', path: `/v2/{t}/servers/${S1}`, status: 217, response: { server: { id: S1 } } },
      { method: 'DELETE', path: `/v2/{t}/servers/${S1}`, status: 218 },
      { method: 'GET', path: `/v2/{t}/servers/${S1}`, headers: { accept: 'application/xml' }, status: 219, response: { xml: `<server xmlns="http://docs.openstack.org/compute/api/v1.1" id="${S1}"/>` } },
      { method: 'GET', origin: PLACEHOLDER.ord, path: `/v2/{t}/servers/${S1}`, status: 220, response: { server: { id: S1 } } },
    ]
    const { send } = sessionOn(specs, { exhausted: 'repeat-last' })
    for (let round = 0; round < 3; round += 1) {
      expect(status(send('GET', `/v2/${T}/servers/${S1}`))).toBe(217)
      expect(status(send('DELETE', `/v2/${T}/servers/${S1}`))).toBe(218)
      expect(status(send('GET', `/v2/${T}/servers/${S1}.xml`))).toBe(219)
      expect(status(send('GET', `/v2/${T}/servers/${S1}`, undefined, { accept: 'application/xml' }))).toBe(219)
      expect(status(send('GET', `${PLACEHOLDER.ord}/v2/${T}/servers/${S1}`))).toBe(220)
    }
  })

  test('ignores the configured query keys and body paths', () => {
    const specs: InteractionSpec[] = [{ method: 'GET', path: '/v2/{t}/servers/detail?changes-since=2011-06-09T10:51:53Z&status=ACTIVE', status: 217, response: { servers: [] } }, create('web1', 218)]
    const { send } = sessionOn(specs, { ignoreQuery: ['changes-since'], ignoreBodyPaths: ['$.server.name'] })
    expect(status(send('GET', `/v2/${T}/servers/detail?status=ACTIVE&changes-since=2020-01-01T00:00:00Z`))).toBe(217)
    expect(status(send('POST', `/v2/${T}/servers`, { server: { name: 'other', imageRef: 'x', flavorRef: '2', adminPass: 'y' } }))).toBe(218)
    expect(send('GET', `/v2/${T}/servers/detail?status=ERROR`).kind).toBe('miss')
  })

  test('matches a configured header', () => {
    const specs: InteractionSpec[] = [{ method: 'GET', path: '/v2/{t}/flavors', headers: { 'x-tenant-hint': 'a' }, status: 217, response: { flavors: [] } }]
    const { send } = sessionOn(specs, { matchHeaders: ['X-Tenant-Hint'] })
    expect(status(send('GET', `/v2/${T}/flavors`, undefined, { 'x-tenant-hint': 'a' }))).toBe(217)
    const answer = send('GET', `/v2/${T}/flavors`, undefined, { 'x-tenant-hint': 'b' })
    expect(answer.kind === 'miss' && answer.error.report.closest?.layer).toBe('header')
    // Asked again in turn: what was resolved for one value is never served for the other.
    expect(status(send('GET', `/v2/${T}/flavors`, undefined, { 'x-tenant-hint': 'a' }))).toBe(217)
    expect(send('GET', `/v2/${T}/flavors`, undefined, { 'x-tenant-hint': 'b' }).kind).toBe('miss')
    expect(send('GET', `/v2/${T}/flavors`).kind).toBe('miss')
    expect(status(send('GET', `/v2/${T}/flavors`, undefined, { 'x-tenant-hint': 'a' }))).toBe(217)
  })

  test('compares XML bodies after parsing: attribute order, prefixes and whitespace do not matter', () => {
    const xml = '<?xml version="1.0"?><reboot xmlns="http://docs.openstack.org/compute/api/v1.1" type="HARD"/>'
    const specs: InteractionSpec[] = [{ method: 'POST', path: `/v2/{t}/servers/${S1}/action`, body: { xml }, status: 217 }]
    const { send } = sessionOn(specs)
    const same = '<os:reboot  type="HARD" xmlns:os="http://docs.openstack.org/compute/api/v1.1" />'
    expect(status(send('POST', `/v2/${T}/servers/${S1}/action`, same, { 'content-type': 'application/xml' }))).toBe(217)
    const other = send('POST', `/v2/${T}/servers/${S1}/action`, '<reboot type="SOFT"/>', { 'content-type': 'application/xml' })
    expect(other.kind === 'miss' && other.error.report.closest?.detail).toBe('body differs at /reboot/@type: recorded "HARD", received "SOFT"')
  })

  test('answers a request with a malformed JSON body with the documented badRequest fault', () => {
    const { send } = sessionOn([create('web1')])
    const answer = send('POST', `/v2/${T}/servers`, '{"server": {"name": ')
    expect(status(answer)).toBe(400)
    expect(answer.kind === 'response' && JSON.parse(answer.response.body.toString()).badRequest.code).toBe(400)
  })

  test('replays a recorded transport fault as a transport answer', () => {
    const specs: InteractionSpec[] = [{ method: 'GET', path: '/v2/{t}/flavors', status: 0, transportFault: { kind: 'reset', message: 'socket hang up' } }]
    const answer = sessionOn(specs).send('GET', `/v2/${T}/flavors`)
    expect(answer.kind === 'transport' && answer.fault.kind).toBe('reset')
  })

  test('keeps regions apart: the same request on another catalog region is a miss at the origin layer', () => {
    const { send } = sessionOn([tokenSpec(), { method: 'GET', path: '/v2/{t}/flavors', status: 217, response: { flavors: [] } }])
    const answer = send('GET', `${PLACEHOLDER.ord}/v2/${T}/flavors`)
    expect(answer.kind === 'miss' && answer.error.report.closest?.layer).toBe('origin')
  })

  test('binds an origin the cassette does not know to the recorded origin serving that operation', () => {
    const { send } = sessionOn([{ method: 'GET', path: '/v2/{t}/flavors', status: 217, response: { flavors: [] } }])
    expect(status(send('GET', `http://127.0.0.1:8774/v2/${T}/flavors`))).toBe(217)
  })

  test('resolves a URL on an origin not bound yet again once a later request binds that origin', () => {
    const { send } = sessionOn([{ method: 'GET', path: '/v2/{t}/flavors', status: 217, response: { flavors: [] } }], { onMiss: 'passthrough' })
    const images = `http://127.0.0.1:8774/v2/${T}/images`
    expect(send('GET', images)).toEqual({ kind: 'passthrough', url: images })
    expect(status(send('GET', `http://127.0.0.1:8774/v2/${T}/flavors`))).toBe(217)
    expect(send('GET', images)).toEqual({ kind: 'passthrough', url: `${PLACEHOLDER.dfw}/v2/${T}/images` })
  })
})

describe('misses', () => {
  const specs = [serverGet(1, 'ACTIVE'), create('web1')]

  test('reports the closest interaction, the differing layer, the unused count and the re-record command', () => {
    const { send } = sessionOn(specs, { cassettePath: 'test/fixtures/cassettes/x.json' })
    const answer = send('POST', `/v2/${T}/servers/${S1}/action`, { reboot: { type: 'SOFT' } })
    expect(answer.kind === 'miss' && answer.error.message).toBe(
      [
        `[cloudtape] No recorded interaction matches POST /v2/${T}/servers/${S1}/action (servers.action.reboot) in cassette "servers/match".`,
        '  Closest: #2 servers.create (202); operation differs: recorded servers.create, received servers.action.reboot.',
        '  2 of 2 interactions unused.',
        "  Re-record with `cloudtape record --cassette test/fixtures/x.json --target <identity URL>`, or let unmatched requests through with `--on-miss passthrough` (cloudtape replay) or { onMiss: 'passthrough' } (library).",
      ].join('\n').replace('test/fixtures/x.json', 'test/fixtures/cassettes/x.json'),
    )
  })

  test('names the differing path parameter', () => {
    const specs2: InteractionSpec[] = [{ method: 'GET', path: '/v2/{t}/flavors/2', status: 200, response: {} }]
    const answer = sessionOn(specs2).send('GET', `/v2/${T}/flavors/3`)
    expect(answer.kind === 'miss' && answer.error.report.closest).toMatchObject({ layer: 'parameter', detail: 'parameter "flavor_id": recorded "2", received "3"' })
  })

  test('warns and passes through in warn mode; passes through silently in passthrough mode', () => {
    const warnings: string[] = []
    const warned = sessionOn(specs, { onMiss: 'warn', warn: (message) => warnings.push(message) }).send('GET', `/v2/${T}/flavors`)
    expect(warned).toEqual({ kind: 'passthrough', url: `${PLACEHOLDER.dfw}/v2/${T}/flavors` })
    expect(warnings[0]).toMatch(/^\[cloudtape\] No recorded interaction matches GET/)
    expect(sessionOn(specs, { onMiss: 'passthrough' }).send('GET', `/v2/${T}/flavors`).kind).toBe('passthrough')
  })

  test('fails with ERR_CLOUDTAPE_INVALID_OPTION listing the valid modes', () => {
    expect(() => sessionOn(specs, { onMiss: 'ignore' as 'error' })).toThrow('Invalid onMiss "ignore". Expected one of: error, warn, passthrough.')
  })

  test('assertAllUsed fails with ERR_CLOUDTAPE_UNUSED_INTERACTIONS and a table of the unused interactions', () => {
    const { session, send } = sessionOn(specs)
    send('GET', `/v2/${T}/servers/${S1}`)
    expect(() => session.assertAllUsed()).toThrow(
      expect.objectContaining({
        code: 'ERR_CLOUDTAPE_UNUSED_INTERACTIONS',
        message: [
          '[cloudtape] 1 of 2 interactions in cassette "servers/match" were not used:',
          '  id  operation       params  status',
          '  #2  servers.create  -       202',
          '  Remove them from the cassette, re-record it, or check why the client skipped them.',
        ].join('\n'),
      }),
    )
  })
})

describe('bad cassettes', () => {
  test('fails with ERR_CLOUDTAPE_CASSETTE_INVALID when an interaction is of another dialect than its cassette', () => {
    const cassette = buildCassette('mixed', [serverGet(1, 'ACTIVE')])
    const mixed = { ...cassette, interactions: [{ ...cassette.interactions[0]!, dialect: 'hp' as const }] }
    expect(() => createReplaySession(mixed)).toThrow(expect.objectContaining({ code: 'ERR_CLOUDTAPE_CASSETTE_INVALID', message: expect.stringContaining('$.interactions[0].dialect is "hp"') }))
  })

  test('renders faults in the dialect given as an option, over the cassette\'s', () => {
    const session = createReplaySession(buildCassette('d', [serverGet(1, 'ACTIVE')]), { dialect: 'hp', strict: true })
    const answer = session.handle({ method: 'GET', url: `${PLACEHOLDER.dfw}/v2/${T}/servers/${S1}.xml`, headers: { 'x-auth-token': 'nope' } })
    expect(answer.kind === 'response' && answer.response.body.toString()).toContain('xmlns="http://docs.openstack.org/compute/api/v2"')
  })
})
