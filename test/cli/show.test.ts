import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { serializeCassette } from '../../cassettes/cassette-format.js'
import { isCloudtapeError } from '../../cassettes/errors.js'
import { saveCassetteFile } from '../../cassettes/store.js'
import { bootCassette } from '../cassettes/fixtures/cassettes.js'
import { runCli } from '../helpers/cli.js'

let dir = ''
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cloudtape-show-'))
  await saveCassetteFile(join(dir, 'boot.json'), bootCassette())
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('cloudtape show', () => {
  test('prints a table of interactions, appending .json to the cassette path', async () => {
    const run = await runCli(['show', join(dir, 'boot')])
    expect(run.exitCode).toBe(0)
    expect(run.out).toBe(
      [
        '#  operation               method  path                                                             status  format  occurrence',
        '1  identity.tokens.create  POST    /v2.0/tokens                                                     200     json    0',
        '2  servers.create          POST    /v2/999001/servers.xml                                           202     xml     0',
        '3  servers.get             GET     /v2/999001/servers/ca55e77e-0000-4000-8000-000000000003?fresh=1  200     json    0',
        '4  servers.get             GET     /v2/999001/servers/ca55e77e-0000-4000-8000-000000000003?fresh=1  200     json    1',
        '5  servers.delete          DELETE  /v2/999001/servers/ca55e77e-0000-4000-8000-000000000003          reset   json    0',
        '5 interactions, dialect rackspace, recorded 2012-09-14T20:00:00Z',
        '',
      ].join('\n'),
    )
  })

  test('prints rows as JSON with --json', async () => {
    const run = await runCli(['show', join(dir, 'boot.json'), '--json'])
    const rows = JSON.parse(run.out)
    expect(rows).toHaveLength(5)
    expect(rows[1]).toEqual({ id: 2, operation: 'servers.create', method: 'POST', path: '/v2/999001/servers.xml', status: 202, format: 'xml', occurrence: 0, params: { tenant_id: '999001' } })
  })

  test('fails with ERR_CLOUDTAPE_CASSETTE_NOT_FOUND and exit 1 when the file is missing', async () => {
    const run = await runCli(['show', join(dir, 'nope')])
    expect(run.exitCode).toBe(1)
    expect(isCloudtapeError(run.error, 'ERR_CLOUDTAPE_CASSETTE_NOT_FOUND')).toBe(true)
    expect((run.error as Error).message).toContain('nope.json')
  })

  test('fails with ERR_CLOUDTAPE_CASSETTE_INVALID naming the JSON path when the file is invalid', async () => {
    const cassette = JSON.parse(serializeCassette(bootCassette()))
    cassette.interactions[2].response.status = 'OK'
    await writeFile(join(dir, 'bad.json'), JSON.stringify(cassette))
    const run = await runCli(['show', join(dir, 'bad.json')])
    expect(isCloudtapeError(run.error, 'ERR_CLOUDTAPE_CASSETTE_INVALID')).toBe(true)
    expect((run.error as Error).message).toContain('$.interactions[2].response.status')
  })
})
