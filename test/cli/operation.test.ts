import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { isCloudtapeError } from '../../cassettes/errors.js'
import { runCli } from '../helpers/cli.js'

let dir = ''
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cloudtape-cli-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('cloudtape operation', () => {
  test('prints servers.action.reboot for the issue example', async () => {
    const body = join(dir, 'reboot.json')
    await writeFile(body, '{"reboot": {"type": "SOFT"}}')
    const run = await runCli(['operation', 'POST', 'https://dfw.servers.api.rackspacecloud.com/v2/010101/servers/abc/action', '--body', body])
    expect(run).toMatchObject({ exitCode: 0, out: 'servers.action.reboot\n', err: '' })
  })

  test('reads an XML action body and guesses its type from the file', async () => {
    const body = join(dir, 'rebuild.xml')
    await writeFile(body, '<rebuild xmlns="http://docs.openstack.org/compute/api/v2" imageRef="x"/>')
    const run = await runCli(['operation', 'POST', '/v2/1/servers/abc/action', '--body', body])
    expect(run.out).toBe('servers.action.rebuild\n')
  })

  test('prints key, params, format and documented with --json', async () => {
    const run = await runCli(['operation', 'GET', '/v2/010101/servers/abc/ips/public.xml', '--json'])
    expect(JSON.parse(run.out)).toEqual({
      key: 'servers.ips.getByNetwork',
      documented: true,
      params: { tenant_id: '010101', server_id: 'abc', network_id: 'public' },
      format: 'xml',
      apiVersion: 'v2',
    })
  })

  test('exits 0 with a fallback key and a note for an unknown path', async () => {
    const run = await runCli(['operation', 'GET', '/v2/010101/os-widgets/9'])
    expect(run.exitCode).toBe(0)
    expect(run.out).toBe('unknown:GET:/v2/{tenant_id}/os-widgets/{id1}\n')
    expect(run.err).toContain('no documented operation')
  })

  test('fails with a usage error when the body file does not exist', async () => {
    const run = await runCli(['operation', 'POST', '/v2/1/servers/a/action', '--body', join(dir, 'missing.json')])
    expect(isCloudtapeError(run.error, 'ERR_CLOUDTAPE_USAGE')).toBe(true)
    expect(String((run.error as Error).message)).toContain('Pass an existing file to --body')
  })

  test('fails with exit code 2 when an argument is missing', async () => {
    const run = await runCli(['operation', 'GET'])
    expect(run.exitCode).toBe(2)
    expect(run.err).toContain("missing required argument 'url'")
  })
})
