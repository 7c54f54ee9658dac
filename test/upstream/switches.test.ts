import { once } from 'node:events'
import { Agent, request as httpRequest, type IncomingMessage } from 'node:http'
import { gunzipSync } from 'node:zlib'
import { describe, expect, test } from 'vitest'
import { isCloudtapeError } from '../../cassettes/index.js'
import type { FakeCloud } from '../../upstream/index.js'
import { compute, computeJson, createServer, json, parseXml, passwordAuthBody, postTokens, startTestCloud } from '../helpers/fake-cloud.js'

/** Why a fetch failed: undici's error code or the system one, from the error's cause chain. */
async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (error) {
    const cause = (error as { cause?: { code?: string; name?: string } }).cause
    return cause?.code ?? cause?.name ?? (error as Error).name
  }
  throw new Error('expected the request to fail')
}

function rawGet(cloud: FakeCloud, path: string, agent: Agent, headers: Record<string, string> = {}): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(new URL(`${cloud.computeUrls['DFW']}${path}`), { agent, headers: { 'x-auth-token': cloud.token, ...headers } }, resolve)
    request.on('error', reject)
    request.end()
  })
}

describe('switches as the client sees them', () => {
  test('slow: answers after the delay, waited on the injected clock', async () => {
    const { cloud, clock } = await startTestCloud()
    cloud.switches.add({ kind: 'slow', delayMs: 1500, operation: 'flavors.*' })
    expect((await compute(cloud, 'DFW', '/flavors')).status).toBe(200)
    expect((await compute(cloud, 'DFW', '/images')).status).toBe(200)
    expect(clock.sleeps).toEqual([1500])
  })

  test('hang: never answers until the client gives up, while other requests are served', async () => {
    const { cloud } = await startTestCloud()
    cloud.switches.add({ kind: 'hang', operation: 'servers.list' })
    const controller = new AbortController()
    const hanging = fetch(`${cloud.computeUrls['DFW']}/servers`, { headers: { 'x-auth-token': cloud.token }, signal: controller.signal })
    await expect.poll(() => cloud.requests.some((entry) => entry.operation === 'servers.list')).toBe(true)
    expect((await compute(cloud, 'DFW', '/flavors')).status).toBe(200)
    const listed = cloud.requests.find((entry) => entry.operation === 'servers.list')
    expect(listed?.status).toBeNull()
    controller.abort()
    await expect(hanging).rejects.toMatchObject({ name: 'AbortError' })
  })

  test('hang: a hanging request ends when the cloud closes', async () => {
    const { cloud } = await startTestCloud()
    cloud.switches.add({ kind: 'hang' })
    const hanging = compute(cloud, 'DFW', '/servers')
    await expect.poll(() => cloud.requests.length).toBe(1)
    await cloud.close()
    expect(await failure(hanging)).toMatch(/UND_ERR_SOCKET|ECONNRESET/)
  })

  test('resetBeforeHeaders: the connection is reset and nothing is processed', async () => {
    const { cloud } = await startTestCloud()
    cloud.switches.add({ kind: 'resetBeforeHeaders', operation: 'servers.create', times: 1 })
    expect(await failure(createServer(cloud, 'DFW'))).toMatch(/ECONNRESET|UND_ERR_SOCKET/)
    expect((await computeJson(cloud, 'DFW', '/servers')).body.servers).toEqual([])
    expect((await createServer(cloud, 'DFW')).id).toMatch(/^[0-9a-f-]{36}$/)
  })

  test('resetMidBody: the headers arrive, then the body breaks off', async () => {
    const { cloud } = await startTestCloud({ initialServers: 20 })
    cloud.switches.add({ kind: 'resetMidBody', operation: 'servers.listDetail' })
    const response = await compute(cloud, 'DFW', '/servers/detail', { headers: { 'accept-encoding': 'identity' } })
    expect(response.status).toBe(200)
    expect(Number(response.headers.get('content-length'))).toBeGreaterThan(10_000)
    expect(await failure(response.text())).toMatch(/ECONNRESET|UND_ERR_SOCKET|TypeError/)
  })

  test('truncateBody: Content-Length promises more than is sent before the connection closes', async () => {
    const { cloud } = await startTestCloud()
    cloud.switches.add({ kind: 'truncateBody', operation: 'images.listDetail' })
    const response = await compute(cloud, 'DFW', '/images/detail')
    expect(response.status).toBe(200)
    expect(await failure(response.text())).toMatch(/UND_ERR_SOCKET|TypeError|ECONNRESET/)
  })

  test('invalidResponse: the client gets bytes that are not HTTP', async () => {
    const { cloud } = await startTestCloud()
    cloud.switches.add({ kind: 'invalidResponse', target: 'identity' })
    expect(await failure(postTokens(cloud, passwordAuthBody(cloud)))).toMatch(/HPE_|UND_ERR|HTTPParserError/)
    expect((await compute(cloud, 'DFW', '/flavors')).status).toBe(200)
  })

  test('closeKeepAlive: the answer says keep-alive, then the server closes the socket', async () => {
    const { cloud } = await startTestCloud()
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    const first = await rawGet(cloud, '/flavors/2', agent)
    first.resume()
    await once(first, 'end')
    const second = await rawGet(cloud, '/flavors/3', agent)
    second.resume()
    await once(second, 'end')
    expect(cloud.connections).toBe(1)

    cloud.switches.add({ kind: 'closeKeepAlive' })
    const closing = await rawGet(cloud, '/flavors/2', agent)
    expect(closing.headers['connection']).toBe('keep-alive')
    const socketClosed = once(closing.socket, 'close')
    closing.resume()
    await socketClosed
    const after = await rawGet(cloud, '/flavors/3', agent)
    after.resume()
    await once(after, 'end')
    // The closed socket could not be reused: the last request needed a second connection.
    expect(cloud.connections).toBe(2)
    agent.destroy()
  })

  test('compress: gzips even when the client did not ask', async () => {
    const { cloud } = await startTestCloud()
    cloud.switches.add({ kind: 'compress' })
    const agent = new Agent()
    const response = await rawGet(cloud, '/flavors/2', agent)
    const chunks: Buffer[] = []
    response.on('data', (chunk: Buffer) => chunks.push(chunk))
    await once(response, 'end')
    expect(response.headers['content-encoding']).toBe('gzip')
    expect(JSON.parse(gunzipSync(Buffer.concat(chunks)).toString()).flavor.id).toBe('2')
  })
})

describe('fault switches', () => {
  test('overLimit (rackspace): 413 with Retry-After as an HTTP date and retryAt (001 §1.11.1)', async () => {
    const { cloud } = await startTestCloud()
    cloud.switches.add({ kind: 'fault', fault: 'overLimit', operation: 'servers.create', retryAfterSeconds: 120 })
    const response = await computeJson(cloud, 'DFW', '/servers', { body: { server: { name: 'x', imageRef: cloud.baseImages[0]?.id, flavorRef: '2' } } })
    expect(response.status).toBe(413)
    expect(response.headers.get('retry-after')).toBe('Mon, 10 Sep 2012 20:02:00 GMT')
    expect(response.body.overLimit).toMatchObject({ code: 413, message: 'This request was rate-limited.', retryAt: '2012-09-10T20:02:00Z' })
    expect((await computeJson(cloud, 'DFW', '/servers')).body.servers).toEqual([])
  })

  test('overLimit (hp): Retry-After in seconds, the reason in details, no retryAt (003 §3.11)', async () => {
    const { cloud } = await startTestCloud({ dialect: 'hp' })
    cloud.switches.add({ kind: 'fault', fault: 'overLimit' })
    const response = await computeJson(cloud, 'region-a.geo-1', '/flavors')
    expect(response.status).toBe(413)
    expect(response.headers.get('retry-after')).toBe('60')
    expect(response.body.overLimit.retryAt).toBeUndefined()
    expect(response.body.overLimit.details).toContain('every minute')
  })

  test('fires on the nth matching request only, or on the first n', async () => {
    const { cloud } = await startTestCloud()
    const nth = cloud.switches.add({ kind: 'fault', fault: 'serviceUnavailable', operation: 'flavors.get', nth: 2 })
    const statuses = []
    for (let call = 0; call < 3; call += 1) statuses.push((await compute(cloud, 'DFW', '/flavors/2')).status)
    expect(statuses).toEqual([200, 503, 200])
    expect({ matched: nth.matched, fired: nth.fired }).toEqual({ matched: 3, fired: 1 })
    nth.off()
    cloud.switches.add({ kind: 'fault', fault: 'computeFault', times: 2, target: 'ORD' })
    const ord = []
    for (let call = 0; call < 3; call += 1) ord.push((await compute(cloud, 'ORD', '/flavors/2')).status)
    expect(ord).toEqual([500, 500, 200])
    expect((await compute(cloud, 'DFW', '/flavors/2')).status).toBe(200)
  })

  test('matches operation globs and answers identity faults too', async () => {
    const { cloud } = await startTestCloud({ switches: [{ kind: 'fault', fault: 'unauthorized', operation: 'identity.*' }] })
    const denied = await postTokens(cloud, passwordAuthBody(cloud))
    expect(denied.status).toBe(401)
    expect((await json(denied)).unauthorized.code).toBe(401)
    cloud.switches.clear()
    expect((await postTokens(cloud, passwordAuthBody(cloud))).status).toBe(200)
    expect(cloud.switches.list()).toEqual([])
  })

  test('asyncFault: the polled server turns ERROR with the embedded fault (001 Examples 1.53, 1.54)', async () => {
    const { cloud } = await startTestCloud({ buildPolls: 3 })
    const { id } = await createServer(cloud, 'DFW')
    cloud.switches.add({ kind: 'asyncFault', operation: 'servers.get', nth: 2, code: 404, message: 'Could not find image' })
    const statuses = []
    for (let poll = 0; poll < 3; poll += 1) statuses.push((await computeJson(cloud, 'DFW', `/servers/${id}`)).body.server.status)
    expect(statuses).toEqual(['BUILD', 'ERROR', 'ERROR'])
    const server = (await computeJson(cloud, 'DFW', `/servers/${id}`)).body.server
    expect(server.fault).toEqual({ code: 404, created: '2012-09-10T20:00:00Z', message: 'Could not find image', details: 'Error details' })
    expect(server['OS-EXT-STS:vm_state']).toBe('error')
    const xml = parseXml(await (await compute(cloud, 'DFW', `/servers/${id}.xml`)).text()).server[0]
    expect(xml.fault).toMatchObject({ '@code': '404', message: 'Could not find image' })
    const rebuilt = await computeJson(cloud, 'DFW', `/servers/${id}/action`, { body: { rebuild: { imageRef: cloud.baseImages[0]?.id } } })
    expect(rebuilt.body.server.fault).toBeUndefined()
  })

  test('asyncFault: a snapshot image turns ERROR while it saves (001 Examples 1.55, 1.56)', async () => {
    const { cloud } = await startTestCloud({ buildPolls: 0, actionPolls: 3 })
    const { id } = await createServer(cloud, 'DFW')
    const response = await compute(cloud, 'DFW', `/servers/${id}/action`, { body: { createImage: { name: 'backup' } } })
    const imagePath = (response.headers.get('location') ?? '').slice((cloud.computeUrls['DFW'] ?? '').length)
    cloud.switches.add({ kind: 'asyncFault', operation: 'images.get' })
    const image = (await computeJson(cloud, 'DFW', imagePath)).body.image
    expect(image).toMatchObject({ status: 'ERROR', fault: { code: 500, message: 'An internal error occurred' }, server: { id } })
  })

  test('fails with ERR_CLOUDTAPE_INVALID_OPTION for a bad switch, naming the valid values', async () => {
    const { cloud } = await startTestCloud({ dialect: 'hp' })
    const attempt = (options: Parameters<typeof cloud.switches.add>[0]): unknown => {
      try {
        cloud.switches.add(options)
      } catch (error) {
        return error
      }
      return null
    }
    const kind = attempt({ kind: 'explode' as never })
    expect(isCloudtapeError(kind, 'ERR_CLOUDTAPE_INVALID_OPTION')).toBe(true)
    expect((kind as Error).message).toContain('slow, hang, resetBeforeHeaders')
    const fault = attempt({ kind: 'fault', fault: 'buildInProgress' })
    expect((fault as Error).message).toContain('conflictingRequest')
    expect(isCloudtapeError(attempt({ kind: 'slow' }), 'ERR_CLOUDTAPE_INVALID_OPTION')).toBe(true)
    expect(isCloudtapeError(attempt({ kind: 'hang', nth: 0 }), 'ERR_CLOUDTAPE_INVALID_OPTION')).toBe(true)
    expect((attempt({ kind: 'hang', target: 'DFW' }) as Error).message).toContain('identity, region-a.geo-1, region-b.geo-1')
    expect(isCloudtapeError(attempt({ kind: 'asyncFault', code: 200 }), 'ERR_CLOUDTAPE_INVALID_OPTION')).toBe(true)
  })
})
