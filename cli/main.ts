#!/usr/bin/env node
import { CommanderError } from 'commander'
import { isCloudtapeError } from '../cassettes/errors.js'
import { createProgram } from './program.js'

/**
 * The CLI entry point: CloudtapeError becomes one line on stderr and exit code 1; usage errors
 * keep commander's exit code 2 contract; anything else is rethrown so its stack survives.
 */
async function main(): Promise<void> {
  const program = createProgram()
  try {
    await program.parseAsync(process.argv)
  } catch (error) {
    process.exitCode = exitCodeFor(error)
    if (isCloudtapeError(error)) process.stderr.write(`${error.message}\n`)
    else if (!(error instanceof CommanderError)) throw error
  }
}

function exitCodeFor(error: unknown): number {
  if (isCloudtapeError(error)) return error.code === 'ERR_CLOUDTAPE_USAGE' || error.code === 'ERR_CLOUDTAPE_INVALID_OPTION' ? 2 : 1
  if (error instanceof CommanderError) {
    if (error.exitCode === 0) return 0
    return error.code.startsWith('commander.') && error.code !== 'commander.executeSubCommandAsync' ? 2 : error.exitCode
  }
  return 1
}

// A reader that stops early (`cloudtape library | head`) closes the pipe: that is not a failure.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error
  process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0)
})

await main()
