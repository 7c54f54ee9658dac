import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, watch } from 'node:fs'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { describe, expect, onTestFinished, test } from 'vitest'
import { loadCassetteFile, saveCassetteFile } from '../../cassettes/store.js'
import { startFakeCloud } from '../../upstream/index.js'

const BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url))
/** The kill lands when the child creates its nth temp file: an early, a middle and a late write. */
const KILL_AT_TEMP_FILE = [2, 5, 9] as const
const CLIENTS = 4
const MAX_REQUESTS_PER_CLIENT = 2000

interface KillRound {
  readonly recordedLines: number
  readonly onDisk: number
  readonly leftTemp: boolean
}

/**
 * Runs `cloudtape record` as a child process, keeps CLIENTS clients sending requests through it,
 * and sends SIGKILL the moment the child creates its `killAt`th temp file (inotify, no polling):
 * the write in progress never finishes.
 */
async function killDuringWrite(upstream: string, tenant: string, token: string, dir: string, killAt: number): Promise<KillRound> {
  const cassette = join(dir, `killed-${killAt}.json`)
  const child = spawn(process.execPath, [BIN, 'record', '--target', upstream, '--cassette', cassette], { stdio: ['ignore', 'pipe', 'pipe'] })
  onTestFinished(() => void child.kill('SIGKILL'))
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>
  const lines = createInterface({ input: child.stdout })
  let recordedLines = 0
  const listening = new Promise<string>((resolve, reject) => {
    lines.on('line', (line) => {
      if (line.startsWith('listening on ')) resolve(line.slice('listening on '.length))
      if (line.startsWith('recorded ')) recordedLines += 1
    })
    void exited.then(() => reject(new Error('cloudtape record exited before listening')))
  })
  const temps = new Set<string>()
  const watcher = watch(dir, (_event, name) => {
    if (!name?.startsWith(`.killed-${killAt}.json.`) || !name.endsWith('.tmp') || temps.has(name) || !existsSync(join(dir, name))) return
    temps.add(name)
    if (temps.size === killAt) child.kill('SIGKILL')
  })
  try {
    const url = await listening
    let stopped = false
    void exited.then(() => (stopped = true))
    const client = async (c: number): Promise<void> => {
      for (let i = 0; !stopped && i < MAX_REQUESTS_PER_CLIENT; i += 1) {
        await fetch(`${url}/v2/${tenant}/flavors/detail?c=${c}&i=${i}`, { headers: { 'x-auth-token': token } })
          .then((res) => res.arrayBuffer())
          .catch(() => undefined)
      }
    }
    await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)))
    // Bounded: if the watcher never saw enough writes, the child is stopped anyway and the test says why.
    if (!stopped) child.kill('SIGKILL')
    expect(`${temps.size} temp files seen`).toBe(`${killAt} temp files seen`)
    const [, signal] = await exited
    expect(signal).toBe('SIGKILL')
  } finally {
    watcher.close()
  }
  const debris = async (): Promise<string[]> => (await readdir(dir)).filter((name) => name.startsWith(`.killed-${killAt}.json.`))
  const leftTemp = (await debris()).length > 0
  const loaded = await loadCassetteFile(cassette)
  // The next writer of the cassette (this process) removes the temp and shadow files of the killed one.
  await saveCassetteFile(cassette, loaded)
  expect(await debris()).toEqual([])
  return { recordedLines, onDisk: loaded.interactions.length, leftTemp }
}

describe('kill -9 of cloudtape record during a write', () => {
  test(`leaves the last complete cassette, which loads (${KILL_AT_TEMP_FILE.length} kills)`, async () => {
    const cloud = await startFakeCloud({ seed: 4, buildPolls: 0 })
    onTestFinished(() => cloud.close())
    const dir = await mkdtemp(join(tmpdir(), 'cloudtape-kill-'))
    onTestFinished(() => rm(dir, { recursive: true, force: true }))
    const rounds: KillRound[] = []
    for (const killAt of KILL_AT_TEMP_FILE) {
      const round = await killDuringWrite(cloud.computeUrls['DFW'] as string, cloud.tenantId, cloud.token, dir, killAt)
      // Written before the kill: at least one complete write, never more than was recorded.
      expect(round.onDisk).toBeGreaterThan(0)
      expect(round.onDisk).toBeLessThanOrEqual(round.recordedLines)
      rounds.push(round)
    }
    expect(rounds[2]?.onDisk).toBeGreaterThan(rounds[0]?.onDisk ?? 0)
    console.log(`reliability faults: ${rounds.length} × kill -9 of cloudtape record as it creates its 2nd/5th/9th temp or shadow file: cassettes on disk load with ${rounds.map((round) => `${round.onDisk} of ${round.recordedLines} recorded`).join(', ')} interactions; ${rounds.filter((round) => round.leftTemp).length} kills left hidden temp or append-shadow files (target intact; the next write swept them)`)
  }, 60_000)
})
