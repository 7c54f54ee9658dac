import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, onTestFinished, test } from 'vitest'
import { createFakeClock, type FakeClock } from '../../../cassettes/clock.js'
import { createFaultInjector } from '../../../replay/faults/injector.js'
import { toFaultRequest } from '../../../replay/faults/request.js'
import { sendFaultDecision, writeFaultResponse, type SendFaultOutcome } from '../../../replay/faults/send.js'
import type { FaultResponse, FaultRuleSpec } from '../../../replay/faults/types.js'
import { listenForTest } from '../../helpers/listen.js'

/** What the fake engine answers when no fault takes over: 217, a status no real server sends. */
const RECORDED: FaultResponse = { status: 217, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ server: { id: 'abc', status: 'ACTIVE', name: 'x'.repeat(200) } }) }

interface FaultServer {
  readonly url: string
  readonly clock: FakeClock
  /** Resolves with the outcome of each sendFaultDecision, in request order. */
  readonly outcomes: Array<Promise<SendFaultOutcome>>
}

/** A minimal engine on 127.0.0.1:0: decide, carry out the decision, else send the recorded answer. */
async function startFaultServer(rules: FaultRuleSpec[], options: { recorded?: FaultResponse | null } = {}): Promise<FaultServer> {
  const clock = createFakeClock('2011-06-09T10:51:53.000Z')
  const injector = createFaultInjector({ clock, rules })
  const outcomes: Array<Promise<SendFaultOutcome>> = []
  const recorded = options.recorded === undefined ? RECORDED : options.recorded
  const server: Server = createServer((req, res) => {
    const request = toFaultRequest({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers })
    const decision = injector.decide(request)
    const outcome = decision ? sendFaultDecision(res, decision, { clock, recorded }) : Promise.resolve<SendFaultOutcome>('continue')
    outcomes.push(outcome)
    void outcome.then((result) => (result === 'continue' ? writeFaultResponse(res, recorded ?? RECORDED) : undefined))
  })
  const port = await listenForTest(server)
  return { url: `http://127.0.0.1:${port}`, clock, outcomes }
}

async function rejection(promise: Promise<unknown>): Promise<Error & { cause?: { code?: string; message?: string } }> {
  try {
    await promise
  } catch (error) {
    return error as Error & { cause?: { code?: string; message?: string } }
  }
  throw new Error('expected a rejection')
}

describe('sendFaultDecision on a real loopback server, seen by fetch', () => {
  test('answers a documented fault with its status, body and Content-Length', async () => {
    const server = await startFaultServer([{ fault: { kind: 'fault', name: 'overLimit', retryAfterSeconds: 30 } }])
    const res = await fetch(`${server.url}/v2/010101/servers.xml`)
    const body = await res.text()
    expect(res.status).toBe(413)
    expect(res.headers.get('retry-after')).toBe('30')
    expect(res.headers.get('content-type')).toBe('application/xml')
    expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(body))
    expect(body).toContain('<overLimit xmlns="http://docs.openstack.org/compute/api/v1.1" code="413" retryAt="2011-06-09T10:52:23Z">')
    expect(await server.outcomes[0]).toBe('handled')
  })

  test('waits the latency on the injected clock, then lets the recorded answer through', async () => {
    const server = await startFaultServer([{ fault: { kind: 'latency', ms: 1500 } }, { when: { nth: 2 }, fault: { kind: 'latency', ms: 250 } }])
    const first = await fetch(`${server.url}/v2/010101/servers/abc`)
    expect(first.status).toBe(217)
    expect(await first.json()).toEqual(JSON.parse(RECORDED.body))
    expect((await fetch(`${server.url}/v2/010101/servers/abc`)).status).toBe(217)
    expect(server.clock.sleeps).toEqual([1500, 1750])
    expect(await Promise.all(server.outcomes)).toEqual(['continue', 'continue'])
  })

  test('resets the connection: fetch rejects with cause ECONNRESET', async () => {
    const server = await startFaultServer([{ fault: { kind: 'reset' } }])
    const error = await rejection(fetch(`${server.url}/v2/010101/servers`))
    expect(error).toBeInstanceOf(TypeError)
    expect(error.message).toBe('fetch failed')
    expect(error.cause?.code).toBe('ECONNRESET')
    expect(await server.outcomes[0]).toBe('handled')
  })

  test('truncates the recorded body: headers arrive, reading the body fails with "other side closed"', async () => {
    const server = await startFaultServer([{ fault: { kind: 'truncate', keepBytes: 20 } }])
    const res = await fetch(`${server.url}/v2/010101/servers/abc`)
    expect(res.status).toBe(217)
    expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(RECORDED.body))
    const error = await rejection(res.text())
    expect(error.message).toBe('terminated')
    expect(error.cause?.message).toBe('other side closed')
    expect(await server.outcomes[0]).toBe('handled')
  })

  test('truncates a stand-in body when the engine has no recorded answer', async () => {
    const server = await startFaultServer([{ fault: { kind: 'truncate' } }], { recorded: null })
    const res = await fetch(`${server.url}/v2/010101/os-widgets`)
    expect(res.status).toBe(200)
    expect((await rejection(res.json())).cause?.message).toBe('other side closed')
  })

  test('gives no answer until the client gives up (AbortSignal timeout)', async () => {
    const server = await startFaultServer([{ fault: { kind: 'no-answer' } }])
    const error = await rejection(fetch(`${server.url}/v2/010101/servers`, { signal: AbortSignal.timeout(100) }))
    expect(error.name).toBe('TimeoutError')
    await expect.poll(() => server.outcomes.length).toBe(1)
    expect(await server.outcomes[0]).toBe('handled')
  })

  test('lets an aborted client go while a latency is pending, without writing to a closed response', async () => {
    let release: () => void = () => undefined
    const gate = new Promise<void>((resolve) => (release = resolve))
    const clock = { ...createFakeClock(0), sleep: () => gate }
    const injector = createFaultInjector({ rules: [{ fault: { kind: 'latency', ms: 5 } }, { fault: { kind: 'fault', name: 'itemNotFound' } }] })
    const handled: Array<{ outcome: Promise<SendFaultOutcome>; closed: Promise<unknown> }> = []
    const server = createServer((req, res) => {
      const decision = injector.decide(toFaultRequest({ method: 'GET', url: req.url ?? '/' }))
      if (decision) handled.push({ outcome: sendFaultDecision(res, decision, { clock }), closed: once(res, 'close') })
    })
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    onTestFinished(() => void server.close())
    const controller = new AbortController()
    const pending = fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v2/1/servers`, { signal: controller.signal })
    await expect.poll(() => handled.length).toBe(1)
    controller.abort()
    expect((await rejection(pending)).name).toBe('AbortError')
    await handled[0]?.closed
    release()
    expect(await handled[0]?.outcome).toBe('handled')
  })
})
