import http from 'node:http'
import { once } from 'node:events'
import { describe, expect } from 'vitest'
import type { TransportFaultKind } from '../../cassettes/schema.js'
import { isCloudtapeError } from '../../cassettes/errors.js'
import type { SwitchKind } from '../../upstream/index.js'
import { test } from './fixtures.js'

const CASES: ReadonlyArray<[SwitchKind, number, TransportFaultKind, RegExp]> = [
  ['resetBeforeHeaders', 502, 'reset', /closed the connection before answering/],
  ['invalidResponse', 502, 'invalid-response', /not valid HTTP/],
  ['truncateBody', 502, 'truncated', /closed the connection after \d+ of \d+ bytes/],
  ['resetMidBody', 502, 'truncated', /closed the connection after \d+ of \d+ bytes/],
  ['hang', 504, 'timeout', /did not answer in time/],
]

describe('upstream failures', () => {
  test.for(CASES)('answers %s with %i and a computeFault, records a %s fault and keeps serving', async ([kind, status, fault, cause], { cloud, startProxy }) => {
    const proxy = await startProxy({ targets: [cloud.computeUrls['DFW'] as string], upstreamTimeoutMs: 300 })
    const errors: string[] = []
    proxy.on('error', (error) => errors.push(isCloudtapeError(error, 'ERR_CLOUDTAPE_UPSTREAM') ? error.message : 'wrong code'))
    cloud.switches.add({ kind, operation: 'flavors.list', times: 1 })
    const url = `${proxy.url}/v2/${cloud.tenantId}/flavors`
    const res = await fetch(url, { headers: { 'x-auth-token': cloud.token } })
    expect(res.status).toBe(status)
    const body = (await res.json()) as { computeFault: { code: number; message: string } }
    expect(body.computeFault.code).toBe(status)
    expect(body.computeFault.message).toMatch(cause)
    expect(body.computeFault.message).toContain(cloud.computeOrigins['DFW'])

    const again = await fetch(url, { headers: { 'x-auth-token': cloud.token } })
    expect(again.status).toBe(200)
    const [failed, recovered] = proxy.cassette().interactions
    expect(failed).toMatchObject({ operation: 'flavors.list', transportFault: { kind: fault } })
    expect(failed?.transportFault?.message).toMatch(cause)
    expect(recovered).toMatchObject({ operation: 'flavors.list', response: { status: 200 } })
    expect(errors).toHaveLength(1)
  })

  test('answers 502 when the upstream refuses the connection, as XML when the client asks for XML', async ({ startProxy }) => {
    const closed = http.createServer()
    closed.listen(0, '127.0.0.1')
    await once(closed, 'listening')
    const { port } = closed.address() as { port: number }
    closed.close()
    await once(closed, 'close')
    const proxy = await startProxy({ targets: [`http://127.0.0.1:${port}/v2/010101`] })
    const res = await fetch(`${proxy.url}/v2/010101/servers`, { headers: { accept: 'application/xml' } })
    expect(res.status).toBe(502)
    expect(res.headers.get('content-type')).toBe('application/xml')
    const text = await res.text()
    expect(text).toMatch(/^<\?xml[^>]*>\n<computeFault xmlns="http:\/\/docs.openstack.org\/compute\/api\/v1.1" code="502">/)
    expect(text).toContain('refused the connection (ECONNREFUSED)')
    expect(proxy.cassette().interactions).toMatchObject([{ operation: 'servers.list', response: null, transportFault: { kind: 'refused' } }])
  })

  test('answers with the hp generic fault in the hp dialect', async ({ startProxy }) => {
    const proxy = await startProxy({ targets: ['http://127.0.0.1:1/v2/010101'], dialect: 'hp' })
    const res = await fetch(`${proxy.url}/v2/010101/servers`)
    expect(res.status).toBe(502)
    expect(Object.keys((await res.json()) as object)).toEqual(['cloudServersFault'])
  })
})
