import { execFileSync } from 'node:child_process'
import { once } from 'node:events'
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import * as fsPromises from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, vi } from 'vitest'
import type { CloudtapeError } from '../../cassettes/errors.js'
import { loadCassetteFile } from '../../cassettes/store.js'
import type { RecordingProxy } from '../../proxy/index.js'
import { test } from '../proxy/fixtures.js'

/** The injected disk: while `full`, creating or filling a file under `folder` fails with ENOSPC. */
const disk = vi.hoisted(() => ({ full: false, folder: '\u0000' }))

vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof fsPromises>()
  const noSpace = (path: unknown): Error => Object.assign(new Error(`ENOSPC: no space left on device, open '${String(path)}'`), { code: 'ENOSPC', errno: -28, syscall: 'open' })
  const onFullDisk = (path: unknown): boolean => disk.full && String(path).startsWith(disk.folder)
  return {
    ...fs,
    open: async (path: Parameters<typeof fs.open>[0], ...rest: [never?, never?]) => {
      if (onFullDisk(path) && String(path).endsWith('.tmp')) throw noSpace(path)
      return fs.open(path, ...rest)
    },
    copyFile: async (from: Parameters<typeof fs.copyFile>[0], to: Parameters<typeof fs.copyFile>[1], mode?: number) => {
      if (onFullDisk(to)) throw noSpace(to)
      return fs.copyFile(from, to, mode)
    },
    writeFile: async (path: Parameters<typeof fs.writeFile>[0], ...rest: [never, never?]) => {
      if (onFullDisk(path)) throw noSpace(path)
      return fs.writeFile(path, ...rest)
    },
  }
})

/** GETs flavors through the proxy n times, each a 200, and returns after the last answer. */
async function forward(proxy: RecordingProxy, tenant: string, token: string, n: number): Promise<number[]> {
  const statuses: number[] = []
  for (let i = 0; i < n; i += 1) {
    const res = await fetch(`${proxy.url}/v2/${tenant}/flavors?i=${i}`, { headers: { 'x-auth-token': token } })
    await res.arrayBuffer()
    statuses.push(res.status)
  }
  return statuses
}

/** Mounts a tmpfs (root in a container may not be allowed to); null when it cannot. */
function tryMount(folder: string, options: string): (() => void) | null {
  mkdirSync(folder, { recursive: true })
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', folder], { stdio: 'ignore' })
    return () => execFileSync('umount', [folder], { stdio: 'ignore' })
  } catch {
    return null
  }
}

describe('the cassette folder fails', () => {
  test('disk full (injected ENOSPC): an error event says so, the proxy keeps forwarding, the last complete cassette stays, and the next write after space frees has everything', async ({ cloud, dir, startProxy }) => {
    disk.folder = join(dir, 'full')
    const proxy = await startProxy({ targets: [cloud.computeUrls['DFW'] as string], cassette: join(dir, 'full', 'session.json') })
    const errors: CloudtapeError[] = []
    proxy.on('error', (error) => errors.push(error))
    expect(await forward(proxy, cloud.tenantId, cloud.token, 2)).toEqual([200, 200])
    await proxy.flush()
    expect((await loadCassetteFile(proxy.cassettePath)).interactions).toHaveLength(2)

    disk.full = true
    try {
      const failed = once(proxy, 'error')
      expect(await forward(proxy, cloud.tenantId, cloud.token, 5)).toEqual([200, 200, 200, 200, 200])
      await failed
      await expect(proxy.flush()).rejects.toMatchObject({ code: 'ERR_CLOUDTAPE_CASSETTE_WRITE', message: expect.stringMatching(/ENOSPC: no space left on device[\s\S]*disk is not full/) })
      expect(errors.map((error) => error.code)).toEqual(errors.map(() => 'ERR_CLOUDTAPE_CASSETTE_WRITE'))
      expect(errors[0]?.message).toContain(proxy.cassettePath)
      expect((await loadCassetteFile(proxy.cassettePath)).interactions).toHaveLength(2)
    } finally {
      disk.full = false
    }
    expect(await forward(proxy, cloud.tenantId, cloud.token, 1)).toEqual([200])
    await proxy.close()
    const cassette = await loadCassetteFile(proxy.cassettePath)
    expect(cassette.interactions.map((interaction) => interaction.request.query[0]?.[1])).toEqual(['0', '1', '0', '1', '2', '3', '4', '0'])
    expect(readdirSync(join(dir, 'full'))).toEqual(['session.json'])
    console.log(`reliability faults: disk full (injected ENOSPC) during 5 requests: 5 forwarded, ${errors.length} error events, last complete cassette kept, ${cassette.interactions.length} interactions once space came back`)
  })

  test('a cassette folder that cannot exist (its path is a file): error events, forwarding goes on', async ({ cloud, dir, startProxy }) => {
    writeFileSync(join(dir, 'not-a-folder'), 'a file')
    const proxy = await startProxy({ targets: [cloud.computeUrls['DFW'] as string], cassette: join(dir, 'not-a-folder', 'session.json') })
    const errors: CloudtapeError[] = []
    proxy.on('error', (error) => errors.push(error))
    const failed = once(proxy, 'error')
    expect(await forward(proxy, cloud.tenantId, cloud.token, 3)).toEqual([200, 200, 200])
    // The background write, after the interactions are recorded, reports through the event.
    const [error] = (await failed) as [CloudtapeError]
    expect(error).toMatchObject({ code: 'ERR_CLOUDTAPE_CASSETTE_WRITE', message: expect.stringMatching(/not-a-folder[\s\S]*(ENOTDIR|EEXIST)[\s\S]*Check that/) })
    await expect(proxy.flush()).rejects.toMatchObject({ code: 'ERR_CLOUDTAPE_CASSETTE_WRITE', message: expect.stringContaining('not-a-folder') })
    expect(await forward(proxy, cloud.tenantId, cloud.token, 1)).toEqual([200])
    await expect(proxy.close()).rejects.toMatchObject({ code: 'ERR_CLOUDTAPE_CASSETTE_WRITE' })
  })

  const tmpfsWorks = (() => {
    const probe = `/tmp/cloudtape-tmpfs-probe-${process.pid}`
    const unmount = tryMount(probe, 'size=16k')
    unmount?.()
    return unmount !== null
  })()
  if (!tmpfsWorks) console.log('reliability faults: tmpfs cannot be mounted here (not root, or no CAP_SYS_ADMIN); the real-disk tests are skipped, the injected ENOSPC test above still runs')

  test.skipIf(!tmpfsWorks)('a real full disk (64 KiB tmpfs) and a real read-only folder (ro tmpfs; root bypasses chmod but not EROFS): error events, forwarding goes on, the last complete cassette loads', async ({ cloud, dir, startProxy }) => {
    const small = join(dir, 'small')
    const unmountSmall = tryMount(small, 'size=64k')
    const readOnly = join(dir, 'read-only')
    const unmountReadOnly = tryMount(readOnly, 'ro,size=16k')
    try {
      const proxy = await startProxy({ targets: [cloud.computeUrls['DFW'] as string], cassette: join(small, 'session.json') })
      const errors: CloudtapeError[] = []
      proxy.on('error', (error) => errors.push(error))
      let last = 0
      let sent = 0
      // flavors/detail answers are about 2 KiB each: the cassette outgrows 64 KiB within 60 requests.
      while (errors.length === 0 && sent < 200) {
        const res = await fetch(`${proxy.url}/v2/${cloud.tenantId}/flavors/detail?i=${sent}`, { headers: { 'x-auth-token': cloud.token } })
        await res.arrayBuffer()
        expect(res.status).toBe(200)
        sent += 1
        try {
          await proxy.flush()
          last = sent
        } catch (error) {
          expect(error).toMatchObject({ code: 'ERR_CLOUDTAPE_CASSETTE_WRITE', message: expect.stringContaining('ENOSPC') })
          break
        }
      }
      expect(sent).toBeLessThan(200)
      expect((await fetch(`${proxy.url}/v2/${cloud.tenantId}/flavors`, { headers: { 'x-auth-token': cloud.token } })).status).toBe(200)
      expect((await loadCassetteFile(proxy.cassettePath)).interactions).toHaveLength(last)
      expect(readdirSync(small)).toEqual(['session.json'])
      await proxy.close().catch(() => undefined)

      const locked = await startProxy({ targets: [cloud.computeUrls['DFW'] as string], cassette: join(readOnly, 'session.json') })
      locked.on('error', () => undefined)
      expect(await forward(locked, cloud.tenantId, cloud.token, 2)).toEqual([200, 200])
      await expect(locked.flush()).rejects.toMatchObject({ code: 'ERR_CLOUDTAPE_CASSETTE_WRITE', message: expect.stringContaining('EROFS') })
      await locked.close().catch(() => undefined)
      console.log(`reliability faults: real 64 KiB tmpfs filled after ${sent} requests (last complete cassette: ${last} interactions, loads); read-only tmpfs: EROFS reported, 2 requests forwarded`)
    } finally {
      unmountSmall?.()
      unmountReadOnly?.()
    }
  })
})
