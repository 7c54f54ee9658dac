import { mkdtemp, rm } from 'node:fs/promises'
import type http from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { loadCassetteFile } from '../../cassettes/store.js'
import type { Cassette, Interaction } from '../../cassettes/schema.js'
import { createRecordingProxy } from '../../proxy/index.js'
import { createReplayServer } from '../../replay/index.js'
import { startFakeCloud } from '../../upstream/index.js'
import { call, heapSettledNear, mib, runClients, settledHeapBytes, type LoadRun } from './load-client.js'

/** The load: 50 concurrent clients, a bounded number of requests. */
const CLIENTS = 50
const REQUESTS = 2000
const SERVERS = 3
/**
 * How far the settled heap may end above where it started. Between two full collections a test
 * worker's heap moves by up to about 1 MiB on its own (JIT code, feedback, vitest's state); the
 * recorded cassette of this load is about 6 MiB in memory, and leaked per-request state (a few
 * KiB a request) would be 4 MiB or more: either goes over. Measured on the 2-core machine: +0.8 MiB
 * after recording, -0.4 MiB after replay (bench/RESULTS.md, "Reliability suite").
 */
const HEAP_TOLERANCE_BYTES = 3 * 1024 * 1024

const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json' }

/** What every client knows after logging in: where compute is and which servers exist. */
interface Account {
  readonly compute: string
  readonly headers: Record<string, string>
  readonly servers: readonly string[]
  readonly flavors: readonly string[]
}

/** Logs in through `authUrl` and boots SERVERS servers one after another, as a client would. */
async function setUp(authUrl: string, flavors: readonly string[], imageRef: string): Promise<Account> {
  const agent = undefined
  const login = await call(agent, 'POST', `${authUrl}/tokens`, JSON_HEADERS, JSON.stringify({ auth: { passwordCredentials: { username: 'loader', password: 'load-secret-9f3k2' } } }))
  if (login.status !== 200) throw new Error(`login answered ${login.status}: ${login.text}`)
  const { access } = JSON.parse(login.text) as { access: { token: { id: string }; serviceCatalog: Array<{ name: string; endpoints: Array<{ region?: string; publicURL: string }> }> } }
  const compute = access.serviceCatalog.find((service) => service.name === 'cloudServersOpenStack')?.endpoints.find((endpoint) => endpoint.region === 'DFW')?.publicURL
  if (!compute) throw new Error('no DFW compute endpoint in the catalog')
  const headers = { ...JSON_HEADERS, 'x-auth-token': access.token.id }
  const servers: string[] = []
  for (let i = 0; i < SERVERS; i += 1) {
    const created = await call(agent, 'POST', `${compute}/servers`, headers, JSON.stringify({ server: { name: `load-${i}`, imageRef, flavorRef: flavors[0] } }))
    if (created.status !== 202) throw new Error(`create answered ${created.status}: ${created.text}`)
    servers.push((JSON.parse(created.text) as { server: { id: string } }).server.id)
  }
  return { compute, headers, servers, flavors }
}

/**
 * Request n of the load, one of four kinds, each carrying `n` so its answer and its interaction
 * can be told apart from every other: a flavor, a server, a metadata write, the image list.
 */
async function sendNth(account: Account, n: number, agent: http.Agent): Promise<void> {
  const { compute, headers, servers, flavors } = account
  const server = servers[n % servers.length] as string
  switch (n % 4) {
    case 0: {
      const flavor = flavors[n % flavors.length] as string
      const answer = await call(agent, 'GET', `${compute}/flavors/${flavor}?n=${n}`, headers)
      expectAnswer(n, answer, 200, (body) => body.flavor?.id === flavor)
      return
    }
    case 1: {
      const answer = await call(agent, 'GET', `${compute}/servers/${server}?n=${n}`, headers)
      expectAnswer(n, answer, 200, (body) => body.server?.id === server)
      return
    }
    case 2: {
      const answer = await call(agent, 'PUT', `${compute}/servers/${server}/metadata/${metaKey(n)}?n=${n}`, headers, JSON.stringify({ meta: { [metaKey(n)]: `v${n}` } }))
      expectAnswer(n, answer, 200, (body) => body.meta?.[metaKey(n)] === `v${n}`)
      return
    }
    default: {
      const answer = await call(agent, 'GET', `${compute}/images/detail?n=${n}`, headers)
      expectAnswer(n, answer, 200, (body) => Array.isArray(body.images) && body.images.length > 0)
    }
  }
}

/** A few keys only: the API allows 20 metadata items per server; the value says which request wrote it. */
function metaKey(n: number): string {
  return `k${n % 8}`
}

function expectAnswer(n: number, answer: { status: number; text: string }, status: number, fits: (body: any) => boolean): void {
  const body = answer.status === status ? (JSON.parse(answer.text) as unknown) : null
  if (answer.status !== status || !fits(body)) throw new Error(`request ${n}: ${answer.status} ${answer.text.slice(0, 200)}`)
}

/** Each interaction of the load by its `n`, failing on one that is missing or recorded twice. */
function interactionsByN(cassette: Cassette): Map<number, Interaction> {
  const byN = new Map<number, Interaction>()
  const duplicates: number[] = []
  for (const interaction of cassette.interactions) {
    const n = interaction.request.query.find(([name]) => name === 'n')?.[1]
    if (n === undefined) continue
    if (byN.has(Number(n))) duplicates.push(Number(n))
    byN.set(Number(n), interaction)
  }
  expect(duplicates).toEqual([])
  return byN
}

/** Checks that interaction n is request n's own exchange: same kind, same resource, same answer. */
function checkIdentity(n: number, interaction: Interaction, serverPlaceholders: Map<string, Set<string>>, account: Account): void {
  const body = interaction.response?.body
  const response = body?.kind === 'json' ? (body.json as any) : null
  switch (n % 4) {
    case 0:
      expect([interaction.operation, interaction.params['flavor_id'], response.flavor.id]).toEqual(['flavors.get', account.flavors[n % account.flavors.length], account.flavors[n % account.flavors.length]])
      return
    case 1: {
      expect(interaction.operation).toBe('servers.get')
      expect(response.server.id).toBe(interaction.params['server_id'])
      const real = account.servers[n % account.servers.length] as string
      serverPlaceholders.set(real, (serverPlaceholders.get(real) ?? new Set()).add(interaction.params['server_id'] as string))
      return
    }
    case 2: {
      const request = interaction.request.body?.kind === 'json' ? (interaction.request.body.json as any) : null
      expect([interaction.operation, request?.meta?.[metaKey(n)], response.meta[metaKey(n)]]).toEqual(['servers.metadata.set', `v${n}`, `v${n}`])
      return
    }
    default:
      expect([interaction.operation, interaction.response?.status]).toEqual(['images.listDetail', 200])
  }
}

async function recordAndCheck(dir: string, name = 'load'): Promise<{ run: LoadRun; interactions: number; account: Account }> {
  return checkRecording(await recordLoad(dir, name, REQUESTS))
}

/** Every load request has exactly one interaction, and it is that request's own exchange. */
function checkRecording(recorded: Recorded): { run: LoadRun; interactions: number; account: Account } {
  expect(recorded.run.errors).toEqual([])
  const byN = interactionsByN(recorded.cassette)
  expect(byN.size).toBe(REQUESTS)
  expect(recorded.cassette.interactions).toHaveLength(1 + SERVERS + REQUESTS)
  expect(recorded.cassette.interactions.map((interaction) => interaction.id)).toEqual(recorded.cassette.interactions.map((_, i) => i + 1))
  const placeholders = new Map<string, Set<string>>()
  for (const [n, interaction] of byN) checkIdentity(n, interaction, placeholders, recorded.account)
  expect([...placeholders.values()].map((set) => set.size)).toEqual(recorded.account.servers.map(() => 1))
  expect(new Set([...placeholders.values()].flatMap((set) => [...set])).size).toBe(SERVERS)
  return { run: recorded.run, interactions: byN.size, account: recorded.account }
}

interface Recorded {
  readonly cassette: Cassette
  readonly account: Account
  readonly run: LoadRun
}

/** A fake cloud and a recording proxy in front of its identity endpoint, `total` requests, then both closed. */
async function recordLoad(dir: string, name: string, total: number): Promise<Recorded> {
  const cloud = await startFakeCloud({ seed: 11, buildPolls: 0, requestLogLimit: 100, credentials: { username: 'loader', password: 'load-secret-9f3k2' } })
  try {
    const proxy = await createRecordingProxy({ targets: cloud.identityUrl, cassette: join(dir, `${name}.json`) })
    const errors: Error[] = []
    proxy.on('error', (error) => errors.push(error))
    try {
      const account = await setUp(`${proxy.url}/v2.0`, cloud.flavorIds, cloud.baseImages[0]?.id as string)
      const run = await runClients(CLIENTS, total, (n, agent) => sendNth(account, n, agent))
      await proxy.close()
      expect(errors).toEqual([])
      return { cassette: await loadCassetteFile(proxy.cassettePath), account, run }
    } finally {
      await proxy.close()
    }
  } finally {
    await cloud.close()
  }
}

describe('load: 50 concurrent clients', () => {
  let dir = ''
  /** The recording test's cassette and what its clients knew; the replay test records its own if that test failed. */
  let loaded: Account | null = null
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cloudtape-load-'))
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  test(`records ${REQUESTS} requests through the proxy with no error, none lost or duplicated, and the heap settles back`, async () => {
    await recordLoad(dir, 'warm-up', 200)
    const before = await settledHeapBytes()

    // Recorded and checked in a function of its own: a value awaited here would stay referenced from
    // this frame, and the heap measured below would count the whole cassette.
    const first = await recordAndCheck(dir, 'load-1')
    const afterFirst = await settledHeapBytes()
    const { run, interactions, account } = await recordAndCheck(dir)
    loaded = account

    const after = await heapSettledNear(afterFirst, HEAP_TOLERANCE_BYTES)
    console.log(`reliability load: recording proxy, ${CLIENTS} clients, 2 × ${run.requests} requests in ${first.run.ms.toFixed(0)} + ${run.ms.toFixed(0)} ms, ${run.errors.length} errors, ${interactions} interactions each (0 lost, 0 duplicated); settled heap ${mib(before)} → ${mib(afterFirst)} after pass 1 → ${mib(after)} MiB after pass 2 (tolerance ${mib(HEAP_TOLERANCE_BYTES)} MiB)`)
    // Per-request state that leaks grows with every pass; what V8 happens to keep of the last pass
    // (once seen in CI: its 6 MiB cassette, still referenced at the first measurement) does not.
    expect(after - afterFirst).toBeLessThan(HEAP_TOLERANCE_BYTES)
    expect(Math.min(afterFirst, after) - before).toBeLessThan(HEAP_TOLERANCE_BYTES)
  }, 180_000)

  test(`replays ${REQUESTS} requests to the replay server from ${CLIENTS} clients with every answer its own; the heap stays flat and settles back`, async () => {
    const recorded = loaded ?? (await recordAndCheck(dir)).account
    loaded = null
    const cassette = join(dir, 'load.json')
    const replay = async (passes: number): Promise<{ runs: LoadRun[]; between: number[] }> => {
      const warnings: string[] = []
      const server = await createReplayServer({ cassette, warn: (message) => void warnings.push(message) })
      try {
        const account = await setUp(server.authUrl, recorded.flavors, 'any-image')
        const runs: LoadRun[] = []
        const between: number[] = []
        for (let pass = 0; pass < passes; pass += 1) {
          runs.push(await runClients(CLIENTS, REQUESTS, (n, agent) => sendNth(account, n, agent)))
          between.push(await settledHeapBytes())
        }
        expect(runs.flatMap((run) => run.errors)).toEqual([])
        expect(warnings).toEqual([])
        const unused = JSON.parse((await call(undefined, 'GET', `${server.url}/_cloudtape/unused`)).text) as { unused: unknown[] }
        expect(unused.unused).toEqual([])
        return { runs, between }
      } finally {
        await server.close()
      }
    }
    await replay(1)
    const before = await settledHeapBytes()
    const { runs, between } = await replay(2)
    const after = await heapSettledNear(before, HEAP_TOLERANCE_BYTES)
    const [first, second] = between as [number, number]
    const ms = runs.map((run) => run.ms.toFixed(0)).join(' + ')
    console.log(`reliability load: replay server, ${CLIENTS} clients, 2 × ${REQUESTS} requests in ${ms} ms (after a warm-up server), ${runs.flatMap((run) => run.errors).length} errors, 0 interactions unused; settled heap ${mib(before)} → ${mib(first)} after pass 1 → ${mib(second)} after pass 2 → ${mib(after)} MiB closed (tolerance ${mib(HEAP_TOLERANCE_BYTES)} MiB)`)
    expect(second - first).toBeLessThan(HEAP_TOLERANCE_BYTES)
    expect(after - before).toBeLessThan(HEAP_TOLERANCE_BYTES)
  }, 180_000)
})
