import { execFile } from 'node:child_process'
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

  test('exits 2 on a usage error', async () => {
    await expect(run(process.execPath, [BIN, 'operation'])).rejects.toMatchObject({ code: 2 })
  })
})
