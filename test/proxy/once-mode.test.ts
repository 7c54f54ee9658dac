import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect } from 'vitest'
import type { Interaction } from '../../cassettes/schema.js'
import { authenticate, readCassette, test } from './fixtures.js'

describe('once mode', () => {
  test('answers what the cassette holds, asks identity live, and records only what is missing', async ({ cloud, startProxy }) => {
    const first = await startProxy()
    const auth = await authenticate(`${first.url}/v2.0`, cloud)
    await fetch(`${auth.compute['DFW']}/flavors`, { headers: { 'x-auth-token': auth.token } }).then((res) => res.arrayBuffer())
    await first.close()

    const proxy = await startProxy({ mode: 'once' })
    const replayed: Interaction[] = []
    proxy.on('replayed', ({ interaction }) => replayed.push(interaction))
    const again = await authenticate(`${proxy.url}/v2.0`, cloud)
    expect(again.token).toBe(cloud.token)
    const before = cloud.requests.length
    const flavors = await fetch(`${again.compute['DFW']}/flavors`, { headers: { 'x-auth-token': again.token } })
    expect(flavors.status).toBe(200)
    const body = (await flavors.json()) as { flavors: Array<{ id: string; links: Array<{ href: string }> }> }
    expect(cloud.requests.length).toBe(before)
    // Replayed links lead through the proxy to the live upstream (their ids are the cassette's).
    const dfwMount = `${proxy.url}/_upstream/http/${new URL(cloud.computeOrigins['DFW'] as string).host}/`
    expect(body.flavors[0]?.links[0]?.href.startsWith(dfwMount)).toBe(true)
    const flavor = await fetch(`${again.compute['DFW']}/flavors/${body.flavors[0]?.id}`, { headers: { 'x-auth-token': again.token } })
    expect(flavor.status).toBe(200)
    await flavor.arrayBuffer()
    expect(cloud.requests.length).toBe(before + 1)
    await proxy.close()

    expect(replayed.map((interaction) => interaction.operation)).toEqual(['flavors.list'])
    const { cassette } = await readCassette(proxy.cassettePath)
    expect(cassette.interactions.map((interaction) => [interaction.id, interaction.operation, interaction.occurrence])).toEqual([
      [1, 'identity.tokens.create', 0],
      [2, 'flavors.list', 0],
      [3, 'flavors.get', 0],
    ])
  })

  test('numbers new placeholders after the ones the cassette holds, so a new server never takes an old one\'s id', async ({ cloud, startProxy }) => {
    const boot = (computeUrl: string, token: string): Promise<Response> =>
      fetch(`${computeUrl}/servers`, {
        method: 'POST',
        headers: { 'x-auth-token': token, accept: 'application/json', 'content-type': 'application/json' },
        body: JSON.stringify({ server: { name: 'web', imageRef: cloud.baseImages[0]?.id, flavorRef: cloud.flavorIds[0] } }),
      })
    const first = await startProxy()
    const auth = await authenticate(`${first.url}/v2.0`, cloud)
    await (await boot(auth.compute['DFW'] as string, auth.token)).arrayBuffer()
    await first.close()
    const before = (await readCassette(first.cassettePath)).text

    const proxy = await startProxy({ mode: 'once' })
    const again = await authenticate(`${proxy.url}/v2.0`, cloud)
    await (await boot(again.compute['DFW'] as string, again.token)).arrayBuffer()
    // The cassette held one servers.create, replayed here; the second one is new.
    const second = await boot(again.compute['DFW'] as string, again.token)
    expect(second.status).toBe(202)
    await second.arrayBuffer()
    await proxy.close()

    const { cassette } = await readCassette(proxy.cassettePath)
    const added = cassette.interactions.at(-1)
    expect([added?.operation, added?.id, added?.occurrence]).toEqual(['servers.create', 3, 1])
    const server = (added?.response?.body as unknown as { json: { server: { id: string; adminPass: string } } }).json.server
    expect(server.id).toMatch(/^ca55e77e-0000-4000-8000-\d{12}$/)
    expect(server.adminPass).toMatch(/^REDACTED-adminPass-\d+$/)
    // Each placeholder already in the cassette stands for another real value.
    expect(before).not.toContain(server.id)
    expect(before).not.toContain(`"${server.adminPass}"`)
    // What the cassette already named keeps its name: the compute origin and the tenant.
    const replayedCreate = cassette.interactions[1]
    expect(added?.request.origin).toBe(replayedCreate?.request.origin)
    expect(added?.request.path).toBe(replayedCreate?.request.path)
  })

  test('records everything when the cassette does not exist yet', async ({ cloud, startProxy }) => {
    const proxy = await startProxy({ mode: 'once', targets: [cloud.computeUrls['DFW'] as string] })
    await fetch(`${proxy.url}/v2/${cloud.tenantId}/flavors`, { headers: { 'x-auth-token': cloud.token } }).then((res) => res.arrayBuffer())
    await proxy.close()
    expect((await readCassette(proxy.cassettePath)).cassette.interactions.map((interaction) => interaction.operation)).toEqual(['flavors.list'])
  })

  test('fails before listening when the cassette on disk is broken', async ({ dir, startProxy }) => {
    const path = join(dir, 'broken.json')
    await writeFile(path, '{"version": 1, "interactions": [')
    await expect(startProxy({ mode: 'once', cassette: path })).rejects.toMatchObject({ code: 'ERR_CLOUDTAPE_CASSETTE_INVALID' })
  })
})
