import { CommanderError } from 'commander'
import { createProgram } from '../../cli/program.js'

export interface CliRun {
  readonly out: string
  readonly err: string
  /** 0 on success; commander's or CloudtapeError's exit code otherwise. */
  readonly exitCode: number
  readonly error: unknown
}

/** Runs `cloudtape <args>` in process and captures what it wrote. */
export async function runCli(args: readonly string[]): Promise<CliRun> {
  let out = ''
  let err = ''
  const program = createProgram({ writeOut: (text) => void (out += text), writeErr: (text) => void (err += text) })
  try {
    await program.parseAsync([...args], { from: 'user' })
    return { out, err, exitCode: 0, error: undefined }
  } catch (error) {
    const exitCode = error instanceof CommanderError ? (error.exitCode === 0 ? 0 : 2) : 1
    return { out, err, exitCode, error }
  }
}
