import { createServer } from 'node:http'
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import nock from 'nock'
import { afterAll, beforeAll, describe, expect, onTestFinished, test } from 'vitest'
import { useCassette } from '../../replay/engines/nock.js'
import { usePollyCassette } from '../../replay/engines/polly.js'
import { nodeHttpClient } from '../contract/http-client.js'
import { buildCassette, PLACEHOLDER } from '../helpers/cassette-builder.js'

const BOOT = 'test/fixtures/cassettes/boot-reboot-delete.json'
const DETAIL = `${PLACEHOLDER.dfw}/v2/${PLACEHOLDER.tenant}/servers/detail`

beforeAll(() => nock.disableNetConnect())
afterAll(() => nock.enableNetConnect())

describe('nock engine', () => {
  test('intercepts node:http clients as well as native fetch', async () => {
    const tape = await useCassette(BOOT)
    onTestFinished(() => tape.close())
    expect((await nodeHttpClient(DETAIL)).status).toBe(217)
    expect((await fetch(DETAIL)).status).toBe(217)
  })

  test('fails with ERR_CLOUDTAPE_ENGINE_CONFLICT when a second session claims the same hosts, and starts once the first closed', async () => {
    const first = await useCassette(BOOT)
    await expect(useCassette(BOOT)).rejects.toMatchObject({ code: 'ERR_CLOUDTAPE_ENGINE_CONFLICT', message: expect.stringContaining('Call close() on the first one') })
    await first.close()
    const second = await useCassette(BOOT)
    await second.close()
  })

  test('fails with ERR_CLOUDTAPE_ENGINE_CONFLICT when Polly would start while nock intercepts', async () => {
    await expect(usePollyCassette(BOOT)).rejects.toMatchObject({ code: 'ERR_CLOUDTAPE_ENGINE_CONFLICT', message: expect.stringContaining('nock.restore()') })
  })

  test('fails with ERR_CLOUDTAPE_CASSETTE_NAME when a cassette name leaves its folder', async () => {
    await expect(useCassette('../../../etc/passwd', { dir: 'test/fixtures/cassettes' })).rejects.toMatchObject({ code: 'ERR_CLOUDTAPE_CASSETTE_NAME' })
  })

  test('finds a cassette by name under dir', async () => {
    const tape = await useCassette('boot-reboot-delete', { dir: 'test/fixtures/cassettes' })
    onTestFinished(() => tape.close())
    expect(tape.authUrl).toBe(`${PLACEHOLDER.identity}/v2.0`)
  })

  test('sends misses to the recorded origin in passthrough mode', async () => {
    nock.enableNetConnect('127.0.0.1')
    onTestFinished(() => nock.disableNetConnect())
    const upstream = createServer((_req, res) => res.writeHead(218, { 'content-type': 'text/plain' }).end('live'))
    upstream.listen(0, '127.0.0.1')
    await once(upstream, 'listening')
    onTestFinished(() => new Promise<void>((resolve) => upstream.close(() => resolve())))
    const origin = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`
    const cassette = buildCassette('pass', [{ method: 'GET', origin, path: '/v2/{t}/flavors', status: 217, response: { flavors: [] } }])
    const tape = await useCassette(cassette, { onMiss: 'passthrough' })
    onTestFinished(() => tape.close())
    expect((await fetch(`${origin}/v2/1/flavors`)).status).toBe(217)
    const live = await fetch(`${origin}/v2/1/images`)
    expect([live.status, await live.text()]).toEqual([218, 'live'])
  })
})
