import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, onTestFinished, test } from 'vitest'
import { isCloudtapeError, saveCassetteFile } from '../../cassettes/index.js'
import { runCli, startReplay } from '../helpers/cli.js'
import { buildCassette, PLACEHOLDER, serverGet } from '../helpers/cassette-builder.js'

const BOOT = 'test/fixtures/cassettes/boot-reboot-delete.json'

describe('cloudtape replay', () => {
  test('prints the listening URL first, serves identity and compute, and stops on request', async () => {
    const replay = await startReplay(['--cassette', BOOT])
    expect(replay.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(replay.out().split('\n')[1]).toBe(`identity: ${replay.url}/v2.0`)
    const token = await fetch(`${replay.url}/v2.0/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"auth":{}}' })
    const compute = ((await token.json()) as { access: { serviceCatalog: Array<{ endpoints: Array<{ publicURL: string }> }> } }).access.serviceCatalog[0]?.endpoints[0]?.publicURL
    expect(compute).toBe(`${replay.url}/_upstream/https/host-2.example.com/v2/${PLACEHOLDER.tenant}`)
    expect((await fetch(`${compute}/servers/detail`)).status).toBe(217)
    const result = await replay.stop()
    expect(result.exitCode).toBe(0)
    await expect(fetch(`${compute}/servers/detail`)).rejects.toThrow()
  })

  test('prints misses on stderr and answers them with a notImplemented fault', async () => {
    const replay = await startReplay(['--cassette', BOOT.replace(/\.json$/, '')])
    const res = await fetch(`${replay.url}/_upstream/https/host-2.example.com/v2/1/flavors`)
    expect(res.status).toBe(501)
    const result = await replay.stop()
    expect(result.err).toContain('[cloudtape] No recorded interaction matches GET /v2/1/flavors (flavors.list)')
  })

  test('answers unknown tokens with 401 unauthorized under --strict', async () => {
    const replay = await startReplay(['--cassette', BOOT, '--strict', '--dialect', 'hp'])
    const res = await fetch(`${replay.url}/_upstream/https/host-2.example.com/v2/1/servers/detail`, { headers: { 'x-auth-token': 'forged' } })
    expect(res.status).toBe(401)
    expect(((await res.json()) as { unauthorized: { code: number } }).unauthorized.code).toBe(401)
    expect((await replay.stop()).err).toBe('note: faults use the hp dialect; the cassette was recorded in rackspace.\n')
  })

  test('fails with ERR_CLOUDTAPE_INVALID_OPTION listing the dialects when --dialect is unknown', async () => {
    const result = await runCli(['replay', '--cassette', BOOT, '--dialect', 'openstack'])
    expect(isCloudtapeError(result.error, 'ERR_CLOUDTAPE_INVALID_OPTION')).toBe(true)
    expect((result.error as Error).message).toBe('[cloudtape] Invalid --dialect "openstack". Expected one of: rackspace, hp, nova.')
  })

  test('fails with ERR_CLOUDTAPE_CASSETTE_NOT_FOUND when the cassette does not exist', async () => {
    const result = await runCli(['replay', '--cassette', 'test/fixtures/cassettes/nope'])
    expect(result.exitCode).toBe(1)
    expect(isCloudtapeError(result.error, 'ERR_CLOUDTAPE_CASSETTE_NOT_FOUND')).toBe(true)
  })

  test('fails with ERR_CLOUDTAPE_INVALID_OPTION on a malformed --listen', async () => {
    const result = await runCli(['replay', '--cassette', BOOT, '--listen', 'localhost:http'])
    expect(isCloudtapeError(result.error, 'ERR_CLOUDTAPE_INVALID_OPTION')).toBe(true)
  })

  test('prints its help', async () => {
    const result = await runCli(['replay', '--help'])
    expect(result.out).toBe(
      [
        'Usage: cloudtape replay [options]',
        '',
        'serve a cassette over HTTP (identity and compute) for clients in any language',
        '',
        'Options:',
        '  --cassette <path>        the cassette file (the path given to record; .json is',
        '                           appended when missing), or a library name',
        '                           (library/servers.create)',
        '  --listen <host:port>     address to listen on (default: "127.0.0.1:0")',
        '  --fault <rule>           fault rule <fault>@<operation-glob>[:<options>], e.g.',
        '                           overLimit@servers.create:nth=2; repeatable',
        '  --seed <n>               seed of probability rules (p=...) without their own',
        '  --strict                 check credentials and tokens: wrong ones get the',
        '                           documented 401 unauthorized fault',
        "  --dialect <dialect>      dialect of fault bodies, overriding the cassette's",
        '                           (rackspace|hp|nova)',
        '  --on-miss <mode>         what an unmatched request gets',
        '                           (error|warn|passthrough) (default: "error")',
        '  --exhausted <mode>       what a request gets once its recorded answers are',
        '                           used up (repeat-last|error) (default: "repeat-last")',
        '  --region <name>          region of the synthesized catalog, for a cassette',
        '                           without a token exchange (default DFW, hp',
        '                           region-a.geo-1, nova RegionOne)',
        '  --no-synthetic-identity  answer token requests only from the cassette: a',
        '                           cassette without a token exchange makes them misses',
        '  -h, --help               display help for command',
        '',
      ].join('\n'),
    )
  })
})

describe('cloudtape replay --fault', () => {
  test('injects the rules given on the command line', async () => {
    const replay = await startReplay(['--cassette', BOOT, '--fault', 'overLimit@servers.listDetail:nth=1', '--fault', 'itemNotFound@flavors.list'])
    const base = `${replay.url}/_upstream/https/host-2.example.com/v2/1`
    expect((await fetch(`${base}/servers/detail`)).status).toBe(413)
    expect((await fetch(`${base}/servers/detail`)).status).toBe(217)
    expect((await fetch(`${base}/flavors`)).status).toBe(404)
    await replay.stop()
  })

  test('fails with ERR_CLOUDTAPE_FAULT_RULE before listening when a rule is invalid', async () => {
    const result = await runCli(['replay', '--cassette', BOOT, '--fault', 'overLimit'])
    expect(isCloudtapeError(result.error, 'ERR_CLOUDTAPE_FAULT_RULE')).toBe(true)
    expect(result.out).toBe('')
  })
})

describe('cloudtape replay of a cassette without a token exchange', () => {
  async function computeOnlyCassette(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'cloudtape-cli-synthetic-'))
    onTestFinished(() => rm(dir, { recursive: true, force: true }))
    const path = join(dir, 'compute-only.json')
    await saveCassetteFile(path, buildCassette('compute-only', [serverGet(1, 'ACTIVE')]))
    return path
  }

  test('synthesizes the token answer in the --region given and prints where compute is', async () => {
    const replay = await startReplay(['--cassette', await computeOnlyCassette(), '--region', 'LON'])
    const compute = `${replay.url}/v2/${PLACEHOLDER.tenant}`
    expect(replay.out().split('\n').slice(1, 3)).toEqual([`identity: ${replay.url}/v2.0`, `synthesized identity: region LON, compute ${compute}`])
    const token = await fetch(`${replay.url}/v2.0/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"auth":{}}' })
    const { access } = (await token.json()) as { access: { serviceCatalog: Array<{ endpoints: Array<{ publicURL: string; region: string }> }> } }
    expect(access.serviceCatalog[0]?.endpoints[0]).toMatchObject({ publicURL: compute, region: 'LON' })
    expect((await fetch(`${compute}/servers/${PLACEHOLDER.server(1)}`)).status).toBe(200)
    await replay.stop()
  })

  test('--no-synthetic-identity leaves token requests to the cassette: here a miss', async () => {
    const replay = await startReplay(['--cassette', await computeOnlyCassette(), '--no-synthetic-identity'])
    expect(replay.out()).not.toContain('synthesized')
    const token = await fetch(`${replay.url}/v2.0/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"auth":{}}' })
    expect(token.status).toBe(501)
    expect((await replay.stop()).err).toContain('(identity.tokens.create)')
  })

  test('fails with ERR_CLOUDTAPE_INVALID_OPTION on --region with --no-synthetic-identity, or a region that is not a name', async () => {
    const path = await computeOnlyCassette()
    const both = await runCli(['replay', '--cassette', path, '--region', 'LON', '--no-synthetic-identity'])
    expect(isCloudtapeError(both.error, 'ERR_CLOUDTAPE_INVALID_OPTION')).toBe(true)
    const bad = await runCli(['replay', '--cassette', path, '--region', 'a/b'])
    expect(isCloudtapeError(bad.error, 'ERR_CLOUDTAPE_INVALID_OPTION')).toBe(true)
    expect((bad.error as Error).message).toContain('Invalid region "a/b"')
  })
})
