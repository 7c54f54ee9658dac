import { describe, expect, onTestFinished, test } from 'vitest'
import { createCassetteRecorder, createFakeClock, type RawExchange } from '../../cassettes/index.js'
import { createReplayServer } from '../../replay/server/replay-server.js'
import { startFakeCloud } from '../../upstream/index.js'

/** fetch that hands each exchange to the recorder, as the recording proxy does. */
function recordingFetch(record: (exchange: RawExchange) => void) {
  return async (url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; json: any; headers: Headers }> => {
    const response = await fetch(url, init)
    const body = Buffer.from(await response.arrayBuffer())
    const headers: Record<string, string> = {}
    response.headers.forEach((value, name) => void (headers[name] = value))
    record({
      request: { method: init.method ?? 'GET', url, headers: init.headers ?? {}, body: Buffer.from(init.body ?? '') },
      response: { status: response.status, headers, body },
    })
    return { status: response.status, json: body.length > 0 ? JSON.parse(body.toString()) : null, headers: response.headers }
  }
}

const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json' }

describe('replaying a cassette the recorder made from live traffic', () => {
  test('replays boot and polls of the fake cloud through the catalog, with other credentials', async () => {
    const cloud = await startFakeCloud({ buildPolls: 2, clock: createFakeClock('2013-03-26T10:00:00.000Z') })
    onTestFinished(() => cloud.close())
    const recorder = createCassetteRecorder({ name: 'live/boot', clock: createFakeClock('2013-03-26T10:00:00.000Z') })
    const live = recordingFetch((exchange) => recorder.record(exchange))
    const credentials = { auth: { passwordCredentials: { username: cloud.credentials.username, password: cloud.credentials.password } } }
    const login = await live(`${cloud.identityUrl}/tokens`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(credentials) })
    const compute = cloud.computeUrls[cloud.regions[0] as string] as string
    const headers = { ...JSON_HEADERS, 'x-auth-token': login.json.access.token.id as string }
    const created = await live(`${compute}/servers`, { method: 'POST', headers, body: JSON.stringify({ server: { name: 'web1', imageRef: cloud.baseImages[0]?.id, flavorRef: cloud.flavorIds[0] } }) })
    const id = created.json.server.id as string
    const recordedStatuses: string[] = []
    for (let poll = 0; poll < 3; poll += 1) recordedStatuses.push((await live(`${compute}/servers/${id}`, { headers })).json.server.status)
    expect(recordedStatuses).toEqual(['BUILD', 'BUILD', 'ACTIVE'])
    await cloud.close()

    const server = await createReplayServer({ cassette: recorder.cassette(), warn: () => {} })
    onTestFinished(() => server.close())
    const token = await fetch(`${server.authUrl}/tokens`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ auth: { passwordCredentials: { username: 'someone-else', password: 'x' } } }) })
    const { access } = (await token.json()) as { access: { token: { id: string }; serviceCatalog: unknown } }
    const services = access.serviceCatalog as Array<{ name: string; endpoints: Array<{ publicURL: string; region?: string }> }>
    const endpoint = services.find((service) => service.name === 'cloudServersOpenStack')?.endpoints.find((candidate) => candidate.region === cloud.regions[0])?.publicURL as string
    expect(endpoint).toMatch(new RegExp(`^${server.url}/`))
    const replayHeaders = { ...JSON_HEADERS, 'x-auth-token': access.token.id }
    const replayed = await fetch(`${endpoint}/servers`, { method: 'POST', headers: replayHeaders, body: JSON.stringify({ server: { name: 'web1', imageRef: 'some-image', flavorRef: cloud.flavorIds[0] } }) })
    expect(replayed.status).toBe(created.status)
    const replayedId = ((await replayed.json()) as { server: { id: string } }).server.id
    const statuses: string[] = []
    for (let poll = 0; poll < 5; poll += 1) statuses.push(((await (await fetch(`${endpoint}/servers/${replayedId}`, { headers: replayHeaders })).json()) as { server: { status: string } }).server.status)
    expect(statuses).toEqual(['BUILD', 'BUILD', 'ACTIVE', 'ACTIVE', 'ACTIVE'])
    server.session.assertAllUsed()
  })
})
