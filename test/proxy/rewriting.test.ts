import http from 'node:http'
import { gunzipSync } from 'node:zlib'
import { describe, expect } from 'vitest'
import type { FakeCloud } from '../../upstream/index.js'
import { passwordAuth, test } from './fixtures.js'

interface RawAnswer {
  status: number
  headers: http.IncomingHttpHeaders
  body: Buffer
}

/** A plain http.request, so the test sees the bytes and headers as they travel (fetch decodes gzip). */
function request(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', headers: options.headers ?? {} }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }))
    })
    req.on('error', reject)
    req.end(options.body)
  })
}

function xmlAuth(cloud: FakeCloud): string {
  return `<?xml version="1.0" encoding="UTF-8"?><auth xmlns="http://docs.openstack.org/identity/api/v2.0"><passwordCredentials username="${cloud.credentials.username}" password="${cloud.credentials.password}"/></auth>`
}

describe('rewriting links to the proxy', () => {
  test('rewrites the XML catalog and XML atom links, leaving the token and ids as they are', async ({ cloud, startProxy }) => {
    const proxy = await startProxy()
    const auth = await request(`${proxy.url}/v2.0/tokens`, { method: 'POST', headers: { 'content-type': 'application/xml', accept: 'application/xml' }, body: xmlAuth(cloud) })
    expect(auth.status).toBe(200)
    const xml = auth.body.toString('utf8')
    const dfwAtProxy = `${proxy.url}/_upstream/http/${new URL(cloud.computeOrigins['DFW'] as string).host}`
    expect(xml).toContain(`publicURL="${dfwAtProxy}/v2/${cloud.tenantId}"`)
    expect(xml).toContain(`id="${cloud.token}"`)
    expect(xml).not.toContain(`"${cloud.computeOrigins['DFW']}`)
    expect(Number(auth.headers['content-length'])).toBe(auth.body.length)

    const flavors = await request(`${dfwAtProxy}/v2/${cloud.tenantId}/flavors.xml`, { headers: { 'x-auth-token': cloud.token } })
    const flavorsXml = flavors.body.toString('utf8')
    expect(flavorsXml).toMatch(/<atom:link [^>]*href="http:\/\/127\.0\.0\.1:\d+\/_upstream\/http\//)
    expect(flavorsXml).not.toContain(`href="${cloud.computeOrigins['DFW']}`)
    expect(proxy.cassette().interactions.map((interaction) => [interaction.operation, interaction.format])).toEqual([
      ['identity.tokens.create', 'xml'],
      ['flavors.list', 'xml'],
    ])
  })

  test('decodes, rewrites and re-encodes a gzip body, keeping its content-encoding', async ({ cloud, startProxy }) => {
    const proxy = await startProxy()
    const auth = await request(`${proxy.url}/v2.0/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept-encoding': 'gzip' },
      body: passwordAuth(cloud),
    })
    expect(auth.headers['content-encoding']).toBe('gzip')
    expect(Number(auth.headers['content-length'])).toBe(auth.body.length)
    const text = gunzipSync(auth.body).toString('utf8')
    expect(text).toContain(`"publicURL":"${proxy.url}/_upstream/http/`)
    expect(text).toContain(`"id":"${cloud.token}"`)
    expect(proxy.cassette().interactions[0]?.response?.body).toMatchObject({ kind: 'json' })
  })

  test('rewrites the Location header of a create and the self link of the new server', async ({ cloud, startProxy }) => {
    const proxy = await startProxy({ targets: [cloud.computeUrls['DFW'] as string] })
    const res = await request(`${proxy.url}/v2/${cloud.tenantId}/servers`, {
      method: 'POST',
      headers: { 'x-auth-token': cloud.token, 'content-type': 'application/json' },
      body: JSON.stringify({ server: { name: 'web1', imageRef: cloud.baseImages[0]?.id, flavorRef: cloud.flavorIds[0] } }),
    })
    expect(res.status).toBe(202)
    const { server } = JSON.parse(res.body.toString('utf8')) as { server: { id: string; links: Array<{ href: string; rel: string }> } }
    expect(res.headers['location']).toBe(`${proxy.url}/v2/${cloud.tenantId}/servers/${server.id}`)
    expect(server.links.map((link) => link.href)).toEqual([`${proxy.url}/v2/${cloud.tenantId}/servers/${server.id}`, `${proxy.url}/${cloud.tenantId}/servers/${server.id}`])
    expect(proxy.cassette().interactions[0]?.response?.headers['location']).not.toContain(proxy.url)
  })

  test('rewrites links to the host the client used to reach the proxy', async ({ cloud, startProxy }) => {
    const proxy = await startProxy({ targets: [cloud.computeUrls['DFW'] as string] })
    const port = new URL(proxy.url).port
    const res = await request(`${proxy.url}/v2/${cloud.tenantId}/flavors`, { headers: { 'x-auth-token': cloud.token, host: `localhost:${port}` } })
    expect(res.body.toString('utf8')).toContain(`"href":"http://localhost:${port}/v2/${cloud.tenantId}/flavors/`)
  })

  test('passes a body without links through byte for byte, chunked as the upstream sent it', async ({ cloud, startProxy }) => {
    const proxy = await startProxy({ targets: [cloud.computeUrls['DFW'] as string] })
    const direct = await request(`${cloud.computeUrls['DFW']}/limits`, { headers: { 'x-auth-token': cloud.token } })
    const proxied = await request(`${proxy.url}/v2/${cloud.tenantId}/limits`, { headers: { 'x-auth-token': cloud.token } })
    expect(proxied.status).toBe(direct.status)
    expect(proxied.body.equals(direct.body)).toBe(true)
    expect(proxied.headers['content-type']).toBe(direct.headers['content-type'])
  })
})
