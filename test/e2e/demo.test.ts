import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, onTestFinished, test } from 'vitest'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const run = promisify(execFile)
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm'

describe('npm run demo (the README main-job command)', () => {
  test('runs the built demo end to end in well under a minute and exits 0', async () => {
    const out = await mkdtemp(join(tmpdir(), 'cloudtape-demo-e2e-'))
    onTestFinished(() => rm(out, { recursive: true, force: true }))
    const env = { ...process.env, NO_COLOR: '1' }
    // execFile kills the demo (and fails the test) if it takes longer than the timeout.
    const { stdout } = await run(NPM, ['run', '--silent', 'demo', '--', '--out', out], { cwd: ROOT, env, timeout: 50_000 })
    expect(stdout).toContain('6/6  Your turn')
    expect(stdout).toMatch(/done in \d+\.\d s, offline\n$/)
    expect(existsSync(join(out, 'boot-reboot-delete.json'))).toBe(true)
  }, 60_000)
})
