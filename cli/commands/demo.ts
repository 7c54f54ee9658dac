import { Option, type Command } from 'commander'
import { CloudtapeError, isCloudtapeError } from '../../cassettes/index.js'
import { DEMO_DIALECTS, type DemoDialect } from '../demo/context.js'
import { DEFAULT_DEMO_OUT } from '../demo/output-folder.js'
import { runDemo } from '../demo/run-demo.js'
import type { ProgramIO } from '../program.js'

interface DemoCommandOptions {
  out: string
  dialect: DemoDialect
  quiet?: boolean
  color: boolean
}

/**
 * `cloudtape demo [--out <dir>] [--dialect rackspace|hp] [--quiet] [--no-color]`: the whole story
 * on an embedded endpoint, offline, in a few seconds. Exit 0 when every step worked.
 */
export function registerDemoCommand(program: Command, io: ProgramIO): void {
  program
    .command('demo')
    .description('the whole story offline: record a client through the proxy, redact, lint, replay with and without faults')
    .option('--out <dir>', 'folder for the cassette (created if missing)', `./${DEFAULT_DEMO_OUT}`)
    .addOption(new Option('--dialect <dialect>', 'API dialect of the embedded endpoint').choices(DEMO_DIALECTS).default('rackspace'))
    .option('--quiet', 'print only where the cassette is and what to try next')
    .option('--no-color', 'no colors (also off when stdout is not a terminal or NO_COLOR is set)')
    .action(async (options: DemoCommandOptions) => {
      try {
        await runDemo({
          out: options.out,
          dialect: options.dialect,
          cwd: process.cwd(),
          write: io.writeOut,
          color: options.color && io.colorOut === true && !process.env['NO_COLOR'],
          quiet: options.quiet === true,
        })
      } catch (error) {
        throw asOneLineError(error)
      }
    })
}

/** The demo promises one line and no stack: anything unforeseen is reported as ERR_CLOUDTAPE_DEMO. */
function asOneLineError(error: unknown): CloudtapeError {
  if (isCloudtapeError(error)) return error
  const reason = error instanceof Error ? error.message : String(error)
  return new CloudtapeError('ERR_CLOUDTAPE_DEMO', `The demo stopped: ${reason}. Please report this with the output above.`, { cause: error })
}
