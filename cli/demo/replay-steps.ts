import { CloudtapeError } from '../../cassettes/index.js'
import { createReplayServer, type ReplayServer } from '../../replay/index.js'
import type { FakeCloud } from '../../upstream/index.js'
import type { ClientCall, ClientCredentials } from './client.js'
import { runClient, type ClientRun, type DemoContext } from './context.js'

/** The faults the demo injects, written as `cloudtape replay --fault` takes them. */
export const DEMO_FAULTS = ['overLimit@servers.create:nth=1,retryAfter=3', 'error-state@servers.get:polls=2'] as const
const RETRY_AFTER_MS = 3000

/** Made-up credentials: a replay accepts any, so tests need no real account. */
function replayCredentials(context: DemoContext): ClientCredentials {
  return { username: 'demo', password: 'any-password-works', ...(context.dialect === 'hp' ? { tenantName: 'demo-tenant' } : {}) }
}

/** Step 5 begins: the upstream is stopped, and shown to be gone. */
export async function stopUpstream(context: DemoContext, cloud: FakeCloud): Promise<void> {
  context.printer.step(5, 'Replay the cassette offline with the standalone replay server')
  await cloud.close()
  const origin = new URL(cloud.identityUrl).origin
  if (await answers(cloud.identityUrl)) throw new CloudtapeError('ERR_CLOUDTAPE_DEMO', `The embedded endpoint ${origin} still answers after it was stopped; the replay would not prove anything. Please report this.`)
  context.printer.fact('upstream', `stopped: ${origin} refuses connections; from here on only the cassette answers`)
}

/** The same client code against the replay server: the same story, offline. */
export async function replayPlain(context: DemoContext, recorded: ClientRun): Promise<ClientRun> {
  const { printer } = context
  const misses: string[] = []
  const server = await startReplay(context, [], misses)
  printer.fact('replay', `${server.url}: the same client, auth URL ${server.authUrl}, any credentials (demo / any-password-works)`)
  const run = await runClient(context, server.authUrl, replayCredentials(context), 'on replay', misses)
  const unused = server.session.unused().length
  await server.close()
  const difference = storyDifference(recorded.calls, run.calls)
  if (difference !== null) throw new CloudtapeError('ERR_CLOUDTAPE_DEMO', `The replay differs from the recording: ${difference}. Please report this with the output above.`)
  const used = server.cassette.interactions.length - unused
  printer.note(printer.style.green(`✓ the same ${run.calls.length} calls, statuses and server states as recorded; ${used} of ${server.cassette.interactions.length} interactions used`))
  return run
}

/** The same client again, with overLimit on the first create and the server turning to ERROR while polled. */
export async function replayWithFaults(context: DemoContext): Promise<ClientRun> {
  const { printer } = context
  printer.part('Now with faults injected')
  printer.fact('faults', DEMO_FAULTS.map((rule) => `--fault ${rule}`).join(' '))
  const misses: string[] = []
  const server = await startReplay(context, DEMO_FAULTS, misses)
  const run = await runClient(context, server.authUrl, replayCredentials(context), 'on replay with faults', misses)
  const fired = server.session.faults.log().filter((entry) => entry.effect !== 'shadowed' && entry.effect !== 'skipped')
  await server.close()
  checkFaultsSeen(run)
  printer.fact('fired', fired.map((entry) => `${entry.what} on ${entry.operation} (request ${entry.request})`).join(', '))
  const fault = run.outcome.server.fault
  printer.fact('client', printer.style.green(`✓ waited the ${RETRY_AFTER_MS / 1000} s Retry-After asked for, retried, then reported the server's fault ${fault?.code ?? ''} and cleaned up`))
  return run
}

async function startReplay(context: DemoContext, faults: readonly string[], misses: string[]): Promise<ReplayServer> {
  const server = await createReplayServer({ cassette: context.output.cassettePath, faults, clock: context.clock, warn: (message) => misses.push(message) })
  context.defer(() => server.close())
  return server
}

function checkFaultsSeen(run: ClientRun): void {
  const sawOverLimit = run.calls.some((call) => call.operation === 'servers.create' && call.status === 413)
  const waited = run.clientClock.sleeps.includes(RETRY_AFTER_MS)
  if (sawOverLimit && waited && run.outcome.finalStatus === 'ERROR') return
  throw new CloudtapeError('ERR_CLOUDTAPE_DEMO', `The injected faults did not show as expected (overLimit seen: ${sawOverLimit}, Retry-After honoured: ${waited}, final status: ${run.outcome.finalStatus}). Please report this with the output above.`)
}

/** Null when both runs made the same calls with the same statuses and server states, else the first difference. */
export function storyDifference(recorded: readonly ClientCall[], replayed: readonly ClientCall[]): string | null {
  const describe = (call: ClientCall | undefined): string => (call ? `${call.method} ${call.operation} ${call.status}${call.operation === 'servers.get' ? ` ${call.note}` : ''}` : 'nothing')
  for (let index = 0; index < Math.max(recorded.length, replayed.length); index += 1) {
    const [was, is] = [describe(recorded[index]), describe(replayed[index])]
    if (was !== is) return `call ${index + 1} was ${was} when recorded, ${is} on replay`
  }
  return null
}

/** True when something answers HTTP at the URL. */
async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(2000) })
    return true
  } catch {
    return false
  }
}
