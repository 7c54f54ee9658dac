import { describe, expect, onTestFinished, test } from 'vitest'
import { cloudtapePersister } from '../../replay/engines/polly-persister.js'
import { nodeHttpClient } from '../contract/http-client.js'
import { PLACEHOLDER } from '../helpers/cassette-builder.js'

async function startPolly(recordingName: string) {
  const { Polly } = await import('@pollyjs/core')
  const adapter: unknown = (await import('@pollyjs/adapter-node-http')).default
  Polly.register(adapter as Parameters<typeof Polly.register>[0])
  Polly.register(await cloudtapePersister())
  const polly = new Polly(recordingName, {
    adapters: ['node-http'],
    persister: 'cloudtape',
    mode: 'replay',
    recordIfMissing: false,
    logLevel: 'silent',
    persisterOptions: { cloudtape: { dir: 'test/fixtures/cassettes' } } as Record<string, unknown>,
  })
  onTestFinished(() => polly.stop())
  return polly
}

const SERVER = `${PLACEHOLDER.dfw}/v2/123/servers/${PLACEHOLDER.server(1)}`

describe('cloudtape Polly persister', () => {
  test('replays a cloudtape cassette named by the Polly recording name, with cloudtape matching and order', async () => {
    await startPolly('boot-reboot-delete')
    const statuses = []
    for (let n = 0; n < 4; n += 1) statuses.push(JSON.parse((await nodeHttpClient(SERVER)).text).server.status)
    expect(statuses).toEqual(['BUILD', 'BUILD', 'ACTIVE', 'ACTIVE'])
    expect((await nodeHttpClient(`${PLACEHOLDER.dfw}/v2/123/servers/detail`)).status).toBe(217)
  })

  test('fails the request with the cloudtape miss report when nothing matches', async () => {
    await startPolly('boot-reboot-delete')
    await expect(nodeHttpClient(`${PLACEHOLDER.dfw}/v2/123/flavors`)).rejects.toThrow('No recorded interaction matches GET /v2/123/flavors (flavors.list)')
  })

  test("falls back to Polly's missing-recording error when the cassette does not exist", async () => {
    await startPolly('no-such-cassette')
    await expect(nodeHttpClient(SERVER)).rejects.toThrow(/Recording for the following request is not found/)
  })
})
