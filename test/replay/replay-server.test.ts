import { request } from 'node:http'
import { connect } from 'node:net'
import { once } from 'node:events'
import { afterEach, describe, expect, test } from 'vitest'
import { createReplayServer, type ReplayServer, type ReplayServerOptions } from '../../replay/server/replay-server.js'
import { buildCassette, PLACEHOLDER, serverGet, tokenSpec } from '../helpers/cassette-builder.js'

const BOOT = 'test/fixtures/cassettes/boot-reboot-delete.json'
const DFW = `/_upstream/https/host-2.example.com/v2/${PLACEHOLDER.tenant}`
const S1 = PLACEHOLDER.server(1)

let servers: ReplayServer[] = []
afterEach(async () => {
  for (const server of servers) await server.close()
  servers = []
})
async function start(options: Partial<ReplayServerOptions> = {}): Promise<ReplayServer> {
  const server = await createReplayServer({ cassette: BOOT, warn: () => {}, ...options })
  servers.push(server)
  return server
}
const status = async (server: ReplayServer, path: string): Promise<string> => ((await (await fetch(server.url + path)).json()) as { server: { status: string } }).server.status

describe('createReplayServer', () => {
  test('binds 127.0.0.1 on a free port by default', async () => {
    expect((await start()).url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
  })

  test('keeps order state per server on one cassette', async () => {
    const a = await start()
    const b = await start()
    expect([await status(a, `${DFW}/servers/${S1}`), await status(a, `${DFW}/servers/${S1}`)]).toEqual(['BUILD', 'BUILD'])
    expect(await status(b, `${DFW}/servers/${S1}`)).toBe('BUILD')
    expect(await status(a, `${DFW}/servers/${S1}`)).toBe('ACTIVE')
  })

  test('rewrites Location and links of recorded responses to the replay origin', async () => {
    const server = await start()
    const res = await fetch(`${server.url}${DFW}/servers`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ server: { name: 'web1', imageRef: 'i', flavorRef: '2' } }) })
    expect(res.headers.get('location')).toBe(`${server.url}${DFW}/servers/${S1}`)
    expect(((await res.json()) as { server: { links: Array<{ href: string }> } }).server.links[0]?.href).toBe(`${server.url}${DFW}/servers/${S1}`)
  })

  test('rewrites a Location on an origin nothing was requested from (Nova createImage → Glance)', async () => {
    const glance = 'http://host-9.example.com'
    const cassette = buildCassette('create-image', [
      { method: 'POST', path: `/v2/{t}/servers/${S1}/action`, body: { createImage: { name: 'snap' } }, status: 202, responseHeaders: { location: `${glance}/images/${PLACEHOLDER.server(2)}` } },
    ])
    const server = await start({ cassette })
    const res = await fetch(`${server.url}${DFW}/servers/${S1}/action`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ createImage: { name: 'snap' } }) })
    expect(res.status).toBe(202)
    expect(res.headers.get('location')).toBe(`${server.url}/_upstream/http/host-9.example.com/images/${PLACEHOLDER.server(2)}`)
  })

  test('answers HEAD with the recorded status and headers but no body', async () => {
    const server = await start({ cassette: buildCassette('head', [{ method: 'HEAD', path: '/v2/{t}/flavors', status: 217, response: { flavors: [] } }]) })
    const res = await fetch(`${server.url}/v2/1/flavors`, { method: 'HEAD' })
    expect(res.status).toBe(217)
    expect(res.headers.get('content-length')).toBe('14')
  })

  test('answers a body over maxBodyBytes with the badRequest fault', async () => {
    const server = await start({ maxBodyBytes: 64 })
    const res = await fetch(`${server.url}${DFW}/servers`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pad: 'x'.repeat(200) }) })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { badRequest: { message: string } }).badRequest.message).toBe('The request body is larger than 64 bytes.')
  })

  test('a client that goes away halfway through its body leaves the server serving, and nothing logged for it', async () => {
    const server = await start()
    const socket = connect(Number(new URL(server.url).port), '127.0.0.1')
    await once(socket, 'connect')
    socket.write(`POST ${DFW}/servers HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"server": {"na`)
    socket.resetAndDestroy()
    await once(socket, 'close')
    expect(await status(server, `${DFW}/servers/${S1}`)).toBe('BUILD')
    const log = (await (await fetch(`${server.url}/_cloudtape/requests`)).json()) as { requests: Array<{ method: string }> }
    expect(log.requests.map((entry) => entry.method)).toEqual(['GET'])
  })

  test('holds a recorded timeout without answering until close() drops the connection', async () => {
    const cassette = buildCassette('timeout', [{ method: 'GET', path: '/v2/{t}/flavors', status: 0, transportFault: { kind: 'timeout', message: 'no answer' } }])
    const server = await createReplayServer({ cassette })
    const failed = new Promise<Error>((resolve) => request(`${server.url}/v2/1/flavors`, () => resolve(new Error('answered'))).on('error', resolve).end())
    await expect.poll(() => server.session.requestLog().length).toBe(1)
    await server.close()
    expect((await failed).message).toMatch(/socket hang up|ECONNRESET/)
  })

  test('fails with ERR_CLOUDTAPE_ENGINE_CONFLICT when its session is handed to a second engine', async () => {
    const server = await start()
    expect(() => server.session.attach('nock')).toThrow(expect.objectContaining({ code: 'ERR_CLOUDTAPE_ENGINE_CONFLICT' }))
  })
})

describe('control API', () => {
  test('serves the request log, the unused interactions, and resets the session', async () => {
    const server = await start()
    await status(server, `${DFW}/servers/${S1}`)
    const log = (await (await fetch(`${server.url}/_cloudtape/requests`)).json()) as { requests: Array<Record<string, unknown>> }
    expect(log.requests).toEqual([{ seq: 1, method: 'GET', url: `/v2/${PLACEHOLDER.tenant}/servers/${S1}`, operation: 'servers.get', outcome: 'interaction', interaction: 3, status: 200 }])
    const unused = (await (await fetch(`${server.url}/_cloudtape/unused`)).json()) as { unused: Array<{ id: number }> }
    expect(unused.unused.map((row) => row.id)).toEqual([1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12])
    expect((await fetch(`${server.url}/_cloudtape/reset`, { method: 'POST' })).status).toBe(200)
    expect(await status(server, `${DFW}/servers/${S1}`)).toBe('BUILD')
    expect(((await (await fetch(`${server.url}/_cloudtape/requests`)).json()) as { requests: unknown[] }).requests).toHaveLength(1)
  })

  test('answers an unknown control path with 404 and the list of endpoints', async () => {
    const server = await start()
    const res = await fetch(`${server.url}/_cloudtape/nope`)
    expect(res.status).toBe(404)
    expect(((await res.json()) as { endpoints: string[] }).endpoints.length).toBeGreaterThan(0)
  })

  test('is not reachable through a recorded origin prefix, and never appears in the catalog', async () => {
    const server = await start()
    const res = await fetch(`${server.url}/_upstream/https/host-2.example.com/_cloudtape/requests`)
    expect(res.status).toBe(501)
    const token = await fetch(`${server.authUrl}/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
    expect(await token.text()).not.toContain('_cloudtape')
  })
})

describe('regions', () => {
  test('serves each recorded compute origin under its own prefix', async () => {
    const cassette = buildCassette('regions', [tokenSpec(), serverGet(1, 'ACTIVE', 217), { ...serverGet(1, 'ACTIVE', 218), origin: PLACEHOLDER.ord }])
    const server = await start({ cassette })
    expect((await fetch(`${server.url}${DFW}/servers/${S1}`)).status).toBe(217)
    expect((await fetch(`${server.url}/_upstream/https/host-3.example.com/v2/1/servers/${S1}`)).status).toBe(218)
  })
})

describe('control API: fault rules', () => {
  const post = (server: ReplayServer, path: string, body: unknown): Promise<Response> =>
    fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) })

  test('adds, lists, logs and removes rules at run time', async () => {
    const server = await start()
    const added = await post(server, '/_cloudtape/faults', 'serviceUnavailable@servers.listDetail:times=1')
    expect(added.status).toBe(201)
    const [rule] = ((await added.json()) as { rules: Array<{ id: string }> }).rules
    expect((await fetch(`${server.url}${DFW}/servers/detail`)).status).toBe(503)
    expect((await fetch(`${server.url}${DFW}/servers/detail`)).status).toBe(217)
    const listed = (await (await fetch(`${server.url}/_cloudtape/faults`)).json()) as { rules: Array<{ id: string; fired: number }> }
    expect(listed.rules).toMatchObject([{ id: rule?.id, fired: 1 }])
    const log = (await (await fetch(`${server.url}/_cloudtape/log`)).json()) as { log: Array<{ effect: string }> }
    expect(log.log.map((entry) => entry.effect)).toEqual(['answered'])
    expect((await fetch(`${server.url}/_cloudtape/faults/${rule?.id}`, { method: 'DELETE' })).status).toBe(200)
    expect((await fetch(`${server.url}/_cloudtape/faults/${rule?.id}`, { method: 'DELETE' })).status).toBe(404)
  })

  test('answers an invalid rule with 400 and ERR_CLOUDTAPE_FAULT_RULE', async () => {
    const server = await start()
    const res = await post(server, '/_cloudtape/faults', 'noSuchFault@servers.get')
    expect(res.status).toBe(400)
    expect(((await res.json()) as { code: string }).code).toBe('ERR_CLOUDTAPE_FAULT_RULE')
  })

  test('answers a rule added as JSON for a request the cassette never recorded', async () => {
    const server = await start()
    await post(server, '/_cloudtape/faults', { match: { operation: 'images.*' }, fault: { kind: 'fault', name: 'itemNotFound' } })
    const res = await fetch(`${server.url}${DFW}/images/detail`)
    expect(res.status).toBe(404)
    expect(((await res.json()) as { itemNotFound: { code: number } }).itemNotFound.code).toBe(404)
  })
})
