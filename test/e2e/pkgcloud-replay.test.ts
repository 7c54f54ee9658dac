import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { describe, expect, onTestFinished, test } from 'vitest'
import { startFakeCloud } from '../../upstream/index.js'

const BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url))

/** The parts of pkgcloud's openstack compute client this test drives (pkgcloud ships no types). */
interface PkgcloudServer {
  readonly id: string
  readonly name: string
  readonly status: string
  readonly STATUS: Readonly<Record<string, string>>
  setWait(attributes: Record<string, string>, interval: number, timeLimit: number, callback: (error: unknown, server: PkgcloudServer) => void): unknown
}
type Callback<T> = (error: unknown, result: T) => void
interface PkgcloudCompute {
  getFlavors(callback: Callback<Array<{ id: string; name: string }>>): void
  getImages(callback: Callback<Array<{ id: string; name: string }>>): void
  createServer(details: { name: string; flavor: unknown; image: unknown }, callback: Callback<PkgcloudServer>): void
  rebootServer(server: PkgcloudServer, callback: Callback<unknown>): void
  destroyServer(server: PkgcloudServer, callback: Callback<{ ok: string }>): void
}
const pkgcloud = createRequire(import.meta.url)('pkgcloud') as { compute: { createClient(options: Record<string, unknown>): PkgcloudCompute } }

function call<T>(start: (callback: Callback<T>) => void): Promise<T> {
  return new Promise((resolve, reject) => start((error, result) => (error ? reject(error) : resolve(result))))
}

/**
 * pkgcloud's own wait: setWait polls getServer on a timer. A 10 ms interval keeps the test fast
 * (the fake cloud and replay move on per poll, not per second); the once-guard is there because
 * setWait can call back twice when two polls are in flight as the status arrives.
 */
function waitUntilRunning(server: PkgcloudServer): Promise<PkgcloudServer> {
  return new Promise((resolve, reject) => {
    let settled = false
    server.setWait({ status: server.STATUS['running'] as string }, 10, 10_000, (error, current) => {
      if (settled) return
      settled = true
      if (error) reject(error instanceof Error ? error : new Error(JSON.stringify(error)))
      else resolve(current)
    })
  })
}

/** pkgcloud's story: authenticate, list flavors and images, boot, wait for ACTIVE, reboot, wait, delete. */
async function pkgcloudBootRebootDelete(authUrl: string, region: string): Promise<string[]> {
  const client = pkgcloud.compute.createClient({ provider: 'openstack', authUrl, username: 'demo', password: 'anything', region })
  const flavors = await call<Array<{ id: string; name: string }>>((done) => client.getFlavors(done))
  const images = await call<Array<{ id: string; name: string }>>((done) => client.getImages(done))
  const server = await call<PkgcloudServer>((done) => client.createServer({ name: 'web1', flavor: flavors[0], image: images[0] }, done))
  const seen = [`flavors ${flavors.length}`, `images ${images.length}`, `created ${server.name}`]
  seen.push(`booted ${(await waitUntilRunning(server)).status}`)
  await call((done) => client.rebootServer(server, done))
  seen.push(`rebooted ${(await waitUntilRunning(server)).status}`)
  seen.push(`deleted ${(await call<{ ok: string }>((done) => client.destroyServer(server, done))).ok === server.id}`)
  return seen
}

/** The same requests from a client given a fixed token and compute endpoint: no identity exchange. */
async function fixedTokenBootRebootDelete(compute: string, token: string): Promise<string[]> {
  const headers = { 'content-type': 'application/json', accept: 'application/json', 'x-auth-token': token }
  const get = async (path: string): Promise<any> => (await fetch(`${compute}${path}`, { headers })).json()
  const { flavors } = await get('/flavors/detail')
  const { images } = await get('/images/detail')
  const body = JSON.stringify({ server: { name: 'web1', flavorRef: flavors[0].id, imageRef: images[0].id } })
  const created = await fetch(`${compute}/servers`, { method: 'POST', headers, body })
  const id = ((await created.json()) as { server: { id: string } }).server.id
  const seen = [`create ${created.status}`]
  const pollUntilActive = async (): Promise<void> => {
    for (let poll = 0; poll < 10; poll += 1) {
      const status = (await get(`/servers/${id}`)).server.status as string
      seen.push(status)
      if (status === 'ACTIVE') return
    }
  }
  await pollUntilActive()
  seen.push(`reboot ${(await fetch(`${compute}/servers/${id}/action`, { method: 'POST', headers, body: JSON.stringify({ reboot: { type: 'SOFT' } }) })).status}`)
  await pollUntilActive()
  seen.push(`delete ${(await fetch(`${compute}/servers/${id}`, { method: 'DELETE', headers })).status}`)
  return seen
}

/** Spawns the built bin and resolves with the URL of its first line, `listening on <url>`. */
async function startBin(args: string[]): Promise<{ child: ChildProcess; url: string; stderr: () => string }> {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString('utf8')))
  onTestFinished(() => void (child.exitCode === null && child.kill('SIGKILL')))
  const lines = createInterface({ input: child.stdout })
  const exited = once(child, 'exit').then(() => Promise.reject(new Error(`cloudtape ${args[0]} exited early: ${stderr}`)))
  const [first] = (await Promise.race([once(lines, 'line'), exited])) as [string]
  const url = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(first)?.[1]
  if (url === undefined) throw new Error(`unexpected first line: ${first}`)
  return { child, url, stderr: () => stderr }
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = once(child, 'exit')
  child.kill('SIGTERM')
  const [code] = (await exited) as [number | null]
  return code
}

describe('pkgcloud against cloudtape replay of a compute-only recording', () => {
  test('pkgcloud authenticates, lists, boots, waits for ACTIVE, reboots and deletes against the synthesized identity', async () => {
    const cloud = await startFakeCloud({ buildPolls: 2, actionPolls: 1 })
    onTestFinished(() => cloud.close())
    const dir = await mkdtemp(join(tmpdir(), 'cloudtape-pkgcloud-'))
    onTestFinished(() => rm(dir, { recursive: true, force: true }))
    const cassette = join(dir, 'compute-only.json')
    const region = cloud.regions[0] as string

    const recorder = await startBin(['record', '--target', cloud.computeOrigins[region] as string, '--cassette', cassette])
    const recorded = await fixedTokenBootRebootDelete(`${recorder.url}/v2/${cloud.tenantId}`, cloud.token)
    expect(await stop(recorder.child)).toBe(0)
    await cloud.close()
    expect(recorded).toEqual(['create 202', 'BUILD', 'BUILD', 'ACTIVE', 'reboot 202', 'REBOOT', 'ACTIVE', 'delete 204'])
    const operations = (JSON.parse(await readFile(cassette, 'utf8')) as { interactions: Array<{ operation: string }> }).interactions.map((interaction) => interaction.operation)
    expect(operations).not.toContain('identity.tokens.create')

    const replay = await startBin(['replay', '--cassette', cassette, '--region', 'ORD'])
    const seen = await pkgcloudBootRebootDelete(replay.url, 'ORD')
    expect(seen).toEqual([`flavors ${cloud.flavorIds.length}`, `images ${cloud.baseImages.length}`, 'created web1', 'booted RUNNING', 'rebooted RUNNING', 'deleted true'])
    const { unused } = (await (await fetch(`${replay.url}/_cloudtape/unused`)).json()) as { unused: unknown[] }
    expect(unused).toEqual([])
    const { requests } = (await (await fetch(`${replay.url}/_cloudtape/requests`)).json()) as { requests: Array<{ operation: string; outcome: string }> }
    expect(requests[0]).toMatchObject({ operation: 'identity.tokens.create', outcome: 'identity' })
    expect(requests.filter((request) => request.outcome === 'miss')).toEqual([])
    expect(await stop(replay.child)).toBe(0)
    expect(replay.stderr()).toBe('')
  })
})
