import { CloudtapeError, createFakeClock, type Clock, type FakeClock } from '../../cassettes/index.js'
import { ClientFailure, DemoClient, type ClientCall, type ClientCredentials } from './client.js'
import type { DemoOutput } from './output-folder.js'
import type { Printer } from './printer.js'
import { bootRebootDelete, type ScenarioOutcome } from './scenario.js'
import type { UpstreamDialect as DemoDialect } from '../../upstream/index.js'

/** The demo runs on the embedded endpoint, so it plays exactly the dialects that endpoint speaks. */
export { UPSTREAM_DIALECTS as DEMO_DIALECTS } from '../../upstream/index.js'
export type { DemoDialect }

/** What every step of the demo shares. */
export interface DemoContext {
  readonly dialect: DemoDialect
  readonly seed: number
  /** Real time: the endpoints' timestamps and the elapsed time. */
  readonly clock: Clock
  readonly printer: Printer
  readonly output: DemoOutput
  /** Runs on the way out, newest first, whether the demo succeeded or not. */
  defer(task: () => Promise<void>): void
}

/** A client run: the calls as the client saw them, its outcome, and the clock it waited on. */
export interface ClientRun {
  readonly calls: ClientCall[]
  readonly outcome: ScenarioOutcome
  readonly clientClock: FakeClock
}

/**
 * Runs the scenario with a fresh client, printing each call. The client waits (poll intervals,
 * Retry-After) on a fast-forward clock that starts at real time: the waits are honoured, and cost
 * nothing. `phase` names the run in the error when the client fails.
 */
export async function runClient(context: DemoContext, authUrl: string, credentials: ClientCredentials, phase: string, misses: readonly string[] = []): Promise<ClientRun> {
  const calls: ClientCall[] = []
  const clientClock = createFakeClock(context.clock.now())
  const client = new DemoClient({
    authUrl,
    credentials,
    clock: clientClock,
    onCall: (call) => {
      calls.push(call)
      context.printer.call(call)
    },
  })
  try {
    return { calls, outcome: await bootRebootDelete(client), clientClock }
  } catch (error) {
    // fetch rejects with a TypeError whose cause is the network error (ECONNREFUSED, ...).
    const networkError = error instanceof TypeError && error.cause !== undefined
    if (!(error instanceof ClientFailure) && !networkError) throw error
    const miss = misses[0] ? ` The replay server reported: ${misses[0].split('\n')[0]}` : ''
    throw new CloudtapeError('ERR_CLOUDTAPE_DEMO', `The demo's client failed ${phase}: ${describeFailure(error)}${miss} This is a bug in the demo; please report it with the output above.`, { cause: error })
  }
}

function describeFailure(error: Error): string {
  const cause = (error as Error & { cause?: { code?: string } }).cause?.code
  return cause ? `${error.message} (${cause}).` : error.message.endsWith('.') ? error.message : `${error.message}.`
}
