import { afterEach, describe, expect, test, vi } from 'vitest'
import { createFakeClock } from '../../cassettes/index.js'
import { createSeededRandom, type FakeCloud } from '../../upstream/index.js'
import { compute, computeJson, createServer, json, passwordAuthBody, postTokens, startTestCloud } from '../helpers/fake-cloud.js'

/** The values a recording would capture: secrets, ids, addresses, and a request id. */
async function story(cloud: FakeCloud): Promise<Record<string, unknown>> {
  const access = (await json(postTokens(cloud, passwordAuthBody(cloud)))).access
  const created = await createServer(cloud, 'DFW')
  const server = (await computeJson(cloud, 'DFW', `/servers/${created.id}`)).body.server
  const requestId = (await compute(cloud, 'ORD', '/flavors')).headers.get('x-compute-request-id')
  return {
    token: access.token.id,
    tenant: cloud.tenantId,
    user: cloud.userId,
    credentials: cloud.credentials,
    storage: access.serviceCatalog[0].endpoints[0].tenantId,
    images: cloud.baseImages.map((image) => image.id),
    server: created.id,
    adminPass: created.adminPass,
    hostId: server.hostId,
    addresses: server.addresses,
    requestId,
  }
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('seeded secrets and ids', () => {
  test('gives the same values for the same seed, without Math.random', async () => {
    const random = vi.spyOn(Math, 'random')
    const first = await story((await startTestCloud({ seed: 42 })).cloud)
    const second = await story((await startTestCloud({ seed: 42 })).cloud)
    expect(second).toEqual(first)
    expect(random).not.toHaveBeenCalled()
  })

  test('gives different values of the same shapes for another seed', async () => {
    const first = await story((await startTestCloud({ seed: 1 })).cloud)
    const second = await story((await startTestCloud({ seed: 2 })).cloud)
    for (const key of ['token', 'tenant', 'user', 'storage', 'server', 'adminPass', 'hostId', 'requestId'] as const) {
      expect(second[key], key).not.toEqual(first[key])
      expect(String(second[key]).length, key).toBe(String(first[key]).length)
    }
    expect(second['images']).not.toEqual(first['images'])
  })

  test('keeps server n the same whatever requests came before it', async () => {
    const quiet = (await startTestCloud({ seed: 9 })).cloud
    const busy = (await startTestCloud({ seed: 9 })).cloud
    for (let call = 0; call < 5; call += 1) await compute(busy, 'DFW', '/flavors')
    await postTokens(busy, passwordAuthBody(busy))
    expect((await createServer(busy, 'ORD')).id).toBe((await createServer(quiet, 'DFW')).id)
  })

  test('keeps the credentials a caller gives, generating the rest', async () => {
    const { cloud } = await startTestCloud({ credentials: { username: 'demo', password: 'demo-password' } })
    expect(cloud.credentials).toMatchObject({ username: 'demo', password: 'demo-password', apiKey: expect.stringMatching(/^[0-9a-f]{32}$/) })
  })

  test('derives independent, repeatable streams', () => {
    const random = createSeededRandom('x')
    expect(random.stream('a').uuid()).toBe(createSeededRandom('x').stream('a').uuid())
    expect(random.stream('a').uuid()).not.toBe(random.stream('b').uuid())
    expect(random.stream('a', 1).hex(8)).not.toBe(random.stream('a', 2).hex(8))
    const stream = random.stream('ints')
    const values = Array.from({ length: 1000 }, () => stream.int(1, 6))
    expect(new Set(values)).toEqual(new Set([1, 2, 3, 4, 5, 6]))
  })
})

describe('volatile values', () => {
  test('dates the Date header, timestamps and token expiry from the injected clock', async () => {
    const clock = createFakeClock('2013-03-26T08:30:00Z')
    const { cloud } = await startTestCloud({ clock, buildPolls: 0 })
    const response = await compute(cloud, 'DFW', '/flavors')
    expect(response.headers.get('date')).toBe('Tue, 26 Mar 2013 08:30:00 GMT')
    expect(response.headers.get('x-compute-request-id')).toMatch(/^req-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    clock.advance(90_000)
    const { id } = await createServer(cloud, 'DFW')
    expect((await computeJson(cloud, 'DFW', `/servers/${id}`)).body.server.created).toBe('2013-03-26T08:31:30Z')
  })

  test('gives each answer its own request id', async () => {
    const { cloud } = await startTestCloud()
    const ids = new Set<string | null>()
    for (let call = 0; call < 5; call += 1) ids.add((await compute(cloud, 'DFW', '/flavors')).headers.get('x-compute-request-id'))
    expect(ids.size).toBe(5)
  })
})
