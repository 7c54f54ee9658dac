import { once } from 'node:events'
import http from 'node:http'
import net from 'node:net'
import { describe, expect } from 'vitest'
import type { ProxyWarning } from '../../proxy/index.js'
import { test } from './fixtures.js'

describe('what the proxy will not forward', () => {
  test('refuses a host that is neither a target nor in a catalog, with a forbidden fault', async ({ cloud, startProxy }) => {
    const proxy = await startProxy()
    const warnings: ProxyWarning[] = []
    proxy.on('warning', (warning) => warnings.push(warning))
    const before = cloud.requests.length
    const res = await fetch(`${proxy.url}/_upstream/https/evil.example.com/v2/1/servers`)
    expect(res.status).toBe(403)
    const body = (await res.json()) as { forbidden: { code: number; message: string } }
    expect(body.forbidden.code).toBe(403)
    expect(body.forbidden.message).toContain('https://evil.example.com is neither a target nor an endpoint named by a service catalog')
    expect(body.forbidden.message).toContain(new URL(cloud.identityUrl).origin)
    expect(warnings.map((warning) => warning.code)).toEqual(['refused'])
    expect(cloud.requests.length).toBe(before)
    expect(proxy.cassette().interactions).toEqual([])
  })

  test('refuses in XML when the client asks for XML', async ({ startProxy }) => {
    const proxy = await startProxy()
    const res = await fetch(`${proxy.url}/_upstream/http/10.0.0.1:8774/v2/1/servers`, { headers: { accept: 'application/xml' } })
    expect(res.status).toBe(403)
    expect(await res.text()).toMatch(/<forbidden xmlns="http:\/\/docs.openstack.org\/compute\/api\/v1.1" code="403">/)
  })

  test('refuses absolute-form requests for foreign hosts and CONNECT tunnels', async ({ startProxy }) => {
    const proxy = await startProxy()
    const { hostname, port } = new URL(proxy.url)
    const status = await new Promise<number>((resolve, reject) => {
      http.get({ host: hostname, port, path: 'http://evil.example.com/v2/1/servers' }, (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      }).on('error', reject)
    })
    expect(status).toBe(403)
    const socket = net.connect(Number(port), hostname)
    await once(socket, 'connect')
    socket.end('CONNECT evil.example.com:443 HTTP/1.1\r\nHost: evil.example.com:443\r\n\r\n')
    const [answer] = (await once(socket, 'data')) as [Buffer]
    expect(answer.toString('latin1')).toMatch(/^HTTP\/1.1 405 /)
  })

  test('answers /_cloudtape/ paths itself and never forwards them', async ({ cloud, startProxy }) => {
    const proxy = await startProxy()
    const before = cloud.requests.length
    const status = await fetch(`${proxy.url}/_cloudtape/status`)
    expect(await status.json()).toMatchObject({ mode: 'record', cassette: proxy.cassettePath, interactions: 0, upstreams: [{ origin: new URL(cloud.identityUrl).origin, url: proxy.url, source: 'target' }] })
    const unknown = await fetch(`${proxy.url}/_cloudtape/v2.0/tokens`, { method: 'POST', body: '{}' })
    expect(unknown.status).toBe(404)
    expect(Object.keys((await unknown.json()) as object)).toEqual(['itemNotFound'])
    expect(cloud.requests.length).toBe(before)
  })
})

describe('bad requests from the client', () => {
  test('forwards a malformed action body as it is and records it under a fallback key', async ({ cloud, startProxy }) => {
    const proxy = await startProxy({ targets: [cloud.computeUrls['DFW'] as string] })
    const res = await fetch(`${proxy.url}/v2/${cloud.tenantId}/servers/abc/action`, { method: 'POST', headers: { 'x-auth-token': cloud.token, 'content-type': 'application/json' }, body: '{"reboot": {' })
    expect(res.status).toBeGreaterThanOrEqual(400)
    expect(cloud.requests.at(-1)?.body).toBe('{"reboot": {')
    const [interaction] = proxy.cassette().interactions
    expect(interaction?.operation).toMatch(/^unknown:POST:\/v2\/\{tenant_id\}\/servers\/[^/]+\/action$/)
    expect(interaction?.response?.status).toBe(res.status)
  })

  test('forwards malformed XML and unknown paths, recording each', async ({ cloud, startProxy }) => {
    const proxy = await startProxy({ targets: [cloud.computeUrls['DFW'] as string] })
    const headers = { 'x-auth-token': cloud.token }
    await fetch(`${proxy.url}/v2/${cloud.tenantId}/servers`, { method: 'POST', headers: { ...headers, 'content-type': 'application/xml' }, body: '<server name="x"' }).then((res) => res.arrayBuffer())
    const unknown = await fetch(`${proxy.url}/v2/${cloud.tenantId}/os-widgets/42`, { headers })
    await unknown.arrayBuffer()
    expect(proxy.cassette().interactions.map((interaction) => interaction.operation)).toEqual(['servers.create', 'unknown:GET:/v2/{tenant_id}/os-widgets/{id1}'])
    expect(proxy.cassette().interactions[1]?.response?.status).toBe(unknown.status)
  })

  test('forwards a body over maxBodyBytes whole and stores it truncated with a warning', async ({ cloud, startProxy }) => {
    const proxy = await startProxy({ targets: [cloud.computeUrls['DFW'] as string], maxBodyBytes: 1024 })
    const warnings: ProxyWarning[] = []
    proxy.on('warning', (warning) => warnings.push(warning))
    const metadata = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`key${i}`, 'v'.repeat(20)]))
    const body = JSON.stringify({ server: { name: 'big', imageRef: cloud.baseImages[0]?.id, flavorRef: cloud.flavorIds[0], metadata } })
    const res = await fetch(`${proxy.url}/v2/${cloud.tenantId}/servers`, { method: 'POST', headers: { 'x-auth-token': cloud.token, 'content-type': 'application/json' }, body })
    await res.arrayBuffer()
    expect(cloud.requests.at(-1)?.body).toBe(body)
    expect(warnings.filter((warning) => warning.code === 'body-truncated').map((warning) => warning.message)).toContainEqual(expect.stringContaining(`request body of POST ${cloud.computeUrls['DFW']}/servers (${body.length} bytes)`))
    expect(proxy.cassette().interactions).toHaveLength(1)
  })
})
