import { afterEach, describe, expect, test } from 'vitest'
import { createFakeClock, isCloudtapeError } from '../../cassettes/index.js'
import type { CassetteInput } from '../../replay/load-cassette.js'
import type { ReplaySessionOptions } from '../../replay/options.js'
import type { ReplaySession } from '../../replay/session.js'
import { buildCassette, PLACEHOLDER, serverGet, tokenSpec } from '../helpers/cassette-builder.js'
import type { HttpClient, HttpResult } from './http-client.js'

/** An engine serving one cassette, as the suite drives it. */
export interface EngineUnderTest {
  readonly authUrl: string
  readonly session: ReplaySession
  assertAllUsed(): void
  close(): Promise<void>
}

/** How to start an engine, and how its clients talk. */
export interface EngineDescription {
  readonly create: (cassette: CassetteInput, options?: ReplaySessionOptions) => Promise<EngineUnderTest>
  readonly client: HttpClient
  /** True for the server: a miss is a notImplemented fault body; in-process engines fail the request. */
  readonly missesOverHttp: boolean
}

export const FIXTURES = 'test/fixtures/cassettes'
const BOOT = `${FIXTURES}/boot-reboot-delete.json`
const S1 = PLACEHOLDER.server(1)
const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json' }
const CREDENTIALS = JSON.stringify({ auth: { passwordCredentials: { username: 'me', password: 'my-own-password' } } })

/**
 * One behaviour suite for every replay engine (nock, Polly.js, the standalone server). Each engine's
 * test file calls it; cassettes answer with statuses no real server sends (217) to prove replay.
 */
export function describeReplayEngine(name: string, engine: EngineDescription): void {
  describe(`replay engine: ${name}`, () => {
    let open: EngineUnderTest[] = []
    const start = async (cassette: CassetteInput, options?: ReplaySessionOptions): Promise<EngineUnderTest> => {
      const started = await engine.create(cassette, options)
      open.push(started)
      return started
    }
    afterEach(async () => {
      for (const started of open) await started.close()
      open = []
    })
    const send = engine.client

    async function login(tape: EngineUnderTest): Promise<{ token: string; compute: string }> {
      const res = await send(`${tape.authUrl}/tokens`, { method: 'POST', headers: JSON_HEADERS, body: CREDENTIALS })
      expect(res.status).toBe(200)
      const access = JSON.parse(res.text).access
      return { token: access.token.id, compute: access.serviceCatalog[0].endpoints[0].publicURL }
    }

    test('replays boot, polls, reboot and delete through the catalog, in recorded order', async () => {
      const tape = await start(BOOT)
      const { token, compute } = await login(tape)
      const headers = { ...JSON_HEADERS, 'x-auth-token': token }
      const created = await send(`${compute}/servers`, { method: 'POST', headers, body: JSON.stringify({ server: { name: 'web1', imageRef: 'my-image', flavorRef: '2' } }) })
      expect(created.status).toBe(202)
      const location = created.headers['location'] as string
      const status = async (): Promise<string> => JSON.parse((await send(location, { headers })).text).server.status
      expect([await status(), await status(), await status()]).toEqual(['BUILD', 'BUILD', 'ACTIVE'])
      const rebooted = await send(`${location}/action`, { method: 'POST', headers, body: JSON.stringify({ reboot: { type: 'SOFT' } }) })
      expect(rebooted.status).toBe(202)
      expect([await status(), await status()]).toEqual(['REBOOT', 'ACTIVE'])
      expect((await send(`${compute}/servers/detail`, { headers })).status).toBe(217)
      expect((await send(location, { method: 'DELETE', headers })).status).toBe(204)
      expect((await send(location, { headers })).status).toBe(404)
      expect(JSON.parse((await send(`${compute}/servers/detail`, { headers })).text)).toEqual({ servers: [] })
      tape.assertAllUsed()
    })

    test('repeats the current state for extra polls and never runs ahead of a recorded reboot', async () => {
      const tape = await start(BOOT)
      const { compute } = await login(tape)
      const poll = async (): Promise<string> => JSON.parse((await send(`${compute}/servers/${S1}`, { headers: JSON_HEADERS })).text).server.status
      const seen = []
      for (let n = 0; n < 5; n += 1) seen.push(await poll())
      expect(seen).toEqual(['BUILD', 'BUILD', 'ACTIVE', 'ACTIVE', 'ACTIVE'])
    })

    test('answers the token request with the recorded token, expiring 24 h after the injected clock', async () => {
      const tape = await start(BOOT, { clock: createFakeClock('2031-02-03T04:05:06.000Z') })
      const res = await send(`${tape.authUrl}/tokens`, { method: 'POST', headers: JSON_HEADERS, body: CREDENTIALS })
      expect(JSON.parse(res.text).access.token).toMatchObject({ id: PLACEHOLDER.token, expires: '2031-02-04T04:05:06.000Z' })
    })

    test('fails loudly, naming the closest interaction, when a request matches nothing', async () => {
      const tape = await start(BOOT)
      const { compute } = await login(tape)
      const outcome = await send(`${compute}/flavors`, { headers: JSON_HEADERS }).catch((error: unknown) => error)
      const message = engine.missesOverHttp ? JSON.parse((outcome as HttpResult).text).notImplemented.details : errorText(outcome)
      expect(message).toContain('No recorded interaction matches GET')
      expect(message).toContain('(flavors.list)')
      expect(message).toContain('cloudtape record --cassette')
      if (engine.missesOverHttp) expect((outcome as HttpResult).status).toBe(501)
    })

    test('answers a malformed JSON body with the documented badRequest fault and keeps serving', async () => {
      const tape = await start(BOOT)
      const { compute } = await login(tape)
      const broken = await send(`${compute}/servers`, { method: 'POST', headers: JSON_HEADERS, body: '{"server": {"name": "web1",' })
      expect(broken.status).toBe(400)
      expect(JSON.parse(broken.text).badRequest.code).toBe(400)
      expect((await send(`${compute}/servers/detail`, { headers: JSON_HEADERS })).status).toBe(217)
    })

    test('answers wrong credentials with the documented 401 unauthorized fault in strict mode', async () => {
      const tape = await start(BOOT, { strict: { username: 'me', password: 'right' } })
      const res = await send(`${tape.authUrl}/tokens`, { method: 'POST', headers: JSON_HEADERS, body: CREDENTIALS })
      expect(res.status).toBe(401)
      expect(JSON.parse(res.text).unauthorized.code).toBe(401)
    })

    test('reproduces a recorded connection reset as a client error', async () => {
      const cassette = buildCassette('faults/reset', [tokenSpec(), { method: 'GET', path: '/v2/{t}/flavors', status: 0, transportFault: { kind: 'reset', message: 'socket hang up' } }])
      const tape = await start(cassette)
      const { compute } = await login(tape)
      await expect(send(`${compute}/flavors`, { headers: JSON_HEADERS })).rejects.toThrow()
    })

    test('serves recorded XML byte for byte, chosen by the .xml suffix', async () => {
      const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<server xmlns="http://docs.openstack.org/compute/api/v1.1" id="${S1}" status="ACTIVE"/>\n`
      const cassette = buildCassette('servers/xml', [tokenSpec(), { ...serverGet(1, 'ACTIVE', 217), path: `/v2/{t}/servers/${S1}.xml`, response: { xml } }])
      const tape = await start(cassette)
      const { compute } = await login(tape)
      const res = await send(`${compute}/servers/${S1}.xml`)
      expect(res.status).toBe(217)
      expect(res.headers['content-type']).toBe('application/xml')
      expect(res.text).toBe(xml)
    })

    test('fails with ERR_CLOUDTAPE_UNUSED_INTERACTIONS when assertAllUsed finds unused interactions', async () => {
      const tape = await start(BOOT)
      await login(tape)
      expect(() => tape.assertAllUsed()).toThrow(expect.objectContaining({ code: 'ERR_CLOUDTAPE_UNUSED_INTERACTIONS' }))
    })

    test('answers a fault rule before matching, even a request with no recorded match', async () => {
      const tape = await start(BOOT, { faults: ['overLimit@flavors.list'] })
      const { compute } = await login(tape)
      const res = await send(`${compute}/flavors`, { headers: JSON_HEADERS })
      expect(res.status).toBe(413)
      expect(res.headers['retry-after']).toBe('60')
      expect(JSON.parse(res.text).overLimit.code).toBe(413)
    })

    test('answers the nth request with a fault without using up its recorded answer', async () => {
      const tape = await start(BOOT, { faults: ['itemNotFound@servers.get:nth=2'] })
      const { compute } = await login(tape)
      const get = (): Promise<HttpResult> => send(`${compute}/servers/${S1}`, { headers: JSON_HEADERS })
      const statuses = [(await get()).status, (await get()).status, JSON.parse((await get()).text).server.status]
      expect(statuses).toEqual([200, 404, 'BUILD'])
    })

    test('turns a polled server to ERROR with its embedded fault (error-state)', async () => {
      const tape = await start(BOOT, { faults: ['error-state@servers.get:polls=1'] })
      const { compute } = await login(tape)
      const get = async (): Promise<{ status: string; fault?: { code: number } }> => JSON.parse((await send(`${compute}/servers/${S1}`, { headers: JSON_HEADERS })).text).server
      expect((await get()).status).toBe('BUILD')
      const errored = await get()
      expect(errored.status).toBe('ERROR')
      expect(errored.fault?.code).toBe(500)
    })

    test('waits on the injected clock for a latency rule', async () => {
      const clock = createFakeClock('2031-02-03T04:05:06.000Z')
      const tape = await start(BOOT, { faults: ['latency=1500ms@servers.listDetail'], clock })
      const { compute } = await login(tape)
      expect((await send(`${compute}/servers/detail`, { headers: JSON_HEADERS })).status).toBe(217)
      expect(clock.sleeps).toEqual([1500])
    })

    test('fails the request like a dropped connection for a reset rule', async () => {
      const tape = await start(BOOT, { faults: ['reset@servers.listDetail'] })
      const { compute } = await login(tape)
      await expect(send(`${compute}/servers/detail`, { headers: JSON_HEADERS })).rejects.toThrow()
    })

    test.each([
      ['a malformed cassette', `${FIXTURES}/malformed.json`, 'ERR_CLOUDTAPE_CASSETTE_INVALID'],
      ['a wrong-version cassette', `${FIXTURES}/old-version.json`, 'ERR_CLOUDTAPE_CASSETTE_INVALID'],
      ['a cassette of an unknown dialect', `${FIXTURES}/unknown-dialect.json`, 'ERR_CLOUDTAPE_CASSETTE_INVALID'],
      ['a missing file', `${FIXTURES}/no-such-cassette.json`, 'ERR_CLOUDTAPE_CASSETTE_NOT_FOUND'],
    ])('fails with a clear error on %s', async (_what, path, code) => {
      const error = await start(path).catch((caught: unknown) => caught)
      expect(isCloudtapeError(error, code as 'ERR_CLOUDTAPE_CASSETTE_INVALID')).toBe(true)
      expect((error as Error).message).toContain(path)
    })
  })
}

function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const cause = (error as { cause?: unknown }).cause
  return `${error.message} ${cause instanceof Error ? cause.message : ''}`
}
