import http from 'node:http'
import fc from 'fast-check'
import { describe, expect, onTestFinished } from 'vitest'
import { createReplayServer, DEFAULT_LISTEN } from '../../replay/index.js'
import { RECORDING_PROXY_DEFAULTS } from '../../proxy/index.js'
import { authenticate, test } from '../proxy/fixtures.js'
import { rawRequest } from './raw-http.js'
import { listenForTest } from '../helpers/listen.js'

/** A server no proxy was given: it must never see a request. */
async function startForbiddenServer(): Promise<{ port: number; hits: string[] }> {
  const hits: string[] = []
  const server = http.createServer((req, res) => {
    hits.push(`${req.method} ${req.url} host=${req.headers.host}`)
    res.end('forbidden server reached')
  })
  return { port: await listenForTest(server), hits }
}

/** Ways to write 127.0.0.1:port that a URL parser reads as that host (or tries to). */
function hostForms(port: number): string[] {
  return ['127.0.0.1', 'localhost', 'LOCALHOST', '2130706433', '0x7f000001', '0177.0.0.1', '127.1', '%31%32%37.0.0.1', '127.0.0.1.', '[::ffff:127.0.0.1]', '[::1]'].map((host) => `${host}:${port}`)
}

describe('the proxy forwards only to the hosts it was given or learned', () => {
  test('a host learned from the catalog is forwarded to only after the token response named it, and only on its own port and scheme', async ({ cloud, startProxy }) => {
    const proxy = await startProxy()
    const compute = new URL(cloud.computeUrls['DFW'] as string)
    const before = await fetch(`${proxy.url}/_upstream/http/${compute.host}${compute.pathname}/flavors`, { headers: { 'x-auth-token': cloud.token } })
    expect(before.status).toBe(403)
    await before.arrayBuffer()
    const { compute: endpoints } = await authenticate(`${proxy.url}/v2.0`, cloud)
    expect(endpoints['DFW']).toBe(`${proxy.url}/_upstream/http/${compute.host}${compute.pathname}`)
    const after = await fetch(`${endpoints['DFW']}/flavors`, { headers: { 'x-auth-token': cloud.token } })
    expect(after.status).toBe(200)
    await after.arrayBuffer()
    const otherPort = await rawRequest(proxy.url, 'GET', `/_upstream/http/${compute.hostname}:${Number(compute.port) + 1}${compute.pathname}/flavors`)
    const otherScheme = await rawRequest(proxy.url, 'GET', `/_upstream/https/${compute.host}${compute.pathname}/flavors`)
    expect([otherPort.status, otherScheme.status]).toEqual([403, 403])
  })

  test('tricky request targets and headers never reach a host the proxy was not given (property-based)', async ({ cloud, startProxy }) => {
    const forbidden = await startForbiddenServer()
    const proxy = await startProxy()
    await authenticate(`${proxy.url}/v2.0`, cloud)
    const allowed = [new URL(cloud.identityUrl).host, new URL(cloud.computeUrls['DFW'] as string).host]
    const evil = hostForms(forbidden.port)
    const host = fc.oneof(
      fc.constantFrom(...evil),
      fc.tuple(fc.constantFrom(...allowed), fc.constantFrom(...evil)).map(([good, bad]) => `${good}@${bad}`),
      fc.tuple(fc.constantFrom(...allowed), fc.constantFrom(...evil)).map(([good, bad]) => `${bad}@${good}`),
      fc.tuple(fc.constantFrom(...allowed), fc.constantFrom(...evil)).map(([good, bad]) => `${good}%40${bad}`),
      fc.constantFrom(...allowed).map((good) => `${good.split(':')[0]}:${forbidden.port}`),
    )
    const scheme = fc.constantFrom('http', 'HTTP', 'Http', 'https', 'hTtP')
    const path = fc.constantFrom('/v2/010101/servers', '/', '', '/../../x', '/..%2f..%2f_upstream', `/?next=http://127.0.0.1:${forbidden.port}/`, '#frag')
    const target = fc.oneof(
      fc.tuple(scheme, host, path).map(([s, h, p]) => `/_upstream/${s}/${h}${p}`),
      fc.tuple(scheme, host, path).map(([s, h, p]) => `${s}://${h}${p}`),
      fc.tuple(fc.constantFrom(...allowed), scheme, host, path).map(([good, s, h, p]) => `/_upstream/http/${good}/../../_upstream/${s}/${h}${p}`),
      fc.tuple(host, path).map(([h, p]) => `//${h}${p}`),
      fc.tuple(host, path).map(([h, p]) => `/_upstream/../${h}${p}`),
      path.map((p) => `/v2.0${p}`),
    )
    const headers = fc.record({ host: host, 'x-forwarded-host': host, forwarded: host.map((h) => `host=${h}`) }, { requiredKeys: [] })
    const statuses = new Map<number, number>()
    let tried = 0
    await fc.assert(
      fc.asyncProperty(target, headers, fc.constantFrom('GET', 'POST', 'DELETE', 'OPTIONS'), async (requestTarget, extra, method) => {
        tried += 1
        const answer = await rawRequest(proxy.url, method, requestTarget, extra)
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1)
        expect(forbidden.hits).toEqual([])
        expect(answer.status).toBeGreaterThanOrEqual(200)
        expect(answer.text).not.toContain('forbidden server reached')
      }),
      { numRuns: 400, seed: 20121008 },
    )
    const healthy = await fetch(`${proxy.url}/_upstream/http/${allowed[1]}/v2/${cloud.tenantId}/flavors`, { headers: { 'x-auth-token': cloud.token } })
    expect(healthy.status).toBe(200)
    console.log(`reliability security: ${tried} tricky request targets/headers tried, 0 reached a host the proxy was not given; statuses ${[...statuses].sort().map(([status, count]) => `${status}×${count}`).join(' ')}`)
  })

  test('named cases: userinfo, absolute form, Host spoofing, percent-encoded and numeric hosts', async ({ cloud, startProxy }) => {
    const forbidden = await startForbiddenServer()
    const proxy = await startProxy()
    const identity = new URL(cloud.identityUrl).host
    const evil = `127.0.0.1:${forbidden.port}`
    const refused = [
      `/_upstream/http/${identity}@${evil}/v2.0`,
      `http://${evil}/v2.0`,
      `http://${identity}@${evil}/v2.0`,
      `/_upstream/http/%31%32%37.0.0.1:${forbidden.port}/v2.0`,
      `/_upstream/http/2130706433:${forbidden.port}/v2.0`,
      `/_upstream/http/${identity}/../../_upstream/http/${evil}/v2.0`.replace(`/_upstream/http/${identity}/../../`, '/_upstream/../'),
    ]
    for (const target of refused) expect(`${target} → ${(await rawRequest(proxy.url, 'GET', target)).status}`).toBe(`${target} → 403`)
    // Host header spoofing: the request still goes to the proxy's own target.
    const before = cloud.requests.length
    const spoofed = await rawRequest(proxy.url, 'GET', '/v2.0', { host: evil })
    expect(spoofed.status).toBe(200)
    expect(cloud.requests.length).toBe(before + 1)
    // `..` after a mount stays on that mount's origin.
    const dotted = await rawRequest(proxy.url, 'GET', `/_upstream/http/${identity}/../../_upstream/http/${evil}/v2.0`)
    expect(dotted.text).not.toContain('forbidden server reached')
    expect(forbidden.hits).toEqual([])
  })
})

describe('the control API cannot be reached through recorded endpoint paths', () => {
  const disguised = (prefix: string): string[] => [
    `${prefix}/v2/123/../_cloudtape/status`,
    `${prefix}/v2/123/..%2f_cloudtape/status`,
    `${prefix}/v2/123/%2e%2e/_cloudtape/status`,
    `${prefix}/%5Fcloudtape/status`,
    `${prefix}/%5fcloudtape/faults`,
    `${prefix}/_Cloudtape/status`,
    `${prefix}//_cloudtape/status`,
    `${prefix}/_cloudtape%2Fstatus`,
    `${prefix}/v2/_cloudtape/status`,
    `${prefix}/./_cloudtape/faults`,
  ]

  test('proxy: disguised control paths are forwarded (or refused), never answered by the control API', async ({ cloud, startProxy }) => {
    const proxy = await startProxy()
    const compute = new URL(cloud.computeUrls['DFW'] as string).host
    await authenticate(`${proxy.url}/v2.0`, cloud)
    const targets = [...disguised(''), ...disguised(`/_upstream/http/${compute}`), `http://${compute}/_cloudtape/status`]
    for (const target of targets) {
      const answer = await rawRequest(proxy.url, 'GET', target, { accept: 'application/json' })
      expect(`${target} → ${answer.text.includes('"upstreams"') ? 'control API' : answer.status >= 200 ? 'not control' : 'no answer'}`).toBe(`${target} → not control`)
    }
    expect(JSON.parse((await rawRequest(proxy.url, 'GET', '/_cloudtape/status')).text.split('\r\n\r\n')[1] ?? '')).toMatchObject({ mode: 'record' })
    console.log(`reliability security: proxy, ${targets.length} disguised control paths, 0 reached the control API`)
  })

  test('replay server: disguised control paths neither add fault rules nor reset the session', async ({ cloud, startProxy }) => {
    const proxy = await startProxy()
    const { compute } = await authenticate(`${proxy.url}/v2.0`, cloud)
    await fetch(`${compute['DFW']}/flavors`, { headers: { 'x-auth-token': cloud.token } }).then((res) => res.arrayBuffer())
    await proxy.close()
    const server = await createReplayServer({ cassette: proxy.cassettePath, warn: () => undefined })
    onTestFinished(() => server.close())
    const mounted = `/_upstream/${server.cassette.interactions.at(-1)?.request.origin.replace('://', '/')}`
    const targets = [...disguised(''), ...disguised(mounted)]
    for (const target of targets) {
      const post = await rawRequest(server.url, 'POST', target.replace('/status', '/faults'), { 'content-type': 'text/plain' }, 'overLimit@*')
      const reset = await rawRequest(server.url, 'POST', target.replace('/status', '/reset').replace('/faults', '/reset'))
      expect([post.status, reset.status].every((status) => status >= 400)).toBe(true)
    }
    const rules = JSON.parse((await rawRequest(server.url, 'GET', '/_cloudtape/faults')).text.split('\r\n\r\n')[1] ?? '') as { rules: unknown[] }
    expect(rules.rules).toEqual([])
    const log = JSON.parse((await rawRequest(server.url, 'GET', '/_cloudtape/requests')).text.split('\r\n\r\n')[1] ?? '') as { requests: unknown[] }
    expect(log.requests).toHaveLength(targets.length * 2)
    console.log(`reliability security: replay server, ${targets.length * 2} disguised control requests (add a fault rule, reset), 0 reached the control API`)
  })
})

describe('listening', () => {
  test('the proxy and the replay server bind to loopback unless told otherwise', async ({ startProxy, cloud }) => {
    expect([RECORDING_PROXY_DEFAULTS.listen, DEFAULT_LISTEN.host]).toEqual(['127.0.0.1:0', '127.0.0.1'])
    const proxy = await startProxy()
    expect(proxy.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const { compute } = await authenticate(`${proxy.url}/v2.0`, cloud)
    expect(compute['DFW']).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//)
    await proxy.close()
    const server = await createReplayServer({ cassette: proxy.cassettePath })
    onTestFinished(() => server.close())
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const everywhere = await startProxy({ listen: '0.0.0.0:0' })
    expect(everywhere.url).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/)
  })
})
