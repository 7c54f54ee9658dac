import { gzipSync } from 'node:zlib'
import { describe, expect, test } from 'vitest'
import { serializeCassette } from '../../cassettes/cassette-format.js'
import { createFakeClock } from '../../cassettes/clock.js'
import { isPlaceholder } from '../../cassettes/placeholders.js'
import { createCassetteRecorder, type CassetteRecorderOptions, type RawExchange } from '../../cassettes/recorder.js'
import type { Interaction, JsonValue } from '../../cassettes/schema.js'
import { exchange } from '../helpers/exchange.js'
import * as seeds from './fixtures/seed-examples.js'

const IDENTITY = 'https://identity.api.rackspacecloud.com/v2.0/tokens'
const DFW = 'https://dfw.servers.api.rackspacecloud.com/v2'

function recorder(options: Partial<CassetteRecorderOptions> = {}) {
  return createCassetteRecorder({ name: 'test', clock: createFakeClock('2012-09-14T20:00:00Z'), ...options })
}

function record(exchanges: readonly RawExchange[], options: Partial<CassetteRecorderOptions> = {}) {
  const r = recorder(options)
  const interactions = exchanges.map((item) => r.record(item))
  return { recorder: r, interactions, text: serializeCassette(r.cassette()) }
}

function json(interaction: Interaction | undefined, side: 'request' | 'response'): JsonValue {
  const body = side === 'request' ? interaction?.request.body : interaction?.response?.body
  if (body?.kind !== 'json') throw new Error(`expected a JSON ${side} body, got ${body?.kind}`)
  return body.json
}

function text(interaction: Interaction | undefined, side: 'request' | 'response'): string {
  const body = side === 'request' ? interaction?.request.body : interaction?.response?.body
  if (body?.kind !== 'xml' && body?.kind !== 'text') throw new Error(`expected a text ${side} body, got ${body?.kind}`)
  return body.text
}

const authenticate = exchange({ method: 'POST', url: IDENTITY, requestBody: seeds.PASSWORD_AUTH_REQUEST_1_2, requestHeaders: { 'content-type': 'application/json' }, responseBody: seeds.IDENTITY_RESPONSE_1_5 })

describe('recorder: the identity exchange (001 §1.3, Example 1.5)', () => {
  test('records the token id, password and username as placeholders', () => {
    const { interactions, text: written } = record([authenticate])
    const access = (json(interactions[0], 'response') as { access: Record<string, Record<string, unknown>> }).access
    expect(access['token']?.['id']).toBe('REDACTED-token-1')
    expect(json(interactions[0], 'request')).toEqual({ auth: { passwordCredentials: { username: 'username-1', password: 'REDACTED-password-1' } } })
    for (const secret of ['858fb4c2-bf15-4dac-917d-8ec750ae9baa', 'MyRackspacePwd', 'MyRackspaceAcct']) expect(written).not.toContain(secret)
  })

  test('maps the tenant the same in the catalog, its URLs and the token, keeping the MossoCloudFS_ prefix', () => {
    const { interactions, text: written } = record([authenticate])
    const access = (json(interactions[0], 'response') as { access: { serviceCatalog: Array<{ endpoints: Array<Record<string, string>> }>; token: { tenant: { id: string } } } }).access
    const [files, , servers] = access.serviceCatalog
    expect(files?.endpoints[0]?.['tenantId']).toBe('MossoCloudFS_ca55e77e-0000-4000-8000-000000000001')
    expect(files?.endpoints[0]?.['publicURL']).toMatch(/^https:\/\/host-\d+\.example\.com\/v1\/MossoCloudFS_ca55e77e-0000-4000-8000-000000000001$/)
    const tenant = access.token.tenant.id
    expect(tenant).toMatch(/^9+\d{3}$/)
    expect(tenant).toHaveLength('010101'.length)
    expect(servers?.endpoints[0]?.['tenantId']).toBe(tenant)
    expect(servers?.endpoints[0]?.['publicURL']).toMatch(new RegExp(`^https://host-\\d+\\.example\\.com/v2/${tenant}$`))
    for (const real of ['010101', '530f8649', 'rackspacecloud.com', 'clouddrive.com', '170454']) expect(written).not.toContain(real)
  })

  test('moves the token expiry far into the future in the same format', () => {
    const { interactions } = record([authenticate])
    const token = (json(interactions[0], 'response') as { access: { token: { expires: string } } }).access.token
    expect(token.expires).toBe('2099-01-01T00:00:00.000-05:00')
  })

  test('gives the token the same placeholder when it comes back in X-Auth-Token', () => {
    const list = exchange({ url: `${DFW}/010101/servers`, requestHeaders: { 'x-auth-token': '858fb4c2-bf15-4dac-917d-8ec750ae9baa' }, responseBody: { servers: [] } })
    const { interactions } = record([authenticate, list])
    expect(interactions[1]?.request.headers['x-auth-token']).toBe('REDACTED-token-1')
    const tenant = (json(interactions[0], 'response') as { access: { token: { tenant: { id: string } } } }).access.token.tenant.id
    expect(interactions[1]?.request.path).toBe(`/v2/${tenant}/servers`)
    expect(interactions[1]?.params).toEqual({ tenant_id: tenant })
  })

  test('redacts API keys in the RAX-KSKEY form and in the seed\'s broken text form', () => {
    const repaired = exchange({ method: 'POST', url: IDENTITY, requestBody: JSON.parse(seeds.APIKEY_AUTH_REQUEST_REPAIRED), responseBody: seeds.IDENTITY_RESPONSE_1_5 })
    const broken = exchange({ method: 'POST', url: IDENTITY, requestBody: seeds.APIKEY_AUTH_REQUEST_1_3, requestHeaders: { 'content-type': 'application/json' }, status: 400, responseBody: { badRequest: { code: 400, message: 'Malformed request body' } } })
    const { interactions, text: written } = record([repaired, broken])
    expect(json(interactions[0], 'request')).toEqual({ auth: { 'RAX-KSKEY:apiKeyCredentials': { username: 'username-1', apiKey: 'REDACTED-apiKey-1' } } })
    expect(interactions[1]?.request.body?.kind).toBe('text')
    expect(text(interactions[1], 'request')).toContain('"apiKey": "REDACTED-apiKey-1"')
    expect(written).not.toContain('00000000000000000000')
  })
})

describe('recorder: adminPass, personality and private keys (001 §2, 003 §4.4.9)', () => {
  test('redacts adminPass and personality contents in a JSON create request, keeping documented constants', () => {
    const request = { server: { ...seeds.CREATE_SERVER_REQUEST_2_9.server, networks: [{ uuid: '00000000-0000-0000-0000-000000000000' }, { uuid: '11111111-1111-1111-1111-111111111111' }] } }
    const create = exchange({ method: 'POST', url: `${DFW}/010101/servers`, requestBody: request, status: 202, responseBody: seeds.CREATE_SERVER_JSON_RESPONSE_HP })
    const { interactions, text: written } = record([create])
    const server = (json(interactions[0], 'request') as { server: Record<string, unknown> }).server
    expect(server['adminPass']).toBe('REDACTED-adminPass-1')
    expect(server['personality']).toEqual([{ path: '/etc/banner.txt', contents: 'REDACTED-personality-1' }])
    expect(server['flavorRef']).toBe('2')
    expect(server['networks']).toEqual(request.server.networks)
    expect((json(interactions[0], 'response') as { server: { adminPass: string } }).server.adminPass).toBe('REDACTED-adminPass-2')
    for (const secret of ['GFf1j9aP', 'jwB4zK4GjGRg', 'ICAgICAgDQoiQSBjbG91ZCBk']) expect(written).not.toContain(secret)
  })

  test('redacts adminPass in an XML attribute and keeps the rest of the document as written', () => {
    const create = exchange({
      method: 'POST',
      url: `${DFW}/010101/servers`,
      requestHeaders: { accept: 'application/xml' },
      requestBody: seeds.CREATE_SERVER_REQUEST_2_9,
      status: 202,
      responseHeaders: { location: `${DFW}/010101/servers/ed5c7754-29b6-45fa-96cb-ab64958c8c0a` },
      responseBody: seeds.CREATE_SERVER_XML_RESPONSE_2_8,
    })
    const { interactions } = record([create])
    const xml = text(interactions[0], 'response')
    expect(xml).toContain('adminPass="REDACTED-adminPass-2"')
    expect(xml).not.toContain('Dd5pNZtpVVQ3')
    const id = /id="([^"]+)"/.exec(xml)?.[1] as string
    expect(isPlaceholder(id)).toBe(true)
    expect(interactions[0]?.response?.headers['location']).toMatch(new RegExp(`/servers/${id}$`))
    const expected = seeds.CREATE_SERVER_XML_RESPONSE_2_8.replace(/ed5c7754-29b6-45fa-96cb-ab64958c8c0a/g, id)
      .replace('Dd5pNZtpVVQ3', 'REDACTED-adminPass-2')
      .replace(/dfw\.servers\.api\.rackspacecloud\.com/g, 'host-1.example.com')
      .replace(/010101/g, interactions[0]?.params['tenant_id'] ?? '')
    expect(xml).toBe(expected)
  })

  test('redacts adminPass as XML element text (rescue, Example 2.45) and with special characters (Example 2.29)', () => {
    const server = `${DFW}/010101/servers/ed5c7754-29b6-45fa-96cb-ab64958c8c0a/action`
    const rescue = exchange({ method: 'POST', url: server, requestBody: '<rescue xmlns="http://docs.openstack.org/compute/ext/rescue/api/v1.1"/>', responseBody: seeds.RESCUE_XML_RESPONSE_2_45 })
    const change = exchange({ method: 'POST', url: server, requestBody: seeds.CHANGE_PASSWORD_XML_REQUEST_2_29, status: 202 })
    const { interactions, text: written } = record([rescue, change])
    expect(text(interactions[0], 'response')).toBe('<adminPass>REDACTED-adminPass-1</adminPass>')
    expect(text(interactions[1], 'request')).toContain('adminPass="REDACTED-adminPass-2"/>')
    expect(interactions[1]?.operation).toBe('servers.action.changePassword')
    expect(written).not.toContain('eBHcCgGBVj6Z')
    expect(written).not.toContain('ss1293837')
  })

  test('redacts a generated private key', () => {
    const create = exchange({ method: 'POST', url: 'https://az-1.region-a.geo-1.compute.hpcloudsvc.com/v2/10424127775376/os-keypairs', requestBody: { keypair: { name: 'keypair-1' } }, status: 202, responseBody: seeds.KEYPAIR_RESPONSE_HP, responseHeaders: { 'content-type': 'application/json' } })
    const { interactions, text: written } = record([create])
    const keypair = (json(interactions[0], 'response') as { keypair: Record<string, string> }).keypair
    expect(keypair['private_key']).toBe('REDACTED-privateKey-1')
    expect(keypair['user_id']).toMatch(/^9+\d{3}$/)
    expect(written).not.toContain('PRIVATE KEY')
    expect(written).not.toContain('13311562627589')
  })
})

describe('recorder: identifiers across JSON, XML, URLs and headers', () => {
  const serverUrl = `${DFW}/123456/servers/32406068-8539-40ab-bdd3-8140d30823ad`
  const rebuildJson = exchange({ method: 'POST', url: `${serverUrl}/action`, requestBody: { rebuild: { imageRef: 'd42f821e-c2d1-4796-9f07-af5ed7912d0e', adminPass: 'dianel23' } }, status: 202, responseBody: seeds.REBUILD_JSON_RESPONSE_2_33 })
  const rebuildXml = exchange({ method: 'POST', url: `${serverUrl}/action`, requestBody: seeds.REBUILD_XML_REQUEST_2_34, status: 202, responseBody: seeds.REBUILD_XML_RESPONSE_2_35 })

  test('maps server, tenant, user, image, hostId and IPs the same in JSON and in XML attributes', () => {
    const { interactions, text: written } = record([rebuildJson, rebuildXml])
    const server = (json(interactions[0], 'response') as { server: Record<string, unknown> }).server
    const xml = text(interactions[1], 'response')
    const attribute = (name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(xml)?.[1]
    expect(attribute('id')).toBe(server['id'])
    expect(attribute('tenantId')).toBe(server['tenant_id'])
    expect(attribute('userId')).toBe(server['user_id'])
    expect(attribute('hostId')).toBe(server['hostId'])
    expect(attribute('accessIPv4')).toBe(server['accessIPv4'])
    expect(attribute('accessIPv6')).toBe(server['accessIPv6'])
    expect(interactions[0]?.params).toEqual({ tenant_id: server['tenant_id'], server_id: server['id'] })
    expect(interactions[1]?.request.path).toBe(`/v2/${String(server['tenant_id'])}/servers/${String(server['id'])}/action`)
    expect(server['accessIPv4']).toMatch(/^192\.0\.2\.\d+$/)
    expect(server['accessIPv6']).toMatch(/^2001:db8::/)
    expect(String(server['hostId'])).toHaveLength(56)
    expect(server['hostId']).toMatch(/^[0-9a-f]+$/)
    for (const real of ['123456', '170454', '32406068', '791b8474', '50.56.175.199', '2001:4800', '10.180.12.68', 'decbla356549']) expect(written).not.toContain(real)
  })

  test('keeps flavor ids, the public and private labels, and never maps a value to a well-known one', () => {
    const { interactions, text: written } = record([rebuildJson, rebuildXml])
    const server = (json(interactions[0], 'response') as { server: { flavor: { id: string }; addresses: Record<string, unknown> } }).server
    expect(server.flavor.id).toBe('6')
    expect(Object.keys(server.addresses)).toEqual(['private', 'public'])
    expect(text(interactions[1], 'response')).toContain('<network id="public">')
    expect(written).not.toContain('00000000-0000-0000-0000-000000000000')
  })

  test('two recordings of the same scenario with different real ids are byte-identical', () => {
    const swap = (value: string) =>
      value
        .replace(/32406068-8539-40ab-bdd3-8140d30823ad/g, '5b0c6f1a-0e4b-4f3c-9d2e-7a8b9c0d1e2f')
        .replace(/123456/g, '654321')
        .replace(/170454/g, '998877')
        .replace(/d42f821e-c2d1-4796-9f07-af5ed7912d0e/g, 'aaaabbbb-cccc-4ddd-8eee-ffff00001111')
        .replace(/d6dd6c70-a122-4391-91a8-decbla356549/g, 'f00dfeed-1234-4321-abcd-0123456789ab')
        .replace(/791b847459d001f02f65f23ea82ae32c4b320ad34a3f892b7593c01f/g, 'ab'.repeat(28))
        .replace(/50\.56\.175\.199/g, '166.78.1.2')
        .replace(/2001:4800:780e:0510:d87b:9cbc:ff04:35f7/g, '2001:4801:7817:72:d4b6:ab9c:ff10:1234')
        .replace(/10\.180\.12\.68/g, '10.176.3.4')
        .replace(/dianel23/g, 'other-pass').replace(/diane123/g, 'another').replace(/vSunWX8WkPB5/g, 'zzzzzzzzzzzz')
        .replace(/2012-07-2\dT\d\d:\d\d:\d\dZ/g, '2024-02-02T02:02:02Z')
        .replace(/dfw\.servers\.api\.rackspacecloud\.com/g, 'iad.servers.api.rackspacecloud.com')
    const again = (item: RawExchange): RawExchange => ({
      ...item,
      request: { ...item.request, url: swap(item.request.url), body: Buffer.from(swap(item.request.body.toString('utf8'))) },
      response: item.response && { ...item.response, body: Buffer.from(swap(item.response.body.toString('utf8'))) },
    })
    const first = record([authenticate, rebuildJson, rebuildXml]).text
    const second = record([authenticate, rebuildJson, rebuildXml].map(again)).text
    expect(second).toBe(first)
  })
})

describe('recorder: secrets that come back elsewhere', () => {
  test('replaces a known secret in a URL, a query, a URL-encoded form, a text body and a kept header', () => {
    const token = 'f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b'
    const password = 'pa ss/w&rd+1!'
    const auth = exchange({ method: 'POST', url: IDENTITY, requestBody: { auth: { passwordCredentials: { username: 'u', password } } }, responseBody: { access: { token: { id: token } } } })
    const echo = exchange({
      method: 'POST',
      url: `${DFW}/010101/echo/${token}?token=${token}&note=${encodeURIComponent(password)}`,
      requestHeaders: { 'content-type': 'application/x-www-form-urlencoded', 'x-debug': `token=${token}` },
      requestBody: new URLSearchParams({ password, other: `was ${password}` }).toString(),
      responseHeaders: { 'content-type': 'text/plain' },
      responseBody: `your token is ${token} and your password is ${password}`,
    })
    const { text: written } = record([auth, echo], { rules: { keepHeaders: ['x-debug'] } })
    expect(written).not.toContain(token)
    expect(written).not.toContain('pa ss')
    expect(written).not.toContain(encodeURIComponent(password))
    expect(written).not.toContain(new URLSearchParams({ p: password }).toString().slice(2))
    expect(written).toContain('"x-debug": "token=REDACTED-token-1"')
  })

  test('scrubs a JSON body that does not parse of the secrets it knows', () => {
    const auth = exchange({ method: 'POST', url: IDENTITY, requestBody: { auth: { passwordCredentials: { username: 'u', password: 'S3cretPassw0rd' } } }, responseBody: { access: { token: { id: 'tok-abcdef-123456' } } } })
    const broken = exchange({ method: 'POST', url: `${DFW}/010101/servers`, requestHeaders: { 'content-type': 'application/json', 'x-auth-token': 'tok-abcdef-123456' }, requestBody: '{"server": {"adminPass": "Another0ne!", "note": "S3cretPassw0rd"', status: 400, responseBody: { badRequest: { code: 400, message: 'Malformed request body' } } })
    const { interactions, text: written } = record([auth, broken])
    expect(interactions[1]?.request.body?.kind).toBe('text')
    for (const secret of ['S3cretPassw0rd', 'tok-abcdef-123456', 'Another0ne!']) expect(written).not.toContain(secret)
  })

  test('decodes a gzip response before scrubbing it', () => {
    const gz = exchange({ url: `${DFW}/010101/servers/detail`, responseHeaders: { 'content-encoding': 'gzip', 'content-type': 'application/json' }, responseBody: gzipSync(Buffer.from(JSON.stringify(seeds.REBUILD_JSON_RESPONSE_2_33))) })
    const { interactions, text: written } = record([gz])
    expect(interactions[0]?.response?.body?.kind).toBe('json')
    expect(interactions[0]?.response?.headers['content-encoding']).toBeUndefined()
    expect(written).not.toContain('dianel23')
  })

  test('scrubs known secrets out of binary bodies', () => {
    const auth = exchange({ method: 'POST', url: IDENTITY, requestBody: { auth: { passwordCredentials: { username: 'u', password: 'BinarySecret99' } } }, responseBody: { access: { token: { id: 't' } } } })
    const binary = exchange({ url: `${DFW}/010101/blob`, responseHeaders: { 'content-type': 'application/octet-stream' }, responseBody: Buffer.concat([Buffer.from([0, 255]), Buffer.from('BinarySecret99'), Buffer.from([254])]) })
    const { interactions } = record([auth, binary])
    const body = interactions[1]?.response?.body
    expect(body?.kind).toBe('base64')
    expect(Buffer.from(body?.kind === 'base64' ? body.base64 : '', 'base64').toString('latin1')).toContain('REDACTED-password-1')
  })
})

describe('recorder: Nova (noauth2 tokens, /v2.1, microversion headers)', () => {
  const project = '6f70656e737461636b20342065766572'
  const novaToken = `admin:${project}`
  test('redacts the user:project token and maps the project as the tenant everywhere', () => {
    const boot = exchange({
      method: 'POST',
      url: `http://127.0.0.1:8774/v2/${project}/servers`,
      requestHeaders: { 'x-auth-token': novaToken },
      requestBody: { server: { name: 'vm', imageRef: '155d900f-4e14-4e4c-a73d-069cbf4541e6', flavorRef: '1' } },
      status: 202,
      responseHeaders: { location: `http://127.0.0.1:8774/v2/${project}/servers/7de1eb6e-b176-4033-89fe-63df4e60cdc7`, 'x-openstack-request-id': 'req-b0412f0f-303e-4c6e-b668-f77235e42d77' },
      responseBody: { server: { id: '7de1eb6e-b176-4033-89fe-63df4e60cdc7', adminPass: 'Nova4dminPass', tenant_id: project } },
    })
    const get = exchange({ url: 'http://127.0.0.1:8774/v2.1/servers/7de1eb6e-b176-4033-89fe-63df4e60cdc7', requestHeaders: { 'x-auth-token': novaToken }, responseHeaders: { 'x-openstack-nova-api-version': '2.1', 'openstack-api-version': 'compute 2.1' }, responseBody: { server: { id: '7de1eb6e-b176-4033-89fe-63df4e60cdc7', tenant_id: project, status: 'ACTIVE' } } })
    const { interactions, recorder: r, text: written } = record([boot, get])
    expect(interactions[0]?.request.headers['x-auth-token']).toBe('REDACTED-token-1')
    const tenant = interactions[0]?.params['tenant_id'] as string
    expect(tenant).toMatch(/^ca55e77e\d{24}$/)
    expect((json(interactions[1], 'response') as { server: { tenant_id: string } }).server.tenant_id).toBe(tenant)
    expect(interactions[0]?.response?.headers['x-openstack-request-id']).toBe('req-ca55e77e-0000-4000-8000-000000000000')
    expect(interactions[1]?.operation).toBe('servers.get')
    expect(r.cassette().dialect).toBe('nova')
    expect(r.cassette().interactions.every((interaction) => interaction.dialect === 'nova')).toBe(true)
    for (const real of [project, '7de1eb6e', '127.0.0.1', '8774', 'Nova4dminPass']) expect(written).not.toContain(real)
  })

  test('keeps a server name a client looked up by name in the path, as Nova keeps it in the 404 message', () => {
    const lookup = exchange({
      url: 'http://127.0.0.1:8774/v2.1/servers/osc-vm',
      requestHeaders: { 'x-auth-token': novaToken },
      status: 404,
      responseBody: { itemNotFound: { code: 404, message: 'Instance osc-vm could not be found.' } },
    })
    const byId = exchange({ url: 'http://127.0.0.1:8774/v2.1/servers/7de1eb6e-b176-4033-89fe-63df4e60cdc7', requestHeaders: { 'x-auth-token': novaToken }, responseBody: { server: { id: '7de1eb6e-b176-4033-89fe-63df4e60cdc7', name: 'osc-vm' } } })
    const { interactions } = record([lookup, byId])
    expect(interactions[0]?.request.path).toBe('/v2.1/servers/osc-vm')
    expect(interactions[0]?.params).toEqual({ server_id: 'osc-vm' })
    expect((json(interactions[0], 'response') as { itemNotFound: { message: string } }).itemNotFound.message).toBe('Instance osc-vm could not be found.')
    expect(interactions[1]?.params['server_id']).toMatch(/^ca55e77e-0000-4000-8000-\d{12}$/)
    expect((json(interactions[1], 'response') as { server: { name: string } }).server.name).toBe('osc-vm')
  })

  test('still maps an id in the path that happens to have no digit (an all-letter hex project)', () => {
    const quota = exchange({
      method: 'PUT',
      url: 'http://127.0.0.1:8774/v2.1/os-quota-sets/feedfacefeedfacefeedfacefeedface',
      requestHeaders: { 'x-auth-token': novaToken },
      requestBody: { quota_set: { instances: 1 } },
      responseBody: { quota_set: { instances: 1 } },
    })
    const { interactions, text: written } = record([quota])
    expect(interactions[0]?.request.path).toMatch(/^\/v2\.1\/os-quota-sets\/ca55e77e\d{24}$/)
    expect(written).not.toContain('feedface')
  })
})

describe('recorder: volatile values and rules', () => {
  const get = exchange({
    url: `${DFW}/010101/limits`,
    responseHeaders: { date: 'Mon, 23 Jul 2012 20:24:48 GMT', 'x-compute-request-id': 'req-ab05045a-452f-4b46-be0d-86494da02a2b', 'x-trans-id': 'tx123', server: 'Jetty' },
    responseBody: { limits: { rate: [{ limit: [{ 'next-available': '2012-11-13T15:38:54.000Z', value: 10 }] }], absolute: {} } },
  })

  test('drops Date, normalizes request ids and next-available, and drops headers that do not matter', () => {
    const { interactions } = record([get])
    expect(interactions[0]?.response?.headers).toEqual({ 'content-type': 'application/json', 'x-compute-request-id': 'req-ca55e77e-0000-4000-8000-000000000000' })
    expect(JSON.stringify(json(interactions[0], 'response'))).toContain('"next-available":"2000-01-01T00:00:00.000Z"')
  })

  test('keeps a built-in volatile value when its rule is disabled', () => {
    const { interactions } = record([get], { rules: { disable: ['date-header', 'next-available'] } })
    expect(interactions[0]?.response?.headers['date']).toBe('Mon, 23 Jul 2012 20:24:48 GMT')
    expect(JSON.stringify(json(interactions[0], 'response'))).toContain('2012-11-13T15:38:54.000Z')
  })

  test('applies user rules by header, JSON path, XML path and pattern', () => {
    const xml = exchange({ url: `${DFW}/010101/thing.xml`, responseBody: '<thing xmlns="urn:x" stamp="12345"><build>build-77</build></thing>' })
    const { interactions } = record([get, xml], {
      rules: {
        keepHeaders: ['x-trans-id'],
        volatile: [
          { name: 'trans-id', headers: ['x-trans-id'], replace: 'tx-fixed' },
          { name: 'limit-value', jsonPaths: ['$.limits.rate[*].limit[*].value'], replace: '0' },
          { name: 'stamp', xmlPaths: ['/thing/@stamp'], replace: '1' },
          { name: 'build', patterns: [/build-(\d+)/], replace: 'build-N' },
        ],
      },
    })
    expect(interactions[0]?.response?.headers['x-trans-id']).toBe('tx-fixed')
    expect(text(interactions[1], 'response')).toBe('<thing xmlns="urn:x" stamp="1"><build>build-N</build></thing>')
  })

  test('keeps and normalizes a request header that a user rule names', () => {
    const sent = exchange({ url: `${DFW}/010101/servers`, requestHeaders: { 'x-client-time': '2024-05-05T10:00:00Z' }, responseBody: { servers: [] } })
    const { interactions } = record([sent], { rules: { volatile: [{ name: 'client-time', headers: ['X-Client-Time'] }] } })
    expect(interactions[0]?.request.headers['x-client-time']).toBe('2000-01-01T00:00:00Z')
  })

  test('fails with ERR_CLOUDTAPE_INVALID_OPTION on an unknown built-in, a bad path or a bad pattern', () => {
    expect(() => recorder({ rules: { disable: ['dates'] } })).toThrowError(/Built-in rules: date-header, request-id-headers/)
    expect(() => recorder({ rules: { volatile: [{ name: 'x', jsonPaths: ['access.token'] }] } })).toThrowError(expect.objectContaining({ code: 'ERR_CLOUDTAPE_INVALID_OPTION' }))
    expect(() => recorder({ rules: { volatile: [{ name: 'x', patterns: ['('] }] } })).toThrowError(expect.objectContaining({ code: 'ERR_CLOUDTAPE_INVALID_OPTION' }))
    expect(() => recorder({ dialect: 'openstack' as never })).toThrowError(/Expected one of: rackspace, hp, nova/)
    expect(() => recorder({ maxBodyBytes: 0 })).toThrowError(expect.objectContaining({ code: 'ERR_CLOUDTAPE_INVALID_OPTION' }))
  })
})

describe('recorder: interactions', () => {
  test('counts occurrences per operation and parameters, in order', () => {
    const poll = (status: string) => exchange({ url: `${DFW}/010101/servers/ed5c7754-29b6-45fa-96cb-ab64958c8c0a`, responseBody: { server: { id: 'ed5c7754-29b6-45fa-96cb-ab64958c8c0a', status } } })
    const other = exchange({ url: `${DFW}/010101/servers/ff671041-b677-4da4-b901-535e689a796d`, responseBody: { server: { status: 'ACTIVE' } } })
    const { interactions } = record([poll('BUILD'), other, poll('BUILD'), poll('ACTIVE')])
    expect(interactions.map((interaction) => [interaction.id, interaction.occurrence])).toEqual([[1, 0], [2, 0], [3, 1], [4, 2]])
  })

  test('detects the hp dialect from the v2 fault namespace and keeps a given dialect', () => {
    const fault = exchange({ url: 'https://az-1.region-a.geo-1.example.net/v2/1/servers/x', status: 404, responseBody: '<itemNotFound xmlns="http://docs.openstack.org/compute/api/v2" code="404"><message>x</message></itemNotFound>' })
    expect(record([fault]).recorder.dialect).toBe('hp')
    expect(record([fault], { dialect: 'rackspace' }).recorder.cassette().dialect).toBe('rackspace')
    expect(record([authenticate]).recorder.dialect).toBe('rackspace')
  })

  test('counts a body clue once per exchange, however many of its bodies hold it, and again for each repeat', () => {
    const NEUTRAL = 'https://az-1.region-a.geo-1.example.net/v2/1'
    // rackspace 2 per exchange when counted once (4 in all), 4 when counted per body (8 in all).
    const extension = exchange({ method: 'POST', url: `${NEUTRAL}/servers`, requestBody: { server: { 'RAX-DCF:diskConfig': 'AUTO' } }, responseBody: { server: { 'RAX-DCF:diskConfig': 'AUTO' } } })
    // hp 3 + 3 = 6.
    const hpAuth = exchange({ method: 'POST', url: `${NEUTRAL}/os-keys`, requestBody: { apiAccessKeyCredentials: {} }, status: 404, responseBody: '<itemNotFound xmlns="http://docs.openstack.org/compute/api/v2" code="404"/>' })
    expect(record([extension, extension, hpAuth]).recorder.dialect).toBe('hp')
    expect(record([extension, extension, extension, extension, hpAuth]).recorder.dialect).toBe('rackspace')
  })

  test('records a transport fault without a response, its message scrubbed', () => {
    const r = recorder()
    const interaction = r.record({ request: { method: 'GET', url: `${DFW}/010101/servers`, headers: {}, body: Buffer.alloc(0) }, response: null, transportFault: { kind: 'reset', message: 'socket hang up from 166.78.1.2' } })
    expect(interaction.response).toBeNull()
    expect(interaction.transportFault).toEqual({ kind: 'reset', message: 'socket hang up from 192.0.2.1' })
  })

  test('summarizes what was replaced and mapped', () => {
    const list = exchange({ url: `${DFW}/010101/servers`, requestHeaders: { 'x-auth-token': '858fb4c2-bf15-4dac-917d-8ec750ae9baa' }, responseBody: { servers: [] } })
    const summary = record([authenticate, list]).recorder.summary()
    expect(summary.secrets).toEqual({ password: 1, token: 1 })
    expect(summary.secretReplacements).toBeGreaterThanOrEqual(3)
    expect(summary.ids).toMatchObject({ tenant: 2, user: 1, username: 1 })
    expect(summary.interactions).toBe(2)
  })

  test('extending a cassette continues its ids, occurrences and placeholder numbers, and takes over its names of live values', () => {
    const server = (id: string) => exchange({ url: `${DFW}/010101/servers/${id}`, responseBody: { server: { id, adminPass: `pass-${id}` } } })
    const first = recorder()
    first.record(server('ed5c7754-29b6-45fa-96cb-ab64958c8c0a'))
    const existing = first.cassette()
    const next = recorder({ extending: existing })
    next.alias(existing.interactions[0] as Interaction, { origin: 'https://ord.servers.api.rackspacecloud.com', params: { tenant_id: '020202', server_id: 'ed5c7754-29b6-45fa-96cb-ab64958c8c0a' } })
    const again = next.record(exchange({ url: `https://ord.servers.api.rackspacecloud.com/v2/020202/servers/ed5c7754-29b6-45fa-96cb-ab64958c8c0a`, responseBody: { server: { id: 'ed5c7754-29b6-45fa-96cb-ab64958c8c0a' } } }))
    const fresh = next.record(server('ff671041-b677-4da4-b901-535e689a796d'))
    const old = existing.interactions[0] as Interaction
    expect([again.id, again.occurrence, fresh.id]).toEqual([2, 1, 3])
    expect(again.request.origin).toBe(old.request.origin)
    expect(again.request.path).toBe(old.request.path)
    const oldText = JSON.stringify(old)
    expect(oldText).not.toContain((json(fresh, 'response') as { server: { id: string } }).server.id)
    expect(oldText).not.toContain(`"${(json(fresh, 'response') as { server: { adminPass: string } }).server.adminPass}"`)
    expect(next.cassette().interactions.map((interaction) => interaction.id)).toEqual([1, 2, 3])
    expect(next.summary().interactions).toBe(2)
  })

  test('keeps a "__proto__" key of a JSON body as a plain key', () => {
    const { interactions } = record([exchange({ url: `${DFW}/010101/servers/x/metadata`, responseHeaders: { 'content-type': 'application/json' }, responseBody: '{"metadata":{"__proto__":{"polluted":"yes"},"a":"b"}}' })])
    const metadata = (json(interactions[0], 'response') as { metadata: Record<string, unknown> }).metadata
    expect(Object.keys(metadata)).toEqual(['__proto__', 'a'])
    expect(Object.getPrototypeOf(metadata)).toBe(Object.prototype)
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
  })
})
