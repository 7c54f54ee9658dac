import { InvalidArgumentError, Option, type Command } from 'commander'
import { DIALECTS, type Dialect } from '../../cassettes/operation-catalog.js'
import type { Interaction } from '../../cassettes/schema.js'
import { createRecordingProxy, RECORDING_MODES, RECORDING_PROXY_DEFAULTS, type RecordingMode, type RecordingProxy } from '../../proxy/index.js'
import type { ProgramIO } from '../program.js'

interface RecordOptions {
  target: string[]
  cassette: string
  listen: string
  dialect?: Dialect
  mode: RecordingMode
  maxBodyBytes?: number
  upstreamTimeout?: number
}

/**
 * `cloudtape record --target <url>... --cassette <path>`: a recording proxy until SIGINT/SIGTERM.
 * stdout stays parseable: `listening on <url>` first, then one line per exchange:
 * `recorded <id> <operation> <status|fault>`, `replayed <id> <operation> <status>` (once mode) or
 * `forwarded <operation> <status|fault>` (passthrough mode). Everything else goes to stderr.
 */
export function registerRecordCommand(program: Command, io: ProgramIO): void {
  program
    .command('record')
    .description('record real traffic through a proxy into a cassette (stops cleanly on Ctrl-C)')
    .requiredOption('--target <url>', 'identity endpoint (…/v2.0) or a compute endpoint; repeat for more', collect)
    .requiredOption('--cassette <path>', 'cassette file to write (.json appended when missing)')
    .option('--listen <host:port>', 'address to listen on', RECORDING_PROXY_DEFAULTS.listen)
    .addOption(new Option('--dialect <dialect>', 'API dialect (detected when absent)').choices(DIALECTS))
    .addOption(new Option('--mode <mode>', 'record overwrites; once records what is missing; passthrough writes nothing').choices(RECORDING_MODES).default('record'))
    .option('--max-body-bytes <n>', `bodies over this are stored truncated (default ${RECORDING_PROXY_DEFAULTS.maxBodyBytes})`, positiveInteger)
    .option('--upstream-timeout <ms>', `answer 504 when the upstream is silent this long (default ${RECORDING_PROXY_DEFAULTS.upstreamTimeoutMs})`, positiveInteger)
    .action(async (options: RecordOptions) => {
      const proxy = await createRecordingProxy({
        targets: options.target,
        cassette: options.cassette,
        listen: options.listen,
        mode: options.mode,
        ...(options.dialect ? { dialect: options.dialect } : {}),
        ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes }),
        ...(options.upstreamTimeout === undefined ? {} : { upstreamTimeoutMs: options.upstreamTimeout }),
      })
      io.writeOut(`listening on ${proxy.url}\n`)
      for (const target of options.target) io.writeErr(`cloudtape: ${target} is served at ${proxy.urlFor(target) ?? proxy.url}\n`)
      reportProgress(proxy, io)
      await untilStopped(proxy, io)
      const written = proxy.mode === 'passthrough' ? 'nothing written (passthrough)' : `${proxy.cassette().interactions.length} interactions in ${proxy.cassettePath}`
      io.writeErr(`cloudtape: stopped; ${written}\n`)
    })
}

function positiveInteger(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) === 0) throw new InvalidArgumentError('Expected a positive whole number.')
  return Number(value)
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value]
}

function reportProgress(proxy: RecordingProxy, io: ProgramIO): void {
  proxy.on('interaction', ({ interaction }) => io.writeOut(`recorded ${interaction.id} ${interaction.operation} ${outcome(interaction)}\n`))
  proxy.on('replayed', ({ interaction }) => io.writeOut(`replayed ${interaction.id} ${interaction.operation} ${outcome(interaction)}\n`))
  proxy.on('passthrough', (event) => io.writeOut(`forwarded ${event.operation} ${event.status ?? event.transportFault ?? '-'}\n`))
  proxy.on('warning', (warning) => io.writeErr(`cloudtape: warning: ${warning.message}\n`))
  proxy.on('error', (error) => io.writeErr(`${error.message}\n`))
}

function outcome(interaction: Interaction): string {
  if (interaction.transportFault) return interaction.transportFault.kind
  return String(interaction.response?.status ?? '-')
}

/**
 * Serves until SIGINT/SIGTERM (or `io.signal`), then stops accepting, lets in-flight requests
 * finish and writes the cassette. A second signal cuts the in-flight requests.
 */
async function untilStopped(proxy: RecordingProxy, io: ProgramIO): Promise<void> {
  let onSignal = (): void => undefined
  try {
    await new Promise<void>((resolve) => {
      if (io.signal) {
        if (io.signal.aborted) resolve()
        else io.signal.addEventListener('abort', () => resolve(), { once: true })
        return
      }
      let stopping = false
      onSignal = () => {
        if (stopping) {
          io.writeErr('cloudtape: cutting in-flight requests\n')
          void proxy.close({ force: true })
          return
        }
        stopping = true
        io.writeErr('cloudtape: stopping; finishing in-flight requests (signal again to cut them)\n')
        resolve()
      }
      for (const signal of STOP_SIGNALS) process.on(signal, onSignal)
    })
    await proxy.close()
  } finally {
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal)
  }
}

const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const
