import { CommanderError } from 'commander'
import { createProgram } from '../../cli/program.js'

export interface CliRun {
  readonly out: string
  readonly err: string
  /** 0 on success; commander's or CloudtapeError's exit code otherwise. */
  readonly exitCode: number
  readonly error: unknown
}

/** Runs `cloudtape <args>` in process and captures what it wrote; `signal` stops long-running commands. */
export async function runCli(args: readonly string[], options: { signal?: AbortSignal; onOut?: (text: string) => void } = {}): Promise<CliRun> {
  let out = ''
  let err = ''
  const writeOut = (text: string): void => {
    out += text
    options.onOut?.(out)
  }
  const program = createProgram({ writeOut, writeErr: (text) => void (err += text), ...(options.signal ? { signal: options.signal } : {}) })
  try {
    await program.parseAsync([...args], { from: 'user' })
    return { out, err, exitCode: 0, error: undefined }
  } catch (error) {
    const exitCode = error instanceof CommanderError ? (error.exitCode === 0 ? 0 : 2) : 1
    return { out, err, exitCode, error }
  }
}

/** Starts `cloudtape replay <args>` in process; resolves with its URL once it printed its first line. */
export async function startReplay(args: readonly string[]): Promise<{ out: () => string; url: string; stop: () => Promise<CliRun> }> {
  const controller = new AbortController()
  let out = ''
  let listening!: (url: string) => void
  const started = new Promise<string>((resolve) => (listening = resolve))
  const run = runCli(['replay', ...args], {
    signal: controller.signal,
    onOut: (text) => {
      out = text
      const first = /^listening on (\S+)\n/.exec(text)
      if (first) listening(first[1] as string)
    },
  })
  const url = await Promise.race([started, run.then((result) => Promise.reject(result.error))])
  return { out: () => out, url, stop: () => (controller.abort(), run) }
}
