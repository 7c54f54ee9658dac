import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** ../shared/nova-local, beside the repository (the worktree's `../shared` resolves the same way). */
export const NOVA_LOCAL_DIR = fileURLToPath(new URL('../../../shared/nova-local/', import.meta.url))

/** nova-local's defaults (env.sh); the lane uses them as they are. */
export const NOVA = {
  url: 'http://127.0.0.1:8774',
  glanceUrl: 'http://127.0.0.1:9292',
  project: '6f70656e737461636b20342065766572',
  token: 'admin:6f70656e737461636b20342065766572',
  /** The second, non-admin project smoke.sh uses for quota checks. */
  demoProject: '0123456789abcdef0123456789abcdef',
  demoToken: 'demo:0123456789abcdef0123456789abcdef',
  /** Seeded by start.sh. */
  image: '155d900f-4e14-4e4c-a73d-069cbf4541e6',
} as const

/** True when nova-api answers its version document. */
export async function novaAnswers(): Promise<boolean> {
  try {
    const response = await fetch(`${NOVA.url}/`, { signal: AbortSignal.timeout(3000) })
    return response.ok
  } catch {
    return false
  }
}

/** Runs one of nova-local's scripts; its output is returned (and shown on failure). */
export async function novaLocal(script: 'start.sh' | 'stop.sh'): Promise<string> {
  const path = NOVA_LOCAL_DIR + script
  if (!existsSync(path)) throw new Error(`${path} is missing: the lane needs ../shared/nova-local beside the repository.`)
  try {
    const { stdout, stderr } = await run(path, [], { timeout: 600_000, maxBuffer: 16 * 1024 * 1024 })
    return stdout + stderr
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string }
    throw new Error(`${script} failed: ${failed.message}\n${failed.stdout ?? ''}${failed.stderr ?? ''}`)
  }
}

/**
 * NOVA_LOCAL_KEEP=1 (development only: start once, run the lane many times) keeps Nova running
 * through the replay phase and after the run; replays never learn Nova's address either way.
 */
export const KEEP_NOVA = process.env['NOVA_LOCAL_KEEP'] === '1'

/** Stops Nova (unless NOVA_LOCAL_KEEP=1); harmless when it is already stopped (stop.sh then has no pid file). */
export async function stopNova(): Promise<void> {
  if (!KEEP_NOVA) await novaLocal('stop.sh')
}
