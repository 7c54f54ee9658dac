import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { serializeCassette } from '../../cassettes/cassette-format.js'
import { createFakeClock } from '../../cassettes/clock.js'
import type { Dialect } from '../../cassettes/operation-catalog.js'
import { createCassetteRecorder } from '../../cassettes/recorder.js'
import type { CassetteHead, Interaction } from '../../cassettes/schema.js'
import { CassetteWriter } from '../../proxy/cassette-writer.js'
import { exchange } from '../helpers/exchange.js'

let dir = ''
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cloudtape-writer-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

function interactions(count: number): Interaction[] {
  const recorder = createCassetteRecorder({ name: 'w', clock: createFakeClock('2012-07-26T16:09:16Z'), keepInteractions: false })
  return Array.from({ length: count }, (_, n) =>
    recorder.record(exchange({ url: `https://dfw.servers.api.rackspacecloud.com/v2/123456/servers/${n}`, responseBody: { server: { id: String(n), status: 'ACTIVE' } } })),
  )
}

function writerFor(path: string, head: () => CassetteHead, base: readonly Interaction[] = []): { writer: CassetteWriter; errors: Error[] } {
  const errors: Error[] = []
  const writer = new CassetteWriter({ path, clock: createFakeClock('2012-07-26T16:09:16Z'), head, base, onError: (error) => errors.push(error) })
  return { writer, errors }
}

describe('CassetteWriter', () => {
  test('writes whole once, then appends: the file is always the cassette serializeCassette gives', async () => {
    const path = join(dir, 'session.json')
    const head: CassetteHead = { version: 1, name: 'w', dialect: 'rackspace', recordedAt: '2012-07-26T16:09:16Z' }
    const all = interactions(6)
    const { writer, errors } = writerFor(path, () => head)
    for (const [from, to] of [[0, 1], [1, 4], [4, 6]] as const) {
      for (const interaction of all.slice(from, to)) writer.add(interaction)
      await writer.flush()
      expect(await readFile(path, 'utf8')).toBe(serializeCassette({ ...head, interactions: all.slice(0, to) }))
    }
    expect(writer.size).toBe(6)
    expect(writer.cassette()).toEqual({ ...head, interactions: all })
    expect(errors).toEqual([])
  })

  test('keeps one hidden shadow with the cassette\'s bytes while appending, and release() removes it', async () => {
    const path = join(dir, 'session.json')
    const head: CassetteHead = { version: 1, name: 'w', dialect: 'rackspace', recordedAt: '2012-07-26T16:09:16Z' }
    const all = interactions(4)
    const { writer, errors } = writerFor(path, () => head)
    for (const interaction of all) {
      writer.add(interaction)
      await writer.flush()
    }
    const text = await readFile(path, 'utf8')
    expect(text).toBe(serializeCassette({ ...head, interactions: all }))
    const [shadow, ...more] = (await readdir(dir)).filter((name) => name !== 'session.json')
    expect(more).toEqual([])
    expect(shadow).toMatch(new RegExp(`^\\.session\\.json\\.${process.pid}\\.\\d+\\.shadow\\.tmp$`))
    expect(await readFile(join(dir, shadow as string), 'utf8')).toBe(text)
    await writer.release()
    expect(await readdir(dir)).toEqual(['session.json'])
    writer.add(interactions(5)[4] as Interaction)
    await writer.flush()
    expect(writer.cassette().interactions).toHaveLength(5)
    await writer.release()
    expect(await readdir(dir)).toEqual(['session.json'])
    expect(errors).toEqual([])
  })

  test('rewrites the whole file, every interaction in the new dialect, when the dialect guess changes', async () => {
    const path = join(dir, 'session.json')
    let dialect: Dialect = 'rackspace'
    const head = (): CassetteHead => ({ version: 1, name: 'w', dialect, recordedAt: '2012-07-26T16:09:16Z' })
    const all = interactions(3)
    const { writer } = writerFor(path, head)
    writer.add(all[0] as Interaction)
    await writer.flush()
    dialect = 'hp'
    writer.add(all[1] as Interaction)
    writer.add(all[2] as Interaction)
    await writer.flush()
    const expected = { ...head(), interactions: all.map((interaction) => ({ ...interaction, dialect: 'hp' as const })) }
    expect(await readFile(path, 'utf8')).toBe(serializeCassette(expected))
    expect(writer.cassette()).toEqual(expected)
  })

  test('an interaction recorded under another dialect guess is appended in the head\'s dialect, and cassette() shows it so before the write', async () => {
    const path = join(dir, 'session.json')
    const head = (): CassetteHead => ({ version: 1, name: 'w', dialect: 'rackspace', recordedAt: '2012-07-26T16:09:16Z' })
    const all = interactions(3)
    const { writer } = writerFor(path, head)
    writer.add(all[0] as Interaction)
    await writer.flush()
    writer.add({ ...(all[1] as Interaction), dialect: 'hp' })
    writer.add(all[2] as Interaction)
    const expected = { ...head(), interactions: all }
    expect(writer.cassette()).toEqual(expected)
    await writer.flush()
    expect(await readFile(path, 'utf8')).toBe(serializeCassette(expected))
  })

  test('starts from the base (once mode) and keeps what it could not write for the next try', async () => {
    const path = join(dir, 'session.json')
    const head: CassetteHead = { version: 1, name: 'w', dialect: 'rackspace', recordedAt: '2012-07-26T16:09:16Z' }
    const all = interactions(3)
    const { writer } = writerFor(path, () => head, all.slice(0, 1))
    writer.add(all[1] as Interaction)
    await writer.flush()
    await writeFile(path, 'changed by someone else')
    writer.add(all[2] as Interaction)
    await expect(writer.flush()).rejects.toMatchObject({ code: 'ERR_CLOUDTAPE_CASSETTE_WRITE' })
    expect(writer.size).toBe(3)
  })
})
