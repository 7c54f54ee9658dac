import { execFile, spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, test } from 'vitest'

const BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url))
const run = promisify(execFile)

describe('the built cloudtape bin', () => {
  test('exists after npm install (the prepare script builds it)', () => {
    expect(existsSync(BIN)).toBe(true)
  })

  test('prints help and resolves an operation', async () => {
    const help = await run(process.execPath, [BIN, '--help'])
    expect(help.stdout).toContain('Usage: cloudtape')
    const op = await run(process.execPath, [BIN, 'operation', 'GET', 'https://ord.servers.api.rackspacecloud.com/v2/010101/flavors/detail'])
    expect(op.stdout).toBe('flavors.listDetail\n')
  })

  test('finds the cassette library from dist: show and library by name', async () => {
    const show = await run(process.execPath, [BIN, 'show', 'library/hp/servers.create.xml'])
    expect(show.stdout).toMatch(/servers\.create\s+POST\s+\/v2\/\d+\/servers\s+202\s+xml/)
    const list = await run(process.execPath, [BIN, 'library', '--json', '--dialect', 'hp'])
    expect(JSON.parse(list.stdout).length).toBeGreaterThan(100)
  })

  test('exits 0 without an EPIPE trace when the reader closes the pipe early (cloudtape library | head -1)', async () => {
    const child = spawn(process.execPath, [BIN, 'library'], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()))
    child.stdout.once('data', () => child.stdout.destroy())
    const [code] = (await once(child, 'close')) as [number | null]
    expect(stderr).toBe('')
    expect(code).toBe(0)
  })

  test('exits 2 on a usage error', async () => {
    await expect(run(process.execPath, [BIN, 'operation'])).rejects.toMatchObject({ code: 2 })
  })
})
