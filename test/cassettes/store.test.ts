import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { spawnSync } from 'node:child_process'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Ajv } from 'ajv'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { CASSETTE_SCHEMA, parseCassette, serializeCassette, shareSerializedBody } from '../../cassettes/cassette-format.js'
import { createFakeClock } from '../../cassettes/clock.js'
import { createCassetteRecorder } from '../../cassettes/recorder.js'
import type { Cassette, Interaction } from '../../cassettes/schema.js'
import { appendToCassetteFile, createFileCassetteStore, loadCassetteFile, removeAppendShadow, saveCassetteFile, toCassetteFilePath } from '../../cassettes/store.js'
import { exchange } from '../helpers/exchange.js'
import { REBUILD_JSON_RESPONSE_2_33, REBUILD_XML_RESPONSE_2_35 } from './fixtures/seed-examples.js'

let dir = ''
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cloudtape-store-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

function sampleCassette(name = 'servers/rebuild', interactions = 2): Cassette {
  const recorder = createCassetteRecorder({ name, clock: createFakeClock('2012-07-26T16:09:16Z') })
  for (let index = 0; index < interactions; index += 1) {
    const xml = index % 2 === 1
    recorder.record(
      exchange({
        method: 'GET',
        url: `https://dfw.servers.api.rackspacecloud.com/v2/123456/servers/32406068-8539-40ab-bdd3-8140d30823ad${xml ? '.xml' : ''}`,
        requestHeaders: { 'x-auth-token': 'tok-1234567890', 'user-agent': 'test' },
        responseBody: xml ? REBUILD_XML_RESPONSE_2_35 : REBUILD_JSON_RESPONSE_2_33,
      }),
    )
  }
  return recorder.cassette()
}

const expectInvalid = (run: () => unknown, path: RegExp) => {
  expect(run).toThrowError(expect.objectContaining({ code: 'ERR_CLOUDTAPE_CASSETTE_INVALID', message: expect.stringMatching(path) }))
}

describe('cassette format', () => {
  test('serializes with a fixed key order, sorted headers, 2-space indent and a trailing newline', () => {
    const cassette = sampleCassette()
    const text = serializeCassette(cassette)
    expect(text.endsWith('}\n')).toBe(true)
    expect(text.split('\n')[1]).toBe('  "version": 1,')
    const first = JSON.parse(text).interactions[0]
    expect(Object.keys(first)).toEqual(['id', 'operation', 'documented', 'params', 'occurrence', 'dialect', 'format', 'request', 'response'])
    expect(Object.keys(first.request)).toEqual(['method', 'origin', 'path', 'query', 'headers', 'body'])
    expect(serializeCassette(parseCassette(text, 'x.json'))).toBe(text)
  })

  test('a body shared by many interactions is serialized once and gives the same bytes', () => {
    const text = serializeCassette(sampleCassette('servers/rebuild', 4))
    const cassette = parseCassette(text, 'x.json')
    const [first, second] = cassette.interactions as [Interaction, Interaction]
    const shared = { ...cassette, interactions: [first, second, { ...first, id: 3, response: first.response }, { ...second, id: 4 }] }
    for (const interaction of shared.interactions) if (interaction.response?.body) shareSerializedBody(interaction.response.body)
    const expected = serializeCassette(structuredClone(shared))
    expect(serializeCassette(shared)).toBe(expected)
    expect(serializeCassette(shared)).toBe(expected)
    // The text that stands for the body in an entry, found in a query too: serialized the long way.
    const tricky = { ...shared, interactions: shared.interactions.map((interaction) => ({ ...interaction, request: { ...interaction.request, query: [['q', '\u0000cloudtape:response-body']] as [string, string][] } })) }
    expect(serializeCassette(tricky)).toBe(serializeCassette(structuredClone(tricky)))
    expect(JSON.parse(serializeCassette(tricky)).interactions[0].request.query).toEqual([['q', '\u0000cloudtape:response-body']])
  })

  test('writes cassettes that the published JSON Schema accepts', () => {
    const validate = new Ajv({ strict: true, allowUnionTypes: true }).compile(CASSETTE_SCHEMA)
    expect(validate(JSON.parse(serializeCassette(sampleCassette())))).toBe(true)
  })

  test('fails with the file, line and column on truncated JSON', () => {
    const text = serializeCassette(sampleCassette())
    expectInvalid(() => parseCassette(text.slice(0, 200), 'tapes/a.json'), /tapes\/a\.json" is invalid at line \d+, column \d+: the JSON ends early/)
    expectInvalid(() => parseCassette('', 'empty.json'), /the file is empty/)
    expectInvalid(() => parseCassette('{"version": 1,}', 'b.json'), /not valid JSON/)
  })

  test('fails on a wrong or unknown version saying what to do', () => {
    const cassette = JSON.parse(serializeCassette(sampleCassette()))
    expectInvalid(() => parseCassette(JSON.stringify({ ...cassette, version: 2 }), 'v2.json'), /\$\.version: version 2 was written by a newer cloudtape.*Upgrade cloudtape/)
    expectInvalid(() => parseCassette(JSON.stringify({ ...cassette, version: '1' }), 'v.json'), /\$\.version: unknown version "1"/)
    expectInvalid(() => parseCassette(JSON.stringify({ name: 'x' }), 'nov.json'), /\$\.version: missing/)
    expectInvalid(() => parseCassette('[]', 'array.json'), /at \$: expected a JSON object/)
  })

  test('fails with the JSON path of a value of the wrong type', () => {
    const cassette = JSON.parse(serializeCassette(sampleCassette()))
    cassette.interactions[1].request.method = 7
    expectInvalid(() => parseCassette(JSON.stringify(cassette), 'c.json'), /at \$\.interactions\[1\]\.request\.method: must be string/)
    const again = JSON.parse(serializeCassette(sampleCassette()))
    again.interactions[0].response.body = { kind: 'json' }
    expectInvalid(() => parseCassette(JSON.stringify(again), 'c.json'), /\$\.interactions\[0\]\.response\.body: missing required property "json"/)
    const headers = JSON.parse(serializeCassette(sampleCassette()))
    headers.interactions[0].request.headers['x-auth-token'] = ['a']
    expectInvalid(() => parseCassette(JSON.stringify(headers), 'c.json'), /\$\.interactions\[0\]\.request\.headers\["x-auth-token"\]: must be string/)
    const dialect = JSON.parse(serializeCassette(sampleCassette()))
    dialect.dialect = 'openstack'
    expectInvalid(() => parseCassette(JSON.stringify(dialect), 'c.json'), /\$\.dialect: .*"rackspace", "hp", "nova"/)
    const ids = JSON.parse(serializeCassette(sampleCassette()))
    ids.interactions[1].id = 5
    expectInvalid(() => parseCassette(JSON.stringify(ids), 'c.json'), /\$\.interactions\[1\]\.id: expected 2/)
  })

  test('parses a large cassette (thousands of interactions) quickly and refuses a file over the size limit', async () => {
    const big = sampleCassette('big', 2000)
    const path = join(dir, 'big.json')
    await saveCassetteFile(path, big)
    const started = performance.now()
    expect((await loadCassetteFile(path)).interactions).toHaveLength(2000)
    expect(performance.now() - started).toBeLessThan(5000)
    await expect(loadCassetteFile(path, { maxBytes: 1024 })).rejects.toMatchObject({ code: 'ERR_CLOUDTAPE_CASSETTE_INVALID', message: expect.stringMatching(/more than the 1024 bytes cloudtape reads/) })
  })
})

describe('cassette files', () => {
  test('fails with ERR_CLOUDTAPE_CASSETTE_NOT_FOUND and a hint when the file is missing', async () => {
    await expect(loadCassetteFile(join(dir, 'missing.json'))).rejects.toMatchObject({ code: 'ERR_CLOUDTAPE_CASSETTE_NOT_FOUND', message: expect.stringMatching(/no such file.*cloudtape record/) })
    await expect(loadCassetteFile(dir)).rejects.toMatchObject({ code: 'ERR_CLOUDTAPE_CASSETTE_NOT_FOUND', message: expect.stringMatching(/is a folder/) })
  })

  test('appends .json to a --cassette path that has none', () => {
    expect(toCassetteFilePath('tapes/boot')).toBe('tapes/boot.json')
    expect(toCassetteFilePath('tapes/boot.json')).toBe('tapes/boot.json')
  })

  test('saves atomically: creates folders and leaves no temp files behind', async () => {
    const path = join(dir, 'a', 'b', 'c.json')
    await saveCassetteFile(path, sampleCassette())
    expect(await readFile(path, 'utf8')).toBe(serializeCassette(sampleCassette()))
    expect(await readdir(join(dir, 'a', 'b'))).toEqual(['c.json'])
  })

  test('concurrent saves of one file never interleave: the file is always one complete cassette', async () => {
    const path = join(dir, 'race.json')
    const versions = Array.from({ length: 20 }, (_, index) => sampleCassette(`race-${index}`, 1 + (index % 5) * 40))
    const reads: Array<Promise<void>> = []
    const saves = versions.map((cassette) => {
      const save = saveCassetteFile(path, cassette)
      reads.push(
        save.then(async () => {
          const text = await readFile(path, 'utf8')
          expect(versions.map(serializeCassette)).toContain(text)
        }),
      )
      return save
    })
    await Promise.all([...saves, ...reads])
    expect(await readFile(path, 'utf8')).toBe(serializeCassette(versions.at(-1) as Cassette))
    expect(await readdir(dir)).toEqual(['race.json'])
  })

  test('appending to a saved file gives the bytes a whole save gives, and leaves no temp files once its shadow is removed', async () => {
    const path = join(dir, 'appended.json')
    const whole = sampleCassette('appended', 5)
    let written = await saveCassetteFile(path, { ...whole, interactions: [] })
    written = await appendToCassetteFile(path, written, whole.interactions.slice(0, 2))
    written = await appendToCassetteFile(path, written, [])
    written = await appendToCassetteFile(path, written, whole.interactions.slice(2))
    const text = await readFile(path, 'utf8')
    expect(text).toBe(serializeCassette(whole))
    expect(written).toEqual({ bytes: Buffer.byteLength(text), interactions: 5 })
    await removeAppendShadow(path)
    expect(await readdir(dir)).toEqual(['appended.json'])
  })

  test('refuses to append to a file that changed since it was written, and leaves it alone', async () => {
    const path = join(dir, 'changed.json')
    const whole = sampleCassette('changed', 2)
    const written = await saveCassetteFile(path, { ...whole, interactions: whole.interactions.slice(0, 1) })
    const other = serializeCassette({ ...whole, name: 'someone-else' })
    await writeFile(path, other)
    await expect(appendToCassetteFile(path, written, whole.interactions.slice(1))).rejects.toMatchObject({ code: 'ERR_CLOUDTAPE_CASSETTE_WRITE', message: expect.stringContaining('changed on disk') })
    expect(await readFile(path, 'utf8')).toBe(other)
  })

  test('a failed save keeps the previous complete file', async () => {
    const path = join(dir, 'keep.json')
    await saveCassetteFile(path, sampleCassette())
    const before = await readFile(path, 'utf8')
    await writeFile(join(dir, 'blocker'), 'x')
    await expect(saveCassetteFile(join(dir, 'blocker', 'x.json'), sampleCassette())).rejects.toMatchObject({ code: 'ERR_CLOUDTAPE_CASSETTE_WRITE' })
    expect(await readFile(path, 'utf8')).toBe(before)
  })
})

describe('file cassette store', () => {
  test('ignores the partial temp file a crashed save leaves behind', async () => {
    const store = createFileCassetteStore(dir)
    await store.save('boot', sampleCassette())
    await writeFile(join(dir, '.boot.json.4242.1.tmp'), '{"version": 1, "name": "bo')
    expect(await store.list()).toEqual(['boot'])
    expect((await store.load('boot')).interactions).toHaveLength(2)
  })

  test('the first save removes temp files of that cassette left by writers that are gone, and nothing else', async () => {
    const gone = spawnSync(process.execPath, ['-e', '']).pid
    const abandoned = join(dir, `.boot.json.${gone}.3.tmp`)
    const abandonedShadow = join(dir, `.boot.json.${gone}.4.shadow.tmp`)
    const ofLiveWriter = join(dir, `.boot.json.${process.ppid}.1.tmp`)
    const ofOtherCassette = join(dir, `.flavors.json.${gone}.1.tmp`)
    const notOurs = join(dir, `.boot.json.${gone}.tmp`)
    for (const path of [abandoned, abandonedShadow, ofLiveWriter, ofOtherCassette, notOurs]) await writeFile(path, '{"version": 1, "name": "bo')
    await createFileCassetteStore(dir).save('boot', sampleCassette())
    const left = await readdir(dir)
    expect(left).not.toContain(`.boot.json.${gone}.3.tmp`)
    expect(left).not.toContain(`.boot.json.${gone}.4.shadow.tmp`)
    expect(left.sort()).toEqual(['.boot.json.' + gone + '.tmp', `.boot.json.${process.ppid}.1.tmp`, `.flavors.json.${gone}.1.tmp`, 'boot.json'].sort())
  })

  test('saves, loads and lists cassettes by relative name', async () => {
    const store = createFileCassetteStore(dir)
    await store.save('servers/rebuild', sampleCassette())
    await store.save('flavors', sampleCassette('flavors', 1))
    expect(store.pathOf('servers/rebuild')).toBe(join(dir, 'servers', 'rebuild.json'))
    expect((await store.load('servers/rebuild')).name).toBe('servers/rebuild')
    expect(await store.exists('servers/rebuild')).toBe(true)
    expect(await store.exists('nope')).toBe(false)
    expect(await store.list()).toEqual(['flavors', 'servers/rebuild'])
  })

  test.each([
    ['../outside', /contains "\.\."/],
    ['a/../../b', /contains "\.\."/],
    ['/etc/passwd', /absolute path/],
    ['C:/x', /absolute path/],
    ['a\\b', /backslash/],
    ['a\0b', /NUL/],
    ['a//b', /empty or "\." folder/],
    ['', /empty/],
  ])('refuses the name %j with ERR_CLOUDTAPE_CASSETTE_NAME', async (name, why) => {
    const store = createFileCassetteStore(dir)
    expect(() => store.pathOf(name)).toThrowError(expect.objectContaining({ code: 'ERR_CLOUDTAPE_CASSETTE_NAME', message: expect.stringMatching(why) }))
    await expect(store.save(name, sampleCassette())).rejects.toMatchObject({ code: 'ERR_CLOUDTAPE_CASSETTE_NAME' })
  })
})
