import { describe, expect, test } from 'vitest'
import { compute, computeJson, createServer, parseXml, startTestCloud } from '../helpers/fake-cloud.js'

describe('paginated collections (001 §1.6)', () => {
  test('pages servers newest first with limit and marker, following next links to the last page', async () => {
    const { cloud } = await startTestCloud({ initialServers: 5 })
    const all = (await computeJson(cloud, 'DFW', '/servers')).body.servers.map((server: any) => server.id)
    expect(all).toHaveLength(5)
    const seen: string[] = []
    let url: string | undefined = `${cloud.computeUrls['DFW']}/servers?limit=2`
    let pages = 0
    while (url) {
      const page: any = await (await fetch(url, { headers: { 'x-auth-token': cloud.token } })).json()
      seen.push(...page.servers.map((server: any) => server.id))
      url = page.servers_links?.find((link: any) => link.rel === 'next')?.href
      pages += 1
    }
    expect(pages).toBe(3)
    expect(seen).toEqual(all)
    const names = (await computeJson(cloud, 'DFW', '/servers')).body.servers.map((server: any) => server.name)
    expect(names).toEqual(['dfw-server-5', 'dfw-server-4', 'dfw-server-3', 'dfw-server-2', 'dfw-server-1'])
  })

  test('writes the next link with the limit and the last id, keeping other filters', async () => {
    const { cloud } = await startTestCloud({ initialServers: 3 })
    const page = await computeJson(cloud, 'DFW', '/servers/detail?limit=1&status=ACTIVE')
    const last = page.body.servers[0].id
    expect(page.body.servers_links).toEqual([{ href: `${cloud.computeUrls['DFW']}/servers/detail?status=ACTIVE&limit=1&marker=${last}`, rel: 'next' }])
    const end = await computeJson(cloud, 'DFW', `/servers?limit=5`)
    expect(end.body.servers_links).toBeUndefined()
  })

  test('puts the next link in an atom:link in XML (001 Example 1.20)', async () => {
    const { cloud } = await startTestCloud()
    const response = await compute(cloud, 'DFW', '/images.xml?limit=1')
    const images = parseXml(await response.text()).images
    expect(images.image).toHaveLength(1)
    expect(images['atom:link']).toEqual([{ '@rel': 'next', '@href': expect.stringContaining(`/images?limit=1&marker=${images.image[0]['@id']}`) }])
  })

  test('fails with itemNotFound for an unknown marker (rackspace) and badRequest (hp, 003 §3.6)', async () => {
    const { cloud } = await startTestCloud()
    const rackspace = await computeJson(cloud, 'DFW', '/servers?marker=nope')
    expect(rackspace.status).toBe(404)
    expect(rackspace.body.itemNotFound.message).toBe('marker [nope] not found')
    const { cloud: hp } = await startTestCloud({ dialect: 'hp' })
    expect((await computeJson(hp, 'region-a.geo-1', '/servers?marker=nope')).status).toBe(400)
  })

  test('fails with badRequest for a limit that is not a whole number, and caps large ones at 1000', async () => {
    const { cloud } = await startTestCloud({ initialServers: 2 })
    const bad = await computeJson(cloud, 'DFW', '/flavors?limit=-1')
    expect(bad.status).toBe(400)
    expect(bad.body.badRequest.message).toContain('limit')
    expect((await computeJson(cloud, 'DFW', '/servers?limit=5000')).body.servers).toHaveLength(2)
  })

  test('answers an empty list, never itemNotFound, for an empty collection', async () => {
    const { cloud } = await startTestCloud()
    const empty = await computeJson(cloud, 'DFW', '/servers/detail')
    expect(empty.status).toBe(200)
    expect(empty.body).toEqual({ servers: [] })
  })

  test('sends list bodies chunked and single resources with a Content-Length', async () => {
    const { cloud } = await startTestCloud()
    const list = await compute(cloud, 'DFW', '/flavors/detail', { headers: { 'accept-encoding': 'identity' } })
    expect(list.headers.get('transfer-encoding')).toBe('chunked')
    expect(list.headers.get('content-length')).toBeNull()
    expect((await list.json() as any).flavors).toHaveLength(7)
    const single = await compute(cloud, 'DFW', '/flavors/2', { headers: { 'accept-encoding': 'identity' } })
    expect(single.headers.get('content-length')).toBe(String((await single.text()).length))
  })
})

describe('changes-since (001 §1.7)', () => {
  test('lists only servers changed since the time, deleted ones included', async () => {
    const { cloud, clock } = await startTestCloud({ buildPolls: 0 })
    const old = await createServer(cloud, 'DFW', { name: 'old' })
    clock.advance(10 * 60_000)
    const since = new Date(clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z')
    const fresh = await createServer(cloud, 'DFW', { name: 'fresh' })
    const doomed = await createServer(cloud, 'DFW', { name: 'doomed' })
    await compute(cloud, 'DFW', `/servers/${doomed.id}`, { method: 'DELETE' })
    const changed = (await computeJson(cloud, 'DFW', `/servers/detail?changes-since=${since}`)).body.servers
    expect(changed.map((server: any) => [server.name, server.status])).toEqual([
      ['doomed', 'DELETED'],
      ['fresh', 'ACTIVE'],
    ])
    const plain = (await computeJson(cloud, 'DFW', '/servers')).body.servers.map((server: any) => server.id)
    expect(plain).toEqual([fresh.id, old.id])
  })

  test('reads times without seconds or zone as UTC, and refuses what is not a date', async () => {
    const { cloud, clock } = await startTestCloud({ buildPolls: 0 })
    clock.set('2011-01-24T17:08:30Z')
    await createServer(cloud, 'DFW')
    expect((await computeJson(cloud, 'DFW', '/servers?changes-since=2011-01-24T17:08')).body.servers).toHaveLength(1)
    expect((await computeJson(cloud, 'DFW', '/servers?changes-since=2011-01-24T17:09Z')).body.servers).toHaveLength(0)
    expect((await computeJson(cloud, 'DFW', '/servers?changes-since=2011-01-24T18:08:00%2B01:00')).body.servers).toHaveLength(1)
    const bad = await computeJson(cloud, 'DFW', '/servers?changes-since=yesterday')
    expect(bad.status).toBe(400)
    expect(bad.body.badRequest.message).toContain('changes-since')
  })
})

describe('list filters', () => {
  test('filters servers by name, status, image and flavor', async () => {
    const { cloud } = await startTestCloud({ buildPolls: 1 })
    await createServer(cloud, 'DFW', { name: 'web-1', flavorRef: '3' })
    await createServer(cloud, 'DFW', { name: 'db-1', imageRef: cloud.baseImages[1]?.id })
    const names = async (query: string): Promise<string[]> => (await computeJson(cloud, 'DFW', `/servers?${query}`)).body.servers.map((server: any) => server.name)
    expect(await names('name=web')).toEqual(['web-1'])
    expect(await names('status=build')).toEqual(['db-1', 'web-1'])
    expect(await names('flavor=3')).toEqual(['web-1'])
    expect(await names(`image=${cloud.baseImages[1]?.id}`)).toEqual(['db-1'])
  })

  test('filters flavors by minDisk and minRam, images by type and name', async () => {
    const { cloud } = await startTestCloud()
    const flavors = (await computeJson(cloud, 'DFW', '/flavors/detail?minRam=4096&minDisk=300')).body.flavors
    expect(flavors.map((flavor: any) => flavor.id)).toEqual(['6', '7', '8'])
    const bases = (await computeJson(cloud, 'DFW', '/images?type=BASE')).body.images
    expect(bases).toHaveLength(cloud.baseImages.length)
    const named = (await computeJson(cloud, 'DFW', '/images/detail?name=Ubuntu%2011.10')).body.images
    expect(named.map((image: any) => image.name)).toEqual(['Ubuntu 11.10'])
    expect((await computeJson(cloud, 'DFW', '/images?type=GOLD')).status).toBe(400)
  })
})
