import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { describe, expect, onTestFinished, test } from 'vitest'
import { startFakeCloud } from '../../upstream/index.js'
import { fixedTokenBootRebootDelete, pkgcloudBootRebootDelete } from '../helpers/pkgcloud-story.js'

const BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url))

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

    const choice = { flavorId: cloud.flavorIds[0] as string, imageName: cloud.baseImages[0]?.name as string, serverName: 'web1' }

    const recorder = await startBin(['record', '--target', cloud.computeOrigins[region] as string, '--cassette', cassette])
    const recorded = await fixedTokenBootRebootDelete(`${recorder.url}/v2/${cloud.tenantId}`, cloud.token, choice, async () => {})
    expect(await stop(recorder.child)).toBe(0)
    await cloud.close()
    expect(recorded.steps).toEqual(['created web1', 'active true', 'rebooted', 'active true', 'deleted true'])
    const operations = (JSON.parse(await readFile(cassette, 'utf8')) as { interactions: Array<{ operation: string }> }).interactions.map((interaction) => interaction.operation)
    expect(operations).not.toContain('identity.tokens.create')
    expect(operations.filter((operation) => operation === 'servers.get').length).toBeGreaterThan(2)

    const replay = await startBin(['replay', '--cassette', cassette, '--region', 'ORD'])
    expect(await pkgcloudBootRebootDelete(replay.url, 'ORD', choice)).toEqual(recorded)
    const { unused } = (await (await fetch(`${replay.url}/_cloudtape/unused`)).json()) as { unused: unknown[] }
    expect(unused).toEqual([])
    const { requests } = (await (await fetch(`${replay.url}/_cloudtape/requests`)).json()) as { requests: Array<{ operation: string; outcome: string }> }
    expect(requests[0]).toMatchObject({ operation: 'identity.tokens.create', outcome: 'identity' })
    expect(requests.filter((request) => request.outcome === 'miss')).toEqual([])
    expect(await stop(replay.child)).toBe(0)
    expect(replay.stderr()).toBe('')
  })
})
