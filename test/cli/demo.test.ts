import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, onTestFinished, test } from 'vitest'
import { lintPath, loadCassetteFile } from '../../cassettes/index.js'
import { createProgram } from '../../cli/program.js'
import { startFakeCloud, type FakeCloud } from '../../upstream/index.js'
import { runCli } from '../helpers/cli.js'

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cloudtape-demo-'))
  onTestFinished(() => rm(dir, { recursive: true, force: true }))
  return dir
}

/**
 * The demo's endpoint is seeded (seed 1): a cloud with the same seed hands out the same token,
 * password, server id and adminPass, so the test knows the real secrets the demo must hide.
 */
async function realValuesOfSeed1(dialect: 'rackspace' | 'hp' = 'rackspace'): Promise<{ token: string; password: string; adminPass: string; serverId: string }> {
  const cloud: FakeCloud = await startFakeCloud({ seed: 1, dialect })
  onTestFinished(() => cloud.close())
  const token = cloud.token
  const compute = cloud.computeUrls[cloud.regions[0] as string] as string
  const res = await fetch(`${compute}/servers`, {
    method: 'POST',
    headers: { 'x-auth-token': token, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ server: { name: 'demo-web-1', imageRef: cloud.baseImages[0]?.id, flavorRef: cloud.flavorIds[0] } }),
  })
  const { server } = (await res.json()) as { server: { id: string; adminPass: string } }
  return { token, password: cloud.credentials.password, adminPass: server.adminPass, serverId: server.id }
}

const STORY = [
  'identity.tokens.create',
  'flavors.list',
  'images.list',
  'servers.create',
  'servers.get',
  'servers.get',
  'servers.get',
  'servers.action.reboot',
  'servers.get',
  'servers.get',
  'servers.delete',
]

describe('cloudtape demo', () => {
  test('records a client session through the proxy, then replays it offline, plainly and with faults', async () => {
    const dir = await tempDir()
    const run = await runCli(['demo', '--out', dir])
    expect(run.error).toBeUndefined()
    expect(run.exitCode).toBe(0)
    expect(run.err).toBe('')
    for (let step = 1; step <= 6; step += 1) expect(run.out).toContain(`\n${step}/6  `)
    expect(run.out).toMatch(/POST +identity\.tokens\.create +200 +token \w{4}…, compute in DFW, ORD/)
    expect(run.out).toMatch(/GET +servers\.get +200 +ACTIVE/)
    expect(run.out).toMatch(/POST +servers\.action\.reboot +202/)
    expect(run.out).toMatch(/DELETE +servers\.delete +204 +deleted/)
    expect(run.out).toMatch(/secrets +password 1, token 1, adminPass 1 replaced/)
    expect(run.out).toMatch(/token +\w{4}… \(\d+ chars\) +→ +REDACTED-token-1/)
    expect(run.out).toContain('lint      clean: 1 cassette, 11 interactions, no secrets found')
    expect(run.out).toMatch(/upstream +stopped: http:\/\/127\.0\.0\.1:\d+ refuses connections/)
    expect(run.out).toContain('✓ the same 11 calls, statuses and server states as recorded; 11 of 11 interactions used')
    expect(run.out).toMatch(/POST +servers\.create +413 +overLimit, Retry-After 3 → waits 3 s, retries/)
    expect(run.out).toMatch(/GET +servers\.get +200 +ERROR: fault 500 "/)
    expect(run.out).toContain('fired     overLimit 413 on servers.create')
    expect(run.out).toContain(`npx cloudtape show ${join(dir, 'boot-reboot-delete.json')}`)
    expect(run.out).not.toMatch(/\u001b\[/)

    const path = join(dir, 'boot-reboot-delete.json')
    const cassette = await loadCassetteFile(path)
    expect(cassette.dialect).toBe('rackspace')
    expect(cassette.interactions.map((interaction) => interaction.operation)).toEqual(STORY)
    expect(await lintPath(path)).toMatchObject({ files: 1, interactions: 11, findings: [] })
  })

  test('never shows or writes the real token, password or adminPass of the endpoint', async () => {
    const dir = await tempDir()
    const real = await realValuesOfSeed1()
    const run = await runCli(['demo', '--out', dir])
    expect(run.exitCode).toBe(0)
    // The same seeded values: the demo shows the server id and the token's first 4 characters.
    expect(run.out).toContain(real.serverId)
    expect(run.out).toContain(`token ${real.token.slice(0, 4)}…`)
    const text = await readFile(join(dir, 'boot-reboot-delete.json'), 'utf8')
    expect(text).toContain('REDACTED-adminPass-1')
    for (const secret of [real.token, real.password, real.adminPass]) {
      expect(run.out).not.toContain(secret)
      expect(text).not.toContain(secret)
    }
  })

  test('plays the hp dialect into its own cassette with --dialect hp', async () => {
    const dir = await tempDir()
    const real = await realValuesOfSeed1('hp')
    const run = await runCli(['demo', '--out', dir, '--dialect', 'hp'])
    expect(run.exitCode).toBe(0)
    expect(run.out).toContain('(hp dialect, seed 1)')
    const path = join(dir, 'boot-reboot-delete-hp.json')
    const cassette = await loadCassetteFile(path)
    expect(cassette.dialect).toBe('hp')
    expect(cassette.interactions.map((interaction) => interaction.operation)).toEqual(STORY)
    const text = await readFile(path, 'utf8')
    for (const secret of [real.token, real.password, real.adminPass]) expect(run.out + text).not.toContain(secret)
  })

  test('says it overwrites the cassette of an earlier run, and --quiet prints only the way on', async () => {
    const dir = await tempDir()
    const quiet = await runCli(['demo', '--out', dir, '--quiet'])
    expect(quiet.exitCode).toBe(0)
    expect(quiet.out).not.toContain('1/6')
    expect(quiet.out).toContain(`cassette  ${join(dir, 'boot-reboot-delete.json')}`)
    expect(quiet.out).toContain('npx cloudtape lint')
    expect(quiet.out.trim().split('\n').length).toBeLessThanOrEqual(8)
    const again = await runCli(['demo', '--out', dir])
    expect(again.out).toContain('boot-reboot-delete.json (overwrites the cassette of an earlier run)')
  })

  test('fails with ERR_CLOUDTAPE_CASSETTE_WRITE when the output folder cannot be created', async () => {
    const dir = await tempDir()
    await writeFile(join(dir, 'a-file'), 'not a folder')
    const run = await runCli(['demo', '--out', join(dir, 'a-file', 'demo')])
    expect(run.exitCode).toBe(1)
    expect(run.error).toMatchObject({ code: 'ERR_CLOUDTAPE_CASSETTE_WRITE', message: expect.stringContaining('Pass --out <dir>') })
    expect(run.out).toBe('')
  })

  test('fails with ERR_CLOUDTAPE_INVALID_OPTION when --out is inside node_modules', async () => {
    const dir = await tempDir()
    const run = await runCli(['demo', '--out', join(dir, 'node_modules', 'x')])
    expect(run.error).toMatchObject({ code: 'ERR_CLOUDTAPE_INVALID_OPTION', message: expect.stringContaining('inside node_modules') })
  })

  test('fails with a usage error listing the dialects when --dialect is unknown', async () => {
    const run = await runCli(['demo', '--dialect', 'nova'])
    expect(run.exitCode).toBe(2)
    expect(run.err).toContain('Allowed choices are rackspace, hp')
  })

  test('colors its output only for a terminal, and never when NO_COLOR is set', async () => {
    const dir = await tempDir()
    const runColored = async (): Promise<string> => {
      let out = ''
      await createProgram({ writeOut: (text) => void (out += text), writeErr: () => undefined, colorOut: true }).parseAsync(['demo', '--out', dir, '--quiet'], { from: 'user' })
      return out
    }
    expect(await runColored()).toMatch(/\u001b\[2m/)
    const before = process.env['NO_COLOR']
    process.env['NO_COLOR'] = '1'
    onTestFinished(() => {
      if (before === undefined) delete process.env['NO_COLOR']
      else process.env['NO_COLOR'] = before
    })
    expect(await runColored()).not.toMatch(/\u001b\[/)
  })
})
