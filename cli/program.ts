import { Command } from 'commander'
import { registerDemoCommand } from './commands/demo.js'
import { registerFaultsCommand } from './commands/faults.js'
import { registerLibraryCommand } from './commands/library.js'
import { registerLintCommand } from './commands/lint.js'
import { registerOperationCommand } from './commands/operation.js'
import { registerRecordCommand } from './commands/record.js'
import { registerShowCommand } from './commands/show.js'
import { registerReplayCommand } from './commands/replay.js'
import { packageVersion } from './package-info.js'

/** Where a command writes; injected so tests capture output without touching process streams. */
export interface ProgramIO {
  writeOut(text: string): void
  writeErr(text: string): void
  /**
   * Aborting it stops long-running commands (record, replay) as SIGINT would; when absent they
   * listen for SIGINT/SIGTERM. Lets tests run them in process.
   */
  readonly signal?: AbortSignal
  /** True when writeOut goes to a terminal that may get ANSI colors (the demo; NO_COLOR still wins). */
  readonly colorOut?: boolean
}

export const PROCESS_IO: ProgramIO = {
  writeOut: (text) => process.stdout.write(text),
  writeErr: (text) => process.stderr.write(text),
  colorOut: process.stdout.isTTY === true,
}

/**
 * Builds the `cloudtape` command tree. Each command lives in its own file under commands/ and
 * registers itself here.
 *
 * @example
 * await createProgram().parseAsync(process.argv)
 */
export function createProgram(io: ProgramIO = PROCESS_IO): Command {
  const program = new Command('cloudtape')
    .description('Record, replay and fault-inject the Rackspace Cloud Servers API v2 (and HP Helion Compute).')
    .version(packageVersion(), '-V, --version')
    .configureOutput({ writeOut: io.writeOut, writeErr: io.writeErr })
    .showHelpAfterError('(run with --help for usage)')
    // Throw instead of process.exit(), so main.ts owns exit codes and tests can run commands in
    // process. Set before the subcommands are added: they copy it when created.
    .exitOverride()
  registerOperationCommand(program, io)
  registerFaultsCommand(program, io)
  registerShowCommand(program, io)
  registerLibraryCommand(program, io)
  registerLintCommand(program, io)
  registerRecordCommand(program, io)
  registerReplayCommand(program, io)
  registerDemoCommand(program, io)
  return program
}
