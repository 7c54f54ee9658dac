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

describe('cloudtape Polly persister: recording', () => {
  test('records what Polly saw into a normalized, redacted cassette that replays', async () => {
    const { startFakeCloud } = await import('../../upstream/index.js')
    const { mkdtemp, readFile, rm } = await import('node:fs/promises')
    const { tmpdir } = await import('node:os')
    const { join } = await import('node:path')
    const cloud = await startFakeCloud()
    onTestFinished(() => cloud.close())
    const dir = await mkdtemp(join(tmpdir(), 'cloudtape-polly-'))
    onTestFinished(() => rm(dir, { recursive: true, force: true }))
    const { Polly } = await import('@pollyjs/core')
    const adapter: unknown = (await import('@pollyjs/adapter-node-http')).default
    Polly.register(adapter as Parameters<typeof Polly.register>[0])
    Polly.register(await cloudtapePersister())
    const config = { adapters: ['node-http'], persister: 'cloudtape', logLevel: 'silent' as const, persisterOptions: { cloudtape: { dir } } as Record<string, unknown> }
    const recording = new Polly('servers/list', { ...config, mode: 'record' })
    const auth = JSON.stringify({ auth: { passwordCredentials: { username: cloud.credentials.username, password: cloud.credentials.password } } })
    const token = await nodeHttpClient(`${cloud.identityUrl}/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: auth })
    const access = JSON.parse(token.text).access
    const flavors = `${Object.values(cloud.computeUrls)[0]}/flavors`
    const listed = await nodeHttpClient(flavors, { headers: { 'x-auth-token': access.token.id } })
    expect(listed.status).toBe(200)
    await recording.stop()
    const text = await readFile(join(dir, 'servers/list.json'), 'utf8')
    expect(text).not.toContain(access.token.id)
    expect(text).not.toContain(cloud.credentials.password)
    expect(JSON.parse(text).interactions.map((i: { operation: string }) => i.operation)).toEqual(['identity.tokens.create', 'flavors.list'])
    await cloud.close()
    const replaying = new Polly('servers/list', { ...config, mode: 'replay', recordIfMissing: false })
    onTestFinished(() => replaying.stop())
    const replayed = await nodeHttpClient(flavors, { headers: { 'x-auth-token': 'any' } })
    const names = (text: string): string[] => (JSON.parse(text) as { flavors: Array<{ id: string; name: string }> }).flavors.map((flavor) => `${flavor.id} ${flavor.name}`)
    expect(replayed.status).toBe(200)
    expect(names(replayed.text)).toEqual(names(listed.text))
  })
})
