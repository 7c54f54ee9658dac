import { describe, expect } from 'vitest'
import { authenticate, readCassette, test } from './fixtures.js'

interface ServerBody {
  server: { id: string; status: string; adminPass?: string; links: Array<{ href: string; rel: string }> }
}

describe('recording a whole session through the proxy', () => {
  test('records auth → flavors → boot → poll → reboot → delete; the client sees real values and proxy URLs', async ({ cloud, startProxy }) => {
    const proxy = await startProxy()
    const auth = await authenticate(`${proxy.url}/v2.0`, cloud)
    expect(auth.token).toBe(cloud.token)
    const dfw = auth.compute['DFW'] as string
    expect(dfw).toBe(`${proxy.url}/_upstream/http/${new URL(cloud.computeUrls['DFW'] as string).host}/v2/${cloud.tenantId}`)
    const headers = { 'x-auth-token': auth.token, accept: 'application/json', 'content-type': 'application/json' }

    const flavors = await fetch(`${dfw}/flavors`, { headers })
    expect(flavors.status).toBe(200)
    const flavorList = (await flavors.json()) as { flavors: Array<{ id: string; links: Array<{ href: string }> }> }
    expect(flavorList.flavors[0]?.links.every((link) => link.href.startsWith(proxy.url))).toBe(true)

    const boot = await fetch(`${dfw}/servers`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ server: { name: 'web1', imageRef: cloud.baseImages[0]?.id, flavorRef: cloud.flavorIds[0] } }),
    })
    expect(boot.status).toBe(202)
    const created = (await boot.json()) as ServerBody
    const serverUrl = `${dfw}/servers/${created.server.id}`
    expect(boot.headers.get('location')).toBe(serverUrl)
    expect(created.server.links.find((link) => link.rel === 'self')?.href).toBe(serverUrl)
    expect(created.server.adminPass).toMatch(/\w{8,}/)

    const statuses: string[] = []
    for (let poll = 0; poll < 3; poll += 1) {
      const res = await fetch(serverUrl, { headers })
      statuses.push(((await res.json()) as ServerBody).server.status)
    }
    expect(statuses).toEqual(['BUILD', 'BUILD', 'ACTIVE'])

    const reboot = await fetch(`${serverUrl}/action`, { method: 'POST', headers, body: JSON.stringify({ reboot: { type: 'SOFT' } }) })
    expect(reboot.status).toBe(202)
    const deleted = await fetch(serverUrl, { method: 'DELETE', headers })
    expect(deleted.status).toBe(204)

    await proxy.flush()
    const { text, cassette } = await readCassette(proxy.cassettePath)
    expect(cassette.interactions.map((interaction) => [interaction.operation, interaction.occurrence, interaction.response?.status])).toEqual([
      ['identity.tokens.create', 0, 200],
      ['flavors.list', 0, 200],
      ['servers.create', 0, 202],
      ['servers.get', 0, 200],
      ['servers.get', 1, 200],
      ['servers.get', 2, 200],
      ['servers.action.reboot', 0, 202],
      ['servers.delete', 0, 204],
    ])
    expect(cassette.interactions.map((interaction) => interaction.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    for (const secret of [auth.token, cloud.credentials.password, created.server.adminPass as string]) expect(text).not.toContain(secret)
    expect(text).not.toContain(proxy.url)
  })

  test('records a request body sent in chunks, without a content-length, as the upstream got it', async ({ cloud, startProxy }) => {
    const proxy = await startProxy()
    const auth = await authenticate(`${proxy.url}/v2.0`, cloud)
    const body = JSON.stringify({ server: { name: 'chunky', imageRef: cloud.baseImages[0]?.id, flavorRef: cloud.flavorIds[0] } })
    const chunks = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(body.slice(0, 20)))
        controller.enqueue(new TextEncoder().encode(body.slice(20)))
        controller.close()
      },
    })
    const boot = await fetch(`${auth.compute['DFW']}/servers`, { method: 'POST', headers: { 'x-auth-token': auth.token, 'content-type': 'application/json' }, body: chunks, duplex: 'half' } as RequestInit)
    expect(boot.status).toBe(202)
    expect(((await boot.json()) as ServerBody).server.id).toBeTruthy()
    await proxy.close()
    const { cassette } = await readCassette(proxy.cassettePath)
    const create = cassette.interactions.find((interaction) => interaction.operation === 'servers.create')
    // Stored without the hop-by-hop transfer-encoding, with the body whole.
    expect(create?.request.headers['content-length']).toBeUndefined()
    expect(create?.request.body).toMatchObject({ kind: 'json', json: { server: { name: 'chunky' } } })
  })

  test('reports in summary() which secrets were replaced and how many ids were mapped', async ({ cloud, startProxy }) => {
    const proxy = await startProxy()
    expect(proxy.summary()).toMatchObject({ secrets: {}, secretReplacements: 0, interactions: 0 })
    const auth = await authenticate(`${proxy.url}/v2.0`, cloud)
    const headers = { 'x-auth-token': auth.token, accept: 'application/json', 'content-type': 'application/json' }
    const body = JSON.stringify({ server: { name: 'web1', imageRef: cloud.baseImages[0]?.id, flavorRef: cloud.flavorIds[0] } })
    expect((await fetch(`${auth.compute['DFW']}/servers`, { method: 'POST', headers, body })).status).toBe(202)

    const summary = proxy.summary()
    expect(summary.interactions).toBe(2)
    expect(summary.secrets).toMatchObject({ token: 1, password: 1, adminPass: 1 })
    expect(summary.secretReplacements).toBeGreaterThanOrEqual(3)
    expect(summary.ids).toMatchObject({ tenant: expect.any(Number), server: 1 })
  })

  test('reports an empty summary() in passthrough mode', async ({ cloud, startProxy }) => {
    const proxy = await startProxy({ mode: 'passthrough' })
    await authenticate(`${proxy.url}/v2.0`, cloud)
    expect(proxy.summary()).toEqual({ secrets: {}, secretReplacements: 0, ids: {}, volatileValues: 0, interactions: 0 })
  })

  test('records both regions of the catalog, each through its own mount', async ({ cloud, startProxy }) => {
    const proxy = await startProxy()
    const auth = await authenticate(`${proxy.url}/v2.0`, cloud)
    const headers = { 'x-auth-token': auth.token, accept: 'application/json' }
    for (const region of ['DFW', 'ORD']) {
      const res = await fetch(`${auth.compute[region]}/flavors/${cloud.flavorIds[0]}`, { headers })
      expect(res.status).toBe(200)
    }
    expect(cloud.requests.filter((request) => request.operation === 'flavors.get').map((request) => request.target)).toEqual(['DFW', 'ORD'])
    const origins = proxy.upstreams().map((mount) => [mount.origin, mount.source])
    expect(origins).toEqual(expect.arrayContaining([[cloud.computeOrigins['DFW'], 'catalog'], [cloud.computeOrigins['ORD'], 'catalog']]))
    const cassette = proxy.cassette()
    expect(new Set(cassette.interactions.map((interaction) => interaction.request.origin)).size).toBe(3)
  })

  test('records a compute endpoint given directly as a target', async ({ cloud, startProxy }) => {
    const proxy = await startProxy({ targets: [cloud.computeUrls['ORD'] as string] })
    const res = await fetch(`${proxy.url}/v2/${cloud.tenantId}/flavors`, { headers: { 'x-auth-token': cloud.token } })
    expect(res.status).toBe(200)
    const body = (await res.json()) as { flavors: Array<{ links: Array<{ href: string }> }> }
    expect(body.flavors[0]?.links[0]?.href.startsWith(`${proxy.url}/`)).toBe(true)
    expect(proxy.cassette().interactions.map((interaction) => interaction.operation)).toEqual(['flavors.list'])
  })
})
