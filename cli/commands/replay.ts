import type { Command } from 'commander'
import { assertOneOf, CloudtapeError, DIALECTS } from '../../cassettes/index.js'
import type { Dialect } from '../../cassettes/index.js'
import { cassetteArgument, createReplayServer, EXHAUSTED_MODES, MISS_MODES } from '../../replay/index.js'
import type { ExhaustedMode, MissMode } from '../../replay/index.js'
import type { ProgramIO } from '../program.js'

interface ReplayCommandOptions {
  cassette: string
  listen?: string
  strict?: boolean
  dialect?: string
  onMiss?: string
  exhausted?: string
  fault?: string[]
  seed?: string
  region?: string
  syntheticIdentity: boolean
}

/**
 * `cloudtape replay --cassette <path> [--listen host:port] [--fault <rule>...] [--strict] [--dialect d]`: serves a
 * cassette over HTTP until SIGINT/SIGTERM. The first line of stdout is the listening URL.
 */
export function registerReplayCommand(program: Command, io: ProgramIO): void {
  program
    .command('replay')
    .description('serve a cassette over HTTP (identity and compute) for clients in any language')
    .requiredOption('--cassette <path>', 'the cassette file (the path given to record; .json is appended when missing), or a library name (library/servers.create)')
    .option('--listen <host:port>', 'address to listen on', '127.0.0.1:0')
    .option('--fault <rule>', 'fault rule <fault>@<operation-glob>[:<options>], e.g. overLimit@servers.create:nth=2; repeatable', collect)
    .option('--seed <n>', 'seed of probability rules (p=...) without their own')
    .option('--strict', 'check credentials and tokens: wrong ones get the documented 401 unauthorized fault')
    .option('--dialect <dialect>', `dialect of fault bodies, overriding the cassette's (${DIALECTS.join('|')})`)
    .option('--on-miss <mode>', `what an unmatched request gets (${MISS_MODES.join('|')})`, 'error')
    .option('--exhausted <mode>', `what a request gets once its recorded answers are used up (${EXHAUSTED_MODES.join('|')})`, 'repeat-last')
    .option('--region <name>', 'region of the synthesized catalog, for a cassette without a token exchange (default DFW, hp region-a.geo-1, nova RegionOne)')
    .option('--no-synthetic-identity', 'answer token requests only from the cassette: a cassette without a token exchange makes them misses')
    .action(async (options: ReplayCommandOptions) => {
      if (options.dialect !== undefined) assertOneOf('--dialect', options.dialect, DIALECTS)
      assertOneOf('--on-miss', options.onMiss, MISS_MODES)
      assertOneOf('--exhausted', options.exhausted, EXHAUSTED_MODES)
      const server = await createReplayServer({
        cassette: cassetteArgument(options.cassette),
        listen: options.listen,
        strict: options.strict === true,
        onMiss: options.onMiss as MissMode,
        exhausted: options.exhausted as ExhaustedMode,
        warn: (message) => io.writeErr(`${message}\n`),
        faults: options.fault ?? [],
        syntheticIdentity: syntheticIdentityOption(options),
        ...(options.seed === undefined ? {} : { seed: parseSeed(options.seed) }),
        ...(options.dialect === undefined ? {} : { dialect: options.dialect as Dialect }),
      })
      io.writeOut(`listening on ${server.url}\n`)
      io.writeOut(`identity: ${server.authUrl}\n`)
      const synthetic = server.session.syntheticIdentity
      if (synthetic) io.writeOut(`synthesized identity: region ${synthetic.region}, compute ${synthetic.computeUrl}\n`)
      for (const [origin, base] of server.session.routes.bases) if (base !== server.url) io.writeOut(`${origin} → ${base}\n`)
      if (options.dialect !== undefined && options.dialect !== server.cassette.dialect) {
        io.writeErr(`note: faults use the ${options.dialect} dialect; the cassette was recorded in ${server.cassette.dialect}.\n`)
      }
      await stopRequested(io.signal)
      await server.close()
    })
}

function syntheticIdentityOption(options: ReplayCommandOptions): boolean | { region: string } {
  if (options.region === undefined) return options.syntheticIdentity
  if (!options.syntheticIdentity) {
    throw new CloudtapeError('ERR_CLOUDTAPE_INVALID_OPTION', '--region names the synthesized catalog\'s region; drop it or drop --no-synthetic-identity.')
  }
  return { region: options.region }
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value]
}

function parseSeed(text: string): number {
  const seed = Number(text)
  if (!Number.isInteger(seed)) throw new CloudtapeError('ERR_CLOUDTAPE_INVALID_OPTION', `Invalid --seed "${text}". Expected an integer, e.g. --seed 7.`)
  return seed
}

function stopRequested(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      signal?.removeEventListener('abort', stop)
      resolve()
    }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
    if (signal?.aborted) stop()
    else signal?.addEventListener('abort', stop)
  })
}
