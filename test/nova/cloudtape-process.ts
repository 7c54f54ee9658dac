import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** The built CLI, as users run it (`npm run build` first; scripts/nova-lane.sh does). */
export const CLOUDTAPE_BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url))

/** A long-running `cloudtape record` or `cloudtape replay`, stopped with SIGINT like Ctrl-C. */
export interface CloudtapeProcess {
  /** The `listening on <url>` URL. */
  readonly url: string
  /** Everything written so far. */
  stdout(): string
  stderr(): string
  /** SIGINT, then the exit code once the process has written its cassette and exited. */
  stop(): Promise<number | null>
}

/** Spawns `node dist/cli/main.js <args>` and resolves once it prints `listening on <url>`. */
export async function startCloudtape(args: readonly string[]): Promise<CloudtapeProcess> {
  const child = spawn(process.execPath, [CLOUDTAPE_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stdout.setEncoding('utf8').on('data', (text: string) => void (out += text))
  child.stderr.setEncoding('utf8').on('data', (text: string) => void (err += text))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (): void => {
      const found = /^listening on (\S+)$/m.exec(out)
      if (found) {
        child.stdout.off('data', onData)
        resolve(found[1] as string)
      }
    }
    child.stdout.on('data', onData)
    void exited.then((code) => reject(new Error(`cloudtape ${args.join(' ')} exited (${code}) before listening:\n${err}`)))
  })
  return {
    url,
    stdout: () => out,
    stderr: () => err,
    stop: () => stopChild(child, exited),
  }
}

function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<number | null> {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT')
  return exited
}

/** Runs a short cloudtape command (lint, show) to completion. */
export function runCloudtape(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLOUDTAPE_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (text: string) => void (stdout += text))
    child.stderr.setEncoding('utf8').on('data', (text: string) => void (stderr += text))
    child.once('error', reject)
    child.once('exit', (code) => resolve({ code, stdout, stderr }))
  })
}
