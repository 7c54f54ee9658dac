import { readFile, stat } from 'node:fs/promises'
import { CloudtapeError, lintPath, loadCassetteFile } from '../../cassettes/index.js'
import { createRecordingProxy, type RecordingProxy } from '../../proxy/index.js'
import { startFakeCloud, type FakeCloud } from '../../upstream/index.js'
import { POLL_INTERVAL_MS } from './client.js'
import { runClient, type ClientRun, type DemoContext } from './context.js'
import { redactionExamples, summaryLines, survivingSecrets } from './redaction-report.js'

/** GET polls a new server answers BUILD to: enough to show polling, short enough to read. */
const BUILD_POLLS = 2

/** Step 1: the embedded endpoint, seeded, with realistic secrets and ids. */
export async function startEndpoint(context: DemoContext): Promise<FakeCloud> {
  const { printer } = context
  printer.step(1, `Start an embedded Cloud Servers endpoint (${context.dialect} dialect, seed ${context.seed})`)
  const cloud = await startFakeCloud({ dialect: context.dialect, seed: context.seed, clock: context.clock, buildPolls: BUILD_POLLS, actionPolls: 1 })
  context.defer(() => cloud.close())
  printer.fact('identity', cloud.identityUrl)
  printer.fact('compute', cloud.regions.map((region) => `${region} ${cloud.computeUrls[region]}`).join(', '))
  printer.fact('account', `${cloud.credentials.username}, tenant ${cloud.tenantId}; password, tokens and adminPass values are real-looking secrets`)
  return cloud
}

/** Step 2: the recording proxy in front of the endpoint's identity service. */
export async function startProxy(context: DemoContext, cloud: FakeCloud): Promise<RecordingProxy> {
  const { printer, output } = context
  printer.step(2, 'Put the recording proxy in front of it')
  const proxy = await createRecordingProxy({ targets: cloud.identityUrl, cassette: output.cassettePath, dialect: context.dialect, clock: context.clock })
  context.defer(() => proxy.close({ force: true }))
  printer.fact('proxy', `${proxy.url}: the client authenticates at ${proxy.url}/v2.0`)
  printer.fact('catalog', "the token's service catalog comes back pointing at the proxy, so compute calls go through it too")
  printer.fact('cassette', `${output.display}${output.overwrites ? ' (overwrites the cassette of an earlier run)' : ' (new file)'}`)
  return proxy
}

/** Step 3: the client scenario through the proxy, each call as the client saw it. */
export async function recordScenario(context: DemoContext, cloud: FakeCloud, proxy: RecordingProxy): Promise<ClientRun> {
  context.printer.step(3, 'Run a client through the proxy (plain fetch): log in, list, boot, poll, reboot, delete')
  const tenant = context.dialect === 'hp' ? { tenantName: cloud.tenantName } : {}
  const run = await runClient(context, `${proxy.url}/v2.0`, { username: cloud.credentials.username, password: cloud.credentials.password, ...tenant }, 'while recording')
  context.printer.note(context.printer.style.dim(`${run.calls.length} calls answered live; the client waited on a fast-forward clock (polls every ${POLL_INTERVAL_MS / 1000} s, no real wait)`))
  return run
}

/** The real secrets of the recording, the ones that must never reach the file or the screen. */
export function realSecrets(cloud: FakeCloud, run: ClientRun): Record<string, string | null> {
  return { token: run.outcome.token, password: cloud.credentials.password, adminPass: run.outcome.adminPass }
}

/**
 * Step 4: closing the proxy writes the cassette. Shows what redaction and normalization did, one
 * before → after example per kind, checks the file for the real secrets, and lints it.
 */
export async function writeCassette(context: DemoContext, cloud: FakeCloud, proxy: RecordingProxy, run: ClientRun): Promise<void> {
  const { printer, output } = context
  printer.step(4, 'Write the cassette: secrets redacted, ids and volatile values normalized')
  await proxy.close()
  const summary = proxy.summary()
  const bytes = (await stat(output.cassettePath)).size
  printer.fact('wrote', `${output.display} (${summary.interactions} interactions, ${(bytes / 1024).toFixed(1)} KiB)`)
  for (const [label, value] of summaryLines(summary)) printer.fact(label, value)
  const cassette = await loadCassetteFile(output.cassettePath)
  printExamples(context, redactionExamples(cassette, { token: run.outcome.token, tenantId: run.outcome.tenantId, serverId: run.outcome.server.id }))
  await checkNoSecret(context, realSecrets(cloud, run))
  await lintCassette(context)
}

function printExamples(context: DemoContext, examples: ReturnType<typeof redactionExamples>): void {
  const { printer, output } = context
  const kindWidth = Math.max(...examples.map((example) => example.kind.length))
  const beforeWidth = Math.max(...examples.map((example) => example.before.length))
  examples.forEach((example, index) => {
    const line = `${example.kind.padEnd(kindWidth)}  ${example.before.padEnd(beforeWidth)}  →  ${printer.style.green(example.after)}`
    if (index === 0) printer.fact('e.g.', line)
    else printer.more(line)
  })
  if (examples.length > 0) printer.more(printer.style.dim(`(left: what the client saw live; right: what ${output.display} holds)`))
}

async function checkNoSecret(context: DemoContext, secrets: Record<string, string | null>): Promise<void> {
  const text = await readFile(context.output.cassettePath, 'utf8')
  const found = survivingSecrets(text, secrets)
  if (found.length > 0) {
    throw new CloudtapeError('ERR_CLOUDTAPE_SECRET_IN_CASSETTE', `The real ${found.join(', ')} survived in ${context.output.display}. Delete the file; this is a redaction bug, please report it.`)
  }
  const names = Object.keys(secrets)
  context.printer.fact('checked', `the real ${names.slice(0, -1).join(', ')} and ${names.at(-1)} appear nowhere in the file`)
}

async function lintCassette(context: DemoContext): Promise<void> {
  const report = await lintPath(context.output.cassettePath)
  const first = report.findings[0]
  if (first) throw new CloudtapeError('ERR_CLOUDTAPE_SECRET_IN_CASSETTE', `cloudtape lint found ${report.findings.length} problem(s) in ${context.output.display}, first ${first.path}: ${first.reason}. Delete the file; please report this.`)
  context.printer.fact('lint', `${context.printer.style.green('clean')}: ${report.files} cassette, ${report.interactions} interactions, no secrets found (cloudtape lint ${context.output.display})`)
}
