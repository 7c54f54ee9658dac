import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, onTestFinished, test } from 'vitest'
import { isCloudtapeError } from '../../cassettes/errors.js'
import { useCassette } from '../../replay/engines/nock.js'
import { closeNames, libraryDir, libraryLintPath, libraryNames, listLibraryCassettes } from '../../replay/library.js'
import { cassettePath, loadCassetteSource } from '../../replay/load-cassette.js'
import { recordCommand } from '../../replay/miss-report.js'
import { createReplayServer } from '../../replay/server/replay-server.js'
import { fetchClient } from '../contract/http-client.js'

const LIBRARY = fileURLToPath(new URL('../../cassettes/library', import.meta.url))

function failure(run: () => unknown): Error {
  try {
    run()
  } catch (error) {
    return error as Error
  }
  throw new Error('expected a failure')
}

describe('library cassette names', () => {
  test('the library folder is cassettes/library of the package', () => {
    expect(libraryDir()).toBe(LIBRARY)
  })

  test.each([
    ['library/servers.create', 'rackspace/servers.create.json'],
    ['library/servers.create.xml', 'rackspace/servers.create.xml.json'],
    ['library/servers.create.json', 'rackspace/servers.create.json'],
    ['library/rackspace/servers.create', 'rackspace/servers.create.json'],
    ['library/hp/servers.create', 'hp/servers.create.json'],
    ['library/hp/servers.create.xml', 'hp/servers.create.xml.json'],
    ['library/scenarios/boot-and-poll-active', 'scenarios/boot-and-poll-active.json'],
  ])('%s resolves to cassettes/library/%s, whatever the folder given', (name, file) => {
    expect(cassettePath(name, '/somewhere/else')).toBe(join(LIBRARY, file))
  })

  test.each([
    'library/../../etc/passwd',
    'library/../../../etc/passwd.json',
    'library/hp/../../package',
    'library/scenarios/../../../x',
    'library//etc/passwd',
    'library/./servers.create',
    'library/..\\..\\etc\\passwd',
    'library//',
    'library/',
    'library/a\u0000b',
  ])('%j cannot leave the library folder: ERR_CLOUDTAPE_CASSETTE_NAME', (name) => {
    const error = failure(() => cassettePath(name))
    expect(isCloudtapeError(error, 'ERR_CLOUDTAPE_CASSETTE_NAME')).toBe(true)
    expect(error.message).toContain('library/servers.create')
    expect(error.message).toContain('cloudtape library')
  })

  test('an unknown name fails with ERR_CLOUDTAPE_CASSETTE_NOT_FOUND listing close names', () => {
    const error = failure(() => cassettePath('library/servers.creat'))
    expect(isCloudtapeError(error, 'ERR_CLOUDTAPE_CASSETTE_NOT_FOUND')).toBe(true)
    expect(error.message).toContain('Close names: library/servers.create, ')
    expect(error.message).toContain('cloudtape library')
    expect(failure(() => cassettePath('library/hp/versions.list')).message).toContain('library/versions.list')
    expect(failure(() => cassettePath('library/scenarios/reboots')).message).toContain('library/scenarios/reboot')
    expect(failure(() => cassettePath('library/nothing-like-it-at-all-anywhere')).message).not.toContain('Close names')
  })

  test('closeNames ranks by edit distance and keeps at most five', () => {
    expect(closeNames('library/servers.get', ['library/servers.get.xml', 'library/servers.set', 'library/flavors.get', 'library/zzz'])).toEqual(['library/servers.set', 'library/flavors.get', 'library/servers.get.xml'])
    expect(closeNames('library/x', Array.from({ length: 9 }, (_, n) => `library/${n}`))).toHaveLength(5)
  })

  test('a name without library/ still means a local cassette', () => {
    expect(cassettePath('servers/boot', '/tmp/tapes')).toBe('/tmp/tapes/servers/boot.json')
    expect(cassettePath('./library/mine.json', '/tmp/tapes')).toBe('/tmp/tapes/library/mine.json')
  })

  test('loadCassetteSource reports the library name, and misses suggest recording a cassette of your own', async () => {
    const { cassette, path } = await loadCassetteSource('library/hp/servers.get.xml')
    expect(path).toBe('library/hp/servers.get.xml')
    expect(cassette).toMatchObject({ name: 'library/hp/servers.get.xml', dialect: 'hp' })
    expect(cassette.interactions[0]).toMatchObject({ operation: 'servers.get', format: 'xml' })
    expect(recordCommand(path)).toContain('--cassette <your cassette>')
  })

  test('libraryNames lists canonical names; libraryLintPath gives folders for library and its dialects', () => {
    const names = libraryNames()
    expect(names).toContain('library/servers.create')
    expect(names).toContain('library/hp/keypairs.create.xml')
    expect(names).toContain('library/scenarios/server-error-xml')
    expect(names.some((name) => name.startsWith('library/rackspace/'))).toBe(false)
    expect(libraryLintPath('library')).toBe(libraryDir())
    expect(libraryLintPath('library/hp')).toBe(join(LIBRARY, 'hp'))
    expect(libraryLintPath('library/servers.get')).toBe(join(LIBRARY, 'rackspace/servers.get.json'))
  })

  test('listLibraryCassettes describes each cassette: operation, dialect, format', async () => {
    const entries = await listLibraryCassettes()
    expect(entries).toHaveLength(libraryNames().length)
    expect(entries.find((entry) => entry.name === 'library/hp/servers.create.xml')).toMatchObject({ kind: 'operation', operation: 'servers.create', dialect: 'hp', format: 'xml', interactions: 1 })
    expect(entries.find((entry) => entry.name === 'library/scenarios/reboot')).toMatchObject({ kind: 'scenario', operation: null, operations: ['servers.action.reboot', 'servers.get'], dialect: 'rackspace', format: 'json' })
  })
})

describe('library names in the replay server', () => {
  test('createReplayServer serves library/scenarios/reboot through its routes', async () => {
    const server = await createReplayServer({ cassette: 'library/scenarios/reboot', warn: () => {} })
    onTestFinished(() => server.close())
    const [reboot] = server.session.cassette.interactions
    const base = server.session.routes.bases.get(reboot?.request.origin as string)
    const res = await fetchClient(`${base}${reboot?.request.path}`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ reboot: { type: 'HARD' } }) })
    expect(res.status).toBe(202)
  })

  test('a client that authenticates first follows the catalog to a library cassette; ignoreBodyPaths lets its own bodies match', async () => {
    // The library holds the documented request body; a client of its own sends another one.
    const server = await createReplayServer({ cassette: 'library/servers.create', ignoreBodyPaths: ['$.server'], warn: () => {} })
    onTestFinished(() => server.close())
    const headers = { 'content-type': 'application/json', accept: 'application/json' }
    const token = await fetchClient(`${server.authUrl}/tokens`, { method: 'POST', headers, body: JSON.stringify({ auth: { passwordCredentials: { username: 'me', password: 'mine' } } }) })
    const access = JSON.parse(token.text).access
    const compute = access.serviceCatalog[0].endpoints[0].publicURL as string
    const created = await fetchClient(`${compute}/servers`, { method: 'POST', headers: { ...headers, 'x-auth-token': access.token.id }, body: JSON.stringify({ server: { name: 'web1', imageRef: 'any', flavorRef: '2' } }) })
    expect(created.status).toBe(202)
    expect(JSON.parse(created.text).server.adminPass).toBe('REDACTED-adminPass-1')
    server.session.assertAllUsed()
    const strictBodies = await createReplayServer({ cassette: 'library/servers.create', warn: () => {} })
    onTestFinished(() => strictBodies.close())
    const other = await fetchClient(`${compute.replace(server.url, strictBodies.url)}/servers`, { method: 'POST', headers, body: JSON.stringify({ server: { name: 'web1', imageRef: 'any', flavorRef: '2' } }) })
    expect(other.status).toBe(501)
    expect(other.headers['x-cloudtape-miss']).toBe('body')
  })

  test('an unknown or escaping library name fails nock and the server with a clear error', async () => {
    await expect(useCassette('library/servers.creat')).rejects.toThrow(/Close names: library\/servers\.create/)
    await expect(createReplayServer({ cassette: 'library/../../package', warn: () => {} })).rejects.toMatchObject({ code: 'ERR_CLOUDTAPE_CASSETTE_NAME' })
  })
})
