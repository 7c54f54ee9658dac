import { describe, expect, onTestFinished, test } from 'vitest'
import { createFakeClock, isCloudtapeError } from '../../cassettes/index.js'
import { useCassette } from '../../replay/engines/nock.js'
import { createReplaySession, type CreateReplaySessionOptions } from '../../replay/session.js'
import type { ReplayAnswer } from '../../replay/answers.js'
import { buildCassette, PLACEHOLDER, serverGet, tokenSpec, type InteractionSpec } from '../helpers/cassette-builder.js'
import { parseXml } from '../helpers/fake-cloud.js'

const ORIGIN = 'http://127.0.0.1:4010'
const NOW = '2030-01-01T00:00:00.000Z'
const TOMORROW = '2030-01-02T00:00:00.000Z'
const serversList: InteractionSpec = { method: 'GET', path: '/v2/{t}/servers', status: 200, response: { servers: [{ id: PLACEHOLDER.server(1), name: 'web1' }] } }
const computeOnly = buildCassette('compute-only', [serversList, serverGet(1, 'ACTIVE')])

function serve(cassette = computeOnly, options: CreateReplaySessionOptions = {}) {
  const session = createReplaySession(cassette, { origin: ORIGIN, clock: createFakeClock(NOW), warn: () => {}, ...options })
  const auth = (body: unknown, headers: Record<string, string> = {}, path = '/v2.0/tokens'): ReplayAnswer =>
    session.handle({ method: 'POST', url: `${ORIGIN}${path}`, headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) })
  return { session, auth }
}

function response(answer: ReplayAnswer): { status: number; headers: Record<string, string>; text: string } {
  if (answer.kind !== 'response' && answer.kind !== 'miss') throw new Error(`expected a response, got ${answer.kind}`)
  return { status: answer.response.status, headers: { ...answer.response.headers }, text: answer.response.body.toString('utf8') }
}

function json(answer: ReplayAnswer): any {
  return JSON.parse(response(answer).text)
}

const password = { auth: { passwordCredentials: { username: 'someone', password: 'their-secret' } } }

describe('synthetic identity for a cassette without a token exchange', () => {
  test('answers a JSON token request with the recorded token, a tenant, a future expiry and a compute catalog on the replay server', () => {
    const { session, auth } = serve()
    const answer = auth(password)
    expect(answer.kind === 'response' && answer.source).toBe('identity')
    expect(response(answer).headers['content-type']).toBe('application/json')
    const { access } = json(answer)
    expect(access.token).toEqual({ id: PLACEHOLDER.token, expires: TOMORROW, tenant: { id: PLACEHOLDER.tenant, name: PLACEHOLDER.tenant } })
    expect(access.user['RAX-AUTH:defaultRegion']).toBe('DFW')
    expect(access.serviceCatalog).toEqual([
      {
        type: 'compute',
        name: 'cloudServersOpenStack',
        endpoints: [
          { publicURL: `${ORIGIN}/v2/${PLACEHOLDER.tenant}`, region: 'DFW', tenantId: PLACEHOLDER.tenant, versionId: '2', versionInfo: `${ORIGIN}/v2`, versionList: `${ORIGIN}/` },
        ],
      },
    ])
    expect(session.syntheticIdentity?.computeUrl).toBe(`${ORIGIN}/v2/${PLACEHOLDER.tenant}`)
  })

  test('a client follows the catalog to list servers with the token it was given', () => {
    const { session, auth } = serve()
    const { access } = json(auth(password))
    const listed = session.handle({ method: 'GET', url: `${access.serviceCatalog[0].endpoints[0].publicURL}/servers`, headers: { 'x-auth-token': access.token.id } })
    expect(response(listed).status).toBe(200)
    expect(JSON.parse(response(listed).text).servers[0].id).toBe(PLACEHOLDER.server(1))
  })

  test('answers in XML when the client accepts XML, with a JSON or an XML request body', () => {
    const { auth } = serve()
    const xmlBody = '<auth xmlns="http://docs.openstack.org/identity/api/v2.0"><passwordCredentials username="someone" password="x"/></auth>'
    const xmlHeaders = { 'content-type': 'application/xml', accept: 'application/xml' }
    for (const answer of [auth(password, { accept: 'application/xml' }), auth(xmlBody, xmlHeaders)]) {
      const { status, headers, text } = response(answer)
      expect(status).toBe(200)
      expect(headers['content-type']).toBe('application/xml')
      const access = parseXml(text).access
      expect(access['@xmlns']).toBe('http://docs.openstack.org/identity/api/v2.0')
      expect(access.token).toMatchObject({ '@id': PLACEHOLDER.token, '@expires': TOMORROW, tenant: { '@id': PLACEHOLDER.tenant } })
      expect(access.user['@RAX-AUTH:defaultRegion']).toBe('DFW')
      expect(access.serviceCatalog.service[0]).toMatchObject({ '@type': 'compute', '@name': 'cloudServersOpenStack' })
      expect(access.serviceCatalog.service[0].endpoint[0]).toMatchObject({ '@publicURL': `${ORIGIN}/v2/${PLACEHOLDER.tenant}`, '@region': 'DFW', '@versionId': '2' })
    }
  })

  test('answers an XML body without Accept in JSON, as 001 §1.4 picks the format (suffix, Accept, else JSON)', () => {
    const xmlBody = '<auth xmlns="http://docs.openstack.org/identity/api/v2.0"><passwordCredentials username="someone" password="x"/></auth>'
    const answer = serve().auth(xmlBody, { 'content-type': 'application/xml' })
    expect(response(answer).headers['content-type']).toBe('application/json')
    expect(json(answer).access.token.id).toBe(PLACEHOLDER.token)
  })

  test('answers token requests under an identity mount and with a format suffix', () => {
    const { auth } = serve()
    expect(json(auth(password, {}, '/identity/v2.0/tokens')).access.token.id).toBe(PLACEHOLDER.token)
    expect(response(auth(password, {}, '/v2.0/tokens.xml')).text).toContain('<token id="REDACTED-token-1"')
  })

  test('the expiry follows the injected clock: 24 h after its now, at every request', () => {
    const clock = createFakeClock(NOW)
    const { auth } = serve(computeOnly, { clock })
    expect(json(auth(password)).access.token.expires).toBe(TOMORROW)
    clock.advance(60 * 60 * 1000)
    expect(json(auth(password)).access.token.expires).toBe('2030-01-02T01:00:00.000Z')
  })

  test('names the configured region, and refuses a region that is not a name', () => {
    const { auth } = serve(computeOnly, { syntheticIdentity: { region: 'ORD' } })
    const { access } = json(auth(password))
    expect(access.serviceCatalog[0].endpoints[0].region).toBe('ORD')
    expect(access.user['RAX-AUTH:defaultRegion']).toBe('ORD')
    let error: unknown
    try {
      serve(computeOnly, { syntheticIdentity: { region: 'two words' } })
    } catch (caught) {
      error = caught
    }
    expect(isCloudtapeError(error, 'ERR_CLOUDTAPE_INVALID_OPTION')).toBe(true)
    expect((error as Error).message).toContain('Invalid region "two words"')
  })

  test('a Nova cassette without a project in its paths gets a /v2.1 endpoint, the project its bodies name, and RegionOne', () => {
    const project = 'ca55e77e000000000000000000000001'
    const nova = buildCassette(
      'nova/compute-only',
      [{ method: 'GET', path: '/v2.1/servers/detail', status: 200, response: { servers: [{ id: PLACEHOLDER.server(1), tenant_id: project }] } }],
      'nova',
    )
    const { auth } = serve(nova)
    const { access } = json(auth(password))
    expect(access.token.tenant.id).toBe(project)
    expect(access.user['RAX-AUTH:defaultRegion']).toBeUndefined()
    expect(access.serviceCatalog[0].endpoints[0]).toEqual({
      publicURL: `${ORIGIN}/v2.1`,
      region: 'RegionOne',
      tenantId: project,
      versionId: '2.1',
      versionInfo: `${ORIGIN}/v2.1`,
      versionList: `${ORIGIN}/`,
    })
  })

  test('keeps a mount prefix and the project segment of the recorded paths', () => {
    const project = 'ca55e77e000000000000000000000001'
    const nova = buildCassette('nova/mounted', [{ method: 'GET', path: `/compute/v2.1/${project}/flavors`, status: 200, response: { flavors: [] } }], 'nova')
    const endpoint = json(serve(nova).auth(password)).access.serviceCatalog[0].endpoints[0]
    expect(endpoint).toMatchObject({ publicURL: `${ORIGIN}/compute/v2.1/${project}`, versionInfo: `${ORIGIN}/compute/v2.1`, tenantId: project })
  })

  test('an hp cassette gets region-a.geo-1, HP\'s service name and no RAX-AUTH extension; a cassette without compute requests points at /v2/999001', () => {
    const hp = buildCassette('hp/compute-only', [serverGet(1, 'ACTIVE')], 'hp')
    const xml = response(serve(hp).auth(password, { accept: 'application/xml' })).text
    expect(xml).not.toContain('RAX-AUTH')
    const service = parseXml(xml).access.serviceCatalog.service[0]
    expect(service['@name']).toBe('Compute')
    expect(service.endpoint[0]['@region']).toBe('region-a.geo-1')
    expect(json(serve(hp).auth(password)).access.serviceCatalog[0]).toMatchObject({ type: 'compute', name: 'Compute' })
    const versionsOnly = buildCassette('versions-only', [{ method: 'GET', path: '/v2', status: 200, response: { version: { id: 'v2.0' } } }])
    expect(json(serve(versionsOnly).auth(password)).access.serviceCatalog[0].endpoints[0]).toMatchObject({ publicURL: `${ORIGIN}/v2/999001`, tenantId: '999001' })
  })

  test('turned off, a token request the cassette cannot answer is a miss', () => {
    const { session, auth } = serve(computeOnly, { syntheticIdentity: false })
    expect(session.syntheticIdentity).toBeNull()
    const answer = auth(password)
    expect(answer.kind).toBe('miss')
    expect(response(answer).status).toBe(501)
  })

  test('a cassette that holds a token exchange keeps answering from it', () => {
    const withIdentity = buildCassette('with-identity', [tokenSpec(), serverGet(1, 'ACTIVE')])
    const { session, auth } = serve(withIdentity, { syntheticIdentity: { region: 'SYD' } })
    expect(session.syntheticIdentity).toBeNull()
    const answer = auth(password, {}, '/v2.0/tokens')
    expect(answer.kind === 'response' && answer.interaction?.id).toBe(1)
    expect(json(answer).access.serviceCatalog[0].endpoints.map((endpoint: { region: string }) => endpoint.region)).toEqual(['DFW', 'ORD'])
  })

  test('credentials are not checked unless strict; strict checks them and the issued token', () => {
    expect(json(serve().auth({ auth: {} })).access.token.id).toBe(PLACEHOLDER.token)
    const { session, auth } = serve(computeOnly, { strict: { username: 'someone', password: 'their-secret' } })
    expect(response(auth({ auth: { passwordCredentials: { username: 'someone', password: 'wrong' } } })).status).toBe(401)
    const { access } = json(auth(password))
    const url = `${access.serviceCatalog[0].endpoints[0].publicURL}/servers`
    expect(response(session.handle({ method: 'GET', url, headers: { 'x-auth-token': 'forged' } })).status).toBe(401)
    expect(response(session.handle({ method: 'GET', url, headers: { 'x-auth-token': access.token.id } })).status).toBe(200)
  })

  test('useCassette (nock) answers on the recorded compute host, whose catalog leads back to it', async () => {
    const tape = await useCassette(computeOnly, { clock: createFakeClock(NOW) })
    onTestFinished(() => tape.close())
    expect(tape.authUrl).toBe(`${PLACEHOLDER.dfw}/v2.0`)
    const login = await fetch(`${tape.authUrl}/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(password) })
    const { access } = (await login.json()) as any
    expect(access.token.expires).toBe(TOMORROW)
    const compute = access.serviceCatalog[0].endpoints[0].publicURL as string
    expect(compute).toBe(`${PLACEHOLDER.dfw}/v2/${PLACEHOLDER.tenant}`)
    const listed = await fetch(`${compute}/servers`, { headers: { 'x-auth-token': access.token.id } })
    expect(((await listed.json()) as any).servers[0].name).toBe('web1')
  })
})
