import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, onTestFinished, test } from 'vitest'
import { createFakeClock, parseCassette } from '../../cassettes/index.js'
import { createRecordingProxy } from '../../proxy/index.js'
import { createReplayServer } from '../../replay/server/replay-server.js'
import { startFakeCloud } from '../../upstream/index.js'
import { parseXml } from '../helpers/fake-cloud.js'

const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json' }

/** A client given a fixed token and compute endpoint, as the Nova lane's clients are: no identity exchange. */
async function listAndBoot(compute: string, token: string, imageRef: string, flavorRef: string): Promise<string[]> {
  const headers = { ...JSON_HEADERS, 'x-auth-token': token }
  const seen: string[] = []
  const flavors = (await (await fetch(`${compute}/flavors`, { headers })).json()) as { flavors: unknown[] }
  seen.push(`flavors ${flavors.flavors.length}`)
  const created = await fetch(`${compute}/servers`, { method: 'POST', headers, body: JSON.stringify({ server: { name: 'web1', imageRef, flavorRef } }) })
  const id = ((await created.json()) as { server: { id: string } }).server.id
  seen.push(`create ${created.status}`)
  for (let poll = 0; poll < 5; poll += 1) {
    const status = ((await (await fetch(`${compute}/servers/${id}`, { headers })).json()) as { server: { status: string } }).server.status
    seen.push(status)
    if (status === 'ACTIVE') break
  }
  const listed = (await (await fetch(`${compute}/servers`, { headers })).json()) as { servers: Array<{ name: string }> }
  seen.push(`servers ${listed.servers.map((server) => server.name).join(',')}`)
  return seen
}

interface Access {
  access: { token: { id: string; expires: string }; serviceCatalog: Array<{ type: string; name: string; endpoints: Array<{ publicURL: string; region: string }> }> }
}

describe('replaying a compute-only recording of the fake cloud', () => {
  test('a client authenticates against the replay server, follows the synthesized catalog and replays what was recorded', async () => {
    const cloud = await startFakeCloud({ buildPolls: 2, clock: createFakeClock('2013-03-26T10:00:00.000Z') })
    onTestFinished(() => cloud.close())
    const dir = await mkdtemp(join(tmpdir(), 'cloudtape-synthetic-'))
    onTestFinished(() => rm(dir, { recursive: true, force: true }))
    const region = cloud.regions[0] as string
    const proxy = await createRecordingProxy({ targets: cloud.computeOrigins[region] as string, cassette: join(dir, 'compute-only.json') })
    const image = cloud.baseImages[0]?.id as string
    const flavor = cloud.flavorIds[0] as string
    const recorded = await listAndBoot(`${proxy.url}/v2/${cloud.tenantId}`, cloud.token, image, flavor)
    await proxy.close()
    await cloud.close()
    expect(recorded).toEqual([`flavors ${cloud.flavorIds.length}`, 'create 202', 'BUILD', 'BUILD', 'ACTIVE', 'servers web1'])
    const cassette = parseCassette(await readFile(join(dir, 'compute-only.json'), 'utf8'), 'compute-only.json')
    expect(cassette.interactions.map((interaction) => interaction.operation)).not.toContain('identity.tokens.create')

    const server = await createReplayServer({ cassette: join(dir, 'compute-only.json'), clock: createFakeClock('2031-05-01T12:00:00.000Z'), syntheticIdentity: { region: 'ORD' } })
    onTestFinished(() => server.close())
    const login = await fetch(`${server.authUrl}/tokens`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ auth: { passwordCredentials: { username: 'any', password: 'thing' } } }) })
    expect(login.status).toBe(200)
    const { access } = (await login.json()) as Access
    expect(access.token.expires).toBe('2031-05-02T12:00:00.000Z')
    const service = access.serviceCatalog.find((candidate) => candidate.type === 'compute' && candidate.name === 'cloudServersOpenStack')
    const endpoint = service?.endpoints.find((candidate) => candidate.region === 'ORD')
    expect(endpoint?.publicURL.startsWith(server.url)).toBe(true)
    expect(await listAndBoot(endpoint?.publicURL as string, access.token.id, image, flavor)).toEqual(recorded)
    server.session.assertAllUsed()

    const xmlLogin = await fetch(`${server.authUrl}/tokens`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/xml' }, body: '{"auth":{}}' })
    expect(xmlLogin.headers.get('content-type')).toBe('application/xml')
    const xmlAccess = parseXml(await xmlLogin.text()).access
    expect(xmlAccess.token['@id']).toBe(access.token.id)
    expect(xmlAccess.serviceCatalog.service[0].endpoint[0]['@publicURL']).toBe(endpoint?.publicURL)
  })
})
