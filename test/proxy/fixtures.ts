import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test as base } from 'vitest'
import { createFakeClock, type FakeClock } from '../../cassettes/clock.js'
import type { Cassette } from '../../cassettes/schema.js'
import { createRecordingProxy, type RecordingProxy, type RecordingProxyOptions } from '../../proxy/index.js'
import { startFakeCloud, type FakeCloud } from '../../upstream/index.js'

export const START = '2012-09-10T20:00:00Z'

type ProxyOptions = Omit<RecordingProxyOptions, 'cassette' | 'targets'> & Partial<Pick<RecordingProxyOptions, 'cassette' | 'targets'>>

interface Fixtures {
  clock: FakeClock
  cloud: FakeCloud
  dir: string
  /** Starts a recording proxy in front of the cloud's identity endpoint (closed after the test). */
  startProxy: (options?: ProxyOptions) => Promise<RecordingProxy>
}

/** Vitest fixtures: a fake cloud, a temp folder and recording proxies, each cleaned up after the test. */
export const test = base.extend<Fixtures>({
  clock: async ({}, use) => {
    await use(createFakeClock(START))
  },
  cloud: async ({ clock }, use) => {
    const cloud = await startFakeCloud({ seed: 7, clock, buildPolls: 2 })
    await use(cloud)
    await cloud.close()
  },
  dir: async ({}, use) => {
    const dir = await mkdtemp(join(tmpdir(), 'cloudtape-proxy-'))
    await use(dir)
    await rm(dir, { recursive: true, force: true })
  },
  startProxy: async ({ cloud, dir, clock }, use) => {
    const started: RecordingProxy[] = []
    await use(async (options = {}) => {
      const proxy = await createRecordingProxy({ targets: [cloud.identityUrl], cassette: join(dir, 'session.json'), clock, ...options })
      started.push(proxy)
      return proxy
    })
    await Promise.all(started.map((proxy) => proxy.close().catch(() => undefined)))
  },
})

/** The password-credentials auth body for the cloud's account. */
export function passwordAuth(cloud: FakeCloud): string {
  return JSON.stringify({ auth: { passwordCredentials: { username: cloud.credentials.username, password: cloud.credentials.password } } })
}

export interface TokenAnswer {
  readonly token: string
  readonly body: Record<string, unknown>
  /** region → publicURL of cloudServersOpenStack, as the client received it. */
  readonly compute: Record<string, string>
}

/** Authenticates through `authUrl` (…/v2.0) the way an SDK does and reads the compute endpoints. */
export async function authenticate(authUrl: string, cloud: FakeCloud): Promise<TokenAnswer> {
  const res = await fetch(`${authUrl}/tokens`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: passwordAuth(cloud) })
  if (res.status !== 200) throw new Error(`auth answered ${res.status}: ${await res.text()}`)
  const body = (await res.json()) as { access: { token: { id: string }; serviceCatalog: Array<{ name: string; endpoints: Array<{ region?: string; publicURL: string }> }> } }
  const servers = body.access.serviceCatalog.find((service) => service.name === 'cloudServersOpenStack')
  const compute = Object.fromEntries((servers?.endpoints ?? []).map((endpoint) => [endpoint.region ?? '', endpoint.publicURL]))
  return { token: body.access.token.id, body, compute }
}

/** Reads the cassette file as the proxy wrote it. */
export async function readCassette(path: string): Promise<{ text: string; cassette: Cassette }> {
  const text = await readFile(path, 'utf8')
  return { text, cassette: JSON.parse(text) as Cassette }
}
