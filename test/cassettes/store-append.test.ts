import { spawnSync } from 'node:child_process'
import type * as fsPromises from 'node:fs/promises'
import { link, mkdtemp, readdir, readFile, rename, rm, stat, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { serializeCassette } from '../../cassettes/cassette-format.js'
import { createFakeClock } from '../../cassettes/clock.js'
import { createCassetteRecorder } from '../../cassettes/recorder.js'
import type { CassetteHead, Interaction } from '../../cassettes/schema.js'
import * as store from '../../cassettes/store.js'
import { exchange } from '../helpers/exchange.js'

/**
 * The injected file system: every call the store makes is logged by name; while `failAt` is set,
 * the call with that number (1-based, counted from when it was set) fails with EIO (a write
 * first writes half its bytes, as a full disk does), and with `crash`, so does every call after
 * it, cleanup included: what is on disk then is what a kill -9 at that step leaves.
 */
const fs = vi.hoisted(() => ({ calls: [] as string[], failAt: 0, crash: false, crashed: false, linkError: '', shortWrites: false }))

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof fsPromises>()
  const injected = (name: string): Error => Object.assign(new Error(`EIO: i/o error (injected), ${name}`), { code: 'EIO' })
  /** Logs the call; true when it is to fail. */
  const fails = (name: string): boolean => {
    fs.calls.push(name)
    if (fs.crashed) return true
    if (fs.failAt === 0 || fs.calls.length !== fs.failAt) return false
    fs.crashed = fs.crash
    return true
  }
  const stepped = <A extends unknown[], R>(name: string, call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      if (fails(name)) throw injected(name)
      return call(...args)
    }
  const wrapHandle = (handle: fsPromises.FileHandle): fsPromises.FileHandle =>
    new Proxy(handle, {
      get(target, property) {
        const value: unknown = Reflect.get(target, property, target)
        if (typeof value !== 'function') return value
        const method = (value as (...args: unknown[]) => Promise<unknown>).bind(target)
        if (property === 'close') {
          return async () => {
            await method()
            if (fails('handle.close')) throw injected('handle.close')
          }
        }
        if (property === 'write') {
          return async (buffer: Buffer, offset: number, length: number, position: number) => {
            if (!fails('handle.write')) return method(buffer, offset, fs.shortWrites ? Math.ceil(length / 2) : length, position)
            if (!fs.crashed || fs.calls.length === fs.failAt) await method(buffer, offset, Math.floor(length / 2), position)
            throw injected('handle.write')
          }
        }
        return typeof property === 'string' && ['sync', 'stat', 'writeFile'].includes(property) ? stepped(`handle.${property}`, method) : method
      },
    })
  return {
    ...real,
    stat: stepped('stat', real.stat),
    copyFile: stepped('copyFile', real.copyFile),
    rename: stepped('rename', real.rename),
    rm: stepped('rm', real.rm),
    mkdir: stepped('mkdir', real.mkdir),
    link: async (existing: string, name: string) => {
      if (fails('link')) throw injected('link')
      if (fs.linkError) throw Object.assign(new Error(`${fs.linkError}: operation not permitted, link '${existing}' -> '${name}'`), { code: fs.linkError })
      return real.link(existing, name)
    },
    open: async (...args: Parameters<typeof real.open>) => {
      if (fails('open')) throw injected('open')
      return wrapHandle(await real.open(...args))
    },
  }
})

const HEAD: CassetteHead = { version: 1, name: 'c', dialect: 'rackspace', recordedAt: '2012-07-26T16:09:16Z' }
const ALL = recorded(8)
const textOf = (count: number): string => serializeCassette({ ...HEAD, interactions: ALL.slice(0, count) })

function recorded(count: number): Interaction[] {
  const recorder = createCassetteRecorder({ name: 'c', clock: createFakeClock('2012-07-26T16:09:16Z'), keepInteractions: false })
  return Array.from({ length: count }, (_, n) =>
    recorder.record(exchange({ url: `https://dfw.servers.api.rackspacecloud.com/v2/123456/servers/${n}`, requestHeaders: { 'x-auth-token': 'tok-secret-1' }, responseBody: { server: { id: String(n), status: 'ACTIVE', adminPass: 'hunter2' } } })),
  )
}

let dir = ''
let path = ''
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cloudtape-append-'))
  path = join(dir, 'c.json')
  Object.assign(fs, { calls: [], failAt: 0, crash: false, crashed: false, linkError: '', shortWrites: false })
})
afterEach(async () => {
  Object.assign(fs, { failAt: 0, crash: false, crashed: false, linkError: '', shortWrites: false })
  await rm(dir, { recursive: true, force: true })
})

/** Saves the cassette with no interactions, then appends ALL[0..count) one at a time. */
async function recordUpTo(count: number, api: typeof store = store): Promise<store.WrittenCassetteFile> {
  let written = await api.saveCassetteFile(path, { ...HEAD, interactions: [] })
  for (let n = 0; n < count; n += 1) written = await api.appendToCassetteFile(path, written, ALL.slice(n, n + 1))
  return written
}

const shadowsIn = async (): Promise<string[]> => (await readdir(dir)).filter((name) => name.endsWith('.shadow.tmp'))
const copies = (): number => fs.calls.filter((name) => name === 'copyFile').length

/** Runs `append` with call number `step` failing (and with `crash`, every call after it); the outcome, the calls made. */
async function withFailure<T>(step: number, crash: boolean, append: () => Promise<T>): Promise<{ failed: boolean; calls: string[] }> {
  Object.assign(fs, { calls: [], failAt: step, crash, crashed: false })
  const failed = await append().then(() => false, (error: unknown) => {
    expect(error).toMatchObject({ code: 'ERR_CLOUDTAPE_CASSETTE_WRITE', message: expect.stringContaining('injected') })
    return true
  })
  const calls = fs.calls
  Object.assign(fs, { calls: [], failAt: 0, crash: false, crashed: false })
  return { failed, calls }
}

/** The calls one append makes with no failure, after `before` appends (0: the copy path; more: the shadow path). */
async function callsOfOneAppend(before: number): Promise<string[]> {
  const written = await recordUpTo(before)
  const { calls } = await withFailure(0, false, () => store.appendToCassetteFile(path, written, ALL.slice(before, before + 1)))
  await store.removeAppendShadow(path)
  await rm(path)
  return calls
}

describe('appendToCassetteFile with a shadow copy', () => {
  test('appending one interaction at a time gives the bytes of a whole save, copies the file once, and keeps one shadow equal to it', async () => {
    const written = await recordUpTo(ALL.length)
    const text = await readFile(path, 'utf8')
    expect(text).toBe(textOf(ALL.length))
    expect(written).toEqual({ bytes: Buffer.byteLength(text), interactions: ALL.length })
    expect((await store.loadCassetteFile(path)).interactions).toEqual(ALL)
    expect(copies()).toBe(1)
    const shadows = await shadowsIn()
    expect(shadows).toEqual([expect.stringMatching(new RegExp(`^\\.c\\.json\\.${process.pid}\\.\\d+\\.shadow\\.tmp$`))])
    expect(await readFile(join(dir, shadows[0] as string), 'utf8')).toBe(text)
    expect(text).not.toContain('hunter2')
    expect(text).not.toContain('tok-secret-1')
    await store.removeAppendShadow(path)
    expect(await readdir(dir)).toEqual(['c.json'])
  })

  test('a whole save drops the shadow; the next append makes a new one', async () => {
    const appended = await recordUpTo(3)
    expect(await shadowsIn()).toHaveLength(1)
    const saved = await store.saveCassetteFile(path, { ...HEAD, interactions: ALL.slice(0, 3) })
    expect(saved).toEqual(appended)
    expect(await readdir(dir)).toEqual(['c.json'])
    fs.calls = []
    await store.appendToCassetteFile(path, saved, ALL.slice(3, 5))
    expect(copies()).toBe(1)
    expect(await readFile(path, 'utf8')).toBe(textOf(5))
    expect(await shadowsIn()).toHaveLength(1)
  })

  test.each([
    ['missing', async (shadow: string) => rm(shadow)],
    ['truncated', async (shadow: string) => truncate(shadow, 100)],
    ['one byte longer', async (shadow: string) => writeFile(shadow, 'x', { flag: 'a' })],
    ['replaced by another file of the same size', async (shadow: string) => {
      const other = `${shadow}.other`
      await writeFile(other, '{'.repeat((await stat(shadow)).size))
      await rename(other, shadow)
    }],
    ['hard-linked elsewhere', async (shadow: string) => link(shadow, join(dir, 'elsewhere'))],
  ])('a shadow that is %s is not used: the append copies the file and the bytes are right', async (_what, spoil) => {
    const written = await recordUpTo(3)
    const [shadow] = await shadowsIn()
    await spoil(join(dir, shadow as string))
    fs.calls = []
    const next = await store.appendToCassetteFile(path, written, ALL.slice(3, 4))
    expect(copies()).toBe(1)
    expect(await readFile(path, 'utf8')).toBe(textOf(4))
    await store.appendToCassetteFile(path, next, ALL.slice(4, 5))
    expect(copies()).toBe(1)
    expect(await readFile(path, 'utf8')).toBe(textOf(5))
    expect(await shadowsIn()).toHaveLength(1)
    expect(await readFile(join(dir, (await shadowsIn())[0] as string), 'utf8')).toBe(textOf(5))
  })

  test.each(['EPERM', 'EXDEV', 'ENOTSUP', 'EMLINK'])('where hard links fail (%s), every append copies the file, the bytes are right and no shadow is left', async (code) => {
    fs.linkError = code
    await recordUpTo(4)
    expect(copies()).toBe(4)
    expect(await readFile(path, 'utf8')).toBe(textOf(4))
    expect(await readdir(dir)).toEqual(['c.json'])
  })

  test('writes that take only part of their bytes (as a nearly full disk answers) are continued: the bytes are right', async () => {
    fs.shortWrites = true
    await recordUpTo(5)
    expect(fs.calls.filter((name) => name === 'handle.write').length).toBeGreaterThan(10)
    expect(await readFile(path, 'utf8')).toBe(textOf(5))
    expect(await readFile(join(dir, (await shadowsIn())[0] as string), 'utf8')).toBe(textOf(5))
  })

  test('still refuses a file that changed on disk, and drops its shadow', async () => {
    const written = await recordUpTo(2)
    await writeFile(path, 'changed by someone else')
    await expect(store.appendToCassetteFile(path, written, ALL.slice(2, 3))).rejects.toMatchObject({ code: 'ERR_CLOUDTAPE_CASSETTE_WRITE', message: expect.stringContaining('changed on disk') })
    expect(await readFile(path, 'utf8')).toBe('changed by someone else')
    expect(await readdir(dir)).toEqual(['c.json'])
  })

  test('a shadow left by a writer that is gone is removed by the next writer of that cassette', async () => {
    const gone = spawnSync(process.execPath, ['-e', '']).pid
    await writeFile(join(dir, `.c.json.${gone}.12.shadow.tmp`), textOf(2))
    await writeFile(join(dir, `.c.json.${process.ppid}.3.shadow.tmp`), textOf(2))
    await recordUpTo(1)
    await store.removeAppendShadow(path)
    expect((await readdir(dir)).sort()).toEqual([`.c.json.${process.ppid}.3.shadow.tmp`, 'c.json'])
  })
})

describe('appendToCassetteFile when a step fails', () => {
  test('when the folder cannot be fsynced after the rename, the old file is not written to (a power cut could bring it back): no shadow, the next append copies', async () => {
    const calls = await callsOfOneAppend(2)
    const folderOpen = calls.indexOf('open', calls.indexOf('rename')) + 1
    const written = await recordUpTo(2)
    const { failed } = await withFailure(folderOpen, false, () => store.appendToCassetteFile(path, written, ALL.slice(2, 3)))
    expect(failed).toBe(false)
    expect(await readFile(path, 'utf8')).toBe(textOf(3))
    expect(await readdir(dir)).toEqual(['c.json'])
    await store.appendToCassetteFile(path, { bytes: Buffer.byteLength(textOf(3)), interactions: 3 }, ALL.slice(3, 4))
    expect(copies()).toBe(1)
    expect(await readFile(path, 'utf8')).toBe(textOf(4))
  })

  // 0 appends before: the copy path (no shadow yet); 2: the shadow path.
  for (const before of [0, 2]) {
    test(`a failure at any step (${before === 0 ? 'copying' : 'with a shadow'}) leaves a complete cassette, and the next appends are right`, async () => {
      const steps = (await callsOfOneAppend(before)).length
      expect(steps).toBeGreaterThan(10)
      for (let step = 1; step <= steps; step += 1) {
        const written = await recordUpTo(before)
        const { failed, calls } = await withFailure(step, false, () => store.appendToCassetteFile(path, written, ALL.slice(before, before + 1)))
        const where = `step ${step} (${calls[step - 1]})`
        expect(await readFile(path, 'utf8'), where).toBe(textOf(failed ? before : before + 1))
        const retried = failed ? await store.appendToCassetteFile(path, written, ALL.slice(before, before + 1)) : { bytes: Buffer.byteLength(textOf(before + 1)), interactions: before + 1 }
        await store.appendToCassetteFile(path, retried, ALL.slice(before + 1, before + 3))
        expect(await readFile(path, 'utf8'), where).toBe(textOf(before + 3))
        expect((await store.loadCassetteFile(path)).interactions, where).toEqual(ALL.slice(0, before + 3))
        await store.removeAppendShadow(path)
        expect(await readdir(dir), where).toEqual(['c.json'])
        await rm(path)
      }
    })

    test(`a crash at any step (${before === 0 ? 'copying' : 'with a shadow'}) leaves the old or the new complete cassette and only hidden files of this pid, which a later writer sweeps`, async () => {
      const steps = (await callsOfOneAppend(before)).length
      for (let step = 1; step <= steps; step += 1) {
        const written = await recordUpTo(before)
        const { calls } = await withFailure(step, true, () => store.appendToCassetteFile(path, written, ALL.slice(before, before + 1)))
        const where = `crash at step ${step} (${calls[step - 1]})`
        const text = await readFile(path, 'utf8')
        expect([textOf(before), textOf(before + 1)], where).toContain(text)
        expect((await store.loadCassetteFile(path)).interactions.length, where).toBeGreaterThanOrEqual(before)
        const debris = (await readdir(dir)).filter((name) => name !== 'c.json')
        for (const name of debris) expect(name, where).toMatch(new RegExp(`^\\.c\\.json\\.${process.pid}\\.\\d+(\\.shadow)?\\.tmp$`))

        // The next process: this pid is gone, its module state too.
        const gone = spawnSync(process.execPath, ['-e', '']).pid
        for (const name of debris) await rename(join(dir, name), join(dir, name.replace(`.${process.pid}.`, `.${gone}.`)))
        vi.resetModules()
        const next: typeof store = await import('../../cassettes/store.js')
        const onDisk = (await next.loadCassetteFile(path)).interactions.length
        await next.appendToCassetteFile(path, { bytes: Buffer.byteLength(text), interactions: onDisk }, ALL.slice(onDisk, before + 3))
        expect(await readFile(path, 'utf8'), where).toBe(textOf(before + 3))
        await next.removeAppendShadow(path)
        expect(await readdir(dir), where).toEqual(['c.json'])
        await rm(path)
      }
    })
  }
})
