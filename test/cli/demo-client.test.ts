import { describe, expect, test } from 'vitest'
import { createFakeClock } from '../../cassettes/index.js'
import { retryAfterMs, type ClientCall } from '../../cli/demo/client.js'
import { runClient, type DemoContext } from '../../cli/demo/context.js'
import { createPrinter } from '../../cli/demo/printer.js'
import { storyDifference } from '../../cli/demo/replay-steps.js'
import { DOC_TIME, startTestCloud } from '../helpers/fake-cloud.js'

function demoContext(now: number): { context: DemoContext; output: () => string } {
  let out = ''
  const printer = createPrinter({ write: (text) => void (out += text), color: false, quiet: false })
  const output = { dir: '/nowhere', cassettePath: '/nowhere/x.json', display: 'x.json', displayDir: '.', overwrites: false }
  const context: DemoContext = { dialect: 'rackspace', seed: 1, clock: createFakeClock(now), printer, output, defer: () => undefined }
  return { context, output: () => out }
}

describe("the demo's client", () => {
  test('reads Retry-After in seconds and as an HTTP date, and refuses what it cannot honour', () => {
    const now = Date.parse(DOC_TIME)
    expect(retryAfterMs('3', now)).toBe(3000)
    expect(retryAfterMs(' 0 ', now)).toBe(0)
    expect(retryAfterMs(new Date(now + 7000).toUTCString(), now)).toBe(7000)
    expect(retryAfterMs(new Date(now - 7000).toUTCString(), now)).toBe(0)
    expect(retryAfterMs(null, now)).toBeNull()
    expect(retryAfterMs('soon', now)).toBeNull()
    expect(retryAfterMs('3600', now)).toBeNull()
  })

  test("honours the endpoint's own overLimit (an HTTP-date Retry-After) on its clock, then boots the server", async () => {
    const { cloud } = await startTestCloud({ buildPolls: 1, switches: [{ kind: 'fault', operation: 'servers.create', fault: 'overLimit', nth: 1, retryAfterSeconds: 7 }] })
    const { context, output } = demoContext(Date.parse(DOC_TIME))
    const run = await runClient(context, cloud.identityUrl, { username: cloud.credentials.username, password: cloud.credentials.password }, 'in a test')
    expect(run.clientClock.sleeps).toContain(7000)
    expect(run.calls.filter((call) => call.operation === 'servers.create').map((call) => call.status)).toEqual([413, 202])
    expect(run.outcome.finalStatus).toBe('ACTIVE')
    expect(output()).toMatch(/POST +servers\.create +413 +overLimit, Retry-After .+ → waits 7 s, retries/)
  })

  test('fails with ERR_CLOUDTAPE_DEMO naming the call when the API answers what the client cannot go on from', async () => {
    const { cloud } = await startTestCloud({ switches: [{ kind: 'fault', operation: 'flavors.list', fault: 'serviceUnavailable' }] })
    const { context, output } = demoContext(Date.parse(DOC_TIME))
    const failure = runClient(context, cloud.identityUrl, { username: cloud.credentials.username, password: cloud.credentials.password }, 'while recording')
    await expect(failure).rejects.toMatchObject({ code: 'ERR_CLOUDTAPE_DEMO', message: expect.stringMatching(/client failed while recording: GET \/v2\/\d+\/flavors answered 503 serviceUnavailable/) })
    expect(output()).toMatch(/GET +flavors\.list +503 +serviceUnavailable: /)
  })

  test('fails with ERR_CLOUDTAPE_DEMO when the credentials are refused', async () => {
    const { cloud } = await startTestCloud()
    const { context } = demoContext(Date.parse(DOC_TIME))
    await expect(runClient(context, cloud.identityUrl, { username: 'demo', password: 'wrong' }, 'while recording')).rejects.toMatchObject({
      code: 'ERR_CLOUDTAPE_DEMO',
      message: expect.stringContaining('answered 401 unauthorized'),
    })
  })

  test('fails with ERR_CLOUDTAPE_DEMO when nothing listens at the auth URL', async () => {
    const { cloud } = await startTestCloud()
    await cloud.close()
    const { context } = demoContext(Date.parse(DOC_TIME))
    await expect(runClient(context, cloud.identityUrl, { username: 'demo', password: 'x' }, 'on replay')).rejects.toMatchObject({
      code: 'ERR_CLOUDTAPE_DEMO',
      message: expect.stringMatching(/client failed on replay: fetch failed \(ECONNREFUSED\)/),
    })
  })
})

describe('storyDifference', () => {
  const call = (operation: string, status: number, note = ''): ClientCall => ({ method: 'GET', operation, status, note, fault: false })

  test('finds no difference between the same calls, whatever the notes of non-poll calls', () => {
    expect(storyDifference([call('flavors.list', 200, '7 flavors'), call('servers.get', 200, 'ACTIVE')], [call('flavors.list', 200, 'other'), call('servers.get', 200, 'ACTIVE')])).toBeNull()
  })

  test('names the first call whose operation, status or server state differs', () => {
    expect(storyDifference([call('servers.get', 200, 'BUILD')], [call('servers.get', 200, 'ACTIVE')])).toBe('call 1 was GET servers.get 200 BUILD when recorded, GET servers.get 200 ACTIVE on replay')
    expect(storyDifference([call('flavors.list', 200)], [])).toBe('call 1 was GET flavors.list 200 when recorded, nothing on replay')
  })
})
