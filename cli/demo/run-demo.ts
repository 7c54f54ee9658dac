import { systemClock, type Clock } from '../../cassettes/index.js'
import type { DemoContext, DemoDialect } from './context.js'
import { prepareOutputFolder, type DemoOutput } from './output-folder.js'
import { createPrinter, type Printer } from './printer.js'
import { recordScenario, startEndpoint, startProxy, writeCassette } from './record-steps.js'
import { DEMO_FAULTS, replayPlain, replayWithFaults, stopUpstream } from './replay-steps.js'

/** Options of `runDemo` (the `cloudtape demo` command). */
export interface DemoOptions {
  /** Folder for the cassette, relative to `cwd`. */
  readonly out: string
  readonly dialect: DemoDialect
  readonly cwd: string
  readonly write: (text: string) => void
  readonly color: boolean
  readonly quiet: boolean
  /** Seeds the endpoint's secrets and ids. Default 1. */
  readonly seed?: number
  /** Real time for the endpoints, the cassette's recordedAt and the elapsed time. Default: the system clock. */
  readonly clock?: Clock
}

/** What the demo did, for callers and tests. */
export interface DemoResult {
  readonly cassettePath: string
  readonly recordedCalls: number
  readonly faultsFired: number
}

/**
 * The whole story on an embedded endpoint, offline: record a client session through the proxy,
 * show what redaction did, replay it plainly and with faults, say what to try next.
 *
 * @example
 * await runDemo({ out: 'cloudtape-demo', dialect: 'rackspace', cwd: process.cwd(), write: (t) => process.stdout.write(t), color: false, quiet: false })
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const clock = options.clock ?? systemClock
  const started = clock.now()
  const printer = createPrinter({ write: options.write, color: options.color, quiet: options.quiet })
  const output = await prepareOutputFolder(options.out, options.dialect, options.cwd)
  const cleanup: Array<() => Promise<void>> = []
  const context: DemoContext = { dialect: options.dialect, seed: options.seed ?? 1, clock, printer, output, defer: (task) => void cleanup.push(task) }
  printer.always(printer.style.bold('cloudtape demo: record a client session, then replay it offline, with and without faults'))
  try {
    const cloud = await startEndpoint(context)
    const proxy = await startProxy(context, cloud)
    const recorded = await recordScenario(context, cloud, proxy)
    await writeCassette(context, cloud, proxy, recorded)
    await stopUpstream(context, cloud)
    await replayPlain(context, recorded)
    await replayWithFaults(context)
    printNextSteps(printer, output, clock.now() - started)
    return { cassettePath: output.cassettePath, recordedCalls: recorded.calls.length, faultsFired: DEMO_FAULTS.length }
  } finally {
    for (const task of cleanup.reverse()) await task().catch(() => undefined)
  }
}

/** Step 6: where the cassette is and the commands to try next (printed in quiet mode too). */
function printNextSteps(printer: Printer, output: DemoOutput, elapsedMs: number): void {
  printer.step(6, 'Your turn')
  const cassette = shellQuote(output.display)
  const lines = [
    `cassette  ${output.display}`,
    `try       npx cloudtape show ${cassette}`,
    `          npx cloudtape replay --cassette ${cassette} --fault ${DEMO_FAULTS[0]}`,
    printer.style.dim('          (serves it on 127.0.0.1: point any client at the identity URL it prints; Ctrl-C stops it)'),
    `          npx cloudtape lint ${shellQuote(output.displayDir)}`,
  ]
  for (const line of lines) printer.always(`     ${line}`)
  printer.always(printer.style.dim(`done in ${(elapsedMs / 1000).toFixed(1)} s, offline`))
}

/** Quotes a path for a POSIX shell when it holds anything beyond safe characters. */
function shellQuote(path: string): string {
  return /^[\w./@%+=:,-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`
}
