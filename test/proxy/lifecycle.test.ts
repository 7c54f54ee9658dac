import { existsSync } from 'node:fs'
import { readdir, writeFile } from 'node:fs/promises'
import http from 'node:http'
import { join } from 'node:path'
import { describe, expect } from 'vitest'
import { systemClock } from '../../cassettes/clock.js'
import type { PassthroughEvent } from '../../proxy/index.js'
import { startFakeCloud } from '../../upstream/index.js'
import { readCassette, test } from './fixtures.js'

describe('many clients, closing, modes', () => {
  test('records 50 concurrent clients into one cassette without losing or mixing interactions', async ({ cloud, startProxy }) => {
    const proxy = await startProxy({ targets: [cloud.computeUrls['DFW'] as string] })
    const ids = Array.from({ length: 50 }, (_, i) => cloud.flavorIds[i % cloud.flavorIds.length] as string)
    const answers = await Promise.all(
      ids.map(async (id, client) => {
        const res = await fetch(`${proxy.url}/v2/${cloud.tenantId}/flavors/${id}?client=${client}`, { headers: { 'x-auth-token': cloud.token } })
        return ((await res.json()) as { flavor: { id: string } }).flavor.id
      }),
    )
    expect(answers).toEqual(ids)
    await proxy.flush()
    const { cassette } = await readCassette(proxy.cassettePath)
    expect(cassette.interactions.map((interaction) => interaction.id)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1))
    const clients = cassette.interactions.map((interaction) => Number(interaction.request.query.find(([name]) => name === 'client')?.[1]))
    expect(new Set(clients).size).toBe(50)
    for (const interaction of cassette.interactions) {
      const body = interaction.response?.body
      const flavor = body?.kind === 'json' ? (body.json as { flavor: { id: string } }).flavor : null
      expect(flavor?.id).toBe(interaction.params['flavor_id'])
    }
    const occurrences = new Map<string, number[]>()
    for (const interaction of cassette.interactions) occurrences.set(interaction.params['flavor_id'] ?? '', [...(occurrences.get(interaction.params['flavor_id'] ?? '') ?? []), interaction.occurrence])
    for (const list of occurrences.values()) expect(list).toEqual(list.map((_, i) => i))
  })

  test('closes with keep-alive sockets open and writes the cassette', async ({ cloud, startProxy }) => {
    const proxy = await startProxy({ targets: [cloud.computeUrls['DFW'] as string] })
    const agent = new http.Agent({ keepAlive: true })
    for (let i = 0; i < 3; i += 1) {
      await new Promise<void>((resolve, reject) => {
        http.get(`${proxy.url}/v2/${cloud.tenantId}/flavors`, { agent, headers: { 'x-auth-token': cloud.token } }, (res) => res.resume().on('end', resolve)).on('error', reject)
      })
    }
    expect(Object.values(agent.freeSockets).flat()).toHaveLength(1)
    await proxy.close()
    const { cassette } = await readCassette(proxy.cassettePath)
    expect(cassette.interactions).toHaveLength(3)
    agent.destroy()
  })

  test('lets an in-flight request finish when closed, then records it', async ({ dir, startProxy }) => {
    const cloud = await startFakeCloud({ seed: 3, clock: systemClock, switches: [{ kind: 'slow', delayMs: 300, operation: 'flavors.list' }] })
    try {
      const proxy = await startProxy({ targets: [cloud.computeUrls['DFW'] as string], cassette: join(dir, 'slow.json') })
      const pending = fetch(`${proxy.url}/v2/${cloud.tenantId}/flavors`, { headers: { 'x-auth-token': cloud.token } })
      await expect.poll(() => cloud.requests.length).toBe(1)
      const closed = proxy.close()
      const res = await pending
      expect(res.status).toBe(200)
      await res.arrayBuffer()
      await closed
      const { cassette } = await readCassette(join(dir, 'slow.json'))
      expect(cassette.interactions.map((interaction) => interaction.operation)).toEqual(['flavors.list'])
      await expect(fetch(`${proxy.url}/v2/${cloud.tenantId}/flavors`)).rejects.toThrow()
    } finally {
      await cloud.close()
    }
  })

  test('record mode overwrites an existing cassette', async ({ cloud, dir, startProxy }) => {
    const path = join(dir, 'old.json')
    await writeFile(path, '{"version": 1, "name": "old", "interactions": ["stale"]}\n')
    const proxy = await startProxy({ targets: [cloud.computeUrls['DFW'] as string], cassette: path })
    await fetch(`${proxy.url}/v2/${cloud.tenantId}/flavors`, { headers: { 'x-auth-token': cloud.token } }).then((res) => res.arrayBuffer())
    await proxy.close()
    const { cassette } = await readCassette(path)
    expect(cassette.interactions.map((interaction) => interaction.operation)).toEqual(['flavors.list'])
  })

  test('appends between flushes, and close() leaves nothing beside the cassette (its append shadow is removed)', async ({ cloud, dir, startProxy }) => {
    const proxy = await startProxy({ targets: [cloud.computeUrls['DFW'] as string] })
    for (let i = 0; i < 3; i += 1) {
      await fetch(`${proxy.url}/v2/${cloud.tenantId}/flavors?i=${i}`, { headers: { 'x-auth-token': cloud.token } }).then((res) => res.arrayBuffer())
      await proxy.flush()
    }
    expect((await readdir(dir)).filter((name) => name.endsWith('.shadow.tmp'))).toHaveLength(1)
    await proxy.close()
    expect(await readdir(dir)).toEqual(['session.json'])
    const { cassette } = await readCassette(proxy.cassettePath)
    expect(cassette.interactions.map((interaction) => interaction.request.query[0]?.[1])).toEqual(['0', '1', '2'])
  })

  test('writes the cassette after each interaction without being asked', async ({ cloud, startProxy }) => {
    const proxy = await startProxy({ targets: [cloud.computeUrls['DFW'] as string] })
    await fetch(`${proxy.url}/v2/${cloud.tenantId}/flavors`, { headers: { 'x-auth-token': cloud.token } }).then((res) => res.arrayBuffer())
    await expect.poll(async () => existsSync(proxy.cassettePath) && (await readCassette(proxy.cassettePath)).cassette.interactions.length).toBe(1)
  })

  test('passthrough mode forwards, reports and writes nothing', async ({ cloud, startProxy }) => {
    const proxy = await startProxy({ targets: [cloud.computeUrls['DFW'] as string], mode: 'passthrough' })
    const events: PassthroughEvent[] = []
    proxy.on('passthrough', (event) => events.push(event))
    const res = await fetch(`${proxy.url}/v2/${cloud.tenantId}/flavors`, { headers: { 'x-auth-token': cloud.token } })
    expect(res.status).toBe(200)
    await res.arrayBuffer()
    await proxy.close()
    expect(events).toEqual([{ method: 'GET', url: `${cloud.computeUrls['DFW']}/flavors`, operation: 'flavors.list', status: 200 }])
    expect(existsSync(proxy.cassettePath)).toBe(false)
  })

  test('leaves the cassette file alone when nothing was recorded', async ({ startProxy }) => {
    const proxy = await startProxy()
    const codes: string[] = []
    proxy.on('warning', (warning) => codes.push(warning.code))
    await proxy.close()
    expect(existsSync(proxy.cassettePath)).toBe(false)
    expect(codes).toEqual(['cassette-unchanged'])
  })

  test('fails with ERR_CLOUDTAPE_CASSETTE_WRITE from flush() when the cassette cannot be written', async ({ cloud, dir, startProxy }) => {
    await writeFile(join(dir, 'file'), 'not a folder')
    const proxy = await startProxy({ targets: [cloud.computeUrls['DFW'] as string], cassette: join(dir, 'file', 'c.json') })
    proxy.on('error', () => undefined)
    await fetch(`${proxy.url}/v2/${cloud.tenantId}/flavors`, { headers: { 'x-auth-token': cloud.token } }).then((res) => res.arrayBuffer())
    await expect(proxy.flush()).rejects.toMatchObject({ code: 'ERR_CLOUDTAPE_CASSETTE_WRITE' })
  })

  test('fails with ERR_CLOUDTAPE_INVALID_OPTION when the listen port is taken', async ({ startProxy }) => {
    const first = await startProxy()
    await expect(startProxy({ listen: new URL(first.url).host })).rejects.toMatchObject({ code: 'ERR_CLOUDTAPE_INVALID_OPTION' })
  })
})

describe('dialect and rules', () => {
  test('answers upstream failures in the dialect detected from the traffic when none is given', async ({ dir, startProxy }) => {
    const cloud = await startFakeCloud({ dialect: 'hp', seed: 5 })
    try {
      const proxy = await startProxy({ targets: [cloud.identityUrl], cassette: join(dir, 'hp.json') })
      const auth = await fetch(`${proxy.url}/v2.0/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ auth: { passwordCredentials: { username: cloud.credentials.username, password: cloud.credentials.password }, tenantId: cloud.tenantId } }),
      })
      expect(auth.status).toBe(200)
      await auth.arrayBuffer()
      cloud.switches.add({ kind: 'resetBeforeHeaders', times: 1 })
      const res = await fetch(`${proxy.urlFor(cloud.computeUrls[cloud.regions[0] as string] as string)}/flavors`, { headers: { 'x-auth-token': cloud.token } })
      expect(res.status).toBe(502)
      expect(Object.keys((await res.json()) as object)).toEqual(['cloudServersFault'])
      expect(proxy.cassette().dialect).toBe('hp')
    } finally {
      await cloud.close()
    }
  })

  test('passes normalization rules to the recorder: a header named secret never reaches the cassette', async ({ cloud, startProxy }) => {
    const proxy = await startProxy({ targets: [cloud.computeUrls['DFW'] as string], rules: { secretHeaders: ['x-partner-key'] } })
    await fetch(`${proxy.url}/v2/${cloud.tenantId}/flavors`, { headers: { 'x-auth-token': cloud.token, 'x-partner-key': 'pk-8f3a1c9e77d2' } }).then((res) => res.arrayBuffer())
    await proxy.flush()
    const { text } = await readCassette(proxy.cassettePath)
    expect(text).toContain('x-partner-key')
    expect(text).not.toContain('pk-8f3a1c9e77d2')
  })
})
